"""The table's building blocks: a concept, a fit, a form, a link, and the helpers every entry uses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from ...lang import Diff
from ...lang.vectors import Entry


@dataclass(frozen=True)
class Form:
    """A form of the concept in the note's variables; ``label`` (markup) names the convention or the mistake.

    ``check``, for a mistake, is a property claim ``(lhs, rel, rhs)`` that the
    mistake violates (a penalty is added: ``note >= loss``); when the note makes
    this mistake, that claim is verified instead of the equality.
    """

    label: str
    expr: sp.Expr
    check: tuple | None = None


@dataclass(frozen=True)
class Fit:
    """What a concept's fit found in a link: the note's side and the forms to compare it with."""

    note: sp.Expr
    forms: tuple                 # the standard forms (Form), the primary first
    strong: bool = True          # the structure alone identifies the concept
    assume: tuple = ()           # assumption strings for the verifier
    mistakes: tuple = ()         # known wrong forms (Form): the one the note equals names the difference
    kinks: tuple = ()            # (name, value) where the standard forms disagree: never "differs" there
    how: str = ""                # markup: the structure recognised
    refutable: bool = True       # False when a counterexample could leave the note's domain
    instance: tuple = ()         # (symbol, value) pairs: the concrete case a refutation is sought in
    named: bool = False          # the lhs itself names the concept (norm(w), sigmoid(x), diff(relu(x), x))
    search: tuple = ()           # narrower ranges for the counterexample search only (a readable one)
    detail: str = ""             # markup: what differs, when no known mistake names it


@dataclass(frozen=True)
class Concept:
    """A standard definition: cue words, canonical form and properties (markup), and its fit."""

    key: str
    name: str
    words: tuple
    canonical: str
    properties: str
    fit: Callable = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Link:
    """One link ``lhs = rhs``; ``lhs_s``/``rhs_s`` have the vector nodes written as sums; ``lengths`` of vectors."""

    lhs: sp.Expr
    rhs: sp.Expr
    lhs_s: sp.Expr
    rhs_s: sp.Expr
    lengths: dict


# --- names and shapes ---------------------------------------------------------------------------------

_TARGETS = {"y", "t", "target", "label", "labels", "y_true", "p_true"}
_PREDICTIONS = {"y_hat", "yhat", "y_pred", "p", "q", "a", "p_hat", "q_hat", "s", "pred", "o_hat"}
_GRADS = {"g", "g_t", "grad", "gradient", "g_hat", "nabla"}
_VELOCITIES = {"v", "v_t", "m", "m_t", "u", "u_t", "velocity"}
_EPSILONS = {"epsilon", "eps"}
_STRENGTHS = ("lam", "alpha", "beta", "gamma", "rho", "mu", "kappa", "c", "wd", "weight_decay", "reg")
_TEMPERATURES = {"t", "tau", "temperature", "temp"}
_PROBABILITIES = re.compile(r"(p|q|rho|prob|keep|drop|p_\w+|\w+_prob)\Z")


def fresh(stem: str, used) -> str:
    """``stem``, or ``stem`` with a number, not in ``used``.

    >>> fresh("k", {"k", "k1"})
    'k2'
    """
    name, count = stem, 0
    while name in used:
        count += 1
        name = f"{stem}{count}"
    return name


def name_of(e) -> str:
    """The name of a symbol, lower case; '' for anything else."""
    return e.name.lower() if isinstance(e, sp.Symbol) else ""


def is_grad(e, param=None) -> bool:
    """A gradient: a gradient's name, ``d<param>``, or a derivative of an unknown function (``diff(L, w)``)."""
    name, own = name_of(e), name_of(param) if param is not None else None
    return (name in _GRADS or name.startswith("grad") or (own and name in {f"d{own}", f"d_{own}"})
            or (isinstance(e, Diff) and not e.args[0].has(e.args[1])))


def symbols_of(e) -> list:
    """The free symbols of ``e`` sorted by name (sum indices excluded)."""
    return sorted(e.free_symbols, key=lambda s: s.name)


def is_sum(e) -> bool:
    """A sum over one index: Σ_{i=a}^{b} f (SymPy writes a double sum as one Sum with two limits: not this)."""
    return isinstance(e, sp.Sum) and len(e.limits) == 1


def split_scale(expr, is_core):
    """(scale, core) when ``expr`` = scale·core with exactly one factor passing ``is_core``, else None."""
    factors = sp.Mul.make_args(expr)
    cores = [f for f in factors if is_core(f)]
    if len(cores) != 1:
        return None
    scale = sp.Mul(*[f for f in factors if f is not cores[0]])
    return None if scale.has(sp.Sum, Entry) else (scale, cores[0])


def positive(coefficient):
    """``coefficient`` without a leading minus sign (the strength of a penalty, a rate)."""
    return -coefficient if coefficient.could_extract_minus_sign() else coefficient


def positive_assumptions(*exprs) -> tuple:
    """'s > 0' for each free symbol of ``exprs`` (hyperparameters such as λ and η)."""
    return tuple(f"{s.name} > 0" for s in symbols_of(sp.Add(*exprs)))


def entry_vector(e, index=None):
    """The vector of an entry ``v[index]`` (any index if None), else None."""
    return e.args[0] if isinstance(e, Entry) and (index is None or e.args[1] == index) else None


def split_update(lhs, rhs):
    """The step when ``rhs`` = lhs + step for a parameter name ``lhs`` (an update θ ← θ + step), else None."""
    if not isinstance(lhs, sp.Symbol):
        return None
    step = sp.expand(rhs - lhs)
    opaque = step.xreplace({d: sp.Dummy() for d in step.atoms(Diff) if not d.args[0].has(d.args[1])})
    return None if step == 0 or opaque.has(lhs) else step


def linear_in(expr, x):
    """(a, rest) with expr = a·x + rest and neither a nor rest using x, else None."""
    expanded = sp.expand(expr)
    a = expanded.coeff(x)
    rest = sp.expand(expanded - a * x)
    return None if a == 0 or a.has(x) or rest.has(x) else (a, rest)


def one_minus_symbol(a):
    """(β, swapped): β when a is β, or (β, True) when a is 1 − β; None otherwise."""
    if isinstance(a, sp.Symbol):
        return a, False
    return (1 - a, True) if isinstance(1 - a, sp.Symbol) else None


REGISTRY: list = []


def add(key, name, words, canonical, properties, fit) -> Concept:
    """Register a concept: its entry in :data:`CONCEPTS`, in the order the table gives."""
    entry = Concept(key, name, tuple(words), canonical, properties, fit)
    REGISTRY.append(entry)
    return entry
