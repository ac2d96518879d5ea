"""Interval branch and bound: prove m ≥ 0 (or m > 0) on a box, or certify a point where it fails.

Main statements
    :func:`prove_nonnegative` returns a :class:`Certificate` (m ≥ 0 shown on
    every box of a cover), a :class:`Violation` (an exact point where the sign
    of m is certified wrong), or None (undecided within the budget).

Method
    Boxes are bisected, the widest side first; an infinite side is split at 0,
    then at ±1, ±2, ±4, …, and the last box [R, ∞) stays a tail.  The split
    points are taken first from the rational constants of m and 0, so a point
    where m touches 0 falls on a face.  A box is done when the arb enclosure
    of m on it is ≥ 0 (> 0).  Otherwise, when m is continuous and the
    enclosure of ∂m/∂x (derive's rule-table derivative, on the open box) has a
    sign, the minimum is on one face, and the box is replaced by that face;
    a point is decided by :func:`~derive.certify.enclosure.sign_at`.  A tail on
    which m falls towards ∞ is done when its enclosure is ≥ 0; for m > 0 it
    also needs m analytic and m > 0 at the finite end (then m cannot reach 0:
    a monotone analytic function that is 0 somewhere beyond is constant).
    An open end a of a side is removed by x = a ± 1/u, u → ∞.

References
    R. E. Moore, R. B. Kearfott, M. J. Cloud, *Introduction to Interval
    Analysis*, SIAM 2009, §6 (branch and bound, monotonicity test).

>>> x = sp.Symbol('x', real=True)
>>> cert = prove_nonnegative(sp.exp(x) - 1 - x, {x: (-sp.oo, sp.oo)})
>>> cert.method, cert.faces[0][1:]
('interval branch and bound with arb ball arithmetic', ('x', '0'))
>>> prove_nonnegative((x - 1)**2, {x: (-2, 2)}, strict=True).point
{x: 1}
"""
from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from ..limit_at import limit_at
from ..limits import StepTimeout, time_limit
from ..ops import MissingRule, derivative, op_of, to_elementary
from .enclosure import WORK, enclose, sign_at, specialise
from .intervals import DEFAULT_BITS, Unenclosable, precision

__all__ = ["Certificate", "Violation", "prove_nonnegative", "METHOD"]

METHOD = "interval branch and bound with arb ball arithmetic"
SHOWN = 5  # boxes with the smallest lower bounds kept in a certificate
TAIL_LIMIT = sp.Integer(2) ** 256  # a tail that starts beyond this is left undecided
_CONTINUOUS = {"add", "mul", "pow", "sqrt", "exp", "log", "tanh", "sin", "cos", "sinh", "cosh", "erf", "abs", "max",
               "min", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish", "softsign", "hardtanh", "sigmoid",
               "softplus", "erfc"}
_ANALYTIC = {"add", "mul", "pow", "exp", "log", "tanh", "sin", "cos", "sinh", "cosh", "erf", "erfc", "gelu", "silu", "mish",
             "sigmoid", "softplus"}


@dataclass
class Violation:
    """An exact point where m < 0 (or m = 0 when m > 0 was to be shown), certified by arb."""

    point: dict
    sign: int

    def steps(self):
        where = ", ".join(f"{s} = {v}" for s, v in self.point.items())
        return [f"at {where}: m {'< 0' if self.sign < 0 else '= 0'} (arb ball, certified)"]


@dataclass
class Certificate:
    """What branch and bound showed: boxes, the tightest bounds, the faces and tails argued."""

    margin: object
    strict: bool
    boxes: int = 0
    tightest: list = field(default_factory=list)  # (box text, lower bound)
    faces: list = field(default_factory=list)  # (box text, variable, face value)
    tails: list = field(default_factory=list)  # (box text, reason)
    narrowest: str = ""
    method: str = METHOD

    def steps(self) -> list:
        """Short human-readable lines, for the verifier to print."""
        rel = ">" if self.strict else "≥"
        lines = [f"{self.method}: m {rel} 0 on each of {self.boxes} boxes"]
        lines += [f"on {box}: m ≥ {mpmath.nstr(low, 4)} (arb)" for box, low in self.tightest]
        lines += [f"on {box}: ∂m/∂{v} has one sign, so the minimum is at {v} = {at}" for box, v, at in self.faces[:SHOWN]]
        lines += [f"on {box}: {why}" for box, why in self.tails[:SHOWN]]
        if self.narrowest:
            lines.append(f"narrowest box: {self.narrowest}")
        return lines

    def as_dict(self) -> dict:
        return {"method": self.method, "boxes": self.boxes, "strict": self.strict, "margin": str(self.margin),
                "tightest": [(b, float(v)) for b, v in self.tightest], "faces": list(self.faces),
                "tails": list(self.tails), "narrowest": self.narrowest}


def _show(box) -> str:
    return " × ".join(f"{s} ∈ [{a}, {b}]" if a != b else f"{s} = {a}" for s, (a, b) in box.items())


def _ops(expr):
    return {op_of(e) for e in sp.preorder_traversal(expr) if not e.is_Atom}


def _fractional_powers(expr):
    return any(isinstance(e, sp.Pow) and not e.exp.is_Integer and e.base.free_symbols
               for e in sp.preorder_traversal(expr))


FORM_SECONDS = 2  # time limit of sp.factor / sp.limit on one expression


def _forms(expr):
    """``expr`` and its factored form (an exact identity): the enclosures of both are intersected."""
    try:
        with time_limit(FORM_SECONDS):
            factored = sp.factor(expr)
    except (StepTimeout, sp.PolynomialError, NotImplementedError, ValueError, TypeError):
        return (expr,)
    return (expr,) if factored == expr else (expr, factored)


def _enclose_all(forms, box, **options):
    """The intersection of the enclosures of the forms that can be enclosed; Unenclosable if none can."""
    found = None
    for f in forms:
        try:
            value = enclose(f, box, **options)
        except Unenclosable:
            continue
        found = value if found is None else found.meet(value.lo, value.hi) or found
    if found is None:
        raise Unenclosable(f"no enclosure of {forms[0]} on {box}")
    return found


def _split_points(margin, symbols):
    points = {sp.S.Zero}
    for e in sp.preorder_traversal(margin):
        if e.is_Rational and abs(e) < TAIL_LIMIT:
            points.update({e, -e})
    return sorted(points)


def _split(box, s, cuts, integer):
    """Two boxes from side s: at a cut point inside, else at the middle (or 0, ±1, ±2, ±4, … if infinite)."""
    a, b = box[s]
    inside = [c for c in cuts if (a == -sp.oo or c > a) and (b == sp.oo or c < b)]
    if inside:
        mid = a + (b - a) / 2 if a != -sp.oo and b != sp.oo else sp.S.Zero
        m = min(inside, key=lambda c: abs(c - mid))
    elif a == -sp.oo and b == sp.oo:
        m = sp.S.Zero
    elif b == sp.oo:
        m = max(2 * a, a + 1) if a >= 0 else sp.S.Zero if a < -1 else a + 1
    elif a == -sp.oo:
        m = min(2 * b, b - 1) if b <= 0 else sp.S.Zero if b > 1 else b - 1
    else:
        m = (a + b) / 2
    if integer:
        m = sp.floor(m)
        if m >= b:
            m = b - 1
        return {**box, s: (a, m)}, {**box, s: (m + 1, b)}
    return {**box, s: (a, m)}, {**box, s: (m, b)}


def _width(side):
    a, b = side
    return sp.oo if a == -sp.oo or b == sp.oo else b - a


def _sample(box, integers):
    point = {}
    for s, (a, b) in box.items():
        v = (a + b) / 2 if a != -sp.oo and b != sp.oo else (b - 1 if a == -sp.oo and b != sp.oo else
                                                             a + 1 if a != -sp.oo else sp.S.Zero)
        point[s] = sp.floor(v) if s in integers else sp.Rational(v)
    return point


def _open_ends(margin, box):
    """Pieces (margin, box, back) with every open finite end moved to infinity by x = a ± 1/u."""
    pieces = [(margin, {}, {})]
    for s, side in box.items():
        if not isinstance(side, sp.Interval):
            pieces = [(m, {**b, s: tuple(side)}, back) for m, b, back in pieces]
            continue
        a, b = side.inf, side.sup
        new = []
        for m, bx, back in pieces:
            lo, hi = a, b
            if side.left_open and a.is_finite:
                u = sp.Dummy("u", positive=True)
                near = a + 1 if b == sp.oo else a + (b - a) / 2
                new.append((sp.expand_log(m.xreplace({s: a + 1 / u})), {**bx, u: (1 / (near - a), sp.oo)}, {**back, s: a + 1 / u}))
                lo = near
            if side.right_open and b.is_finite:
                u = sp.Dummy("u", positive=True)
                near = b - 1 if lo == -sp.oo else lo + (b - lo) / 2
                new.append((sp.expand_log(m.xreplace({s: b - 1 / u})), {**bx, u: (1 / (b - near), sp.oo)}, {**back, s: b - 1 / u}))
                hi = near
            new.append((m, {**bx, s: (lo, hi)}, back))
        pieces = new
    return pieces


MAX_ORDER = 4  # derivatives tried by the higher-order monotonicity argument
MAX_WORK = 150_000  # expression nodes enclosed per search: the budget that decides, whatever the machine's load


class _Search:
    def __init__(self, margin, strict, integers, deadline, max_boxes, cert, max_work=None):
        self.margin, self.strict, self.integers = margin, strict, integers
        self.deadline, self.max_boxes, self.cert = deadline, max_boxes, cert
        self.max_work, self.work_start = (max_work if max_work is not None else MAX_WORK), WORK[0]
        self.cuts = _split_points(margin, margin.free_symbols)
        ops = _ops(margin)
        self.continuous = ops <= _CONTINUOUS
        self.analytic = ops <= _ANALYTIC and not _fractional_powers(margin)
        self.slopes, self.curvatures, self.special, self.signs = {}, {}, {}, {}
        self.forms = _forms(margin)

    def slope(self, s, expr=None):
        expr = self.margin if expr is None else expr
        if (expr, s) not in self.slopes:
            try:
                self.slopes[expr, s] = _forms(derivative(expr, s))
            except (MissingRule, TypeError, ValueError):
                self.slopes[expr, s] = None
        return self.slopes[expr, s]

    def on_box(self, box):
        """The margin with each relu, |·|, Max, Min, leaky ReLU whose argument keeps a sign on the (closed)
        box replaced by the branch it takes there, with its forms: the same function on the box, whose
        factored form can now show what the kink hid (relu(x) − silu(x) = x·σ(−x) for x ≥ 0)."""
        spec = specialise(self.margin, box)
        if spec == self.margin:
            return self.margin, self.forms
        if spec not in self.special:
            self.special[spec] = _forms(spec)
        return spec, self.special[spec]

    def holds(self, value):
        return value.lo > 0 or not self.strict and value.lo >= 0

    def point_sign(self, point, exact=True):
        return self.sign_of(self.margin, point, exact)

    def sign_of(self, expr, point, exact=True):
        """sign_at, remembered: the exact-zero check behind it is costly, and boxes share their ends."""
        key = (expr, tuple(sorted(point.items(), key=lambda kv: kv[0].name)), exact)
        if key not in self.signs:
            try:
                self.signs[key] = sign_at(expr, point, exact_zero=exact)
            except Unenclosable:
                self.signs[key] = None
        return self.signs[key]

    def run(self, box):
        """'proved', a Violation, or None (undecided)."""
        heap, count, undecided = [(0, 0, box)], 1, False
        while heap:
            if (time.monotonic() > self.deadline or self.cert.boxes >= self.max_boxes
                    or WORK[0] - self.work_start > self.max_work):
                return None
            _, _, box = heapq.heappop(heap)
            self.cert.boxes += 1
            verdict = self.step(box)
            if isinstance(verdict, Violation):
                return verdict
            if verdict is None:
                undecided = True
                continue
            for low, child in verdict:
                heapq.heappush(heap, (low, count, child))
                count += 1
        return None if undecided else "proved"

    def step(self, box):
        """[] when the box is done, a Violation, None when undecided, else children [(priority, box)]."""
        free = [s for s, (a, b) in box.items() if a != b]
        spec, forms = self.on_box(box)
        try:
            value = _enclose_all(forms, box)
        except Unenclosable:
            value = None
        if value is not None and self.holds(value):
            self.note(box, value.lo)
            if not (self.strict and value.lo == 0):
                return []
        if not free:
            sign = self.point_sign({s: a for s, (a, b) in box.items()})
            if sign is None:
                return None
            if sign > 0 or sign == 0 and not self.strict:
                return []
            return Violation({s: a for s, (a, b) in box.items()}, sign)
        sample = _sample(box, self.integers)
        sign = self.point_sign(sample, exact=self.strict)  # a 0 at a sample matters only to a strict claim
        if sign is not None and (sign < 0 or sign == 0 and self.strict):
            return Violation(sample, sign)
        if self.continuous:
            face = self.monotone(box, free, value, spec)
            if face is not None:
                return face
        s = max(free, key=lambda v: _width(box[v]))
        if (box[s][0] != -sp.oo and abs(box[s][0]) > TAIL_LIMIT) or (box[s][1] != sp.oo and abs(box[s][1]) > TAIL_LIMIT):
            return None
        low = value.lo if value is not None else -mpmath.inf
        return [(low, child) for child in _split(box, s, self.cuts, s in self.integers)]

    def monotone(self, box, free, value, spec=None):
        for s in free:
            slope = self.slope(s, spec)
            if slope is None:
                continue
            try:
                d = _enclose_all(slope, box, interior=True)
            except Unenclosable:
                continue
            if not (d.lo >= 0 or d.hi <= 0):
                continue
            a, b = box[s]
            end = a if d.lo >= 0 else b
            if end in (sp.oo, -sp.oo):  # m falls towards an infinite end: a tail
                if len(free) == 1:
                    done = self.tail(box, s, end, value)
                    if done is not None:
                        return done
                continue
            self.cert.faces.append((_show(box), str(s), str(end)))
            return [(value.lo if value is not None else -mpmath.inf, {**box, s: (end, end)})]
        if len(free) == 1 and spec is not None and _ops(spec) <= _ANALYTIC and not _fractional_powers(spec):
            return self.convex(box, free[0], value, spec)  # only where m is smooth: a kink breaks m′'s continuity
        return None

    def convex(self, box, s, value, spec):
        """Higher order, in one variable: the first derivative m⁽ᵏ⁾ (k ≤ 4) whose enclosure keeps a sign
        makes m⁽ᵏ⁻¹⁾ monotone; its certified sign at a finite end then gives m⁽ᵏ⁻¹⁾ a sign, and so
        on down to m′, so m is monotone and its minimum lies on a face.  This shows (1 + x/3)³ ≤ eˣ,
        tangent at 0 (m′(0) = 0, m″ > 0 near it), and on the tail [R, ∞) through m‴ = eˣ − 2/9 > 0."""
        a, b = box[s]
        if (spec, s) not in self.curvatures:
            tower, d = [], spec
            try:
                for _ in range(MAX_ORDER):
                    d = derivative(d, s)
                    tower.append(_forms(d))
            except (MissingRule, TypeError, ValueError):
                pass
            self.curvatures[spec, s] = tower
        tower = self.curvatures[spec, s]
        for k in range(2, len(tower) + 1):  # m⁽ᵏ⁾ = tower[k − 1]; order 1 is monotone() itself
            try:
                d = _enclose_all(tower[k - 1], box, interior=True)
            except Unenclosable:
                continue
            if not (d.lo >= 0 or d.hi <= 0):
                continue
            sign = 1 if d.lo >= 0 else -1  # of m⁽ᵏ⁾ on the box
            for j in range(k - 1, 0, -1):  # from m⁽ᵏ⁾'s sign to m⁽ʲ⁾'s
                sign = self._end_sign(tower[j - 1][0], s, a, b, sign)
                if sign is None:
                    break
            if sign is None:
                continue
            face = a if sign > 0 else b
            if face in (sp.oo, -sp.oo):
                return None
            self.cert.faces.append((_show(box), str(s), f"{face} (m⁽{k}⁾ keeps its sign on the box)"))
            return [(value.lo if value is not None else -mpmath.inf, {**box, s: (face, face)})]
        return None

    def _end_sign(self, expr, s, a, b, rising):
        """The sign expr keeps on [a, b] given that it rises (rising = 1) or falls (−1): from a finite end."""
        for end, sure in ((a, 1), (b, -1)):  # rising: expr ≥ expr(a), expr ≤ expr(b); falling: the reverse
            if end in (sp.oo, -sp.oo):
                continue
            at = self.sign_of(expr, {s: end}, exact=end in self.cuts)  # tangency sits at a cut point
            if at is None:
                continue
            bound = sure * rising  # 1: expr ≥ expr(end) on the box; −1: expr ≤ expr(end)
            if bound > 0 and at >= 0:
                return 1
            if bound < 0 and at <= 0:
                return -1
        return None

    def tail(self, box, s, end, value):
        """[] if m ≥ 0 (> 0) is shown on a 1-D tail where m falls monotonically towards ``end`` = ±∞."""
        a, b = box[s]
        other = b if end == a else a
        low = value.lo if value is not None else None
        why = "m is monotone, its enclosure is ≥ 0"
        if low is None or low < 0:  # the enclosure is too wide: the infimum is lim m (derive.limit_at)
            try:
                with time_limit(FORM_SECONDS):
                    limit = limit_at(to_elementary(self.margin.rewrite(sp.Max)), s, end)  # relu as Max
            except (StepTimeout, NotImplementedError, ValueError, TypeError):
                return None
            if limit == sp.oo:
                low = mpmath.inf
            elif limit.is_number and limit.is_finite and limit.is_real:
                sign = self.point_sign_of(limit)
                if sign is None or sign < 0:
                    return None
                low = mpmath.mpf(sign)  # 0 or 1: only its sign matters below
            else:
                return None
            why = f"m is monotone with lim m = {limit} as {s} → {end} (SymPy limit)"
        if low > 0 or low == 0 and not self.strict:
            self.cert.tails.append((_show(box), why))
            return []
        if low == 0 and self.analytic and self.point_sign({s: other}) == 1:
            self.cert.tails.append((_show(box), why + f", m is analytic and m({other}) > 0, so m > 0"))
            return []
        return None

    def point_sign_of(self, constant):
        try:
            return sign_at(constant, {})
        except Unenclosable:
            return None

    def note(self, box, low):
        shown = self.cert.tightest
        shown.append((_show(box), low))
        shown.sort(key=lambda t: t[1])
        del shown[SHOWN:]


def prove_nonnegative(margin, box, *, strict=False, integers=frozenset(), deadline_seconds=10,
                      max_boxes=20000, max_work=None) -> Certificate | Violation | None:
    """Prove ``margin ≥ 0`` (``> 0`` if strict) on ``box``, or certify a point where it fails; None if undecided.

    ``box`` maps each symbol to ``(lo, hi)`` (closed; exact ends, ±oo allowed)
    or to a SymPy Interval, whose open ends are honoured; ``integers`` are
    the symbols that take integer values only.

    >>> x = sp.Symbol('x', real=True)
    >>> type(prove_nonnegative(x - 1 - sp.log(x), {x: sp.Interval.open(0, sp.oo)})).__name__
    'Certificate'
    """
    margin = sp.sympify(margin, strict=True)  # strict: a SymPy expression or a number, never text
    missing = margin.free_symbols - set(box)
    if missing:
        raise ValueError(f"no range for {sorted(map(str, missing))}")
    deadline = time.monotonic() + deadline_seconds
    cert = Certificate(margin, strict)
    with precision(DEFAULT_BITS):
        for piece, piece_box, back in _open_ends(margin, box):
            piece_box = {s: (sp.sympify(a, strict=True), sp.sympify(b, strict=True))  # numbers, never text
                         for s, (a, b) in piece_box.items()}
            search = _Search(piece, strict, frozenset(integers), deadline, max_boxes, cert, max_work)
            result = search.run(piece_box)
            if isinstance(result, Violation):
                point = {s: e.xreplace(result.point) for s, e in back.items()}
                point.update({s: v for s, v in result.point.items() if s in margin.free_symbols})
                return Violation(point, result.sign)
            if result is None:
                return None
    return cert

