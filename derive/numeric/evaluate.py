"""Evaluation in float64: the one ``lambdify``, vectorised evaluators, and compiled graph programs.

:func:`lambdify_numpy` is the only call of ``sympy.lambdify`` in derive: the
op table's stable kernels (:func:`derive.ops.numpy_module`) come first, NumPy's
own functions after.  :func:`numpy_function` wraps it for the checks; a
graph's forward and reverse programs compile to one NumPy function
(:func:`compile_program`): the assignments are handed to ``lambdify`` as its
common-subexpression list, so the generated code is the straight-line program
itself, one line per node and per adjoint.  Every name in generated code is a
validated node name (:mod:`derive.symbols`) or a table entry, never user text.

>>> from derive.graph import Graph
>>> g = Graph(); x = g.input('x'); f = g.let('f', x**2)
>>> run = g.grad(f, x).numeric()
>>> value, grads = run({x: np.array([3.0])})
>>> float(value[0]), float(grads[x][0])
(9.0, 6.0)
"""
from __future__ import annotations

import inspect
import math
from typing import Callable

import numpy as np
import sympy as sp

from ..memo import Memo, expression_key
from ..ops import numpy_module
from ..ops.elementary import erfc_kernel
from ..symbols import adjoint

__all__ = ["lambdify_numpy", "float64_constants", "numpy_function", "CompiledProgram", "compile_program"]


def lambdify_numpy(args, exprs, *, cse=None, **kwargs):
    """``sympy.lambdify`` to float64 NumPy code, the op table's kernels first: the one place it is called.

    The table's functions (sigmoid, GELU, erf, …) become their stable
    kernels; everything else is NumPy's own.  Every symbol is renamed to a
    positional name of the generated code (``_v0``, ``_v1``, …) before
    printing, so no variable's name can meet a constant or a function in
    the namespace: a variable ``e`` stays apart from Euler's number, one
    named ``numpy`` from the module.  ``cse`` is lambdify's, or a callable
    giving (assignments, outputs) as :class:`CompiledProgram` passes.
    The same arguments, expressions and settings give the function compiled
    the first time (the last 512 are kept; a callable ``cse`` is never kept).

    >>> x = sp.Symbol('x', real=True)
    >>> f = lambdify_numpy([x], sp.erf(x) + x)
    >>> round(float(f(np.array(1.0))), 9), f is lambdify_numpy([x], sp.erf(x) + x)
    (1.842700793, True)
    >>> e = sp.Symbol('e', real=True)
    >>> float(lambdify_numpy([e], sp.E * e)(np.array(1.0)))
    2.718281828459045
    """
    if callable(cse):
        return _lambdify(args, exprs, cse, kwargs)
    many = type(exprs) if isinstance(exprs, (list, tuple)) else None
    key = expression_key(tuple(args), tuple(exprs) if many else exprs, many, cse, tuple(sorted(kwargs.items())))
    return _COMPILED.get_or_make(key, lambda: _lambdify(args, exprs, cse, kwargs))


_COMPILED = Memo(512)  # the functions lambdify made, by arguments, expressions and settings (derive.memo)


def _lambdify(args, exprs, cse, kwargs):
    """:func:`lambdify_numpy` without its cache."""
    exprs = float64_constants(exprs)
    pairs = cse(None)[0] if callable(cse) else []
    seen = dict.fromkeys([*args, *(s for s, _ in pairs)])
    for e in [*(exprs if isinstance(exprs, (list, tuple)) else [exprs]), *(e for _, e in pairs)]:
        if isinstance(e, sp.Basic):
            seen.update(dict.fromkeys(sorted(e.free_symbols, key=sp.default_sort_key)))
    rename = {s: sp.Symbol(f"_v{i}", real=True) for i, s in enumerate(seen)}
    fresh = lambda e: e.xreplace(rename) if isinstance(e, sp.Basic) else e
    exprs = type(exprs)(fresh(e) for e in exprs) if isinstance(exprs, (list, tuple)) else fresh(exprs)
    if callable(cse):
        assignments = [(rename[s], fresh(e)) for s, e in pairs]
        kwargs["cse"] = lambda outputs: (assignments, outputs)
    elif cse is not None:
        kwargs["cse"] = cse
    kwargs.update(_NO_DOCSTRING)
    return sp.lambdify([rename[a] for a in args], exprs, modules=[numpy_module(), _EXTRA, _NUMPY], **kwargs)


# lambdify prints the whole expression once more for the docstring of the function it makes, which nobody
# reads here: 40 % of its time.  docstring_limit=0 (SymPy 1.13 and later) leaves the expression out of it.
_NO_DOCSTRING = {"docstring_limit": 0} if "docstring_limit" in inspect.signature(sp.lambdify).parameters else {}


_EXTRA = {"erfc": erfc_kernel}  # SymPy's erfc, which has no table entry of its own (erf's does), and NumPy lacks
# NumPy itself, not the string "numpy": lambdify then prints with the same NumPyPrinter and reads the module's
# own namespace, without the `from numpy import *` it runs for the string, which loads every lazy submodule of
# NumPy 2 (random, fft, ma, polynomial, …): 0.1 s in each process that compiles a first expression.
_NUMPY = np

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


def compile_program(gradient) -> CompiledProgram:
    """Compile ``gradient``'s forward and reverse programs (see :class:`CompiledProgram`).

    >>> from derive.graph import Graph
    >>> g = Graph(); x = g.input('x'); f = g.let('f', 3*x)
    >>> run = compile_program(g.grad(f, x))
    >>> run.arguments, float(run({x: np.array(2.0)})[1][x])
    ([x], 3.0)
    """
    return CompiledProgram(gradient)


def _as_expr(value):
    if isinstance(value, str):
        raise TypeError("expressions must be SymPy objects, never strings")
    return value if isinstance(value, sp.Basic) else sp.sympify(value, strict=True)  # strings refused above


def _shape(points):
    return np.broadcast_shapes(*(np.shape(v) for v in points.values())) if points else ()


def _as_real(out, shape):
    out = np.asarray(out)
    if np.iscomplexobj(out):
        out = np.where(out.imag == 0, out.real, np.nan)
    return np.array(np.broadcast_to(out.astype(np.float64), shape))



def numpy_function(expr, symbols) -> Callable[[dict], np.ndarray]:
    """A vectorised float64 evaluator ``points -> array`` of a SymPy expression.

    ``symbols`` come from :mod:`derive.symbols`; the result is broadcast to the
    sample shape, and complex results become NaN.

    >>> x = sp.Symbol('x', real=True)
    >>> numpy_function(sp.log(x), [x])({x: np.array([1.0, -1.0])}).tolist()
    [0.0, nan]
    """
    expr, symbols = _as_expr(expr).xreplace({sp.zoo: sp.nan}), list(symbols)  # NumPy has no zoo
    if expr.free_symbols - set(symbols):
        raise ValueError(f"free symbols {sorted(map(str, expr.free_symbols - set(symbols)))} are not sampled")
    compiled = lambdify_numpy(symbols, expr)

    def evaluate(points):
        with np.errstate(all="ignore"):
            out = compiled(*(np.asarray(points[s], dtype=np.float64) for s in symbols))
        return _as_real(out, _shape(points))
    return evaluate


def _evaluator(f, symbols):
    """``numpy_function`` of an expression, or a callable ``points -> array`` made float64."""
    if isinstance(f, sp.Basic) or not callable(f):
        return numpy_function(f, symbols)

    def evaluate(points):
        with np.errstate(all="ignore"):
            return _as_real(f(points), _shape(points))
    return evaluate


def _finite(f, symbols):
    """``points -> mask``: ``f`` and its overflow-prone parts (powers, functions) are finite there."""
    if not isinstance(f, sp.Basic):
        evaluate = _evaluator(f, symbols)
        return lambda points: np.isfinite(evaluate(points))
    nodes, stack = {f}, [f]
    while stack:  # the branches of a Piecewise are evaluated only where they apply
        e = stack.pop()
        nodes.update([e] if isinstance(e, (sp.Pow, sp.Function)) and e.free_symbols else [])
        stack.extend(e.args if not isinstance(e, (sp.Piecewise, sp.logic.boolalg.Boolean)) else ())
    compiled = lambdify_numpy(symbols, sorted(nodes, key=sp.default_sort_key), cse=True)

    def finite(points):
        with np.errstate(all="ignore"):
            values = compiled(*(points[s] for s in symbols))
        return np.all([np.isfinite(_as_real(v, _shape(points))) for v in values], axis=0)
    return finite

