"""The independent label check of the held-out claims, and the referee of counterexamples.

Imports nothing from ``derive``: the relation is read from the claim text, the
domains from the assumption text, and both sides come from each row's own
mpmath evaluator (:mod:`tests.heldout.claims`).

Definitions (``scale = max(|lhs|, |rhs|)``, so every tolerance is relative; ``tol(d) = 10**-(d - 10)``, which is
1e-40 at 50 digits):

- a point **violates** ``=`` when ``|lhs - rhs| > 1e-30·scale``; ``<=`` when
  ``lhs - rhs > tol·scale``; ``<`` when ``lhs - rhs >= -tol·scale`` — **equality at
  working precision counts as a violation of a strict inequality** (that is how
  the "strict inequalities that reach equality" rows are false); ``>=``, ``>`` alike.
- a point **satisfies** ``=`` when ``|lhs - rhs| <= 1e-40·scale``; ``<=`` when
  ``lhs - rhs <= 0``, or ``<= 1e-40·scale`` on rows marked ``attained`` (the reason
  says where the sides meet); ``<`` when ``lhs - rhs < 0`` exactly.
- A false row's witness must violate at 50 digits and again at 300 digits (so a
  50-digit rounding cannot make a witness).  A true row must be satisfied at 200
  seeded points of its domain (one point if it has no free variables): each point
  is evaluated at 50 digits, and a point that fails there is re-evaluated at 300
  digits (e.g. tanh(100) < 1 differs from 1 only in the 87th digit); the count of
  such points is reported, and a point failing at 300 digits fails the row.
- A counterexample is valid when it lies inside the assumptions (exactly, for
  rational values) and violates at both 50 and 300 digits.
"""
from __future__ import annotations

import ast
import inspect
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp

from .claims import ROWS, Row

__all__ = ["relation", "parse_value", "parse_domains", "violates", "satisfies", "evaluate", "check_row",
           "check_all", "check_counterexample", "params", "Dom", "LOW_DPS", "HIGH_DPS"]

LOW_DPS, HIGH_DPS = 50, 300
POINTS = 200
_RELS = ("<=", ">=", "==", "<", ">", "=")


def relation(text: str) -> str:
    """The relation of a claim ('=', '<=', '<', '>=', '>'): the one sign outside all brackets."""
    depth, i, found = 0, 0, []
    while i < len(text):
        ch = text[i]
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0 and ch in "<>=":
            op = next(r for r in _RELS if text.startswith(r, i))
            found.append(op)
            i += len(op)
        else:
            i += 1
    if len(found) != 1:
        raise ValueError(f"claim without exactly one relation: {text!r}")
    return {"==": "="}.get(found[0], found[0])


# ---------------------------------------------------------------- values
_SAFE = {"pi": lambda: mp.pi, "E": lambda: mp.e, "e": lambda: mp.e}
_FUNCS = {"sqrt": mp.sqrt, "log": mp.log, "exp": mp.exp, "sin": mp.sin, "cos": mp.cos, "tanh": mp.tanh}


def _ast_value(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return mp.mpf(Fraction(str(node.value)).numerator) / Fraction(str(node.value)).denominator
    if isinstance(node, ast.Name) and node.id in _SAFE:
        return _SAFE[node.id]()
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _ast_value(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
        a, b = _ast_value(node.left), _ast_value(node.right)
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Div: a / b if b else None,
                ast.Pow: a ** b}[type(node.op)] if not (isinstance(node.op, ast.Div) and b == 0) else _raise()
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS
            and len(node.args) == 1 and not node.keywords):
        return _FUNCS[node.func.id](_ast_value(node.args[0]))
    raise ValueError("unsupported value")


def _raise():
    raise ZeroDivisionError


def parse_value(text):
    """(exact Fraction or None, mpf at the working precision) of one scalar value given as text.

    Accepts integers, rationals 'a/b', decimal and float reprs ('0.82', '1e+310'), and
    small closed forms ('sqrt(2)/2', '-log(2)', 'pi/4').  ValueError otherwise.
    """
    if isinstance(text, (int, Fraction)):
        q = Fraction(text)
        return q, mp.mpf(q.numerator) / q.denominator
    if isinstance(text, float):
        if not math.isfinite(text):
            return None, mp.mpf(text)
        q = Fraction(text)
        return q, mp.mpf(q.numerator) / q.denominator
    s = str(text).strip()
    try:
        q = Fraction(s)
        return q, mp.mpf(q.numerator) / q.denominator
    except (ValueError, ZeroDivisionError):
        pass
    try:
        return None, mp.mpf(s)
    except (ValueError, TypeError):
        pass
    try:
        return None, mp.mpf(_ast_value(ast.parse(s, mode="eval").body))
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        raise ValueError(f"cannot read the value {s!r}") from None


# ---------------------------------------------------------------- domains
@dataclass
class Dom:
    lo: Fraction | None = None
    hi: Fraction | None = None
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False
    kind: str = "real"          # 'real', 'vector' (R^k) or 'simplex'
    size: int | None = None     # vector length; None for a symbolic n

    def meet(self, other: "Dom") -> "Dom":
        d = Dom(self.lo, self.hi, self.lo_open, self.hi_open, self.integer or other.integer, self.kind, self.size)
        if other.kind != "real":
            d.kind, d.size = other.kind, other.size
        if other.lo is not None and (d.lo is None or other.lo > d.lo or (other.lo == d.lo and other.lo_open)):
            d.lo, d.lo_open = other.lo, other.lo_open
        if other.hi is not None and (d.hi is None or other.hi < d.hi or (other.hi == d.hi and other.hi_open)):
            d.hi, d.hi_open = other.hi, other.hi_open
        return d

    def contains(self, exact, value) -> bool:
        """Is the scalar (exact Fraction if known, else its mpf) inside?"""
        v = exact if exact is not None else value
        if exact is None and not mp.isfinite(value):
            return False
        if self.integer and (exact is None or exact.denominator != 1):
            if exact is not None or value != mp.floor(value):
                return False
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        if self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)):
            return False
        return True


_NAME = r"([A-Za-z][A-Za-z0-9_]*)"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _half(op, bound) -> Dom:
    b = Fraction(bound.strip())
    return Dom(lo=b, lo_open=op == ">") if op in (">", ">=") else Dom(hi=b, hi_open=op == "<")


def parse_domains(assume) -> dict:
    """name -> Dom for the assumption forms the rows use (read here, not by derive)."""
    out: dict = {}
    for text in assume:
        t = " ".join(text.split())
        m = re.fullmatch(_NAME + r" in (R|simplex)\^(\w+)", t)
        if m:
            size = int(m[3]) if m[3].isdigit() else None
            d = Dom(kind="vector" if m[2] == "R" else "simplex", size=size)
            name = m[1]
        elif (m := re.fullmatch(_NAME + r"( integer)? in ([\(\[])(.+),(.+)([\)\]])", t)):
            name = m[1]
            d = Dom(Fraction(m[4].strip()), Fraction(m[5].strip()), m[3] == "(", m[6] == ")", bool(m[2]))
        elif (m := re.fullmatch(_NAME + r"( integer)?", t)) and m[2]:
            name, d = m[1], Dom(integer=True)
        elif (m := re.fullmatch(_NAME + r"( integer)? ?(<=|>=|<|>) ?(.+)", t)):
            name, d = m[1], _half(m[3], m[4])
            d.integer = bool(m[2])
        elif (m := re.fullmatch(r"(.+?) ?(<=|<) ?" + _NAME + r" ?(<=|<) ?(.+)", t)):
            name = m[3]
            d = _half(_FLIP[m[2]], m[1]).meet(_half(m[4], m[5]))
        else:
            raise ValueError(f"cannot read the assumption {text!r}")
        out[name] = out[name].meet(d) if name in out else d
    return out


def params(row: Row) -> list:
    return list(inspect.signature(row.f).parameters)


# ---------------------------------------------------------------- relations at a precision
def _real(v):
    if isinstance(v, mp.mpc):
        if v.imag != 0:
            raise ValueError("complex value")
        v = v.real
    v = mp.mpf(v)
    if not mp.isfinite(v):
        raise ValueError("non-finite value")
    return v


def _tol(dps):
    return mp.mpf(10) ** -(dps - 10)


def violates(rel, lhs, rhs, dps=LOW_DPS) -> bool:
    scale = max(abs(lhs), abs(rhs))  # relative: 1e-391 < 1e-300 is a violation
    d = lhs - rhs
    if rel == "=":
        return abs(d) > mp.mpf(10) ** -30 * scale
    if rel in (">=", ">"):
        d = -d
    tol = _tol(dps) * scale
    return d > tol if rel in ("<=", ">=") else d >= -tol


def satisfies(rel, lhs, rhs, attained=False) -> bool:
    scale = max(abs(lhs), abs(rhs))
    d = lhs - rhs
    if rel == "=":
        return abs(d) <= mp.mpf(10) ** -40 * scale
    if rel in (">=", ">"):
        d = -d
    if rel in ("<=", ">="):
        return d <= (mp.mpf(10) ** -40 * scale if attained else 0)
    return d < 0


def _to_mp(value, dps):
    """A point coordinate (text, Fraction, mpf or a list of them) at ``dps`` digits."""
    if isinstance(value, (list, tuple)):
        return [_to_mp(v, dps) for v in value]
    if isinstance(value, mp.mpf):
        return mp.mpf(value)
    return parse_value(value)[1]


def evaluate(row: Row, point: dict, dps: int):
    """(lhs, rhs) of the row at ``point`` (name -> value), with mpmath at ``dps`` digits."""
    with mp.workdps(dps):
        args = {name: _to_mp(point[name], dps) for name in params(row)}
        lhs, rhs = row.f(**args)
        return _real(lhs), _real(rhs)


# ---------------------------------------------------------------- sampling the domain of a true row
SCALES = (Fraction(1, 1000), Fraction(1), Fraction(10), Fraction(100))


def _scalar(d: Dom, rng: random.Random, k: int):
    """The k-th seeded sample of a scalar domain (a Fraction or an mpf)."""
    if d.integer:
        lo = None if d.lo is None else math.ceil(d.lo) + (1 if d.lo_open and d.lo == math.ceil(d.lo) else 0)
        hi = None if d.hi is None else math.floor(d.hi) - (1 if d.hi_open and d.hi == math.floor(d.hi) else 0)
        if lo is None and hi is None:
            return Fraction([0, 1, -1][k] if k < 3 else rng.randint(-100, 100))
        if hi is None:
            return Fraction(lo + (k if k < 5 else rng.randint(0, 60)))
        if lo is None:
            return Fraction(hi - (k if k < 5 else rng.randint(0, 60)))
        return Fraction(rng.randint(lo, hi) if k else lo)
    u = Fraction(rng.random()) or Fraction(1, 2)
    s = rng.choice(SCALES)
    if d.lo is None and d.hi is None:
        special = [Fraction(0), Fraction(1), Fraction(-1)]
        return special[k] if k < 3 else rng.choice((1, -1)) * s * u
    if d.lo is not None and d.hi is not None:
        w = d.hi - d.lo
        ends = [d.lo if not d.lo_open else d.lo + w * Fraction(1, 10**9),
                d.hi if not d.hi_open else d.hi - w * Fraction(1, 10**9), d.lo + w / 2]
        return ends[k] if k < 3 else d.lo + w * u
    if d.lo is not None:
        unit = max(Fraction(1), abs(d.lo))
        end = d.lo if not d.lo_open else d.lo + unit * Fraction(1, 10**9)
        return end if k == 0 else d.lo + unit * s * u
    unit = max(Fraction(1), abs(d.hi))
    end = d.hi if not d.hi_open else d.hi - unit * Fraction(1, 10**9)
    return end if k == 0 else d.hi - unit * s * u


def _vector(d: Dom, size: int, rng: random.Random, k: int):
    if d.kind == "simplex":
        if k < size:  # near a vertex
            w = [Fraction(1, 10**9)] * size
            w[k] = 1 - Fraction(size - 1, 10**9)
            return w
        raw = [Fraction(rng.random()) + Fraction(1, 10**6) for _ in range(size)]
        total = sum(raw)
        return [r / total for r in raw]
    if k == 0:
        return [Fraction(0)] * size
    return [_scalar(Dom(), rng, 3 + k) for _ in range(size)]


def sample(row: Row, rng: random.Random, count: int = POINTS) -> list:
    names, doms = params(row), parse_domains(row.assume)
    if not names:
        return [{}]
    points = []
    for k in range(count):
        size = rng.choice((1, 2, 3, 4, 6))
        point = {}
        for name in names:
            d = doms.get(name, Dom())
            point[name] = (_vector(d, d.size or size, rng, k) if d.kind != "real" else _scalar(d, rng, k))
        points.append(point)
    return points


# ---------------------------------------------------------------- the checks
@dataclass
class RowCheck:
    row: Row
    ok: bool
    points: int = 0
    retried: int = 0      # true rows: points that needed 300 digits
    message: str = ""


def check_row(row: Row, seed: int = 0) -> RowCheck:
    rel = relation(row.claim)
    if not row.label:
        try:
            low = evaluate(row, row.witness, LOW_DPS)
            high = evaluate(row, row.witness, HIGH_DPS)
        except (ValueError, ZeroDivisionError, TypeError, KeyError) as exc:
            return RowCheck(row, False, 1, 0, f"witness cannot be evaluated: {exc}")
        doms = parse_domains(row.assume)
        for name, value in row.witness.items():
            d = doms.get(name, Dom())
            for item in (value if isinstance(value, list) else [value]):
                exact, v = parse_value(item)
                if d.kind == "real" and not d.contains(exact, v):
                    return RowCheck(row, False, 1, 0, f"witness {name} = {value} is outside the assumptions")
        if not (violates(rel, *low, dps=LOW_DPS) and violates(rel, *high, dps=HIGH_DPS)):
            return RowCheck(row, False, 1, 0, f"witness does not violate: lhs = {mp.nstr(low[0], 20)}, "
                                              f"rhs = {mp.nstr(low[1], 20)}")
        return RowCheck(row, True, 1, 0, "witness violates at 50 and 300 digits")
    rng = random.Random(f"{seed}:{row.id}")
    retried, pts = 0, sample(row, rng)
    for point in pts:
        try:
            if satisfies(rel, *evaluate(row, point, LOW_DPS), attained=row.attained):
                continue
            retried += 1
            lhs, rhs = evaluate(row, point, HIGH_DPS)
            if satisfies(rel, lhs, rhs, attained=row.attained):
                continue
        except (ValueError, ZeroDivisionError, TypeError) as exc:
            return RowCheck(row, False, len(pts), retried, f"cannot evaluate at {point}: {exc}")
        return RowCheck(row, False, len(pts), retried,
                        f"fails at {point}: lhs = {mp.nstr(lhs, 25)}, rhs = {mp.nstr(rhs, 25)}")
    return RowCheck(row, True, len(pts), retried, "")


def check_all(rows=ROWS) -> list:
    return [check_row(r) for r in rows]


# ---------------------------------------------------------------- counterexamples from a verifier
def _gather(row: Row, cex: dict):
    """The counterexample as name -> text or list of texts, for the evaluator's parameters; or None."""
    names, doms = params(row), parse_domains(row.assume)
    point = {}
    for name in names:
        d = doms.get(name, Dom())
        if d.kind == "real":
            if name not in cex:
                return None, f"no value for {name}"
            point[name] = cex[name]
            continue
        value = cex.get(name)
        if isinstance(value, (list, tuple)):
            point[name] = list(value)
        elif isinstance(value, str) and value.strip()[:1] in "[(":
            point[name] = [v for v in re.split(r"[,\s]+", value.strip()[1:-1]) if v]
        else:  # o_1, o[1], o1 ... entries
            entries = {}
            for key, v in cex.items():
                m = re.fullmatch(re.escape(name) + r"(?:_|\[)?(\d+)\]?", str(key))
                if m:
                    entries[int(m[1])] = v
            if not entries:
                return None, f"no value for the vector {name}"
            first = min(entries)
            point[name] = [entries[i] for i in range(first, first + len(entries))]
    return point, ""


def check_counterexample(row: Row, cex: dict):
    """(True / False / None, why): valid, invalid, or not checkable here (a vector format not understood)."""
    point, why = _gather(row, dict(cex or {}))
    if point is None:
        return (None if row.syntax == "new" else False), why
    doms = parse_domains(row.assume)
    try:
        for name, value in point.items():
            d = doms.get(name, Dom())
            items = value if isinstance(value, list) else [value]
            parsed = [parse_value(v) for v in items]
            if d.kind == "real" and not d.contains(*parsed[0]):
                return False, f"{name} = {value} is outside the assumptions {list(row.assume)}"
            if d.kind != "real":
                if d.size is not None and len(items) != d.size:
                    return False, f"{name} has {len(items)} entries, not {d.size}"
                if d.kind == "simplex" and (any(v < 0 for _, v in parsed)
                                            or abs(mp.fsum(v for _, v in parsed) - 1) > mp.mpf(10) ** -30):
                    return False, f"{name} = {value} is not in the simplex"
        rel = relation(row.claim)
        low = evaluate(row, point, LOW_DPS)
        high = evaluate(row, point, HIGH_DPS)
    except (ValueError, ZeroDivisionError, TypeError) as exc:
        return False, f"cannot evaluate the claim there: {exc}"
    if violates(rel, *low, dps=LOW_DPS) and violates(rel, *high, dps=HIGH_DPS):
        return True, f"violates: lhs = {mp.nstr(low[0], 15)}, rhs = {mp.nstr(low[1], 15)}"
    return False, (f"does not violate the claim at 50/300 digits: lhs = {mp.nstr(high[0], 25)}, "
                   f"rhs = {mp.nstr(high[1], 25)}")


if __name__ == "__main__":  # python -m tests.heldout.labels
    results = check_all()
    bad = [c for c in results if not c.ok]
    t = sum(r.label for r in ROWS)
    print(f"{len(ROWS)} rows ({t} true, {len(ROWS) - t} false; "
          f"{sum(r.syntax == 'new' for r in ROWS)} in the new syntax)")
    print(f"true rows: {sum(c.points for c in results if c.row.label)} points checked, "
          f"{sum(c.retried for c in results)} needed 300 digits")
    for c in bad:
        print(f"LABEL CHECK FAILED {c.row.id}: {c.message}")
    print(f"label check: {len(results) - len(bad)} of {len(results)} rows agree with their labels")
