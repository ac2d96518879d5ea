"""Float64 NumPy implementations of the primitives, stable for large inputs.

These are the NumPy halves of the rule table (:mod:`derive.rules`) and what
``lambdify`` prints for the activations of :mod:`derive.functions`.  Each one
avoids overflow: sigmoid and softplus go through ``logaddexp``, softmax and
log-softmax subtract the maximum (the log-sum-exp trick).

>>> import numpy as np
>>> float(sigmoid(np.float64(-1000.0)))
0.0
>>> float(softplus(np.float64(1000.0)))
1000.0
>>> [round(float(v), 6) for v in softmax(np.array([1000.0, 1000.0]))]
[0.5, 0.5]
"""
from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x) = 1/(1+e^{-x}) as exp(-log(1+e^{-x})), finite for every float.

    >>> float(sigmoid(0.0))
    0.5
    """
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


def softplus(x):
    """log(1+e^x) without overflow.

    >>> round(float(softplus(0.0)), 12)
    0.69314718056
    """
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def relu(x):
    """max(x, 0).

    >>> float(relu(-2.0)), float(relu(3.0))
    (0.0, 3.0)
    """
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def leaky_relu(x, a):
    """x for x > 0, a·x otherwise.

    >>> float(leaky_relu(-2.0, 0.1))
    -0.2
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, a * x)


def elu(x, a):
    """x for x > 0, a·(e^x − 1) otherwise (``expm1`` keeps small x exact).

    >>> round(float(elu(-1.0, 1.0)), 6)
    -0.632121
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


def heaviside(x):
    """The step [x > 0]; 0 at the kink, the convention of :mod:`derive.functions`.

    >>> float(heaviside(0.0)), float(heaviside(1e-300))
    (0.0, 1.0)
    """
    return np.heaviside(np.asarray(x, dtype=np.float64), 0.0)


def _shifted(o, axis):
    """(o − max o, Σ_{k ≠ argmax} e^{o_k − max o}): the sum leaves out the exact 1 of the maximum."""
    o = np.asarray(o, dtype=np.float64)
    top = np.expand_dims(np.argmax(o, axis=axis), axis)
    d = o - np.take_along_axis(o, top, axis=axis)
    e = np.exp(d)
    np.put_along_axis(e, top, 0.0, axis=axis)
    return d, np.sum(e, axis=axis, keepdims=True)


def log_softmax(o, axis=-1):
    """log softmax(o) = o − logsumexp(o), stable for large |o|.

    logsumexp is max + log1p(Σ of the other terms), so a log-probability
    close to 0 keeps its relative accuracy (log of a sum rounded to 1 would not).

    >>> [round(float(v), 6) for v in log_softmax(np.array([0.0, 1000.0]))]
    [-1000.0, 0.0]
    >>> float(log_softmax(np.array([0.0, -40.0]))[0])  # −log(1 + e^−40), not 0
    -4.248354255291589e-18
    """
    d, rest = _shifted(o, axis)
    return d - np.log1p(rest)


def softmax(o, axis=-1):
    """softmax(o)_i = e^{o_i − max o}/Σ_k e^{o_k − max o}: no overflow, one rounding in the exponent.

    >>> [round(float(v), 4) for v in softmax(np.array([1.0, 2.0, 3.0]))]
    [0.09, 0.2447, 0.6652]
    """
    d, rest = _shifted(o, axis)
    return np.exp(d) / (1.0 + rest)


def cross_entropy(y, o, axis=-1):
    """−Σ_j y_j log softmax(o)_j, from the logits o (never log of a rounded 0).

    >>> abs(float(cross_entropy(np.array([0.0, 1.0]), np.array([0.0, 1000.0]))))
    0.0
    """
    y = np.asarray(y, dtype=np.float64)
    return -np.sum(y * log_softmax(o, axis=axis), axis=axis)
