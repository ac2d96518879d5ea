"""Helpers and the LaTeX forms of the audit's expression grammar: scripts, fractions, macros, environments.

Kept apart from :mod:`derive.notes.translate_expr` (sums, products, names, calls)
so each module stays small; :class:`_Forms` is a mixin of its parser.
"""
from __future__ import annotations

import re

from ..lang.texreader import Node
from ..symbols import NAME_RE
from .texnodes import (OPERATION_WORDS, _GREEK, _GREEK_NAMES, _SUFFIX, _WORDS_RE, FUNCTION_NAMES, Unreadable, _blank, _ch, _checked,
                       _flatten_delimiters, _index_text, _mac, _paren, _relation, _shown, expand)

_PIECE_WORDS = {"if", "for", "when", "where", "otherwise", "else", "其他", "否则", "若", "当", "其它"}
_DEFAULT_WORDS = {"otherwise", "else", "其他", "否则", "其它"}


class _Forms:
    """Scripts, fractions, delimiters, macros, words and environments: methods of the parser."""

    # -- scripts -----------------------------------------------------------------------------

    def scripted(self, node, seq) -> str:
        base, sub, sup = node.args
        if base.kind == "macro" and base.value in ("sum", "prod"):
            return self.big(base.value, sub, sup, seq)
        if base.kind == "macro" and base.value in ("max", "min") and sub is not None and sup is None:
            var = _index_text(sub)
            if var is None or not NAME_RE.match(var):
                raise Unreadable(f"\\{base.value} over a set the reader does not know")
            body = self.operand(seq)
            return f"{base.value}({body}, {var})"
        if base.kind == "macro" and base.value == "lim":
            return self.limit(sub, seq)
        if base.kind == "macro" and base.value in ("log", "ln") and sub is not None and sup is None:
            b = self.side(list(sub.args))
            return f"log({self.call_argument(seq)})/log({b})"
        if base.kind == "macro" and base.value == "nabla":
            return self.gradient(seq)
        if _ch(base, "e") and sub is None and sup is not None:
            return f"exp({self.side(list(sup.args))})"
        name = self.base_name(base)
        if name is not None:
            text = self.name(name, seq, sub)
        else:
            if sub is not None:
                raise Unreadable(f"a subscript on {_shown(base)}")
            text = self.atom(base, seq)
        if sup is None:
            return text
        return self.power(text, sup, seq, name)

    def power(self, text, sup, seq, name=None) -> str:
        items = [n for n in _flatten_delimiters(sup.args) if not _blank(n)]
        if _is_prime(sup):
            if name is None:
                raise Unreadable("a prime on an expression")
            seq.items.insert(seq.i, Node("char", "'"))
            return self.name(name, seq) if "[" not in text and "_" not in text[len(name):] else text
        if len(items) == 1 and (_ch(items[0], "T") or _mac(items[0], "top", "intercal", "mathsf", "mathrm")):
            raise Unreadable("matrix notation (a transpose): the audit reads scalar formulas")
        if len(items) == 1 and (_ch(items[0], "*") or _mac(items[0], "ast", "star")):
            return _checked(f"{text}_star") if NAME_RE.match(text) else self._bad_power()
        if items and _ch(items[0], "(") and _ch(items[-1], ")") and NAME_RE.match(text):
            index = _index_text(Node("group", args=tuple(items[1:-1])))
            if index is not None:
                self.note(f"read {text}^({index}) as the name {text}_{index}")
                return _checked(f"{text}_{index}")
        exponent = self.side(items)
        return f"{_paren(text)}**{_paren(exponent)}"

    def _bad_power(self):
        raise Unreadable("a starred expression")

    def base_name(self, base):
        """The name of a script's base when it is a name: a letter, a Greek letter, an accent, a font."""
        if base.kind == "char" and base.value.isascii() and base.value.isalpha():
            return base.value
        if base.kind == "macro" and base.value in _GREEK:
            return _GREEK_NAMES.get(base.value, base.value)
        if base.kind == "macro" and base.value in _SUFFIX:
            inner = self.base_name(_single(base.args[0]))
            if inner is None:
                raise Unreadable(f"\\{base.value} over an expression")
            return f"{inner}_{_SUFFIX[base.value]}"
        if base.kind == "macro" and base.value in ("mathbf", "boldsymbol", "bm", "mathit", "vec", "mathsf",
                                                   "mathcal", "mathrm", "operatorname") and base.args:
            inner = base.args[0]
            word = _chars(inner)
            if len(inner.args) == 1:
                return self.base_name(_single(inner))
            if word.isascii() and _WORDS_RE.match(word) and len(word) == len(inner.args):
                return word
            return None
        if base.kind == "text" and _WORDS_RE.match(base.value.strip()):
            return base.value.strip()
        if base.kind == "group" and len(base.args) == 1:
            return self.base_name(base.args[0])
        return None

    # -- sums, limits, gradients ---------------------------------------------------------------

    def big(self, which, sub, sup, seq) -> str:
        if sub is None:
            raise Unreadable(f"a \\{which} without its index")
        items = [n for n in _flatten_delimiters(sub.args) if not _blank(n)]
        eq = [k for k, n in enumerate(items) if _ch(n, "=")]
        if eq:
            var = _index_text(Node("group", args=tuple(items[:eq[0]])))
            low = self.bound_text(items[eq[0] + 1:])
        else:
            var, low = _index_text(sub), "1"
            if sup is None:
                self.note(f"read Σ over {var} as running from 1 to n")
        if var is None or not re.fullmatch(r"[A-Za-z]\w*", var):
            raise Unreadable(f"a \\{which} over a set the reader does not know")
        high = self.bound_text([n for n in _flatten_delimiters(sup.args) if not _blank(n)]) if sup is not None else "n"
        self.bound.append(var)
        try:
            body = self.operand(seq, body=True)
        finally:
            self.bound.pop()
        if not re.search(rf"(?<![\w]){var}(?![\w])", body):
            self.reading.unused.append((which, var, body, low, high))
        return f"{which}({body}, ({var}, {low}, {high}))"

    def bound_text(self, items) -> str:
        if len(items) == 1 and _mac(items[0], "infty"):
            return "oo"
        if len(items) == 2 and _ch(items[0], "-") and _mac(items[1], "infty"):
            return "-oo"
        return self.side(items)

    def limit(self, sub, seq) -> str:
        items = [n for n in _flatten_delimiters(sub.args) if not _blank(n)] if sub is not None else []
        arrows = [k for k, n in enumerate(items) if _mac(n, "to", "rightarrow")]
        if not arrows:
            raise Unreadable("a limit without x → a")
        var = _index_text(Node("group", args=tuple(items[:arrows[0]])))
        rest = items[arrows[0] + 1:]
        side = ""
        if rest and rest[-1].kind == "scripts" and rest[-1].args[2] is not None:
            mark = _chars(rest[-1].args[2])
            if mark in ("+", "-"):
                side = f", '{mark}'"
                rest = rest[:-1] + [rest[-1].args[0]]
        if var is None or not NAME_RE.match(var):
            raise Unreadable("a limit over something that is not a variable")
        return f"limit({self.operand(seq)}, {var}, {self.bound_text(rest)}{side})"

    def gradient(self, seq) -> str:
        target = self.factor(seq)
        if not NAME_RE.match(target):
            raise Unreadable("∇ of an expression")
        self.note(f"read ∇{target} as one symbol, the gradient")
        return _checked(f"grad_{target}")

    def call_argument(self, seq) -> str:
        if not seq.done() and _ch(seq.peek(), "("):
            seq.take()
            args = self.arguments(seq)
            if len(args) != 1:
                raise Unreadable("a logarithm of several arguments")
            return args[0]
        return self.operand(seq)

    # -- fractions and delimiters --------------------------------------------------------------

    def fraction(self, num, den, seq) -> str:
        num = [n for n in _flatten_delimiters(num) if not _blank(n)]
        den = [n for n in _flatten_delimiters(den) if not _blank(n)]
        top, bottom = _differential(num), _differential(den)
        if top is not None and bottom is not None:
            (rest, order), (var_items, order2) = top, bottom
            if order > 1 and order2 == 1 and len(var_items) == 1 and var_items[0].kind == "scripts" \
                    and var_items[0].args[1] is None and _chars(var_items[0].args[2]) == str(order):
                var_items, order2 = [var_items[0].args[0]], order  # d²/dz²: the power on the variable, (dz)²
            var = self.side(var_items) if var_items else None
            if var is None or not NAME_RE.match(var) or order != order2:
                raise Unreadable("a derivative the reader cannot read")
            body = self.side(rest) if rest else self.operand(seq)
            if NAME_RE.match(body) and body != var:
                name, body = body, self.defined_body(body, var)
                if not re.search(rf"(?<![\w.]){re.escape(var)}(?![\w(])", body):
                    # L = 1/8 in a worked example, then ∂L/∂x: 0 by that definition, but not what the note means
                    raise Unreadable(f"∂{name}/∂{var}: the note's last definition of it "
                                     f"does not depend on {var}")
            for _ in range(order):
                body = f"diff({body}, {var})"
            return body
        return f"{_paren(self.side(num))}/{_paren(self.side(den))}"

    def defined_body(self, name, var) -> str:
        """What ∂name/∂var differentiates: the name's definition, or its function's when var is a parameter."""
        symbol, function = self.definitions.get(name), self.definitions.get(name + "()")
        if function is not None and var in function.params and (symbol is None or symbol.line < function.line
                                                                 or var not in expand(name, self.definitions)):
            self.reading.used.add(name)
            return f"({expand(function.body, self.definitions, frozenset(function.params))})"
        if symbol is None:
            raise Unreadable(f"∂{name}/∂{var}: {name} is not defined in the note")
        self.reading.used.add(name)
        return expand(name, self.definitions, frozenset({var}))

    def delimited(self, node, seq) -> str:
        left, right = node.value
        inner = list(node.args)
        if left in ("(", "[") and right in (")", "]"):
            return _paren(self.side(inner))
        if left in ("|", "\\vert", "\\lvert") and right in ("|", "\\vert", "\\rvert"):
            return f"abs({self.side(inner)})"
        if left in ("\\|", "\\Vert", "\\lVert") and right in ("\\|", "\\Vert", "\\rVert"):
            return self.norm(self.side(inner), seq)
        if left == "\\lfloor" and right == "\\rfloor":
            return f"floor({self.side(inner)})"
        if left == "\\lceil" and right == "\\rceil":
            return f"ceil({self.side(inner)})"
        if left == "\\{" and right == ".":
            raise Unreadable("a brace of cases written by hand: use cases")
        raise Unreadable(f"delimiters {left} … {right}")

    # -- macros, words, environments -------------------------------------------------------------

    def macro(self, node, seq) -> str:
        name = node.value
        if name in _GREEK:
            if name == "sigma" and not seq.done() and (_ch(seq.peek(), "(") or _ch(seq.peek(), "'")):
                self.note("read σ(…) as the logistic sigmoid")
                prime = _ch(seq.peek(), "'")
                if prime:
                    seq.take()
                return self.call("sigmoid", seq, None, prime=prime)
            return self.name(_GREEK_NAMES.get(name, name), seq)
        if name == "pi":
            return "pi"
        if name in ("log", "ln", "exp", "sin", "cos", "tanh", "sinh", "cosh", "arctan", "max", "min"):
            prime = not seq.done() and _ch(seq.peek(), "'")
            if prime:
                seq.take()
            return self.call(FUNCTION_NAMES[name], seq, None, prime=prime)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction(node.args[0].args, node.args[1].args, seq)
        if name == "sqrt":
            inner = self.side(list(node.args[0].args))
            if node.option is not None:
                return f"({inner})**(1/{_paren(self.side(list(node.option.args)))})"
            return f"sqrt({inner})"
        if name in _SUFFIX or name in ("mathbf", "boldsymbol", "bm", "mathit", "vec", "mathsf", "mathcal"):
            base = self.base_name(node)
            if base is None:
                if name in ("mathbf", "boldsymbol", "bm", "mathit", "mathsf"):
                    return _paren(self.side(list(node.args[0].args)))
                raise Unreadable(f"\\{name} over an expression")
            return self.letters(base, seq) if base.isalpha() and name in ("mathbf", "boldsymbol", "bm") \
                else self.name(base, seq)
        if name in ("mathrm", "operatorname", "mathop", "text", "textrm", "mbox"):
            word = _chars(node.args[0]) if node.args else ""
            if len(word) != len(node.args[0].args):
                raise Unreadable(f"\\{name} of something that is not a word")
            return self.word(word, seq)
        if name == "mathbb":
            letter = _chars(node.args[0]) if node.args else ""
            if letter == "E" and not seq.done() and (_ch(seq.peek(), "(") or _ch(seq.peek(), "[")):
                return self.expectation(seq)
            raise Unreadable("a set such as ℝⁿ, or an expectation of something the note gives no distribution for")
        if name == "nabla":
            return self.gradient(seq)
        if name in ("ldots", "cdots", "dots", "vdots", "ddots"):
            raise Unreadable("… stands for a pattern, not a formula")
        if name == "infty":
            raise Unreadable("∞ outside a limit or a bound")
        if name in ("sum", "prod"):
            raise Unreadable(f"a \\{name} without its index")
        if name in ("pm", "mp"):
            raise Unreadable("± gives two formulas: write each")
        if name == "odot":
            raise Unreadable("⊙ here: a product of entries needs a factor before it")
        if name in ("otimes", "circ", "oplus"):
            raise Unreadable("matrix notation (an elementwise or outer product)")
        if name == "partial":
            raise Unreadable("∂ outside a fraction ∂f/∂x")
        raise Unreadable(f"\\{name} in this place")

    def word(self, word, seq) -> str:
        lower = word.lower().replace(" ", "")
        if lower in _LAWS and not seq.done() and _ch(seq.peek(), "("):  # the right side of m ∼ Bernoulli(p)
            seq.take()
            return f"{_LAWS[lower]}({', '.join(self.arguments(seq))})"
        if lower in FUNCTION_NAMES:
            prime = not seq.done() and _ch(seq.peek(), "'")  # \mathrm{ReLU}'(x)
            if prime:
                seq.take()
            return self.call(FUNCTION_NAMES[lower], seq, None, prime=prime)
        if lower in OPERATION_WORDS:
            return self.operation_word(word.strip(), seq)
        if lower == "e":
            raise Unreadable(f"{word}(…) is an operation the audit does not read as a formula")
        if lower in ("d",):
            raise Unreadable("a differential outside a derivative")
        if " " in word.strip() or not _WORDS_RE.match(word.strip()) or lower in _PIECE_WORDS:
            raise Unreadable("prose in maths mode")
        self.note(f"read {word.strip()} as one name")
        return self.name(word.strip(), seq)

    def environment(self, node) -> str:
        if node.value not in ("cases", "dcases"):
            raise Unreadable(f"\\begin{{{node.value}}} inside a formula: matrix or layout notation")
        random = self.random_cases(node)
        if random is not None:
            return random
        pieces, default = [], None
        for row in node.args:
            if not any(c.args for c in row):
                continue
            value = [n for n in _flatten_delimiters(row[0].args) if not _blank(n)]
            cond = [n for cell in row[1:] for n in _flatten_delimiters(cell.args) if not _blank(n)]
            words = [n for n in cond if n.kind == "text"]
            cond = [n for n in cond if n.kind != "text" and not _ch(n, ",")]
            value_text = self.side(value)
            if not cond:
                if any(w.value.strip().lower() in _DEFAULT_WORDS for w in words) or default is None:
                    default = value_text
                    continue
                raise Unreadable("a case without its condition")
            pieces.append((self.condition(cond), value_text))
        if default is None:
            if not pieces:
                raise Unreadable("empty cases")
            default = pieces.pop()[1]
            self.note("read the last case as holding everywhere the others do not")
        text = default
        for cond, value in reversed(pieces):
            text = f"where({cond}, {value}, {text})"
        return text

    def random_cases(self, node):
        """Cases whose conditions are probabilities (dropout's "0 with probability p"): outcomes, or None."""
        outcomes = []
        for row in node.args:
            cells = [n for cell in row for n in list(cell.args) + [Node("char", "&")]][:-1]
            if not any(not _blank(n) for n in cells):
                continue
            words = "".join(n.value for n in cells if n.kind in ("char", "text") and isinstance(n.value, str)).lower()
            if not any(w in words for w in _PROBABILITY_WORDS):
                return None
            value, prob = _split_outcome(cells)
            if not value or not prob:
                raise Unreadable("a case with a probability the reader cannot separate from its value")
            outcomes.append((self.side(value), self.side(prob)))
        if len(outcomes) < 2:
            return None
        self.reading.outcomes = tuple(outcomes)
        self.note("read the cases as the outcomes of a random variable, with their probabilities")
        return "0"

    def condition(self, items) -> str:
        rels = [k for k, n in enumerate(items) if _relation(n) is not None]
        if len(rels) != 1:
            raise Unreadable("a case condition the reader does not know")
        kind, rel = _relation(items[rels[0]])
        if rel not in ("<", "<=", ">", ">="):
            raise Unreadable("a case condition the reader does not know")
        return f"{self.side(items[:rels[0]])} {rel} {self.side(items[rels[0] + 1:])}"


_LAWS = {"bernoulli": "Bernoulli", "uniform": "Uniform", "normal": "Normal"}
_PROBABILITY_WORDS = ("概率", "probability", "prob.", "w.p.", "with prob", "几率")


def _split_outcome(cells):
    """(value nodes, probability nodes) of one probability case: split at &, a space or the first word."""
    cells = list(_flatten_outcome(cells))
    if any(_ch(n, "&") for n in cells):
        k = next(k for k, n in enumerate(cells) if _ch(n, "&"))
        value, rest = cells[:k], cells[k + 1:]
    else:
        k = next((k for k, n in enumerate(cells) if _mac(n, "quad", "qquad", ",", ";", " ", "text")), None)
        if k is None:
            return None, None
        value, rest = cells[:k], cells[k + 1:]
    prob = [n for n in rest if not (n.kind == "text" or (n.kind == "char" and not n.value.isascii())
                                    or _blank(n) or _mac(n, "quad", "qquad", "text"))]
    return [n for n in value if not _blank(n)], prob


def _flatten_outcome(cells):
    for n in cells:
        if n.kind == "text" and any(w in n.value.lower() for w in _PROBABILITY_WORDS):
            yield Node("macro", "text")
            continue
        yield n


def _single(group_node):
    args = group_node.args if group_node.kind == "group" else (group_node,)
    if len(args) != 1:
        raise Unreadable("an accent over several symbols")
    return args[0]


def _is_prime(sup) -> bool:
    items = sup.args if sup.kind == "group" else (sup,)
    return bool(items) and all(_mac(n, "prime") or _ch(n, "'") for n in items)


def _chars(group) -> str:
    """The characters of a group (``^2`` → '2', ``\\text{softmax}`` → 'softmax'); '' for none."""
    return "".join(n.value for n in group.args if n.kind == "char") if group is not None else ""


def _differential(items):
    """(the rest, the order) when ``items`` start with d, ∂ or \\mathrm{d} (maybe ^2); else None."""
    if not items:
        return None
    head, order = items[0], 1
    if head.kind == "scripts" and head.args[1] is None and head.args[2] is not None:
        power = _chars(head.args[2])
        if not power.isdigit():
            return None
        head, order = head.args[0], int(power)
    is_d = _ch(head, "d") or _mac(head, "partial") or (
        _mac(head, "mathrm", "operatorname", "text") and head.args and
        [n.value for n in head.args[0].args if n.kind == "char"] == ["d"])
    if not is_d:
        return None
    rest = list(items[1:])
    if rest and rest[-1].kind == "scripts" and rest[-1].args[1] is None and rest[-1].args[2] is not None and order > 1:
        if _chars(rest[-1].args[2]) == str(order):
            rest[-1] = rest[-1].args[0]
    return rest, order
