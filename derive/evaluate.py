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

import math

import numpy as np
import sympy as sp

from .ops import numpy_module
from .symbols import adjoint


def lambdify_numpy(args, exprs, **kwargs):
    """``sympy.lambdify`` to float64 NumPy code, the op table's kernels first: the one place it is called.

    The table's functions (sigmoid, GELU, erf, …) become their stable
    kernels; everything else is NumPy's own.  Every name in the generated
    code is a validated symbol name or a table entry, never user text.

    >>> x = sp.Symbol('x', real=True)
    >>> f = lambdify_numpy([x], sp.erf(x) + x)
    >>> round(float(f(np.array(1.0))), 9)
    1.842700793
    """
    return sp.lambdify(args, float64_constants(exprs), modules=[numpy_module(), "numpy"], **kwargs)


_INT64 = 2**63


def float64_constants(exprs):
    """``exprs`` with the numbers NumPy cannot take as they are made float64: a Python int beyond
    int64 (2**4095) would raise OverflowError, so it becomes its float, or ±inf beyond float64's
    range; ``zoo`` becomes NaN.  Lists and tuples are converted element by element.

    >>> x = sp.Symbol('x', real=True)
    >>> float64_constants(2**4095 * x + sp.Integer(2)**70)
    oo*x + 1.1805916207174113e+21
    """
    if isinstance(exprs, (list, tuple)):
        return type(exprs)(float64_constants(e) for e in exprs)
    if not isinstance(exprs, sp.Basic):
        return exprs
    big = {}
    for r in exprs.atoms(sp.Rational):
        if abs(r.p) >= _INT64 or r.q >= _INT64:
            value = float(r) if abs(r) < sp.Float("1.7976931348623157e308") else math.copysign(math.inf, r)
            big[r] = sp.Float(value, 17) if math.isfinite(value) else (sp.oo if value > 0 else -sp.oo)  # 17: exact
    if exprs.has(sp.zoo):
        big[sp.zoo] = sp.nan
    return exprs.xreplace(big) if big else exprs


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
        forward = [(n.symbol, float64_constants(n.expr)) for n in graph.nodes
                   if n.symbol in ancestors and n.kind == "let" and n.symbol not in free_lets]
        backward = [(a.target, float64_constants(a.expr)) for a in gradient.program]
        self.wrt = gradient.wrt
        outputs = [output] + [adjoint(w) for w in self.wrt]
        self._fn = lambdify_numpy(self.arguments, outputs, cse=lambda exprs: (forward + backward, exprs))

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
