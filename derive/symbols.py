"""Where every symbol is made: one validated name rule, one set of assumptions.

SymPy treats ``Symbol('x')`` and ``Symbol('x', real=True)`` as different
symbols, so the graph builder, the claim parser and the proofs all make their
symbols here.  Every variable is real unless an assumption narrows it.

>>> symbol('w_1')
w_1
>>> symbol('w_1') == symbol('w_1'), symbol('x').is_real
(True, True)
>>> symbol('__class__')
Traceback (most recent call last):
...
derive.symbols.BadName: invalid name '__class__': use a letter, then letters, digits or _ (at most 32 characters)
"""
from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")


class BadName(ValueError):
    """A name that may not become a symbol."""


def valid_name(name) -> str:
    """Return ``name`` if it matches ``[A-Za-z][A-Za-z0-9_]*`` (≤ 32 chars), else raise BadName.

    >>> valid_name('z4')
    'z4'
    """
    if not isinstance(name, str) or not NAME_RE.match(name) or "__" in name:
        shown = name if isinstance(name, str) and len(name) <= 40 else repr(name)[:40] + "…"
        raise BadName(f"invalid name {shown!r}: use a letter, then letters, digits or _ (at most 32 characters)")
    return name


def symbol(name, **assumptions) -> sp.Symbol:
    """The real SymPy symbol for a validated ``name``; extra assumptions narrow it.

    >>> symbol('n', integer=True, positive=True).is_positive
    True
    """
    assumptions.setdefault("real", True)
    return sp.Symbol(valid_name(name), **assumptions)


ADJOINT_SUFFIX = "__bar"  # "__" never occurs in a user's name, so adjoints cannot clash


@lru_cache(maxsize=None)
def adjoint(sym) -> sp.Symbol:
    """The adjoint symbol x̄ = ∂output/∂x of a node symbol, printed with a bar.

    >>> adjoint(symbol('z_4')).name, is_adjoint(adjoint(symbol('z_4')))
    ('z_4__bar', True)
    """
    return sp.Symbol(sym.name + ADJOINT_SUFFIX, real=True)


def is_adjoint(sym) -> bool:
    """Whether ``sym`` is an adjoint made by :func:`adjoint`."""
    return isinstance(sym, sp.Symbol) and sym.name.endswith(ADJOINT_SUFFIX)


def primal(sym) -> sp.Symbol:
    """The node symbol an adjoint belongs to."""
    return sp.Symbol(sym.name[: -len(ADJOINT_SUFFIX)], real=True)
