"""Dimensions and shapes of matrix nodes: concrete integers or symbolic sizes.

A shape is a pair ``(rows, cols)``; a column vector is ``(n, 1)``, a scalar
``(1, 1)``.  A dimension is a positive ``int`` or a positive-integer SymPy
symbol (``dim('n')``), so ``W : (m × n)`` can be derived once for every size
and instantiated small (3 × 2) to be checked entry by entry.

>>> shape_text((dim('m'), 3))
'(m × 3)'
>>> broadcast_shape((dim('B'), 4), (1, 4), "add")
(B, 4)
>>> broadcast_shape((3, 1), (2, 1), "add")
Traceback (most recent call last):
...
derive.matrix.shapes.ShapeError: add: shapes (3 × 1) and (2 × 1) do not match (3 ≠ 2 rows, and neither is 1)
"""
from __future__ import annotations

import sympy as sp

from ..symbols import symbol

MAX_ENTRIES = 4096  # a node expanded to SymPy entries has at most this many
MAX_NUMERIC_ENTRIES = 10**7  # a node evaluated in float64 has at most this many (80 MB)


class ShapeError(ValueError):
    """Two shapes that an operation cannot combine; the message names both, and the operands."""


def dim(d):
    """A dimension: a positive int, or a name (or symbol) for a symbolic size.

    >>> dim(3), dim('n'), dim('n').is_positive
    (3, n, True)
    """
    if isinstance(d, bool):
        raise ShapeError(f"a dimension must be a positive integer or a name, got {d!r}")
    if isinstance(d, int):
        if d < 1:
            raise ShapeError(f"a dimension must be a positive integer, got {d}")
        return d
    if isinstance(d, sp.Integer) and d > 0:
        return int(d)
    if isinstance(d, sp.Symbol):
        d = d.name
    if isinstance(d, str):
        return symbol(d, integer=True, positive=True)
    raise ShapeError(f"a dimension must be a positive integer or a name, got {d!r}")


def as_shape(shape):
    """A validated shape ``(rows, cols)``; ``(n,)`` is the column ``(n, 1)``."""
    if not isinstance(shape, (tuple, list)) or not 1 <= len(shape) <= 2:
        raise ShapeError(f"a shape is (rows, cols), got {shape!r}")
    dims = tuple(dim(d) for d in shape)
    return dims if len(dims) == 2 else (dims[0], 1)


def dim_text(d) -> str:
    from ..render.printing import text
    return str(d) if isinstance(d, int) else text(d)


def dim_latex(d) -> str:
    from ..render.printing import latex
    return str(d) if isinstance(d, int) else latex(d)


def shape_text(shape) -> str:
    return "(%s × %s)" % tuple(dim_text(d) for d in shape)


def shape_latex(shape) -> str:
    return r"%s \times %s" % tuple(dim_latex(d) for d in shape)


def broadcast_shape(a, b, what):
    """The shape of an elementwise operation on shapes ``a`` and ``b``, NumPy's broadcasting on two axes.

    ``what`` names the operation in the error (a callable is called only then).
    """
    out = []
    for axis, (x, y) in enumerate(zip(a, b)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            side = ("rows", "columns")[axis]
            what = what() if callable(what) else what
            raise ShapeError(f"{what}: shapes {shape_text(a)} and {shape_text(b)} do not match "
                             f"({dim_text(x)} ≠ {dim_text(y)} {side}, and neither is 1)")
    return tuple(out)


def concrete(shape, sizes, limit=MAX_NUMERIC_ENTRIES):
    """The shape with every symbolic dimension replaced by its value in ``sizes`` ({symbol: int})."""
    out = []
    for d in shape:
        if not isinstance(d, int):
            if d not in sizes:
                raise ShapeError(f"no size given for the dimension {dim_text(d)}")
            d = sizes[d]
        out.append(int(d))
    if out[0] * out[1] > limit:
        raise ShapeError(f"{out[0]} × {out[1]} is more than {limit} entries to instantiate")
    return tuple(out)


def symbols_of(shape):
    """The symbolic dimensions of a shape."""
    return [d for d in shape if not isinstance(d, int)]
