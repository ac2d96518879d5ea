"""Unary functions of the op table applied entry by entry to a matrix, and their float64 kernels.

>>> Fn.of('sigmoid').derivative().text('z')
'σ′(z)'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..ops import OPS, derivative, network_activations
from .shapes import ShapeError

ACTIVATIONS = network_activations()


@dataclass(frozen=True)
class Fn:
    """A unary function of the op table applied entry by entry, or its derivative (``order=1``)."""

    key: str
    order: int = 0

    @classmethod
    def of(cls, function):
        if isinstance(function, Fn):
            return function
        key = function if isinstance(function, str) else getattr(function, "op", None) or \
            next((k for k, op in OPS.items() if op.forward is function), None)
        if key not in OPS or not OPS[key].notation:
            names = ", ".join(sorted(k for k, op in OPS.items() if op.notation))
            raise ShapeError(f"{function!r} is not a unary function of the op table: use one of {names}")
        return cls(key)

    def scalar(self, s):
        """The function (or its derivative) at a scalar ``s``, from the op table."""
        value = ACTIVATIONS[self.key](s) if self.key in ACTIVATIONS else OPS[self.key].forward(s)
        return derivative(value, s) if self.order else value

    def derivative(self):
        if self.order:
            raise ShapeError(f"the reverse pass needs no second derivative of {self.key}")
        return Fn(self.key, 1)

    def text(self, arg):
        if self.key == "abs":
            return f"|{arg}|" if not self.order else f"sign({arg})"
        return f"{OPS[self.key].text}{'′' * self.order}({arg})"

    def latex(self, arg):
        if self.key == "abs":
            return rf"\left|{arg}\right|" if not self.order else rf"\operatorname{{sign}}\left({arg}\right)"
        return rf"{OPS[self.key].latex}{chr(39) * self.order}\left({arg}\right)"


@lru_cache(maxsize=None)
def fn_kernel(fn):
    """The float64 kernel of ``fn`` on arrays, compiled once (names from the op table, never from input)."""
    from ..numeric.evaluate import numpy_function
    from ..symbols import symbol
    s = symbol("s")
    run = numpy_function(fn.scalar(s), [s])
    return lambda a: np.asarray(run({s: a}), dtype=np.float64).reshape(a.shape)
