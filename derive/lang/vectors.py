"""Vectors in a claim: entries ``o[i]``, ``softmax(o)[j]``, ``norm(g)``, ``dot(w, x)``, ``logsumexp(o)``, ``max(o)``.

A vector is named by a plain real symbol (``o``) that appears only as the
vector argument of these nodes; they stay unevaluated until
:mod:`derive.lang.lowering` writes them out for a concrete length.  A vector's
length comes from an assumption (``'o in R^n'``, ``'o in R^3'``,
``'p in simplex^n'``) or, failing that, from the bounds ``(i, 1, n)`` of a sum
in which ``o[i]`` appears: :func:`check_vectors` settles it when the claim is
prepared.  Entries are numbered from 1.

>>> from derive.symbols import symbol
>>> o, i = symbol('o'), symbol('i', integer=True)
>>> Entry(o, i), SoftmaxEntry(o, 2), Norm(o, 1), VectorDot(o, symbol('x')), LogSumExp(o), VectorMax(o)
(o[i], softmax(o)[2], norm(o, 1), dot(o, x), logsumexp(o), max(o))
>>> sorted(vector_names(Entry(o, i) + Norm(symbol('g'))))
['g', 'o']
"""
from __future__ import annotations

import sympy as sp

from .domains import MAX_LENGTH, Domain
from .expressions import ParseError, _shorten
from .operators import checked_args

__all__ = ["VectorNode", "Entry", "SoftmaxEntry", "Norm", "VectorDot", "LogSumExp", "VectorMax", "vector_names",
           "check_vectors", "MAX_LENGTH"]


class VectorNode(sp.Function):
    """A real-valued node whose first ``vectors`` arguments name vectors."""

    vectors = 1
    word = ""

    def _eval_is_extended_real(self):
        return True

    def _sympystr(self, printer):
        return f"{self.word}({', '.join(printer._print(a) for a in self.args)})"


class Entry(VectorNode):
    """``o[i]``: entry ``i`` (from 1) of the vector ``o``."""

    nargs = 2

    def _sympystr(self, printer):
        return f"{printer._print(self.args[0])}[{printer._print(self.args[1])}]"


class SoftmaxEntry(VectorNode):
    """``softmax(o)[j]`` = exp(o_j) / Σ_k exp(o_k)."""

    nargs = 2

    def _eval_is_extended_positive(self):
        return True

    def _sympystr(self, printer):
        return f"softmax({printer._print(self.args[0])})[{printer._print(self.args[1])}]"


class Norm(VectorNode):
    """``norm(g)`` (Euclidean, p = 2) or ``norm(g, 1)``; the second argument is p."""

    nargs, word = (1, 2), "norm"

    @property
    def p(self) -> int:
        return int(self.args[1]) if len(self.args) > 1 else 2

    def _eval_is_extended_nonnegative(self):
        return True


class VectorDot(VectorNode):
    """``dot(w, x)`` = Σ_k w_k x_k."""

    nargs, word, vectors = 2, "dot", 2


class LogSumExp(VectorNode):
    """``logsumexp(o)`` = log Σ_k exp(o_k)."""

    nargs, word = 1, "logsumexp"


class VectorMax(VectorNode):
    """``max(o)``: the largest entry of ``o`` (``max(f, x)`` is the supremum over x)."""

    nargs, word = 1, "max"


def vector_names(expr) -> set:
    """The names of the vectors ``expr`` uses."""
    return {v.name for node in expr.atoms(VectorNode) for v in node.args[:node.vectors]}


def _scalar_names(expr, found: set) -> set:
    """The names of the symbols ``expr`` uses as numbers, not as vectors."""
    if isinstance(expr, VectorNode):
        for arg in expr.args[expr.vectors:]:
            _scalar_names(arg, found)
    elif isinstance(expr, sp.Symbol):
        found.add(expr.name)
    else:
        for arg in checked_args(expr):
            _scalar_names(arg, found)
    return found


def _inferred_length(exprs, name):
    """The upper bound n of a sum over (i, 1, n) whose body has ``name[i]``, else None."""
    for expr in exprs:
        for node in expr.atoms(sp.Sum, sp.Product):
            index, low, high = node.limits[0]
            if low != 1:
                continue
            for entry in node.function.atoms(Entry, SoftmaxEntry):
                if entry.args[0].name == name and entry.args[1] == index:
                    return high
    return None


def check_vectors(exprs, domains: dict) -> dict:
    """``domains`` with every vector's length, checked: declared, or inferred from a sum's bounds.

    Every sum bound and vector length must be a number or a variable with an integer domain.

    >>> from derive.lang.claims import parse_claim
    >>> c = parse_claim("sum(o[i], (i, 1, n)) >= 0")
    >>> check_vectors([c.lhs], {'n': Domain(integer=True)})['o']
    Domain(interval=Interval(-oo, oo), integer=False, length=n)
    >>> check_vectors([parse_claim("norm(g) >= 0").lhs], {})
    Traceback (most recent call last):
    ...
    derive.lang.expressions.ParseError: the length of the vector 'g' is not known: declare it with an assumption such as 'g in R^n' (with 'n integer >= 1') or 'g in R^3'
    """
    domains, vectors = dict(domains), set().union(*(vector_names(e) for e in exprs))
    scalars = set().union(*(_scalar_names(e, set()) for e in exprs))
    for name in sorted(vectors & scalars):
        raise ParseError(f"{name!r} is used both as a vector (as in {name}[i] or norm({name})) and as a number")
    for name, domain in domains.items():
        if domain.length is not None and name in scalars:
            raise ParseError(f"{name!r} is declared a vector ({name} {domain}) but used as a number; "
                             f"write its entries as {name}[i]")
    for name in sorted(vectors):
        domain = domains.get(name, Domain())
        if domain.length is None:
            length = _inferred_length(exprs, name)
            if length is None:
                raise ParseError(f"the length of the vector {name!r} is not known: declare it with an assumption "
                                 f"such as '{name} in R^n' (with 'n integer >= 1') or '{name} in R^3'")
            domains[name] = Domain(domain.interval, domain.integer, length)
    bounds = [(b, f"the length of {name}") for name, d in domains.items() if name in vectors
              for b in [d.length]]
    for length, _ in list(bounds):  # a length variable with no domain of its own is a length: 1, 2, …
        for s in length.free_symbols:
            if s.name not in domains:
                domains[s.name] = Domain(sp.Interval(1, sp.oo), integer=True)
    for expr in exprs:
        for node in expr.atoms(sp.Sum, sp.Product):
            bounds += [(b, f"a bound of {_shorten(node, 40)}") for b in node.limits[0][1:]]
    for bound, what in bounds:
        for s in bound.free_symbols:
            if not s.is_integer and not (s.name in domains and domains[s.name].integer):
                raise ParseError(f"{what} uses {s.name}, which must be an integer: "
                                 f"assume e.g. '{s.name} integer >= 1'")
        if bound.is_number and not bound.is_integer:
            raise ParseError(f"{what} is {_shorten(bound, 30)}, not an integer")
    return domains
