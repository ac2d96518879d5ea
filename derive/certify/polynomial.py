"""Exact decisions for claims that are polynomial: Z3's nonlinear real arithmetic (nlsat).

A claim whose two sides are built from +, −, ×, ÷, integer powers, square
roots, |·|, Max, Min, sign and Piecewise over comparisons is a formula of real
arithmetic, which is decidable; floor and ceil bring integers in (Z3's
``ToInt``), which Z3 decides when they stay linear.  :func:`decide_polynomial` hands its negation
(lhs < rhs for lhs ≥ rhs, and so on), with the variables' domains and the
conditions under which each side is defined, to Z3.  *unsat* proves the
claim; *sat* gives a model, which the verifier certifies with arb before it
counts; anything else (a resource limit, a non-polynomial part) is no answer.
Z3's budget is its deterministic resource limit (``rlimit``), never the clock,
so the same claim gets the same answer on a busy machine.

Z3 sees positional names (``v0``, ``v1``, …), never the user's.

>>> import sympy as sp
>>> x, y = sp.symbols('x y', real=True)
>>> decide_polynomial(x**2 + y**2, 2*x*y, ">=", {}).status
'proved'
>>> r = decide_polynomial(x**2 + y**2, 2*x*y + 1, ">=", {})
>>> r.status, r.point is not None
('violated', True)
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["PolynomialResult", "decide_polynomial", "RLIMIT"]

RLIMIT = 2_000_000  # Z3's deterministic resource budget per claim


class NotPolynomial(ValueError):
    """A part of the claim lies outside real arithmetic (exp, log, …)."""


@dataclass(frozen=True)
class PolynomialResult:
    """``status`` is 'proved', 'violated' (``point``: exact values of a model) or 'unknown' (``why``)."""

    status: str
    point: dict | None = None
    why: str = ""


class _Translate:
    """SymPy → Z3, with side conditions for division and square roots."""

    def __init__(self, z3, names):
        self.z3, self.names, self.side, self.aux = z3, names, [], 0

    def fresh(self):
        self.aux += 1
        return self.z3.Real(f"a{self.aux}")

    def __call__(self, e):
        z3 = self.z3
        if e.is_Symbol:
            if e not in self.names:
                raise NotPolynomial(f"unknown symbol {e}")
            return self.names[e]
        if e.is_Rational:
            return z3.RealVal(f"{e.p}/{e.q}")
        if e.is_Add:
            return z3.Sum([self(a) for a in e.args])
        if e.is_Mul:
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if e.is_Pow:
            return self.power(e)
        if isinstance(e, sp.Abs):
            a = self(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, (sp.Max, sp.Min)):
            out = self(e.args[0])
            for a in e.args[1:]:
                b = self(a)
                out = z3.If(out >= b, out, b) if isinstance(e, sp.Max) else z3.If(out <= b, out, b)
            return out
        if isinstance(e, (sp.floor, sp.ceiling)):  # Z3's ToInt is the floor; ceil(a) = −floor(−a)
            a = self(e.args[0])
            return z3.ToReal(z3.ToInt(a)) if isinstance(e, sp.floor) else -z3.ToReal(z3.ToInt(-a))
        if isinstance(e, sp.sign):
            a = self(e.args[0])
            return z3.If(a > 0, z3.RealVal(1), z3.If(a < 0, z3.RealVal(-1), z3.RealVal(0)))
        if isinstance(e, sp.Piecewise):
            *pieces, (last, default) = e.args
            if default is not sp.true:
                raise NotPolynomial("a Piecewise without a default branch")
            out = self(last)
            for value, cond in reversed(pieces):
                out = z3.If(self.condition(cond), self(value), out)
            return out
        raise NotPolynomial(f"{type(e).__name__} is not real arithmetic")

    def power(self, e):
        z3, base, exp = self.z3, e.base, e.exp
        if exp.is_Integer:
            b = self(base)
            if exp == 0:
                return z3.RealVal(1)
            if abs(exp) > 64:
                raise NotPolynomial("a power above 64")
            out = b
            for _ in range(abs(int(exp)) - 1):
                out = out * b
            if exp < 0:
                self.side.append(b != 0)
                return 1 / out
            return out
        if exp.is_Rational and exp.q == 2 and abs(exp.p) <= 64:
            root = self.fresh()
            b = self(base)
            self.side += [root >= 0, root * root == b]
            return self._root_power(root, exp.p)
        raise NotPolynomial(f"the power {exp} is not real arithmetic")

    def _root_power(self, root, p):
        out = root
        for _ in range(abs(p) - 1):
            out = out * root
        if p < 0:
            self.side.append(root != 0)
            return 1 / out
        return out

    def condition(self, c):
        z3 = self.z3
        if isinstance(c, sp.And):
            return z3.And([self.condition(a) for a in c.args])
        if isinstance(c, sp.Or):
            return z3.Or([self.condition(a) for a in c.args])
        if isinstance(c, sp.Not):
            return z3.Not(self.condition(c.args[0]))
        if c is sp.true:
            return z3.BoolVal(True)
        if c is sp.false:
            return z3.BoolVal(False)
        ops = {sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b,
               sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b,
               sp.Eq: lambda a, b: a == b, sp.Ne: lambda a, b: a != b}
        if type(c) in ops:
            return ops[type(c)](self(c.lhs), self(c.rhs))
        raise NotPolynomial(f"the condition {type(c).__name__}")


def _exact(z3, value):
    """A model value as an exact SymPy number (an algebraic one to 40 digits, as a rational)."""
    if z3.is_rational_value(value):
        return sp.Rational(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_algebraic_value(value):
        near = value.approx(40)
        return sp.Rational(near.numerator_as_long(), near.denominator_as_long())
    return None


def decide_polynomial(lhs, rhs, rel, domains, *, rlimit=RLIMIT) -> PolynomialResult:
    """Decide ``lhs rel rhs`` over the domains ({name: Domain}) exactly, when it is real arithmetic.

    >>> x = sp.Symbol('x', real=True)
    >>> decide_polynomial(sp.Abs(x), x, ">=", {}).status
    'proved'
    >>> decide_polynomial(sp.exp(x), x, ">=", {}).status
    'unknown'
    """
    try:
        import z3
    except ImportError:  # pragma: no cover - z3-solver is a runtime dependency
        return PolynomialResult("unknown", why="z3 is not installed")
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=sp.default_sort_key)
    names = {s: z3.Real(f"v{i}") for i, s in enumerate(symbols)}
    translate = _Translate(z3, names)
    try:
        left, right = translate(lhs), translate(rhs)
        bounds = []
        for s in symbols:
            d = domains.get(s.name)
            if d is None:
                continue
            lo, hi = d.interval.inf, d.interval.sup
            v = names[s]
            for end, is_open, above in ((lo, d.interval.left_open, True), (hi, d.interval.right_open, False)):
                if end.is_infinite:
                    continue
                if not end.is_Rational:
                    raise NotPolynomial("an irrational domain bound")
                e = translate(end)
                bounds.append((v > e if is_open else v >= e) if above else (v < e if is_open else v <= e))
            if d.integer:
                bounds.append(z3.IsInt(v))
    except NotPolynomial as exc:
        return PolynomialResult("unknown", why=str(exc))
    negation = {"=": left != right, ">=": left < right, ">": left <= right, "<=": left > right, "<": left >= right}[rel]
    solver = z3.Solver()
    solver.set("rlimit", rlimit)
    solver.add(*bounds, *translate.side, negation)
    answer = solver.check()
    if answer == z3.unsat:
        return PolynomialResult("proved", why="Z3 nlsat: the negation has no real solution")
    if answer == z3.sat:
        model = solver.model()
        point = {}
        for s in symbols:
            value = model.eval(names[s], model_completion=True)  # Z3 evaluates its own term, no text
            exact = _exact(z3, value)
            if exact is None:
                return PolynomialResult("unknown", why="a model value Z3 cannot write exactly")
            point[s] = exact
        return PolynomialResult("violated", point=point)
    return PolynomialResult("unknown", why=f"Z3 gave no answer within its resource limit ({solver.reason_unknown()})")
