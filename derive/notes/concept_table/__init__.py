r"""The table of standard definitions: one :class:`Concept` per entry, each with the function that fits it.

A concept's ``fit(link)`` looks at one link ``lhs = rhs`` of a note's formula
(a :class:`Link`: its sides as SymPy expressions, and again with norms, dots,
log-sum-exps and softmax entries written as sums) and, when the structure has
the concept's shape, returns a :class:`Fit`: the note's side to compare, the
standard forms (:class:`Form`) built from the note's own variables, the known
wrong forms that name a difference, and the assumptions the comparison needs.
A fit is *strong* when the structure alone says which concept it is (a sum of
``|w_i|`` added to a loss); a weak fit needs the concept's cue words nearby.
Nothing here verifies: :mod:`derive.notes.concepts` decides.

Main entries (:data:`CONCEPTS`, 44 of them): losses (MSE, least squares,
cross-entropy, binary cross-entropy); softmax (plain, with temperature, log,
log-sum-exp); regularisation (L1/L2 penalties and norms, dropout standard and
inverted, BatchNorm, LayerNorm); optimisation (clipping by norm and by value,
SGD, momentum, Adam); sigmoid, tanh, ReLU, LeakyReLU, ELU, GELU and their
derivatives; Xavier and He initialisation; convolution and cross-correlation
sums, conv and pooling output sizes; scaled dot-product attention.

Notation: names are the LaTeX translator's (``\lambda`` is ``lam``, ``\hat y``
is ``y_hat``, ``w_i`` inside a sum is ``w[i]``).

>>> from derive.lang import parse_expression as read
>>> rhs = read("loss - lam*sum(abs(w[i]), (i, 1, n))")
>>> fit = CONCEPTS_BY_KEY["l1-penalty"].fit(Link(read("real_loss"), rhs, read("real_loss"), rhs, {}))
>>> fit.forms[0].expr, fit.assume
(lam*Sum(Abs(w[i]), (i, 1, n)) + loss, ('lam > 0',))
"""
from __future__ import annotations

from . import losses, training, functions  # noqa: F401  (each registers its entries, in this order)
from .base import REGISTRY, Concept, Fit, Form, Link, fresh

__all__ = ["Concept", "Fit", "Form", "Link", "CONCEPTS", "CONCEPTS_BY_KEY", "fresh"]

CONCEPTS: tuple = tuple(REGISTRY)
CONCEPTS_BY_KEY: dict = {c.key: c for c in CONCEPTS}
