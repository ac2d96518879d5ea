"""The matrix table's entries for softmax, log-softmax, cross-entropy, the norms and the trace.

Softmax runs over a vector, or over each column (axis 0) or row (axis 1) of a
batch.  Its VJP is the Jacobian (diag(s) − s·sᵀ) applied to the adjoint without
forming it: x̄ = s ⊙ (s̄ − 𝟏·(𝟏ᵀ(s ⊙ s̄))).  Cross-entropy of a softmax,
−Σ y ⊙ log softmax(o), has ō = softmax(o) − y when the labels ``y`` are an
input declared to sum to 1 along the class axis (one-hot or probabilities), and
ō = softmax(o)·Σy − y otherwise: PyTorch's ``cross_entropy`` with probability
targets computes the same.

>>> from derive.matrix.expr import node_ref, adjoint_ref, cross_entropy
>>> o, y = node_ref('o', ('K', 1)), node_ref('y', ('K', 1), distribution=0)
>>> l = cross_entropy(o, y)
>>> from derive.matrix.table import TABLE
>>> print(TABLE['cross_entropy'].vjp(l, l, adjoint_ref('l', (1, 1)))[0])
l̄·(softmax(o) − y)
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .expr import broadcast, identity, log_softmax, scale, softmax, total
from .table import ATOM, defmat
from .shapes import ShapeError, shape_text


def _stable_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _stable_log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _along(x, axis, function):
    """``function`` applied to each column (axis 0) or row (axis 1) of the SymPy matrix ``x``."""
    if axis == 0:
        return sp.Matrix.hstack(*(function(x[:, j]) for j in range(x.shape[1])))
    return sp.Matrix.vstack(*(function(x[i, :]) for i in range(x.shape[0])))


def _softmax_entries(v, axis, shape):
    def one(vec):
        total_exp = sp.Add(*(sp.exp(a) for a in vec))
        return vec.applyfunc(lambda a: sp.exp(a) / total_exp)
    return _along(v[0], axis, one)


def _log_softmax_entries(v, axis, shape):
    def one(vec):
        lse = sp.log(sp.Add(*(sp.exp(a) for a in vec)))
        return vec.applyfunc(lambda a: a - lse)
    return _along(v[0], axis, one)


defmat("softmax", shape=lambda args, axis: args[0].shape,
       vjp=lambda e, ans, g: (ans * (g - broadcast(total(ans * g, e.attr), ans.shape)),),
       numpy=lambda v, axis, shape: _stable_softmax(v[0], axis), entries=_softmax_entries,
       text=lambda e, p: f"softmax({p[0]})", latex=lambda e, p: rf"\operatorname{{softmax}}\left({p[0]}\right)",
       says="s = softmax(x): x̄ = s ⊙ (s̄ − 𝟏·(𝟏ᵀ(s ⊙ s̄))), the Jacobian diag(s) − s·sᵀ applied to s̄")
defmat("log_softmax", shape=lambda args, axis: args[0].shape,
       vjp=lambda e, ans, g: (g - softmax(e.args[0], e.attr) * broadcast(total(g, e.attr), g.shape),),
       numpy=lambda v, axis, shape: _stable_log_softmax(v[0], axis), entries=_log_softmax_entries,
       text=lambda e, p: f"log softmax({p[0]})",
       latex=lambda e, p: rf"\log\operatorname{{softmax}}\left({p[0]}\right)",
       says="l = log softmax(x): x̄ = l̄ − softmax(x)·(𝟏ᵀl̄)")


def _same_shape(what):
    def shape(args, attr):
        from .printing import mat_text
        o, y = args
        if o.shape != y.shape:
            raise ShapeError(f"{what}({mat_text(o)}, {mat_text(y)}): {mat_text(o)} is {shape_text(o.shape)} "
                             f"but {mat_text(y)} is {shape_text(y.shape)}")
        return (1, 1)
    return shape


def _labels_sum_to_one(y, axis):
    return y.op == "node" and y.attr.distribution == axis


def _cross_entropy_vjp(e, ans, g):
    o, y = e.args
    p = softmax(o, e.attr)
    if not _labels_sum_to_one(y, e.attr):
        p = p * broadcast(total(y, e.attr), o.shape)
    return g * (p - y), -(g * log_softmax(o, e.attr))


def _cross_entropy_entries(v, axis, shape):
    logp = _log_softmax_entries(v[:1], axis, None)
    return sp.Matrix([[-sp.Add(*(a * b for a, b in zip(v[1], logp)))]])


defmat("cross_entropy", shape=_same_shape("cross_entropy"), vjp=_cross_entropy_vjp,
       numpy=lambda v, axis, shape: np.array([[-(v[1] * _stable_log_softmax(v[0], axis)).sum()]]),
       entries=_cross_entropy_entries,
       text=lambda e, p: f"CE({p[0]}, {p[1]})",
       latex=lambda e, p: rf"\operatorname{{CE}}\left({p[0]}, {p[1]}\right)",
       says="l = CE(o, y) = −Σ y ⊙ log softmax(o): ō = l̄·(softmax(o) − y) when y sums to 1, else l̄·(softmax(o)·Σy − y)")

defmat("norm", shape=lambda args, attr: (1, 1),
       vjp=lambda e, ans, g: ((g * e.args[0]) / ans,),
       numpy=lambda v, attr, shape: np.array([[np.sqrt((v[0] ** 2).sum())]]),
       entries=lambda v, attr, shape: sp.Matrix([[sp.sqrt(sp.Add(*(a ** 2 for a in v[0])))]]),
       text=lambda e, p: f"‖{p[0]}‖", latex=lambda e, p: rf"\left\lVert {p[0]} \right\rVert", prec=ATOM,
       says="r = ‖x‖: x̄ = r̄·x/‖x‖")
defmat("sqnorm", shape=lambda args, attr: (1, 1),
       vjp=lambda e, ans, g: (scale(2, g * e.args[0]),),
       numpy=lambda v, attr, shape: np.array([[(v[0] ** 2).sum()]]),
       entries=lambda v, attr, shape: sp.Matrix([[sp.Add(*(a ** 2 for a in v[0]))]]),
       text=lambda e, p: f"‖{p[0]}‖²", latex=lambda e, p: rf"\left\lVert {p[0]} \right\rVert^{{2}}", prec=ATOM,
       says="r = ‖x‖²: x̄ = 2·r̄·x")


def _trace_shape(args, attr):
    from .printing import mat_text
    x = args[0]
    if x.shape[0] != x.shape[1]:
        raise ShapeError(f"trace of {mat_text(x)}: it is {shape_text(x.shape)}, not square")
    return (1, 1)


defmat("trace", shape=_trace_shape, vjp=lambda e, ans, g: (g * identity(e.args[0].shape[0]),),
       numpy=lambda v, attr, shape: np.array([[np.trace(v[0])]]),
       entries=lambda v, attr, shape: sp.Matrix([[v[0].trace()]]),
       text=lambda e, p: f"tr({p[0]})", latex=lambda e, p: rf"\operatorname{{tr}}\left({p[0]}\right)", prec=ATOM,
       says="r = tr(X): X̄ = r̄·I")
