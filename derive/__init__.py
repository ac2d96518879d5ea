"""derive: derive the mathematics of deep-learning textbooks, and prove or refute it.

>>> import derive
>>> g = derive.Graph(); x = g.input('x')
>>> g.grad(g.let('f', derive.sigmoid(x)), x).expr
(1 - sigmoid(x))*sigmoid(x)
>>> derive.verify("w**2 >= abs(w)").status
'refuted'

Every name is imported on first use, so ``import derive`` (and ``derive --help``)
loads neither SymPy nor NumPy.
"""
import os as _os
import sys as _sys

if "sympy" not in _sys.modules:  # python-flint (our ball arithmetic) would make SymPy switch its integers to
    _os.environ.setdefault("SYMPY_GROUND_TYPES", "python")  # flint's, whose gcd can die with SIGFPE

__version__ = "0.1.0"  # as in pyproject.toml (a test keeps the two equal)

_OPS = ("sigmoid", "relu", "leaky_relu", "elu", "softplus", "gelu", "silu", "swish", "mish", "softsign", "selu",
        "hardtanh", "OPS", "MissingRule", "derivative")
__all__ = [*_OPS, "Graph", "softmax", "verify", "conv_output_size", "audit"]

_LAZY = {**dict.fromkeys(_OPS, "ops"), "Graph": "graph", "softmax": "graph", "verify": "verifier",
         "conv_output_size": "conv", "audit": "notes.audit"}
_SUBMODULES = {"nets", "testing", "render", "catalogue", "numeric", "lang", "graph", "conv", "extrema", "notes",
               "matrix", "ops", "verifier"}


def __getattr__(name):
    """Import the parts on first use, so ``import derive`` stays quick."""
    import importlib
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # once: later lookups find it without this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__, *_SUBMODULES})
