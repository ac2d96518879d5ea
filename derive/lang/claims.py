"""Claims: two expressions around one relation, and the one place a claim is made ready to decide.

:func:`parse_claim` reads claim text; :func:`prepare` turns claim text or a
:class:`Claim` and its assumptions into the :class:`Claim` the verifier
decides: both sides over derive's plain real symbols, the domains of its
variables, and the assumptions as they are shown.  ``derive verify``, the
pytest helpers of :mod:`derive.testing` and the proof catalogue all go
through :func:`prepare`.

>>> c = prepare("sqrt(p**2) = p", ["p > 0"])
>>> c.rel, c.domains, c.assumptions
('=', {'p': Domain(interval=Interval.open(0, oo), integer=False)}, ('p > 0',))
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from ..symbols import BadName, symbol
from .domains import Domain, _nonempty, parse_assumptions
from .expressions import ParseError, _check_text, _relations, _shorten, _symbol, parse_expression
from .vectors import check_vectors

__all__ = ["Claim", "parse_claim", "prepare", "rebase", "RELATIONS"]

RELATIONS = ("=", "<=", "<", ">=", ">")
_CLAIM_RELATIONS = {"=": "=", "==": "=", "<=": "<=", "<": "<", ">=": ">=", ">": ">"}
_SIGNS = (("positive", "> 0", sp.Interval.open(0, sp.oo)), ("negative", "< 0", sp.Interval.open(-sp.oo, 0)),
          ("nonnegative", ">= 0", sp.Interval(0, sp.oo)), ("nonpositive", "<= 0", sp.Interval(-sp.oo, 0)))


@dataclass(frozen=True)
class Claim:
    """A claim ``lhs rel rhs`` with rel one of '=', '<=', '<', '>=', '>'; ``text`` is how it was written.

    ``domains`` ({name: :class:`~derive.lang.domains.Domain`}) and ``assumptions``
    (their text, as shown) are filled in by :func:`prepare`.

    >>> parse_claim("sigmoid(-x) = 1 - sigmoid(x)")  # doctest: +NORMALIZE_WHITESPACE
    Claim(lhs=sigmoid(-x), rel='=', rhs=1 - sigmoid(x), text='sigmoid(-x) = 1 - sigmoid(x)',
          domains={}, assumptions=())
    """

    lhs: sp.Expr
    rel: str
    rhs: sp.Expr
    text: str
    domains: dict = field(default_factory=dict)
    assumptions: tuple = ()

    @property
    def symbols(self) -> tuple:
        """The free symbols of both sides, sorted by name.

        >>> parse_claim("b*a <= max(c*t, t)").symbols
        (a, b, c)
        """
        return tuple(sorted(self.lhs.free_symbols | self.rhs.free_symbols, key=lambda s: s.name))


def parse_claim(text: str) -> Claim:
    """The :class:`Claim` of ``text``: two expressions around exactly one relation.

    >>> c = parse_claim("log(sigmoid(x)) <= 0")
    >>> c.lhs, c.rel, c.rhs
    (log(sigmoid(x)), '<=', 0)
    """
    source = _check_text(text)
    relations = _relations(source)
    if len(relations) != 1:
        found = f"; found {len(relations)} ({', '.join(op for _, _, op in relations)})" if relations else ""
        raise ParseError(f"a claim has exactly one relation (=, <=, <, >= or >){found}: {_shorten(source)}")
    start, end, op = relations[0]
    if op not in _CLAIM_RELATIONS:
        raise ParseError(f"relation {op!r} is not allowed: use =, <=, <, >= or >")
    sides = []
    for which, side in (("left", source[:start]), ("right", source[end:])):
        if not side.strip():
            raise ParseError(f"the {which}-hand side of the claim is empty")
        try:
            sides.append(parse_expression(side, keep_diff=True))
        except ParseError as exc:
            raise ParseError(f"{which}-hand side: {exc}") from None
    return Claim(sides[0], _CLAIM_RELATIONS[op], sides[1], text)


def _real(expr, facts: dict):
    """``expr`` over derive's plain real symbols; a symbol's sign or integer facts go to ``facts``.

    ``facts`` maps each such assumption, as shown, to its (name, Domain).  A
    symbol with facts no domain can say (``nonzero``, say) is kept as it is.
    """
    swap, bound = {}, {v for node in expr.atoms(sp.Sum, sp.Product) for v in node.variables}
    for s in expr.atoms(sp.Symbol) - bound:  # a sum's index stays an integer symbol
        try:
            plain = symbol(s.name)
        except BadName as exc:
            raise ParseError(str(exc)) from None
        known = s.assumptions0  # every fact SymPy deduces about the symbol
        fact, sign, interval = next((row for row in _SIGNS if known.get(row[0])), ("", "", Domain().interval))
        domain = Domain(interval, bool(known.get("integer")))
        if not known.items() <= domain.symbol(s.name).assumptions0.items():
            continue  # it knows more than a domain can say
        swap[s] = plain
        if fact or domain.integer:
            facts[f"{s.name}{' integer' if domain.integer else ''} {sign}".strip()] = (s.name, domain)
    return expr.xreplace(swap)


def _domains(assume, facts: dict, names, strict) -> tuple[dict, tuple]:
    """(name -> Domain, the assumptions as text) from the symbols' ``facts`` and ``assume``:
    strings, a list of them or a dict of Domains."""
    given, texts = {}, [assume] if isinstance(assume, str) else list(assume or ())
    if isinstance(assume, dict):
        for name, d in assume.items():
            if not isinstance(d, Domain):
                raise TypeError(f"assume[{name!r}] must be a derive.lang.Domain, got {type(d).__name__}")
            name = _symbol(name).name  # a valid variable name (not read as an expression: 'lambda' is one)
            if strict or name in names:
                given[name] = d
        texts = [f"{name} {d}" for name, d in given.items()]
    domains: dict = {}
    for name, d in [*facts.values(), *given.items(), *(() if isinstance(assume, dict) else
                                                        parse_assumptions(texts).items())]:
        domains[name] = _nonempty(name, domains[name].intersect(d)) if name in domains else d
    names = set(names) | {d.length.name for k, d in domains.items() if k in names and isinstance(d.length, sp.Symbol)}
    stray = sorted(set(domains) - names)
    if stray and strict:
        raise ParseError(f"assumption on {stray[0]!r}, which the claim does not use")
    return {k: v for k, v in domains.items() if k in names}, tuple(dict.fromkeys([*facts, *texts]))


def rebase(exprs, assume=None, *, also=(), strict: bool = True) -> tuple[list, dict, tuple]:
    """(``exprs`` over derive's plain real symbols, the domains of their variables, the assumptions as shown).

    ``assume`` is an assumption string, a list of them, or a dict {name: Domain};
    a symbol's own sign or integer facts (``Symbol('p', positive=True)``) become
    assumptions too.  An assumption may name a variable of ``exprs`` or one of
    the names ``also``; on any other it is a ParseError, or, unless ``strict``, dropped.

    >>> (e,), domains, shown = rebase([sp.Symbol('n', integer=True) + 1], "n >= 0")
    >>> e.is_integer, domains['n'], shown
    (None, Domain(interval=Interval(0, oo), integer=True), ('n integer', 'n >= 0'))
    """
    facts: dict = {}
    exprs = [_real(e, facts) for e in exprs]
    names = {s.name for e in exprs for s in e.atoms(sp.Symbol)} | set(also)
    domains, shown = _domains(assume, facts, names, strict)
    return exprs, domains, shown


def prepare(claim, assume=None, *, strict: bool = True) -> Claim:
    """The :class:`Claim` to decide: over derive's real symbols, with its domains and shown assumptions.

    ``claim`` is claim text or a :class:`Claim`; ``assume`` and ``strict`` are
    those of :func:`rebase`, the words of the claim's text counting as its names.

    >>> prepare("w**2 >= abs(w)", "w integer").assumptions
    ('w integer',)
    >>> c = prepare(Claim(sp.Symbol('n', positive=True), ">", sp.S.Zero, "n > 0"), {"m": Domain()}, strict=False)
    >>> c.lhs.is_positive, c.domains, c.assumptions
    (None, {'n': Domain(interval=Interval.open(0, oo), integer=False)}, ('n > 0',))
    >>> prepare("x >= 0", ["y > 0"])
    Traceback (most recent call last):
    ...
    derive.lang.expressions.ParseError: assumption on 'y', which the claim does not use
    """
    if isinstance(claim, str):
        claim = parse_claim(claim)
    (lhs, rhs), domains, shown = rebase([claim.lhs, claim.rhs], assume, also=re.findall(r"\w+", claim.text),
                                        strict=strict)
    checked = check_vectors([lhs, rhs], domains)
    shown = (*shown, *(f"{name} {checked[name]} (a length)" for name in sorted(set(checked) - set(domains))
                       if checked[name].length is None))
    return Claim(lhs, claim.rel, rhs, claim.text, checked, shown)
