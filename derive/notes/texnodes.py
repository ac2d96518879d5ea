r"""The tables and node helpers of the audit's LaTeX reading: names, relations, and what a node is.

:mod:`derive.notes.translate` and its grammar (:mod:`~derive.notes.translate_expr`,
:mod:`~derive.notes.translate_forms`) share these; a LaTeX name's claim-language
spelling has its one home here (:data:`FUNCTION_NAMES`, :data:`RELATIONS`).

>>> _factor("a + b"), _factor("(a + b)**2"), _factor("x*(y - 1)")
('(a + b)', '(a + b)**2', 'x*(y - 1)')
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..lang.texmacros import MACROS
from ..lang.texreader import Node
from ..symbols import NAME_RE

__all__ = ["Definition", "Unreadable", "RELATIONS", "FUNCTION_NAMES", "expand", "substitute_params"]

MAX_OUTPUT = 2000  # characters of claim text per side: the claim parser's own cap

# LaTeX relations -> (kind, claim relation).  'claim' links are decided; the others are not claims.
RELATIONS = {"=": ("claim", "="), "le": ("claim", "<="), "leq": ("claim", "<="), "<": ("claim", "<"),
             "ge": ("claim", ">="), "geq": ("claim", ">="), ">": ("claim", ">"),
             "leqslant": ("claim", "<="), "geqslant": ("claim", ">="),
             "ne": ("other", "≠"), "neq": ("other", "≠"), "approx": ("approx", "≈"), "simeq": ("approx", "≃"),
             "sim": ("distributed", "∼"), "propto": ("other", "∝"), "equiv": ("define", "≡"),
             "coloneqq": ("define", ":="), "triangleq": ("define", "≜"), "doteq": ("define", "≐"),
             "leftarrow": ("update", "←"), "gets": ("update", "←"), "to": ("arrow", "→"),
             "rightarrow": ("arrow", "→"), "Rightarrow": ("arrow", "⇒"), "iff": ("arrow", "⟺"),
             "in": ("member", "∈"), "ll": ("other", "≪"), "gg": ("other", "≫")}

# Names a note writes for functions, as the claim language calls them (keys lower-cased).
FUNCTION_NAMES = {
    "sigma": "sigmoid", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "elu": "elu", "gelu": "gelu",
    "leakyrelu": "leaky_relu", "leaky_relu": "leaky_relu", "lrelu": "leaky_relu", "softplus": "softplus",
    "silu": "silu", "swish": "swish", "exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos",
    "sinh": "sinh", "cosh": "cosh", "arctan": "atan", "atan": "atan", "erf": "erf", "sqrt": "sqrt", "abs": "abs", "sign": "sign", "sgn": "sign",
    "max": "max", "min": "min", "softmax": "softmax", "logsumexp": "logsumexp", "lse": "logsumexp",
}
# Words a note writes for operations the claim language does not have: never read as names or products.
OPERATION_WORDS = {"argmax", "argmin", "arg", "var", "cov", "mse", "ce", "bce", "conv", "pool", "attention",
                   "dropout", "bn", "batchnorm", "layernorm", "clip", "tr", "diag", "det", "rank", "mlp", "cnn",
                   "rnn", "lstm", "pr", "kl", "ent", "lim", "sup", "inf", "st", "mod", "gcd"}
_GREEK_NAMES = {"lambda": "lam", "Lambda": "Lam", "varepsilon": "epsilon", "epsilon": "epsilon",
                "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma", "varpi": "pi"}
_SUFFIX = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
           "widetilde": "tilde", "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve"}
_SKIP_MACROS = {"displaystyle", "textstyle", "scriptstyle", "left", "right", "big", "Big", "bigg", "Bigg",
                "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", ",", ";", ":", "!", " ",
                "quad", "qquad", "thinspace", "enspace", "medspace", "thickspace", "negthinspace",
                "limits", "nolimits", "nonumber", "notag", "label"}
_TIMES = {"cdot", "times", "ast", "star", "bullet"}
# Unicode a note types instead of a macro: relations, operators and Greek letters, by the macro's name.
UNICODE_RELATIONS = {"≤": "le", "≥": "ge", "≠": "ne", "≈": "approx", "←": "leftarrow", "→": "to"}
UNICODE_CHARS = {"−": "-", "–": "-", "′": "'", "∑": "sum", "×": "times", "·": "cdot", "⋅": "cdot", "∞": "infty"}
_FUNCTION_LETTERS = set("fghFGHφψϕ") | {"phi", "psi", "varphi", "ell"}
_RELATION_CHARS = {"=", "<", ">"}
# "… \qquad (2)" or "… (2)" after a space: a hand-written equation number, not a factor (2x) or a call f(2)
_EQUATION_NUMBER = re.compile(r"(\s|\\q?quad|~)\(\s*\d+(\.\d+)*\s*\)\s*\Z")


class Unreadable(ValueError):
    """The formula (or part of it) is outside what the audit reads; the message says why, in one line."""



@dataclass(frozen=True)
class Definition:
    """A name the note defined: ``y = …`` (``params`` empty) or ``f(x) = …``; ``body`` in claim text.

    ``variables`` are the free variables of the body once every definition in it
    is written out (the audit fills them in: ``y′`` is the derivative in the one
    variable ``y`` depends on).
    """

    name: str
    params: tuple
    body: str
    variables: tuple = ()
    line: int = 0
    outcomes: tuple = ()  # a random variable's (value, probability) pairs, in claim text


_TOKEN = r"(?<![\w.]){}(?![\w(\[])"


def expand(text: str, definitions: dict, stop=frozenset(), depth: int = 0) -> str:
    """``text`` with each defined name written out, except those in ``stop``; bounded in depth and size.

    >>> d = {"y": Definition("y", (), "sigmoid(z)"), "z": Definition("z", (), "w*x + b")}
    >>> expand("y*(1 - y)", d), expand("y", d, stop={"z"})
    ('(sigmoid((w*x + b)))*(1 - (sigmoid((w*x + b))))', '(sigmoid(z))')
    """
    if depth > 12 or len(text) > 4 * MAX_OUTPUT:
        raise Unreadable("definitions nested too deep to write out")
    for name, d in definitions.items():
        if d.params or d.outcomes or name in stop or not re.search(_TOKEN.format(re.escape(name)), text):
            continue
        body = expand(d.body, definitions, stop | {name}, depth + 1)
        text = re.sub(_TOKEN.format(re.escape(name)), lambda m: f"({body})", text)
    return text


def substitute_params(body: str, params, args) -> str:
    """A function's ``body`` with each parameter replaced by its argument (a token, never inside a name).

    >>> substitute_params("x**2 + exp(x_1)", ("x",), ("t + 1",))
    '(t + 1)**2 + exp(x_1)'
    """
    marks = {p: f"\x00{k}\x00" for k, p in enumerate(params)}
    for p, mark in marks.items():
        body = re.sub(r"(?<![\w.])" + re.escape(p) + r"(?![\w(])", mark, body)
    for (p, mark), arg in zip(marks.items(), args):
        body = body.replace(mark, f"({arg})")
    return body


def _blank(node) -> bool:
    return (node.kind == "char" and node.value in ("", " ", ",", ";", "&")) or \
        (node.kind == "macro" and node.value in _SKIP_MACROS) or (node.kind == "macro" and node.value == "\\")


def _starts_with_relation(row) -> bool:
    for node in row:
        if _blank(node):
            continue
        return _relation(node) is not None
    return False


def _relation(node):
    if node.kind == "char" and node.value in _RELATION_CHARS:
        return RELATIONS[node.value]
    if node.kind == "char" and node.value in UNICODE_RELATIONS:
        return RELATIONS[UNICODE_RELATIONS[node.value]]
    if node.kind == "macro" and node.value in RELATIONS:
        return RELATIONS[node.value]
    return None



_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
          "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi",
          "Psi", "Omega", "ell"}
_STOP_FACTOR = {"+", "-", "=", "<", ">", ",", ")", "]", ";", "&"}
_WORDS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _ch(node, value=None) -> bool:
    return node.kind == "char" and (value is None or node.value == value)


def _mac(node, *names) -> bool:
    return node.kind == "macro" and (not names or node.value in names)


def _paren(text: str) -> str:
    """``text`` safe as an operand: a name, a number, a call or one parenthesised group stays as it is."""
    if re.fullmatch(r"[\w.\[\]]+", text) or (re.fullmatch(r"\w*\(.*\)", text) and _balanced(text)):
        return text
    return f"({text})"


def _factor(text: str) -> str:
    """``text`` as a factor of a product: a sum or difference at its top level in parentheses, once."""
    depth = 0
    for k, c in enumerate(text):
        depth += (c in "([") - (c in ")]")
        if depth == 0 and c in "+-" and 0 < k < len(text) - 1 and text[k - 1] == " " and text[k + 1] == " ":
            return f"({text})"
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for k, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and c == ")" and k != len(text) - 1:
            return False
    return depth == 0


class _Seq:
    def __init__(self, items):
        self.items, self.i = list(items), 0

    def done(self):
        return self.i >= len(self.items)

    def peek(self):
        return self.items[self.i]

    def take(self):
        node = self.items[self.i]
        self.i += 1
        return node


def _stop(node) -> bool:
    return (node.kind == "char" and node.value in _STOP_FACTOR) or _relation(node) is not None


def _is_operator(node) -> bool:
    base = node.args[0] if node.kind == "scripts" else node
    return base.kind == "macro" and base.value in ("log", "ln", "exp", "sum", "prod", "max", "min", "lim", "sin", "cos")


def _checked(name) -> str:
    if not NAME_RE.match(name) or "__" in name or keyword.iskeyword(name) or name in ("E", "pi", "oo", "inf", "nan"):
        raise Unreadable(f"a name the claim language cannot hold: {name[:20]}")
    return name


def _index_text(sub):
    """A subscript as an index: ``1``, ``i``, ``ij``, ``t-1`` → None when it is anything else."""
    nodes = sub.args if sub.kind == "group" else (sub,)
    parts = []
    for n in nodes:
        if n.kind == "char" and (n.value.isascii() and n.value.isalnum()):
            parts.append(n.value)
        elif n.kind == "text" and _WORDS_RE.match(n.value.strip().replace(" ", "_")):
            parts.append(n.value.strip().replace(" ", "_"))
        elif n.kind == "macro" and n.value in _GREEK:
            parts.append(_GREEK_NAMES.get(n.value, n.value))
        elif n.kind == "macro" and n.value in ("mathrm", "text", "operatorname", "mathit") and n.args:
            inner = _index_text(n.args[0])
            if inner is None:
                return None
            parts.append(inner)
        elif n.kind == "group":
            inner = _index_text(n)
            if inner is None:
                return None
            parts.append(inner)
        elif n.kind == "char" and n.value in (",", " "):
            continue
        elif n.kind == "char" and n.value in "+-" and parts:  # v_{t-1}: the name v_tm1, v_{t+1}: v_tp1
            parts.append("m" if n.value == "-" else "p")
        else:
            return None
    text = "".join(parts)
    return text if text and re.fullmatch(r"[A-Za-z0-9_]{1,16}", text) else None


_UNICODE_GREEK = {m.text: name for name, m in MACROS.items() if m.kind == "symbol" and name in _GREEK}


def _unicode(node):
    """A character a note typed for a macro (θ, −, ×, ≤) as that macro's node; any other node as it is."""
    if node.kind == "char" and isinstance(node.value, str) and not node.value.isascii():
        if node.value in _UNICODE_GREEK:
            return Node("macro", _UNICODE_GREEK[node.value])
        if node.value in UNICODE_CHARS:
            mapped = UNICODE_CHARS[node.value]
            return Node("char", mapped) if len(mapped) == 1 else Node("macro", mapped)
        if node.value in UNICODE_RELATIONS:
            return Node("macro", UNICODE_RELATIONS[node.value])
    if node.kind == "scripts" and node.args[0].kind == "char":
        return Node("scripts", args=(_unicode(node.args[0]), node.args[1], node.args[2]))
    return node


def _flatten_delimiters(items):
    """``\\big(`` and friends are their delimiter; ``\\|``, ``\\Vert`` are ‖; ``\\lvert`` is |; θ is ``\\theta``."""
    for node in map(_unicode, items):
        if node.kind == "scripts" and node.args[0].kind in ("macro", "delimiter"):
            base = list(_flatten_delimiters([node.args[0]]))
            if len(base) == 1 and base[0].kind == "char":
                node = Node("scripts", args=(base[0], node.args[1], node.args[2]))
        if node.kind == "delimiter":
            d = node.option
            yield Node("char", {"\\|": "‖", "\\Vert": "‖", "\\lVert": "‖", "\\rVert": "‖", "\\lvert": "|",
                                "\\rvert": "|", "\\vert": "|", "\\{": "(", "\\}": ")"}.get(d, d))
        elif node.kind == "macro" and node.value in ("|", "Vert", "lVert", "rVert"):
            yield Node("char", "‖")
        elif node.kind == "macro" and node.value in ("lvert", "rvert", "vert", "mid"):
            yield Node("char", "|")
        elif node.kind == "macro" and node.value in ("left", "right", "middle"):
            continue
        elif node.kind == "macro" and node.value in _SKIP_MACROS:
            continue
        else:
            yield node


def _shown(node) -> str:
    if node.kind == "char":
        return repr(node.value)
    if node.kind == "macro":
        return "\\" + str(node.value)
    if node.kind == "env":
        return "\\begin{%s}" % node.value
    return node.kind


# Environments that lay formulas out (rows at \\, alignment at &): a formula reads through them.
LAYOUT_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "gathered", "gather", "gather*", "equation",
                                 "equation*", "multline", "multline*", "eqnarray", "eqnarray*", "alignat"})


def link_sources(source: str) -> list:
    r"""The LaTeX of each link of ``source``'s chain of relations, cut where the translation cuts it.

    >>> link_sources(r"a = \frac{b}{c} \le \left( d = e \right)")
    ['a = \\frac{b}{c}', '\\frac{b}{c} \\le \\left( d = e \\right)']
    """
    from ..lang.texreader import tokens
    toks = tokens(source)
    cuts, depth = [], 0
    for k, t in enumerate(toks):
        opens = t.kind == "open" or (t.kind == "begin" and t.value not in LAYOUT_ENVIRONMENTS) or \
            (t.kind == "macro" and t.value == "left")
        closes = t.kind == "close" or (t.kind == "end" and t.value not in LAYOUT_ENVIRONMENTS) or \
            (t.kind == "macro" and t.value == "right")
        depth += opens - closes
        relation = (t.kind == "char" and (t.value in _RELATION_CHARS or t.value in UNICODE_RELATIONS)) or \
            (t.kind == "macro" and t.value in RELATIONS)
        if depth != 0 or not relation:
            continue
        end = toks[k + 1].pos if k + 1 < len(toks) else len(source)
        if cuts and cuts[-1][1] == t.pos and source[cuts[-1][0]:t.pos] in ("<", ">", ":"):
            cuts[-1] = (cuts[-1][0], end)  # <=, >=, := are one relation
        elif t.kind == "char" and t.value == ":" :
            continue
        else:
            cuts.append((t.pos, end))
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(source)]
    return [source[starts[k]:ends[k + 1]].strip(" &\n") for k in range(len(cuts))]


_JOINING_WORDS = {"where", "and", "with", "for", "so", "then", "thus", "hence", "ie", "i.e.", "since", "because",
                  "if", "when", "while", "otherwise"}
_TEXT_MACROS = {"text", "textrm", "mbox", "mathrm", "textnormal", "textit", "textbf"}


def split_prose(source: str) -> list:
    r"""``source`` cut where prose joins several formulas: (offset, piece) for each piece.

    A top-level run of Chinese, ``\text{where}`` and the like, or a comma or
    semicolon before ``\quad``, separates formulas; anything else stays whole.

    >>> split_prose(r"\hat y = f(o) \quad其中 \quad y_i = e^{o_i}")
    [(0, '\\hat y = f(o) \\quad'), (22, '\\quad y_i = e^{o_i}')]
    >>> split_prose(r"a = b, \qquad c = d")
    [(0, 'a = b'), (7, '\\qquad c = d')]

    The rows of an aligned block that are formulas of their own come apart
    first, then each row at its prose, then at commas between relations.
    """
    from ..lang.texreader import tokens
    toks = tokens(source)
    rows = _rows_apart(source, toks)
    if rows:
        return [(start + k, piece) for start, row in rows for k, piece in _split_row(row)]
    return _split_row(source)


def _split_row(source: str) -> list:
    from ..lang.texreader import tokens
    toks = tokens(source)
    cuts, depth, k = [], 0, 0
    while k < len(toks):
        t = toks[k]
        depth += (t.kind in ("open", "begin")) - (t.kind in ("close", "end"))
        end = toks[k + 1].pos if k + 1 < len(toks) else len(source)
        if depth == 0 and t.kind == "char" and _is_cjk(t.value):
            j = k
            while j + 1 < len(toks) and toks[j + 1].kind == "char" and (_is_cjk(toks[j + 1].value)
                                                                       or toks[j + 1].value in "，。、：；"):
                j += 1
            cuts.append((t.pos, toks[j + 1].pos if j + 1 < len(toks) else len(source)))
            k = j + 1
            continue
        if depth == 0 and t.kind == "macro" and t.value in _TEXT_MACROS and k + 2 < len(toks) \
                and toks[k + 1].kind == "open":
            j = k + 2
            while j < len(toks) and toks[j].kind != "close":
                j += 1
            word = source[toks[k + 1].pos + 1:toks[j].pos if j < len(toks) else len(source)].strip().lower()
            if word.replace(",", "").strip() in _JOINING_WORDS or (word and all(_is_cjk(c) for c in word)):
                cuts.append((t.pos, toks[j + 1].pos if j + 1 < len(toks) else len(source)))
                k = j + 1
                continue
        if depth == 0 and t.kind == "char" and t.value in ",;" and k + 1 < len(toks) \
                and toks[k + 1].kind == "macro" and toks[k + 1].value in ("quad", "qquad"):
            cuts.append((t.pos, end))
        k += 1
    pieces, start = [], 0
    for a, b in cuts + [(len(source), len(source))]:
        piece = source[start:a]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            pieces.append((start + lead, piece.strip()))
        start = b
    if len(pieces) == 1:
        return _commas_apart(source, toks) or [(0, source)]
    return [(start + k, piece) for start, whole in pieces
            for k, piece in (_commas_apart(whole, tokens(whole)) or [(0, whole)])]


def _commas_apart(source, toks) -> list:
    """``x = 1, y = 2, w_1 = b_1 = 0``: pieces at top-level commas when every piece has a relation."""
    chunks, chunk, depth = [], [], 0
    for t in toks:
        depth += (t.kind in ("open", "begin")) - (t.kind in ("close", "end"))
        if t.kind == "macro" and t.value == "left":
            depth += 1
        elif t.kind == "macro" and t.value == "right":
            depth -= 1
        if depth == 0 and t.kind == "char" and t.value == "," :
            chunks.append(chunk)
            chunk = []
            continue
        if t.kind == "char" and t.value in "([":
            depth += 1
        elif t.kind == "char" and t.value in ")]":
            depth -= 1
        chunk.append(t)
    chunks.append(chunk)
    if len(chunks) < 2 or not all(any(_is_relation_token(t) for t in c) for c in chunks):
        return []
    out = []
    for c in chunks:
        start = c[0].pos
        last = toks.index(c[-1])
        end = toks[last + 1].pos if last + 1 < len(toks) else len(source)
        out.append((start, source[start:end].strip()))
    return out


def _is_relation_token(t) -> bool:
    return (t.kind == "char" and (t.value in _RELATION_CHARS or t.value in UNICODE_RELATIONS)) or \
        (t.kind == "macro" and t.value in RELATIONS)


def _rows_apart(source, toks) -> list:
    r"""An aligned block whose rows are separate formulas (``z &= wx \ h &= σ(z)``): one piece per row.

    Rows that go on with a relation (``&= …``) continue the formula above; the
    block's ``egin``/``\end``, its ``&`` and ``\`` are left out of the pieces.
    """
    rows, row, depth = [], [], 0
    for k, t in enumerate(toks):
        transparent = t.kind in ("begin", "end") and t.value in LAYOUT_ENVIRONMENTS
        depth += (t.kind in ("open", "begin") and not transparent) - (t.kind in ("close", "end") and not transparent)
        if transparent or (depth == 0 and t.kind == "special" and t.value == "&"):
            continue
        if depth == 0 and t.kind == "macro" and t.value in ("\\", "cr"):
            rows.append(row)
            row = []
            continue
        row.append(k)
    rows.append(row)
    rows = [r for r in rows if any(toks[k].kind != "comment" for k in r)]
    merged = []
    for r in rows:
        first = toks[r[0]]
        continues = (first.kind == "char" and (first.value in _RELATION_CHARS or first.value in UNICODE_RELATIONS)) \
            or (first.kind == "macro" and first.value in RELATIONS)
        if merged and continues:
            merged[-1] = merged[-1] + r
        else:
            merged.append(list(r))
    if len(merged) < 2:
        return []
    out = []
    for r in merged:
        text = "".join(source[toks[k].pos:(toks[k + 1].pos if k + 1 < len(toks) else len(source))] for k in r)
        if text.strip():
            out.append((toks[r[0]].pos, text.strip()))
    return out if len(out) > 1 else []


def _is_cjk(char: str) -> bool:
    return len(char) == 1 and ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char in "，。、：；")
