"""The computation graph of a SymPy expression: one node per operation, as ``derive grad`` draws it.

:meth:`derive.graph.Graph.from_expr` is the entry point; :func:`graph_of` fills a given
empty graph, so this module imports nothing of :mod:`derive.graph`.

>>> import sympy as sp
>>> from derive.graph import Graph
>>> x = sp.Symbol('x', real=True)
>>> g, f = graph_of(Graph(), sp.exp(-x) + 1)
>>> [(n.name, n.expr) for n in g.nodes if n.kind == 'let']
[('u1', exp(-x)), ('f', u1 + 1)]
"""
from __future__ import annotations

import sympy as sp


def graph_of(g, expr, output="f", params=()):
    """``(g, output symbol)`` with ``expr`` added to the empty graph ``g``, one node per operation.

    Numeric coefficients, negation and reciprocals stay inside the node that
    uses them; variables named in ``params`` become parameters, the others inputs.
    """
    leaves = sorted(expr.free_symbols, key=lambda s: s.name)
    for s in leaves:
        (g.param if s.name in params else g.input)(s.name)
    taken = {s.name for s in leaves} | {output}
    counter = iter(range(1, 10**9))
    memo = {}

    def fresh():
        while True:
            name = f"u{next(counter)}"
            if name not in taken:
                return name

    def inline(e):
        coefficient, rest = e.as_coeff_Mul() if e.is_Mul else (None, None)
        return (e.is_Mul and coefficient != 1 and not rest.is_Mul) or \
            (e.is_Pow and e.exp == -1)

    def visit(e, top=False):
        if e.is_Atom:
            return g[e.name] if e.is_Symbol else e
        if e in memo:
            return memo[e]
        if isinstance(e, sp.Piecewise):  # one node; its conditions stay on the leaves they test
            rebuilt = sp.Piecewise(*((visit(value), cond) for value, cond in e.args))
        else:
            rebuilt = e.func(*(visit(a) for a in e.args))
        if inline(e) and not top:
            return rebuilt
        memo[e] = g.let(output if top else fresh(), rebuilt)
        return memo[e]

    if expr.is_Atom:
        return g, g.let(output, expr)
    return g, visit(expr, top=True)
