"""Domains: where each variable of a claim ranges, and the assumptions that say so.

A :class:`Domain` is data: an interval of reals, optionally its integers only.
The claim's symbols stay plain real; :func:`with_domains` puts the domains into
the symbols' assumptions (positive, integer, …) where SymPy's rules need them.
An assumption is text such as ``'p in (0, 1)'``, ``'T > 0'``, ``'0 < p < 1'`` or
``'n integer >= 1'``, read by the safe builder of :mod:`derive.lang.expressions`.

>>> d = parse_assumption("0 < p < 1")['p']
>>> d, f"p {d}"
(Domain(interval=Interval.open(0, 1), integer=False), 'p in (0, 1)')
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable

import sympy as sp

from ..symbols import symbol
from .expressions import (MAX_NUMBER_BITS, MAX_ROUNDING_BITS, ParseError, _check_text, _log2_abs, _relations,
                          _shorten, _symbol, _too_large, parse_expression)

__all__ = ["Domain", "parse_assumption", "parse_assumptions", "with_domains"]

_VARIABLE_RE = re.compile(r"([A-Za-z][A-Za-z0-9_]*)(\s+integer)?\Z")
_IN_RE = re.compile(r"([A-Za-z][A-Za-z0-9_]*)(\s+integer)?\s+in\s+(.*)\Z", re.S)
MAX_LENGTH = 64  # the longest vector declared, or concrete range written out
_VECTOR_RE = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s+in\s+(R|simplex)\s*\^\s*(\w+)\Z")
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, repr=False)
class Domain:
    """Where one variable ranges: an interval of reals, optionally its integers only.

    The claim parser's symbols stay plain real; a domain is data for the verifier.
    A vector's domain has a ``length`` (a number, or an integer variable such as
    n) and holds for each entry; a ``simplex`` vector's entries are positive and sum to 1.

    >>> Domain(sp.Interval(0, 5)).intersect(Domain(sp.Interval.open(1, 9), integer=True))
    Domain(interval=Interval.Lopen(1, 5), integer=True)
    >>> parse_assumption("p in simplex^n")['p']
    Domain(interval=Interval.open(0, 1), integer=False, length=n, simplex=True)
    """

    interval: sp.Interval = sp.Interval(-sp.oo, sp.oo)
    integer: bool = False
    length: sp.Expr = None
    simplex: bool = False

    def __repr__(self):
        extra = "" if self.length is None else f", length={self.length}"
        extra += ", simplex=True" if self.simplex else ""
        return f"Domain(interval={self.interval!r}, integer={self.integer}{extra})"

    def __str__(self):
        """What follows a variable's name in an assumption: ``f"p {domain}"`` reads 'p in (0, 1)'.

        >>> str(Domain(sp.Interval.Ropen(1, sp.oo), integer=True)), str(Domain())
        ('integer in [1, oo)', 'in (-oo, oo)')
        """
        iv, kind = self.interval, "integer in" if self.integer else "in"
        if self.length is not None:
            space = "simplex" if self.simplex else "R" if iv == sp.Reals else f"({iv.inf}, {iv.sup})"
            return f"in {space}^{self.length}"
        if not isinstance(iv, sp.Interval):
            return f"{kind} {iv}"
        left = "(" if iv.left_open or iv.inf.is_infinite else "["
        right = ")" if iv.right_open or iv.sup.is_infinite else "]"
        return f"{kind} {left}{iv.inf}, {iv.sup}{right}"

    def intersect(self, other: Domain) -> Domain:
        """The domain allowed by both ``self`` and ``other``.

        >>> Domain().intersect(Domain(sp.Interval(0, 1))).interval
        Interval(0, 1)
        """
        if None not in (self.length, other.length) and self.length != other.length:
            raise ParseError(f"a vector declared with two lengths, {self.length} and {other.length}")
        length = other.length if self.length is None else self.length
        return Domain(self.interval.intersect(other.interval), self.integer or other.integer, length,
                      self.simplex or other.simplex)

    def symbol(self, name: str) -> sp.Symbol:
        """The symbol ``name`` with this domain's assumptions: not the claim's plain real symbol.

        >>> t = Domain(sp.Interval.open(0, sp.oo)).symbol('T')
        >>> t.is_positive, t == symbol('T')
        (True, False)
        """
        low, high, facts = self.interval.inf, self.interval.sup, {}
        if self.integer:
            facts["integer"] = True
        if low.is_extended_positive or (low.is_zero and self.interval.left_open):
            facts["positive"] = True
        elif low.is_extended_nonnegative:
            facts["nonnegative"] = True
        if high.is_extended_negative or (high.is_zero and self.interval.right_open):
            facts["negative"] = True
        elif high.is_extended_nonpositive:
            facts["nonpositive"] = True
        return symbol(name, **facts)


def _bound(text: str) -> sp.Expr:
    """A real numeric constant bounding a domain."""
    try:
        value = parse_expression(text)
    except ParseError as exc:
        raise ParseError(f"bound {_shorten(text, 30)!r}: {exc}") from None
    if value.free_symbols or not value.is_number or value.is_extended_real is not True:
        raise ParseError(f"a bound must be a real number, not {_shorten(text, 30)!r}")
    if _log2_abs(value) > MAX_NUMBER_BITS:
        raise _too_large(_shorten(text, 30), math.log2(_log2_abs(value)))
    return value


def _interval(text: str) -> sp.Interval:
    text = text.strip()
    if len(text) < 2 or text[0] not in "([" or text[-1] not in ")]":
        raise ParseError(f"write an interval as (a, b), [a, b], (a, b] or [a, b): {_shorten(text)}")
    inner, depth, commas = text[1:-1], 0, []
    for i, char in enumerate(inner):
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            commas.append(i)
    if len(commas) != 1:
        raise ParseError(f"an interval has two bounds separated by a comma: {_shorten(text)}")
    low, high = _bound(inner[:commas[0]]), _bound(inner[commas[0] + 1:])
    return sp.Interval(low, high, left_open=text[0] == "(", right_open=text[-1] == ")")


def _half_line(op: str, bound) -> sp.Interval:
    """The reals x with ``x op bound``."""
    if op in (">", ">="):
        return sp.Interval(bound, sp.oo, left_open=op == ">")
    return sp.Interval(-sp.oo, bound, right_open=op == "<")


def _variable_operand(operand: str):
    """The match of 'x' or 'x integer' if ``operand`` names a variable, else None."""
    match = _VARIABLE_RE.match(operand)
    if match:
        try:
            _symbol(match[1])
        except ParseError:
            return None
    return match


def _nonempty(name: str, domain: Domain) -> Domain:
    """``domain`` if it holds more than one value, else ParseError."""
    interval = domain.interval
    if not isinstance(interval, sp.Interval):
        left = "no values" if interval is sp.S.EmptySet else f"only {_shorten(interval)}"
        raise ParseError(f"the assumptions on {name} leave {left}")
    if domain.integer:
        for end in (interval.inf, interval.sup):  # rounding it evaluates it to its last integer digit
            if end.is_finite and not end.is_Rational and _log2_abs(end) > MAX_ROUNDING_BITS:
                raise ParseError(f"bound too large to round for the integers {name}: {_shorten(end, 30)} "
                                 f"(limit 2**{MAX_ROUNDING_BITS} for a bound that is not a rational number)")
    if domain.integer and interval.inf.is_finite and interval.sup.is_finite:
        low, high = sp.ceiling(interval.inf), sp.floor(interval.sup)
        low += 1 if interval.left_open and low == interval.inf else 0
        high -= 1 if interval.right_open and high == interval.sup else 0
        if low >= high:
            left = "no integers" if low > high else f"only the integer {low}"
            raise ParseError(f"the assumptions on {name} leave {left}")
    return domain


def parse_assumption(text: str) -> dict[str, Domain]:
    """The domain of one variable: 'p in (0, 1]', 'T > 0', '0 < p < 1', 'n integer >= 1', ...

    >>> parse_assumption("k integer in [1, 10]")
    {'k': Domain(interval=Interval(1, 10), integer=True)}
    >>> parse_assumption("x >= -1/2")['x'].interval
    Interval(-1/2, oo)
    """
    source = _check_text(text)
    usage = "write e.g. 'p in (0, 1)', 'T > 0', '0 < p < 1' or 'n integer >= 1'"
    match = _VECTOR_RE.match(source)
    if match:
        return {_symbol(match[1]).name: _vector_domain(match[2], match[3])}
    match = _IN_RE.match(source)
    if match:
        name = _symbol(match[1]).name
        return {name: _nonempty(name, Domain(_interval(match[3]), bool(match[2])))}
    relations = _relations(source)
    match = _VARIABLE_RE.match(source)
    if not relations and match and match[2]:
        return {_symbol(match[1]).name: Domain(integer=True)}
    ops = [op for _, _, op in relations]
    cuts = [0, *(pos for start, end, _ in relations for pos in (start, end)), len(source)]
    operands = [source[cuts[2 * i]:cuts[2 * i + 1]].strip() for i in range(len(ops) + 1)]
    places = [i for i, operand in enumerate(operands) if _variable_operand(operand)]
    if (not 1 <= len(ops) <= 2 or any(op not in _FLIPPED for op in ops) or len(places) != 1
            or (len(ops) == 2 and places != [1])):
        raise ParseError(f"cannot read assumption {_shorten(source, 40)!r}: {usage}")
    match = _variable_operand(operands[places[0]])
    name, interval = _symbol(match[1]).name, sp.Interval(-sp.oo, sp.oo)
    for i, op in enumerate(ops):  # operands i and i+1 around ops[i]; one of them is the variable
        bound_op = op if i == places[0] else _FLIPPED[op]
        bound = operands[i + 1] if i == places[0] else operands[i]
        interval = interval.intersect(_half_line(bound_op, _bound(bound)))
    return {name: _nonempty(name, Domain(interval, bool(match[2])))}


def _vector_domain(space: str, length: str) -> Domain:
    """The domain of 'o in R^n' (space 'R') or 'p in simplex^3' (space 'simplex')."""
    if length.isdigit():
        if not 1 <= int(length) <= MAX_LENGTH:
            raise ParseError(f"a vector length must be from 1 to {MAX_LENGTH}, not {_shorten(length, 20)}")
        size = sp.Integer(int(length))
    else:
        size = _symbol(length)
    if space == "R":
        return Domain(length=size)
    return Domain(sp.Interval.open(0, 1), length=size, simplex=True)


def parse_assumptions(texts: Iterable[str]) -> dict[str, Domain]:
    """The domains of several assumptions, intersected where they name the same variable.

    >>> parse_assumptions(["x > 0", "x <= 1", "n integer"])['x']
    Domain(interval=Interval.Lopen(0, 1), integer=False)
    """
    if isinstance(texts, str):
        raise ParseError("parse_assumptions takes a list of strings; use parse_assumption for one")
    domains: dict[str, Domain] = {}
    for text in texts:
        for name, domain in parse_assumption(text).items():
            domains[name] = _nonempty(name, domains[name].intersect(domain)) if name in domains else domain
    return domains


def with_domains(expr, domains: dict):
    """``expr`` with each variable's domain put into its symbol's assumptions (positive, integer, …).

    ``domains`` maps variable names to :class:`Domain`; the plain real symbol of
    each name is replaced by :meth:`Domain.symbol`, so SymPy's rules can use it.

    >>> p = symbol('p')
    >>> sp.sqrt(p**2), with_domains(sp.sqrt(p**2), parse_assumption("p > 0"))
    (Abs(p), p)
    """
    swap = {symbol(name): d.symbol(name) for name, d in domains.items()}
    return expr.xreplace(swap)
