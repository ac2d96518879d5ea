"""Entries on whole families of values: softmax over K logits, and sums Σₖ.

Their kernels work on arrays along an axis and subtract the maximum first
(the log-sum-exp trick), so no logit overflows.

>>> [round(float(v), 6) for v in softmax_kernel(np.array([1000.0, 1000.0]))]
[0.5, 0.5]
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .table import defop


def _shifted(o, axis):
    """(o − max o, Σ_{k ≠ argmax} e^{o_k − max o}): the sum leaves out the exact 1 of the maximum."""
    o = np.asarray(o, dtype=np.float64)
    top = np.expand_dims(np.argmax(o, axis=axis), axis)
    d = o - np.take_along_axis(o, top, axis=axis)
    e = np.exp(d)
    np.put_along_axis(e, top, 0.0, axis=axis)
    return d, np.sum(e, axis=axis, keepdims=True)


def log_softmax_kernel(o, axis=-1):
    """log softmax(o) = o − logsumexp(o), stable for large |o|.

    logsumexp is max + log1p(Σ of the other terms), so a log-probability
    close to 0 keeps its relative accuracy (log of a sum rounded to 1 would not).

    >>> [round(float(v), 6) for v in log_softmax_kernel(np.array([0.0, 1000.0]))]
    [-1000.0, 0.0]
    >>> float(log_softmax_kernel(np.array([0.0, -40.0]))[0])  # −log(1 + e^−40), not 0
    -4.248354255291589e-18
    """
    d, rest = _shifted(o, axis)
    return d - np.log1p(rest)


def softmax_kernel(o, axis=-1):
    """softmax(o)_i = e^{o_i − max o}/Σ_k e^{o_k − max o}: no overflow, one rounding in the exponent.

    >>> [round(float(v), 4) for v in softmax_kernel(np.array([1.0, 2.0, 3.0]))]
    [0.09, 0.2447, 0.6652]
    """
    d, rest = _shifted(o, axis)
    return np.exp(d) / (1.0 + rest)


def cross_entropy_kernel(y, o, axis=-1):
    """−Σ_j y_j log softmax(o)_j, from the logits o (never log of a rounded 0).

    >>> abs(float(cross_entropy_kernel(np.array([0.0, 1.0]), np.array([0.0, 1000.0]))))
    0.0
    """
    y = np.asarray(y, dtype=np.float64)
    return -np.sum(y * log_softmax_kernel(o, axis=axis), axis=axis)


def softmax_grad(out, *o):
    """The Jacobian ∂ŷᵢ/∂oⱼ = ŷᵢ(δᵢⱼ − ŷⱼ), one row per output component."""
    return tuple(tuple(out[i] * (sp.KroneckerDelta(i, j) - out[j]) for j in range(len(o)))
                 for i in range(len(o)))


def softmax_forward(*o):
    total = sp.Add(*(sp.exp(ok) for ok in o))
    return tuple(sp.exp(oi) / total for oi in o)
defop("softmax", softmax_grad, forward=softmax_forward, numpy=softmax_kernel, arity=(1, None),
      latex=r"\operatorname{softmax}", text="softmax")


def sum_grad(out, *terms):
    return (sp.S.One,) * len(terms)
defop("sum", sum_grad, forward=sp.Sum, numpy=np.sum, latex=r"\sum", text="Σ")
