"""derive: derive the mathematics of deep-learning textbooks, and prove or refute it.

>>> import derive
>>> g = derive.Graph(); x = g.input('x')
>>> g.grad(g.let('f', derive.sigmoid(x)), x).expr
(1 - sigmoid(x))*sigmoid(x)
>>> derive.verify("w**2 >= abs(w)").status
'refuted'
"""
import os as _os
import sys as _sys

if "sympy" not in _sys.modules:  # python-flint (our ball arithmetic) would make SymPy switch its integers to
    _os.environ.setdefault("SYMPY_GROUND_TYPES", "python")  # flint's, whose gcd can die with SIGFPE
from .ops import (OPS, MissingRule, derivative, elu, gelu, hardtanh, leaky_relu, mish, relu, selu, sigmoid,
                  silu, softplus, softsign, swish)
from .verify import verify  # eager: the submodule of the same name would shadow a lazy import

__all__ = ["sigmoid", "relu", "leaky_relu", "elu", "softplus", "gelu", "silu", "swish", "mish", "softsign",
           "selu", "hardtanh", "OPS", "MissingRule", "derivative", "Graph", "softmax", "verify",
           "conv_output_size", "audit"]

_LAZY = {"Graph": "graph", "softmax": "graph", "conv_output_size": "conv", "audit": "notes.audit"}


_SUBMODULES = {"nets", "testing", "render", "catalogue", "numeric", "lang", "graph", "conv", "extrema", "notes",
               "matrix"}


def __getattr__(name):
    """Import the heavier parts on first use, so ``import derive`` stays quick."""
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
