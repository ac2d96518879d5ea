"""The output size of a convolution along one axis, its formula, and a reference kernel.

A 1-D cross-correlation (the "convolution" of deep learning) of an input of
length ``n`` with a kernel of length ``k``, ``p`` zeros of padding on each
side (the "rings of zeros" of a 2-D image), stride ``s`` and dilation ``d``
places the window's first element at 0, s, 2s, … of the padded input of
length n + 2p; the window spans d(k − 1) + 1 elements, so there are

    ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1

positions.  When the window does not fit (d(k − 1) + 1 > n + 2p) there is
no output position at all; like PyTorch, :func:`conv_output_size` raises
ValueError then rather than returning 0.

>>> conv_output_size(5, 3), conv_output_size(5, 3, padding=1), conv_output_size(7, 3, stride=2)
(3, 5, 3)
>>> reference_conv1d([1, 2, 3, 4], [1, -1]).tolist()
[-1.0, -1.0, -1.0]
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .symbols import symbol

__all__ = ["conv_output_size", "conv_output_formula", "reference_conv1d"]


def _whole(name, value, least):
    """``value`` as an int ≥ ``least``, or ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        kind = "positive" if least == 1 else "non-negative"
        raise ValueError(f"{name} must be a {kind} integer, got {value!r}")
    return int(value)


def _check(n, k, padding, stride, dilation):
    n, k = _whole("n", n, 1), _whole("k", k, 1)
    p, s, d = _whole("padding", padding, 0), _whole("stride", stride, 1), _whole("dilation", dilation, 1)
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(f"the kernel's span d(k-1)+1 = {span} exceeds the padded input n+2p = {n + 2 * p}")
    return n, k, p, s, d


def conv_output_size(n, k, padding=0, stride=1, dilation=1) -> int:
    """The number of output positions ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 along one axis.

    ``padding`` is per side.  Raises ValueError for a non-integer or
    out-of-range argument, and when the kernel does not fit in the padded
    input (PyTorch's behaviour; no zero-size output).

    >>> conv_output_size(6, 3, padding=1, stride=2, dilation=2)
    2
    >>> conv_output_size(2, 3)
    Traceback (most recent call last):
    ...
    ValueError: the kernel's span d(k-1)+1 = 3 exceeds the padded input n+2p = 2
    """
    n, k, p, s, d = _check(n, k, padding, stride, dilation)
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv_output_formula() -> sp.Expr:
    """The symbolic output size ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.

    n, k, s, d are positive integers and p a non-negative integer (symbols
    made by :func:`derive.symbols.symbol` with those assumptions).

    >>> conv_output_formula()
    floor((-d*(k - 1) + n + 2*p - 1)/s) + 1
    """
    n, k, s, d = (symbol(name, integer=True, positive=True) for name in "nksd")
    p = symbol("p", integer=True, nonnegative=True)
    return sp.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1


def reference_conv1d(x, kernel, padding=0, stride=1, dilation=1) -> np.ndarray:
    """Cross-correlation by explicit enumeration of the windows (float64; for tests).

    out[j] = Σᵢ kernel[i] · x̃[j·s + i·d], x̃ the input with ``padding`` zeros on
    each side; windows are enumerated while they fit, independently of the
    closed-form count.

    >>> reference_conv1d([1, 2, 3], [1, 1], padding=1, stride=2).tolist()
    [1.0, 5.0]
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if x.ndim != 1 or w.ndim != 1:
        raise ValueError(f"x and kernel must be 1-D, got shapes {x.shape} and {w.shape}")
    _check(x.size, w.size, padding, stride, dilation)
    padded = np.concatenate([np.zeros(padding), x, np.zeros(padding)])
    span = dilation * (w.size - 1) + 1
    out, start = [], 0
    while start + span <= padded.size:
        out.append(sum(w[i] * padded[start + i * dilation] for i in range(w.size)))
        start += stride
    return np.array(out, dtype=np.float64)
