"""Matrix and vector nodes: backpropagation as textbooks write it, with shapes checked.

``Graph.input('x', shape=(n, 1))`` and ``Graph.param('W', shape=(m, n))``
declare shaped nodes; :mod:`derive.matrix.expr` builds the expressions
(``W @ x + b``, :func:`elementwise`, :func:`softmax`, :func:`cross_entropy`, …);
:mod:`derive.matrix.rules` holds each operation's shape rule, VJP, kernels and
printing; :mod:`derive.matrix.backward` runs the reverse pass;
:mod:`derive.matrix.checks` checks it against the scalar engine, ``sympy.diff``
and finite differences.
"""
from .shapes import ShapeError, dim
from .expr import (Mat, broadcast, cross_entropy, elementwise, identity, log_softmax, mean, norm, scale,
                   softmax, sqnorm, total, trace, transpose)
from . import rules  # noqa: F401,E402  registers the table

__all__ = ["Mat", "ShapeError", "dim", "elementwise", "softmax", "log_softmax", "cross_entropy", "total", "mean",
           "norm", "sqnorm", "trace", "transpose", "scale", "broadcast", "identity"]
