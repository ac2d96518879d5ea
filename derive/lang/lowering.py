"""Lowering: claims with sums, vectors, expectations and limits written in the terms the verifier decides.

- :func:`needs_lowering` (and :func:`constructs`) say whether a claim has any of them;
- :func:`instances` yields, for each allowed value of the length variables
  (n = 1, 2, …), the claim with its sums and products expanded and its vectors
  written out over scalar entries ``o_1, o_2, …`` with their domains; a
  ``simplex^n`` vector p becomes p_k = p_wk/(p_w1 + … + p_wn) with p_wk > 0,
  so its constraint holds exactly;
- :func:`expand_expectations` and :func:`resolve_limits` replace each E/Var or
  limit by the value it carries, or raise :class:`Undecidable`.

>>> from derive.lang.claims import prepare
>>> c = prepare("sum(softmax(o)[j], (j, 1, n)) = 1", ["o in R^n", "n integer >= 1"])
>>> needs_lowering(c), sorted(constructs(c))
(True, ['symbolic sums', 'vectors'])
>>> sizes, two = list(instances(c, sizes=[2]))[0]
>>> sizes, two.lhs, sorted(two.domains)
({'n': 2}, exp(o_1)/(exp(o_1) + exp(o_2)) + exp(o_2)/(exp(o_1) + exp(o_2)), ['o_1', 'o_2'])
"""
from __future__ import annotations

import itertools

import sympy as sp

from ..symbols import symbol
from .claims import Claim
from .domains import MAX_LENGTH, Domain
from .expectations import Expectation
from .expressions import ParseError, _shorten
from .operators import Argmax, LimitAt
from .vectors import VectorDot, Entry, LogSumExp, Norm, SoftmaxEntry, VectorMax, VectorNode

__all__ = ["Undecidable", "constructs", "needs_lowering", "instances", "expand_expectations", "resolve_limits",
           "MAX_TERMS", "MAX_INSTANCES"]

MAX_TERMS = 4096      # terms written out in one instance, over all its sums and products
MAX_INSTANCES = 64    # combinations of the length variables' values


class Undecidable(ValueError):
    """A construct whose value SymPy could not find (an expectation or limit); the message is one line."""


def constructs(claim) -> set:
    """Which constructs of ``claim`` need lowering: 'vectors', 'symbolic sums', 'sums', 'expectations', ….

    >>> from derive.lang.claims import parse_claim
    >>> sorted(constructs(parse_claim("sum(i, (i, 1, 4)) + limit(1/x, x, oo) = 10")))
    ['limits', 'sums']
    """
    found, sides = set(), (claim.lhs, claim.rhs)
    for side in sides:
        if side.atoms(VectorNode):
            found.add("vectors")
        for node in side.atoms(sp.Sum, sp.Product):
            found.add("symbolic sums" if node.free_symbols - {v for v in node.variables} or any(
                not b.is_number for b in node.limits[0][1:]) else "sums")
        for kind, cls in (("expectations", Expectation), ("limits", LimitAt), ("argmax", Argmax)):
            if side.atoms(cls) or side.has(cls):
                found.add(kind)
    if "symbolic sums" in found:
        found.discard("sums")
    return found


def needs_lowering(claim) -> bool:
    """Whether ``claim`` has sums, products, vectors, expectations, limits or argmax to lower first.

    >>> from derive.lang.claims import parse_claim
    >>> needs_lowering(parse_claim("x**2 >= 0")), needs_lowering(parse_claim("E(m, m ~ Bernoulli(p)) = p"))
    (False, True)
    """
    return bool(constructs(claim))


def _length_variables(claim) -> dict:
    """{name: the values it takes in instances' order} is left to :func:`instances`; here: the names."""
    names = {d.length.name for k, d in claim.domains.items() if isinstance(d.length, sp.Symbol)}
    for side in (claim.lhs, claim.rhs):
        for node in side.atoms(sp.Sum, sp.Product):
            names |= {s.name for b in node.limits[0][1:] for s in b.free_symbols if not s.is_integer}
    return sorted(names)


def _values(name, domain, sizes):
    domain = domain or Domain(integer=True)
    return [k for k in sizes if domain.interval.contains(k) is sp.true]


class _Writer:
    """Writes one instance out: sums and products expanded, vectors over their entries."""

    def __init__(self, entries: dict):
        self.entries, self.terms = entries, 0

    def entry(self, vector, index, node):
        if not index.is_Integer:
            raise ParseError(f"cannot write out {_shorten(node)}: its index {index} is not a number")
        row = self.entries[vector.name]
        if not 1 <= index <= len(row):
            raise ParseError(f"index out of range: {_shorten(node)} with {vector.name} of length {len(row)}")
        return row[int(index) - 1]

    def vector(self, node):
        args = [self.write(a) for a in node.args]
        if isinstance(node, Entry):
            return self.entry(args[0], args[1], node)
        rows = [self.entries[v.name] for v in args[:node.vectors]]
        if isinstance(node, SoftmaxEntry):
            return sp.exp(self.entry(args[0], args[1], node)) / sp.Add(*(sp.exp(e) for e in rows[0]))
        if isinstance(node, Norm):
            return sp.Add(*(sp.Abs(e) for e in rows[0])) if node.p == 1 else sp.sqrt(sp.Add(*(e**2 for e in rows[0])))
        if isinstance(node, VectorDot):
            if len(rows[0]) != len(rows[1]):
                raise ParseError(f"{_shorten(node)}: the vectors have lengths {len(rows[0])} and {len(rows[1])}")
            return sp.Add(*(a * b for a, b in zip(*rows)))
        if isinstance(node, LogSumExp):
            return sp.log(sp.Add(*(sp.exp(e) for e in rows[0])))
        if isinstance(node, VectorMax):
            return sp.Max(*rows[0])
        raise ParseError(f"no lowering for {type(node).__name__}")

    def write(self, expr):
        if isinstance(expr, (sp.Sum, sp.Product)):
            index, low, high = expr.limits[0]
            low, high = self.write(low), self.write(high)
            if not (low.is_Integer and high.is_Integer):
                raise ParseError(f"cannot expand {_shorten(expr)}: its bounds are not numbers")
            count = max(int(high - low) + 1, 0)
            self.terms += count
            if count > MAX_LENGTH or self.terms > MAX_TERMS:
                raise ParseError(f"too many terms to expand {_shorten(expr)}: {count} "
                                 f"(limit {MAX_LENGTH} per sum, {MAX_TERMS} in all)")
            terms = [self.write(expr.function.xreplace({index: sp.Integer(k)})) for k in range(int(low), int(high) + 1)]
            return sp.Add(*terms) if isinstance(expr, sp.Sum) else sp.Mul(*terms)
        if isinstance(expr, VectorNode):
            return self.vector(expr)
        if not expr.args or not expr.has(sp.Sum, sp.Product, VectorNode):
            return expr
        return expr.func(*(self.write(a) for a in expr.args))


def _entries(claim, lengths: dict, taken: set):
    """(vector name -> its entries, the entries' domains, notes on simplex vectors)."""
    entries, domains, notes = {}, {}, []
    for name, d in sorted(claim.domains.items()):
        if d.length is None:
            continue
        size = d.length.xreplace(lengths)
        if not (size.is_Integer and 1 <= size <= MAX_LENGTH):
            raise ParseError(f"the length of {name} is {size}: it must be a whole number from 1 to {MAX_LENGTH}")
        stem = f"{name}_w" if d.simplex else f"{name}_"
        names = [f"{stem}{k}" for k in range(1, int(size) + 1)]
        clash = sorted(set(names) & taken)
        if clash:
            raise ParseError(f"the entry name {clash[0]} of the vector {name} is also a variable of the claim")
        cells = [symbol(n) for n in names]
        if d.simplex:
            total = sp.Add(*cells)
            entries[name] = [c / total for c in cells]
            domains.update({n: Domain(sp.Interval.open(0, sp.oo)) for n in names})
            notes.append(f"{name}_k = {stem}k/({' + '.join(names)}), {stem}k > 0 ({name} in simplex^{size})")
        else:
            entries[name] = cells
            domains.update({n: Domain(d.interval, d.integer) for n in names})
    return entries, domains, notes


def instances(claim, sizes=range(1, 7)):
    """(lengths, the :class:`Claim` written out) for each allowed value of the length variables.

    A claim with no length variable gives one instance, ``({}, claim written out)``.

    >>> from derive.lang.claims import prepare
    >>> c = prepare("norm(g) <= norm(g, 1)", ["g in R^2"])
    >>> [(n, i.lhs, i.rhs) for n, i in instances(c)]
    [({}, sqrt(g_1**2 + g_2**2), Abs(g_1) + Abs(g_2))]
    """
    names = _length_variables(claim)
    choices = [_values(n, claim.domains.get(n), sizes) for n in names]
    taken = {s.name for side in (claim.lhs, claim.rhs) for s in side.free_symbols}
    vectors = {k for k, d in claim.domains.items() if d.length is not None}
    for count, values in enumerate(itertools.product(*choices)):
        if count >= MAX_INSTANCES:
            return
        lengths = {symbol(n): sp.Integer(v) for n, v in zip(names, values)}
        entries, entry_domains, notes = _entries(claim, lengths, taken)
        writer = _Writer(entries)
        lhs, rhs = (writer.write(side.xreplace(lengths)) for side in (claim.lhs, claim.rhs))
        domains = {k: d for k, d in claim.domains.items() if k not in vectors and k not in names}
        domains.update(entry_domains)
        shown = (*claim.assumptions, *(f"{n} = {v}" for n, v in zip(names, values)), *notes)
        yield dict(zip(names, values)), Claim(lhs, claim.rel, rhs, claim.text, domains, shown)


def expand_expectations(expr):
    """``expr`` with every E(...) and Var(...) replaced by its carried value; :class:`Undecidable` if one has none.

    >>> from derive.lang.expressions import parse_expression
    >>> expand_expectations(parse_expression("1 + E(x**2, x ~ Normal(0, s))"))
    s**2 + 1
    """
    nodes = [n for n in sp.preorder_traversal(expr) if isinstance(n, Expectation)]
    for node in nodes:
        if node.value is None:
            raise Undecidable(f"SymPy could not find the value of {_shorten(node, 80)}")
    return expr.xreplace({n: n.value for n in nodes}) if nodes else expr


def resolve_limits(expr):
    """``expr`` with every limit(...) replaced by its carried value; :class:`Undecidable` if one has none.

    >>> from derive.lang.expressions import parse_expression
    >>> resolve_limits(parse_expression("limit(sigmoid(x), x, oo)"))
    1
    """
    nodes = list(expr.atoms(LimitAt))
    for node in nodes:
        if node.value is None:
            raise Undecidable(f"SymPy could not find the value of {_shorten(node, 80)}")
    return expr.xreplace({n: n.value for n in nodes}) if nodes else expr
