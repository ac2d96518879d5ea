r"""Printing what the safe reader read: LaTeX for the report, Unicode for the terminal.

:func:`to_latex` emits a :class:`~derive.lang.texreader.Formula` as maths-mode
LaTeX built only from allow-listed macros (:mod:`derive.lang.texmacros`),
every argument braced, every text piece through the report's escaper, so it
compiles whatever the note wrote: ``\left`` without ``\right`` is closed,
``x^a^b`` becomes ``{x^{a}}^{b}``, an ``&`` outside an alignment is a literal
ampersand, a row of ``cases`` never has more than two cells.  What the reader
kept as raw text is set in typewriter type.  :func:`to_text` gives the same
formula as one line of Unicode.

>>> from derive.lang.texreader import read
>>> to_latex(read(r"E(x_i')=0\times p + {x_i \over 1-p}"))
"E(x_{i}')=0\\times p+{\\frac{x_{i}}{1-p}}"
>>> to_text(read(r"E(x_i')=0\times p + {x_i \over 1-p}"))
'E(xᵢ′) = 0 × p + xᵢ/(1 − p)'
>>> to_latex(read(r"\input{/etc/passwd}"))
'\\text{\\texttt{\\textbackslash{}input}}{/etc/passwd}'
"""
from __future__ import annotations

import unicodedata

from ..lang.texmacros import EMITTED_ENVIRONMENT, MACROS
from .escape import escape, is_cjk, math_char

SAFE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-=()[]<>/,.;:!?|'*@\"")
ESCAPED = {"#": r"\#", "%": r"\%", "$": r"\$", "&": r"\&", "~": r"\ ", "\\": r"\backslash ",
           "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\hat{}", " ": " "}
MAX_CELLS = {"cases": 2, "matrix": 10, "pmatrix": 10, "bmatrix": 10, "Bmatrix": 10, "vmatrix": 10,
             "Vmatrix": 10, "smallmatrix": 10}


def to_latex(formula, text=escape) -> str:
    """``formula`` as maths-mode LaTeX; ``text`` escapes text pieces (default :func:`escape`).

    Rows split at a top-level ``\\`` become an ``aligned`` block, their ``&`` its alignment points.
    """
    items = list(formula.items)
    rows = _split_rows(items)
    if len(rows) == 1:
        return _seq(items, text) or "{}"  # never empty: "$$" would open a display
    shown = [_seq(row, text, cells=True) for row in rows]
    return r"\begin{aligned}%s\end{aligned}" % r" \\ ".join(shown)


def _split_rows(items):
    rows, row = [], []
    for node in items:
        if node.kind == "macro" and node.value == "\\":
            rows.append(row)
            row = []
        else:
            row.append(node)
    return rows + [row]


def _seq(items, text, cells=False) -> str:
    out, run = [], []
    for node in items:
        if node.kind == "char" and is_cjk(node.value):
            run.append(node.value)
            continue
        if run:
            out.append(r"\text{%s}" % text("".join(run)))
            run = []
        if cells and node.kind == "char" and node.value == "&":
            out.append("&")
            continue
        out.append(_node(node, text))
    if run:
        out.append(r"\text{%s}" % text("".join(run)))
    joined = ""
    for piece in out:  # a control word followed by a letter needs a space between them
        if joined and joined[-1].isalpha() and _ends_in_control_word(joined) and piece[:1].isalpha():
            joined += " "
        joined += piece
    return joined


def _ends_in_control_word(s: str) -> bool:
    i = len(s) - 1
    while i >= 0 and s[i].isalpha():
        i -= 1
    return i >= 0 and s[i] == "\\" and (i == 0 or s[i - 1] != "\\")


def _braced(node, text) -> str:
    return "{%s}" % (_seq(node.args, text) if node is not None and node.kind == "group" else
                     (_node(node, text) if node is not None else ""))


def _node(node, text) -> str:
    kind = node.kind
    if kind == "char":
        c = node.value
        if c == "":
            return "{}"
        if c in SAFE_CHARS:
            return c
        if c in ESCAPED:
            return ESCAPED[c]
        return math_char(c)
    if kind == "group":
        return "{%s}" % _seq(node.args, text)
    if kind == "scripts":
        base, sub, sup = node.args
        shown = _node(base, text)
        if base.kind == "scripts":
            shown = "{%s}" % shown
        if sub is not None:
            shown += "_" + _braced(sub, text)
        if sup is not None:
            shown += "^" + _braced(sup, text)
        return shown
    if kind == "frac":
        num, den = node.args
        return r"\%s%s%s" % ("frac" if node.value == "over" else "binom", _braced(num, text), _braced(den, text))
    if kind == "delimited":
        left, right = node.value
        return r"\left%s %s\right%s" % (left, _seq(node.args, text), right)
    if kind == "delimiter":
        delim = node.option
        if node.value in ("left", "right", "middle"):
            return "" if delim == "." else delim
        return "" if delim == "." else "\\%s%s" % (node.value, delim)
    if kind == "env":
        return _environment(node, text)
    if kind == "text":
        return r"\text{%s}" % text(node.value)
    if kind == "raw":
        return r"\text{\texttt{%s}}" % text(node.value)
    return _macro(node, text)


def _macro(node, text) -> str:
    name, spec = node.value, MACROS.get(node.value)
    if name == "\\":  # a line break inside a group: no row to end here
        return r"\quad "
    kind = spec.kind
    if kind in ("symbol", "operator", "bigop", "style", "space"):
        if name == " ":
            return r"\ "
        return spec.latex or "\\" + name
    if kind in ("accent", "font"):
        return r"%s%s" % (spec.latex or "\\" + name, _braced(node.args[0], text))
    if kind == "frac":
        return r"\%s%s%s" % (name, _braced(node.args[0], text), _braced(node.args[1], text))
    if kind == "sqrt":
        index = "[%s]" % _seq(node.option.args, text) if node.option is not None else ""
        return r"\sqrt%s%s" % (index, _braced(node.args[0], text))
    if kind == "tag":
        return r"\qquad(%s)" % _seq(node.args[0].args, text)
    return ""  # drop: \label, \nonumber


def _environment(node, text) -> str:
    name = EMITTED_ENVIRONMENT.get(node.value, node.value)
    limit = MAX_CELLS.get(name)
    if name == "array":
        limit = len(node.option.replace("|", "")) if node.option else 1
    rows = []
    for row in node.args:
        cells = [_seq(cell.args, text) for cell in row]
        if limit and len(cells) > limit:  # more cells than columns: the rest in the last one
            cells = cells[:limit - 1] + [r"\quad ".join(cells[limit - 1:])]
        rows.append(" & ".join(cells))
    body = r" \\ ".join(rows)
    if not name:  # equation: its rows, gathered
        return body if len(rows) == 1 else r"\begin{gathered}%s\end{gathered}" % body
    spec = "{%s}" % node.option if name == "array" else ""
    return r"\begin{%s}%s%s\end{%s}" % (name, spec, body, name)


# -- Unicode text ------------------------------------------------------------------------

SUPER = dict(zip("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ"))
SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
SPACED = set("=<>≤≥≠≈∼≡∝→←⇒⇔∈∉⊂⊆⟺↦+−±∓×·÷")
BLACKBOARD = dict(zip("RNZQCE", "ℝℕℤℚℂ𝔼"))


def to_text(formula) -> str:
    """``formula`` as one line of Unicode, for a terminal."""
    shown = " ; ".join(_text_seq(row) for row in _split_rows(list(formula.items)))
    return unicodedata.normalize("NFC", " ".join(shown.split()))


def _text_seq(items, compact=False) -> str:
    out = []
    for node in items:
        piece = _text(node)
        if compact:
            out.append(piece)
        elif piece in SPACED:
            if piece in "+−" and (not out or out[-1].strip() in SPACED | {"(", "[", "{", ""}):
                out.append(piece)  # a sign, not an operator: −x, (−1)
            else:
                out.append(" %s " % piece)
        elif _operator(node):
            out.append(piece + " ")
        else:
            out.append(piece)
    return "".join(out).replace("( ", "(").replace(" )", ")")


def _operator(node) -> bool:
    """``\\log`` or ``\\lim_{…}``: an operator name, followed by a space."""
    if node.kind == "scripts":
        node = node.args[0]
    return node.kind == "macro" and MACROS[node.value].kind in ("operator", "bigop")


def _script(node, table, mark) -> str:
    inner = "".join(_text_seq(node.args, compact=True).split()) if node.kind == "group" else _text(node)
    if inner and all(c in table for c in inner):
        return "".join(table[c] for c in inner)
    return mark + (inner if len(inner) == 1 else "(%s)" % inner)


def _text_group(node) -> str:
    if node is None:
        return ""
    return " ".join(_text_seq(node.args).split()) if node.kind == "group" else _text(node)


def _wrapped(s: str) -> str:
    return s if len(s) <= 1 or s.isalnum() or (s[0] in "([" and s[-1] in ")]") else "(%s)" % s


def _delimiter_text(d: str) -> str:
    r"""A delimiter as a character: ``\|`` is ‖, ``|`` is |, ``\langle`` is ⟨, ``.`` is nothing.

    >>> _delimiter_text("|"), _delimiter_text("\\|"), _delimiter_text(".")
    ('|', '‖', '')
    """
    if d == ".":
        return ""
    if d.startswith("\\"):
        return MACROS[d[1:]].text if d[1:] in MACROS else d[1:]
    return d


def _text(node) -> str:
    kind = node.kind
    if kind == "char":
        return {"-": "−", "'": "′", "&": " "}.get(node.value, node.value)
    if kind == "group":
        return _text_seq(node.args)
    if kind == "scripts":
        base, sub, sup = node.args
        shown = _text(base)
        if sub is not None:
            shown += _script(sub, SUB, "_")
        if sup is not None:
            shown += _script(sup, SUPER, "^")
        return shown
    if kind == "frac":
        num, den = (_text_group(a) for a in node.args)
        return "%s/%s" % (_wrapped(num), _wrapped(den)) if node.value == "over" else "C(%s, %s)" % (num, den)
    if kind == "delimited":
        left, right = (_delimiter_text(d) for d in node.value)
        return "%s%s%s" % (left, _text_seq(node.args), right)
    if kind == "delimiter":
        return _delimiter_text(node.option)
    if kind == "env":
        rows = ["  ".join(_text_seq(c.args) for c in row) for row in node.args]
        if node.value in ("cases", "dcases"):
            return "{ %s }" % "; ".join(rows)
        if "matrix" in node.value:
            return "[%s]" % "; ".join(rows)
        return "; ".join(rows)
    if kind in ("text", "raw"):
        return node.value
    spec = MACROS[node.value]
    if spec.kind in ("symbol", "operator", "bigop", "space"):
        return spec.text
    if spec.kind == "accent":
        inner = _text_group(node.args[0])
        return inner + spec.text if len(inner) == 1 else "%s(%s)" % (node.value, inner)
    if spec.kind == "font":
        inner = _text_group(node.args[0])
        return BLACKBOARD.get(inner, inner) if node.value == "mathbb" else inner
    if spec.kind == "frac":
        num, den = (_text_group(a) for a in node.args)
        return "%s/%s" % (_wrapped(num), _wrapped(den)) if "frac" in node.value else "C(%s, %s)" % (num, den)
    if spec.kind == "sqrt":
        return "√" + _wrapped(_text_group(node.args[0]))
    if spec.kind == "tag":
        return "   (%s)" % _text_group(node.args[0])
    return ""
