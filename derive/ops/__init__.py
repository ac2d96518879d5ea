"""The operation table: every primitive in one entry, and the small generic traversal.

Each :class:`Op` holds everything ``derive`` knows about one operation:

- ``forward``: the SymPy class or function (``sp.exp``, or an :class:`~derive.ops.base.ActivationBase`);
- ``grad``: the local-derivative rule, ``grad(out, *args)`` → one partial per
  argument (HIPS autograd's VJPs take ``ans, x`` the same way);
- ``numpy``: a float64 kernel, stable for large inputs (None: NumPy's own);
- ``names`` and ``arity``: how the claim language calls it (empty: not callable);
- ``kinks``: ``kinks(*args)`` → expressions whose zeros are its non-smooth points;
- ``size``: how evaluating it at a number grows the work (``"exponential"``
  exponentiates the argument, ``"rounding"`` needs its every digit);
- ``latex`` and ``text``: its printed names; ``notation``: the textbook writes
  its local derivative as ``f′(z)``; ``activation``: network builders take it;
- ``interval``: a rigorous kernel over :class:`derive.certify.intervals.Interval`
  arguments (``interval(*args)`` → an Interval holding every value), built on
  the Interval's generic methods (``monotone``, ``unimodal``, …), so the op
  modules import nothing from :mod:`derive.certify`.

Every other list (the parser's allow-list, the factor notation, the builders'
activations, lambdify's NumPy module, the kink finder) is derived from the
table here.  Adding an operation is one entry in one module of this package:
``elementary.py``, ``piecewise.py``, ``activations.py``, ``arithmetic.py`` or
``families.py``.

>>> import sympy as sp
>>> x, w, b = sp.symbols('x w b', real=True)
>>> derivative(OPS['sigmoid'].forward(w*x + b), b)
(1 - sigmoid(b + w*x))*sigmoid(b + w*x)
>>> OPS['relu'].grad(OPS['relu'].forward(x), x)
(Piecewise((1, x > 0), (0, True)),)
>>> parser_functions()['swish'] is OPS['silu'].forward
True
"""
from __future__ import annotations

from .table import (OPS, MissingRule, Op, network_activations, defop, derivative, kinks, notation_ops, numpy_module,
                    op_of, parser_arity, parser_functions, rule_for, size_class)
from . import arithmetic, elementary, piecewise, activations, families  # the entries (registered on import)
from .activations import elu, gelu, mish, selu, sigmoid, silu, softplus, softsign
from .base import ActivationBase, one_minus, step, to_elementary, unevaluated_product
from .piecewise import hardtanh, leaky_relu, merge_identical, relu

swish = silu  # the same function under its other name

__all__ = ["OPS", "Op", "MissingRule", "defop", "derivative", "op_of", "rule_for", "kinks", "parser_functions",
           "parser_arity", "numpy_module", "notation_ops", "network_activations", "size_class", "ActivationBase",
           "to_elementary", "step", "unevaluated_product", "one_minus", "merge_identical",
           "sigmoid", "softplus", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "mish", "softsign",
           "hardtanh"]
