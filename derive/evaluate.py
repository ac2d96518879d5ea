"""Compile a graph's forward and reverse programs to one NumPy function.

The assignments are handed to ``lambdify`` as its common-subexpression list,
so the generated code is the straight-line program itself: one line per node
and per adjoint, linear in size.  Every name in it is a validated node name
(:mod:`derive.symbols`), never user text.

>>> from derive.graph import Graph
>>> import numpy as np
>>> g = Graph(); x = g.input('x'); f = g.let('f', x**2)
>>> run = g.grad(f, x).numeric()
>>> value, grads = run({x: np.array([3.0])})
>>> float(value[0]), float(grads[x][0])
(9.0, 6.0)
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .symbols import adjoint


class CompiledProgram:
    """Callable ``run(points) -> (output values, {w: gradient values})``."""

    def __init__(self, gradient):
        graph, output = gradient.graph, gradient.output
        ancestors = graph.ancestors(output)
        for a in gradient.program:  # a family rule's partials may name nodes off the output's path
            for s in a.expr.free_symbols:
                if s in graph and s not in ancestors:
                    ancestors |= graph.ancestors(s)
        free_lets = [w for w in gradient.wrt if graph.node(w).kind == "let"]
        self.arguments = [s for s in graph.leaves() if s in ancestors] + free_lets
        forward = [(n.symbol, n.expr) for n in graph.nodes
                   if n.symbol in ancestors and n.kind == "let" and n.symbol not in free_lets]
        backward = [(a.target, a.expr) for a in gradient.program]
        self.wrt = gradient.wrt
        outputs = [output] + [adjoint(w) for w in self.wrt]
        self._fn = sp.lambdify(self.arguments, outputs, modules="numpy",
                               cse=lambda exprs: (forward + backward, exprs))

    def __call__(self, points):
        args = [np.asarray(points[s], dtype=np.float64) for s in self.arguments]
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        with np.errstate(all="ignore"):
            out = self._fn(*args)
        values = [np.broadcast_to(np.asarray(v, dtype=np.float64), shape) for v in out]
        return values[0], dict(zip(self.wrt, values[1:]))


def compile_program(gradient):
    """Compile ``gradient``'s forward and reverse programs (see :class:`CompiledProgram`)."""
    return CompiledProgram(gradient)
