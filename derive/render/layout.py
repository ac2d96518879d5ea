r"""Fitting formulas to the page: their width, and lines broken at the places a textbook breaks them.

A formula is never scaled.  :func:`width` estimates, in points at 11 pt, how
wide LaTeX maths (as derive emits it) will set in display style, by reading it
with the safe reader and adding up its pieces; the estimate errs on the wide
side.  :func:`break_relation` sets a step ``lhs op rhs`` on as many lines as
it needs, breaking after the relation and before a ``+``/``−`` of the
right-hand side, in an ``aligned`` block.  A term too wide for a line even
alone is given a name (``A_{1}``) and its definition returned, to be shown
whole in an appendix, where it is broken the same way (its own too-wide parts
named in turn), so every line printed fits.  :func:`break_source` does the
same for a formula read from a note: lines at its top-level relations, then
at its ``+``/``−``.

>>> width(r"x^{2} + 1") < width(r"\frac{x^{2} + 1}{y} + \sum_{i=1}^{n} e^{o_{i}}")
True
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from ..lang.texmacros import MACROS
from ..lang.texreader import read
from . import texmath
from .printing import RELATIONS_LATEX as RELATIONS, latex

PT = 5.6                      # a letter or digit, 11 pt maths italic (errs wide)
RELATION_CHARS = set("=<>")
BINARY_CHARS = set("+-*")
NARROW = {",": 4.8, ".": 3.2, "(": 4.6, ")": 4.6, "[": 3.4, "]": 3.4, "|": 3.4, "'": 3.4, "/": 5.6, ";": 4.8,
          ":": 4.8, "!": 3.4, " ": 3.7}
SPACE_PT = {",": 1.9, ";": 3.4, ":": 2.5, "!": -1.9, " ": 3.7, "quad": 11.0, "qquad": 22.0, "thinspace": 1.9,
            "enspace": 5.5, "medspace": 2.5, "thickspace": 3.4, "negthinspace": -1.9}
RELATION_MACROS = {k for k, m in MACROS.items() if m.kind == "symbol" and m.text in "≤≥≠≈∼≃≡∝≪≫≺≻∈∉⊂⊆→←⇒⇐⇔↔⟺⟹⟸↦⟶"}


@lru_cache(maxsize=8192)
def width(tex: str) -> float:
    """The estimated display width in points of the maths ``tex``.

    A pure function of the text, kept for the texts already measured: breaking
    a long step measures the same pieces again and again.
    """
    return _items(read(tex).items, 1.0)


def _items(items, scale) -> float:
    return sum(_node(n, scale) for n in items)


def _node(n, scale) -> float:
    kind = n.kind
    if kind == "char":
        c = n.value
        if not c:
            return 0.0
        if c in RELATION_CHARS:
            return 15.0 * scale
        if c in BINARY_CHARS:
            return 13.5 * scale
        if c in NARROW:
            return NARROW[c] * scale
        return (11.2 if ord(c) > 0x2E80 else PT) * scale
    if kind == "group":
        return _items(n.args, scale)
    if kind == "scripts":
        base, sub, sup = n.args
        scripts = max(_node(s, scale * 0.72) if s is not None else 0.0 for s in (sub, sup))
        big = base.kind == "macro" and MACROS[base.value].kind in ("bigop", "operator") and base.value != "log"
        return max(_node(base, scale), scripts) if big and base.value in ("sum", "prod", "lim", "max", "min") \
            else _node(base, scale) + scripts + 1.0
    if kind == "frac":
        return max(_node(a, scale * 0.85) for a in n.args) + 2.4
    if kind == "delimited":
        return _items(n.args, scale) + 11.0 * scale
    if kind == "delimiter":
        return 6.0 * scale
    if kind == "env":
        rows = [[_node(c, scale) for c in row] for row in n.args]
        columns = max((len(r) for r in rows), default=0)
        widths = [max((r[k] for r in rows if k < len(r)), default=0.0) for k in range(columns)]
        return sum(widths) + 12.0 * max(columns - 1, 0) + 12.0
    if kind in ("text", "raw"):
        return sum(11.2 if ord(c) > 0x2E80 else 5.5 for c in str(n.value)) * scale
    return _macro(n, scale)


def _macro(n, scale) -> float:
    spec = MACROS.get(n.value)
    if spec is None:
        return 8.0 * scale
    kind = spec.kind
    if kind == "symbol":
        if n.value in RELATION_MACROS:
            return 15.0 * scale
        return (12.5 if n.value in ("cdot", "times", "pm", "mp", "odot", "otimes", "circ", "div") else 6.5) * scale
    if kind == "operator":
        return (len(n.value) * 5.0 + 3.0) * scale
    if kind == "bigop":
        return 15.0 * scale
    if kind == "space":
        return SPACE_PT.get(n.value, 3.7) * scale
    if kind in ("accent", "font"):
        inner = _node(n.args[0], scale)
        return inner * (0.95 if n.value in ("operatorname", "mathrm") else 1.0) + (2.0 if n.value == "boxed" else 0.0)
    if kind == "frac":
        return max(_node(a, scale * 0.85) for a in n.args) + 2.4
    if kind == "sqrt":
        return _node(n.args[0], scale) + 10.0 * scale
    if kind == "tag":
        return 22.0 + _node(n.args[0], scale) + 8.0
    return 0.0


# -- breaking a step lhs op rhs --------------------------------------------------------------

def _signed_terms(expr):
    """The terms of an Add as (sign, term): ``a − b`` is [("", a), ("-", b)], in the printer's order."""
    from .printing import TexPrinter
    terms = TexPrinter()._as_ordered_terms(expr)
    out = []
    for k, term in enumerate(terms):
        if term.could_extract_minus_sign():
            out.append(("-", -term))
        else:
            out.append(("+" if k else "", term))
    return out


def _term_tex(expr) -> str:
    tex = latex(expr)
    return r"\left(%s\right)" % tex if expr.is_Add else tex


class Named:
    """The parts given names while breaking, in order: (name LaTeX, expression)."""

    def __init__(self, prefix="A", start=1):
        self.prefix, self.count, self.parts = prefix, start - 1, []

    def name(self, expr) -> sp.Symbol:
        self.count += 1
        symbol = sp.Symbol("%s_%d" % (self.prefix, self.count))
        self.parts.append((latex(symbol), expr))
        return symbol


def break_relation(lhs, op, rhs, limit, named=None) -> tuple[str, int]:
    """``lhs op rhs`` as display maths no wider than ``limit`` points, and its number of lines.

    Either side breaks before the ``+``/``−`` of its sum or between the factors of its
    product; a piece too wide for a line alone becomes a name in ``named`` (a
    :class:`Named`); without ``named`` it is kept, wide.
    """
    lhs_tex = lhs if isinstance(lhs, str) else latex(lhs)
    rel = RELATIONS.get(op, op)
    whole = "%s %s %s" % (lhs_tex, rel, rhs if isinstance(rhs, str) else latex(rhs))
    if width(whole) <= limit:
        return whole, 1
    left = [lhs_tex] if width(lhs_tex) <= limit - 45.0 else _rows(lhs, limit, named)
    right = _rows(rhs, limit, named)
    if len(left) == 1 and width(left[0]) + 15.0 + width(right[0]) <= limit - 10.0:
        lines = [r"%s &%s %s" % (left[0], rel, right[0])]
    else:  # the left side on lines of its own
        lines = ["&" + left[0]] + [r"&\quad %s" % r for r in left[1:]] + [r"&%s %s" % (rel, right[0])]
    lines += [r"&\quad %s" % r for r in right[1:]]
    return r"\begin{aligned}[t]%s\end{aligned}" % r" \\ ".join(lines), len(lines)


def _pieces(expr, room, named) -> list[str]:
    """``expr`` cut where a line may break: terms of a sum, factors of a product; too-wide ones named."""
    if expr.is_Add:
        items = [(sign, term, _term_tex(term)) for sign, term in _signed_terms(expr)]
    elif expr.is_Mul and len(expr.args) > 1:
        items = [(r"\cdot" if k else "", f, _term_tex(f)) for k, f in enumerate(expr.as_ordered_factors())]
    else:
        items = [("", expr, latex(expr))]
    out = []
    for sign, part, tex in items:
        if width(tex) > room and named is not None:
            if len(items) > 1:
                tex = latex(named.name(part))
            elif part.args:  # one piece that cannot be cut: name its largest argument, which is smaller
                inner = max(part.args, key=lambda a: (len(latex(a)), sp.default_sort_key(a)))
                tex = latex(part.xreplace({inner: named.name(inner)}))
        out.append(("%s %s" % (sign, tex)).strip())
    return out


def _rows(expr, limit, named) -> list[str]:
    """The right-hand side packed into lines (LaTeX each) that fit ``limit`` less the indent."""
    room = limit - 30.0
    if isinstance(expr, str):
        return [expr]
    if type(expr).__name__ == "Mat":  # a matrix expression (derive.matrix): one row, by its own printer
        return [latex(expr)]
    if not isinstance(expr, (sp.Basic, sp.MatrixBase)):
        expr = sp.sympify(expr, strict=True)  # a Python number from the catalogue
    if isinstance(expr, sp.MatrixBase):  # entries too wide for a line are named
        if named is not None and width(latex(expr)) > room:
            expr = expr.applyfunc(lambda e: named.name(e) if width(latex(e)) > room / 2 else e)
        return [latex(expr)]
    rows, row, wide = [], "", 0.0
    for piece in _pieces(expr, room, named):  # a row's width is its pieces' (width adds up over top-level items)
        w = width(piece)
        if row and wide + w > room:
            rows.append(row)
            row, wide = piece, w
        else:
            row, wide = (row + " " + piece).strip(), wide + w
    return rows + [row]


def definitions(named, limit) -> list[str]:
    """The named parts, each ``A_{k} = …`` broken to ``limit``; parts named inside are appended and shown too."""
    out, k = [], 0
    while k < len(named.parts):
        name, expr = named.parts[k]
        inner = Named(named.prefix, named.count + 1)
        shown, _ = break_relation(name, "=", expr, limit, inner)
        out.append(shown)
        named.parts += inner.parts
        named.count = max(named.count, inner.count)
        k += 1
    return out


# -- breaking a formula read from a note --------------------------------------------------

def _is_relation(node) -> bool:
    return (node.kind == "char" and node.value in RELATION_CHARS) or \
        (node.kind == "macro" and node.value in RELATION_MACROS)


def break_source(formula, limit, text) -> str:
    """A formula of a note as display maths, on lines at its relations (then its + and −) to fit ``limit``."""
    tex = texmath.to_latex(formula, text)
    items = list(formula.items)
    if width(tex) <= limit or any(n.kind == "macro" and n.value == "\\" for n in items):
        return tex
    lines, line = [], []
    for node in items:
        if _is_relation(node) and line and _node_list_width(line) > 0:
            lines.append(line)
            line = []
        line.append(node)
    lines.append(line)
    packed = []
    for chunk in lines:  # a line still too wide: break before its top-level + and −
        if _node_list_width(chunk) <= limit - 30.0:
            packed.append(chunk)
            continue
        part = []
        for node in chunk:
            if node.kind == "char" and node.value in "+-" and part and _node_list_width(part) > limit * 0.5:
                packed.append(part)
                part = []
            part.append(node)
        packed.append(part)
    rows = []
    for k, chunk in enumerate(packed):
        shown = texmath._seq(chunk, text)
        rows.append(("&" + shown) if k == 0 or _is_relation(chunk[0]) else r"&\quad " + shown)
    return r"\begin{aligned}%s\end{aligned}" % r" \\ ".join(rows)


def _node_list_width(nodes) -> float:
    return _items(nodes, 1.0)
