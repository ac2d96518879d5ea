"""Text and LaTeX layouts of the matrix reverse pass (:mod:`derive.matrix.backward`).

The program reads as a textbook's backward pass, each adjoint with its shape
and the rule that gave it; ``factors`` writes each adjoint out in node names;
the closed form replaces every node by its definition.
"""
from __future__ import annotations

from ..matrix.table import TABLE
from ..matrix.printing import mat_latex, mat_text
from ..matrix.shapes import shape_latex, shape_text
from ..symbols import adjoint, symbol
from .latex import aligned
from .printing import latex, text
from .text import Line, numbered


def _bar(name):
    return text(adjoint(symbol(name)))


def _partial(g, w):
    return "∂%s/∂%s" % (text(symbol(g.output)), text(symbol(w)))


def _tex_partial(g, w):
    return r"\frac{\partial %s}{\partial %s}" % (latex(symbol(g.output)), latex(symbol(w)))


def assignment_text(a) -> str:
    return f"{_bar(a.node)} = {mat_text(a.expr)} : {shape_text(a.shape)}"


def assignment_latex(a) -> str:
    return r"%s &= %s \quad (%s)" % (latex(adjoint(symbol(a.node))), mat_latex(a.expr), shape_latex(a.shape))


def gradient_text(g) -> str:
    lines = []
    for w in g.wrt:
        head = f"{_partial(g, w)} = "
        forms = [mat_text(g.adjoint_values[w]), mat_text(_closed(g, w))]
        shown = forms[:1] if forms[0] == forms[1] else forms
        lines.append(head + shown[0] + f" : {shape_text(g.shape(w))}")
        lines += [" " * (len(head) - 2) + "= " + f for f in shown[1:]]
    return "\n".join(lines)


def _closed(g, w):
    return g.expr if g.single else g.expr[g.wrt.index(w)]


def _why(g, a):
    if a.node == g.output:
        return "the output: %s = 1" % _partial(g, g.output)
    if not a.sources:
        return "no path joins %s to %s" % (text(symbol(a.node)), text(symbol(g.output)))
    parts = []
    for child, rules in a.sources:
        said = "; ".join(TABLE[r].says for r in rules if TABLE[r].says)
        parts.append("from %s = %s%s" % (text(symbol(child)), mat_text(g.graph.node(child).expr),
                                         f" — {said}" if said else ""))
    return "; ".join(parts)


def gradient_explained(g) -> str:
    wrt = ", ".join(text(symbol(w)) for w in g.wrt)
    out = text(symbol(g.output))
    lines = ["∂%s/∂%s by the chain rule in reverse mode, in matrix form (x̄ = ∂%s/∂x has the shape of x):" % (
        out, wrt if g.single else "{%s}" % wrt, out)]
    lines += numbered([Line(assignment_text(a), _why(g, a)) for a in g.program])
    lines.append("each adjoint written out (the backward pass in node names):")
    lines += [f"  {_partial(g, w)} = {mat_text(g.adjoint_values[w])} : {shape_text(g.shape(w))}" for w in g.wrt]
    lines.append("closed form (each node replaced by its definition):")
    lines += [f"  {_partial(g, w)} = {mat_text(_closed(g, w))}" for w in g.wrt]
    return "\n".join(lines)


def gradient_latex(g) -> str:
    rows = []
    for w in g.wrt:
        forms = [mat_latex(g.adjoint_values[w]), mat_latex(_closed(g, w))]
        shown = forms[:1] if forms[0] == forms[1] else forms
        rows.append(r"%s &= %s" % (_tex_partial(g, w), r" \\ &= ".join(shown))
                    + r" \quad (%s)" % shape_latex(g.shape(w)))
    return aligned(rows)


def program_latex(g) -> str:
    """The reverse pass as an ``aligned`` block, one adjoint per row."""
    return aligned(assignment_latex(a) for a in g.program)
