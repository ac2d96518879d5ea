"""The one numeric cross-checker: values, gradients and expectations in float64.

In the spirit of HIPS autograd's ``test_util`` and ``torch.autograd.gradcheck``,
a claim is compared with an independent reference (central finite differences,
a Monte Carlo confidence interval) at seeded random points, so a seed always
gives the same :class:`Evidence`.  Sampling keeps away from kinks and resamples
(and counts) points where the reference is not finite; NaN or inf is never
agreement.  mpmath at 30 digits settles float disagreements (counted in the
detail) and confirms counterexamples, so neither is a rounding artifact.

>>> x = sp.Symbol('x', real=True)
>>> check_gradient(x**3, {x: 3*x**2}, x).passed, check_values(sp.sin(x)**2 + sp.cos(x)**2, 1).passed
(True, True)
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Callable

import mpmath
import numpy as np
import sympy as sp

from .evaluate import lambdify_numpy
from .ops import kinks as table_kinks, relu, to_elementary

FD_FACTOR = float(np.finfo(np.float64).eps) ** (1 / 3)  # central-difference step h = FD_FACTOR·max(1, |x|)
KINK_MARGIN_MIN = 1e-3     # sampled points stay farther than max(1e-3, 100·h·(1 + kink slope)) from a kink,
KINK_MARGIN_STEPS = 100    # so no central difference ever straddles one
FLOAT_WINDOW = 6.0         # (lo, oo) is sampled in [lo, lo + 6], (-oo, hi) in [hi - 6, hi], the line in [-3, 3]
INT_WINDOW = 50            # integer domains: at most 51 consecutive integers
EDGE_VALUES = (0.0, 1.0, -1.0, 1e-3, -1e-3, 20.0, -20.0)  # plus the (nudged) domain ends
MAX_ROUNDS = 50            # rejection sampling gives up after 50 rounds of candidates
MP_DPS = 30                # digits of the mpmath referee
MAX_SETTLE = 1000          # float disagreements re-checked in mpmath, worst first
_SIGNED = (("positive", sp.Interval.open(0, sp.oo)), ("nonnegative", sp.Interval(0, sp.oo)),
           ("negative", sp.Interval.open(-sp.oo, 0)), ("nonpositive", sp.Interval(-sp.oo, 0)))
_CONSTANT_ROW = sp.Symbol("_row", real=True)  # sampled when nothing else is (not a valid user name)


@dataclass(frozen=True)
class Tolerance:
    """Agreement at a point: both finite and ``|a - b| <= atol + rtol*|b|``, b the reference.

    The reference point is ``torch.autograd.gradcheck`` (float64, eps 1e-6,
    atol 1e-5, rtol 1e-3); :data:`GRADCHECK` is that default, used everywhere.

    >>> GRADCHECK.agrees(np.array([1.0005, 1.01, np.nan]), np.array([1.0, 1.0, 1.0])).tolist()
    [True, False, False]
    >>> str(GRADCHECK)
    'atol 1e-05, rtol 0.001'
    """

    atol: float = 1e-5
    rtol: float = 1e-3

    def agrees(self, actual, reference):
        """Elementwise agreement; NaN or inf on either side is disagreement."""
        a, b = np.asarray(actual, dtype=np.float64), np.asarray(reference, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) <= self.atol + self.rtol * np.abs(b))

    def __str__(self):
        return f"atol {self.atol:g}, rtol {self.rtol:g}"


GRADCHECK = Tolerance()


@dataclass(frozen=True)
class Evidence:
    """The outcome of one numeric check, with enough detail to reproduce it.

    >>> e = Evidence("numeric identity", 3, 0.0, float("inf"), "atol 1e-05, rtol 0.001", True)
    >>> print(e)
    numeric identity: 3 points, max abs err 0, max rel err inf (atol 1e-05, rtol 0.001) — agrees
    >>> e.as_dict()["max_rel_err"]
    'inf'
    """

    method: str
    points: int
    max_abs_err: float
    max_rel_err: float
    tolerance: str
    passed: bool
    detail: str = ""
    worst: dict | None = None

    def __post_init__(self):  # NumPy scalars in, plain Python out: JSON and pickling stay simple
        for name, kind in (("points", int), ("max_abs_err", float), ("max_rel_err", float), ("passed", bool)):
            object.__setattr__(self, name, kind(getattr(self, name)))
        if self.worst is not None:
            object.__setattr__(self, "worst", {str(k): float(v) for k, v in self.worst.items()})

    def as_dict(self) -> dict:
        """A JSON-friendly dict; inf and nan become the strings 'inf', '-inf', 'nan'."""
        js = lambda v: float(v) if math.isfinite(v) else str(float(v))
        worst = None if self.worst is None else {str(k): js(v) for k, v in self.worst.items()}
        return {**asdict(self), "max_abs_err": js(self.max_abs_err), "max_rel_err": js(self.max_rel_err),
                "worst": worst}

    def __str__(self):
        line = (f"{self.method}: {self.points} {'samples' if self.method == 'Monte Carlo' else 'points'}, "
                f"max abs err {self.max_abs_err:.2g}, max rel err {self.max_rel_err:.2g} ({self.tolerance})"
                f" — {'agrees' if self.passed else 'disagrees'}")
        if not self.passed and self.worst:
            line += "; worst at " + ", ".join(f"{k}={v:.6g}" for k, v in self.worst.items())
        return line


# --- evaluation ----------------------------------------------------------------

def _as_expr(value):
    if isinstance(value, str):
        raise TypeError("expressions must be SymPy objects, never strings")
    return value if isinstance(value, sp.Basic) else sp.sympify(value, strict=True)  # strings refused above


def _shape(points):
    return np.broadcast_shapes(*(np.shape(v) for v in points.values())) if points else ()


def _as_real(out, shape):
    out = np.asarray(out)
    if np.iscomplexobj(out):
        out = np.where(out.imag == 0, out.real, np.nan)
    return np.array(np.broadcast_to(out.astype(np.float64), shape))


def _step(x):
    """The central-difference step h = eps**(1/3)·max(1, |x|), elementwise."""
    return FD_FACTOR * np.maximum(1.0, np.abs(x))


def numpy_function(expr, symbols) -> Callable[[dict], np.ndarray]:
    """A vectorised float64 evaluator ``points -> array`` of a SymPy expression.

    ``symbols`` come from :mod:`derive.symbols`; the result is broadcast to the
    sample shape, and complex results become NaN.

    >>> x = sp.Symbol('x', real=True)
    >>> numpy_function(sp.log(x), [x])({x: np.array([1.0, -1.0])}).tolist()
    [0.0, nan]
    """
    expr, symbols = _as_expr(expr).xreplace({sp.zoo: sp.nan}), list(symbols)  # NumPy has no zoo
    if expr.free_symbols - set(symbols):
        raise ValueError(f"free symbols {sorted(map(str, expr.free_symbols - set(symbols)))} are not sampled")
    compiled = lambdify_numpy(symbols, expr)

    def evaluate(points):
        with np.errstate(all="ignore"):
            out = compiled(*(np.asarray(points[s], dtype=np.float64) for s in symbols))
        return _as_real(out, _shape(points))
    return evaluate


def _evaluator(f, symbols):
    """``numpy_function`` of an expression, or a callable ``points -> array`` made float64."""
    if isinstance(f, sp.Basic) or not callable(f):
        return numpy_function(f, symbols)

    def evaluate(points):
        with np.errstate(all="ignore"):
            return _as_real(f(points), _shape(points))
    return evaluate


def _finite(f, symbols):
    """``points -> mask``: ``f`` and its overflow-prone parts (powers, functions) are finite there."""
    if not isinstance(f, sp.Basic):
        evaluate = _evaluator(f, symbols)
        return lambda points: np.isfinite(evaluate(points))
    nodes, stack = {f}, [f]
    while stack:  # the branches of a Piecewise are evaluated only where they apply
        e = stack.pop()
        nodes.update([e] if isinstance(e, (sp.Pow, sp.Function)) and e.free_symbols else [])
        stack.extend(e.args if not isinstance(e, (sp.Piecewise, sp.logic.boolalg.Boolean)) else ())
    compiled = lambdify_numpy(symbols, sorted(nodes, key=sp.default_sort_key), cse=True)

    def finite(points):
        with np.errstate(all="ignore"):
            values = compiled(*(points[s] for s in symbols))
        return np.all([np.isfinite(_as_real(v, _shape(points))) for v in values], axis=0)
    return finite


# --- kinks and sampling ----------------------------------------------------------

def kinks(expr) -> list[sp.Expr]:
    """Expressions whose zero sets are the kinks of ``expr``: :func:`derive.ops.kinks`, from the op table.

    >>> x, y = sp.symbols('x y', real=True)
    >>> kinks(relu(x) + sp.Max(x, y) + sp.Piecewise((1, x > 2), (0, True)))
    [x - y, x - 2, x]
    """
    return table_kinks(_as_expr(expr))


@dataclass(frozen=True)
class _Window:
    lo: float       # the sampling window
    hi: float
    dom_lo: float   # the domain, open ends nudged inward (may be infinite)
    dom_hi: float
    integer: bool

    def draw(self, rng, m):
        if self.integer:
            return rng.integers(int(self.lo), int(self.hi) + 1, size=m).astype(np.float64)
        return self.lo + (self.hi - self.lo) * rng.random(m)

    def edges(self):
        return [v for v in dict.fromkeys(EDGE_VALUES + (self.dom_lo, self.dom_hi)) if math.isfinite(v)
                and self.dom_lo <= v <= self.dom_hi and (not self.integer or float(v).is_integer())]


def _inward(end, is_open, integer, direction):
    """A finite domain end moved inside: to an integer, or by a relative 1e-9 if open."""
    if not math.isfinite(end):
        return end
    if integer:
        inner = math.ceil(end) if direction > 0 else math.floor(end)
        return inner + direction if is_open and inner == end else inner
    return end + direction * 1e-9 * max(1.0, abs(end)) if is_open else end


def _window(sym, domain) -> _Window:
    """The window of a (lo, hi) tuple, a SymPy Interval, or a Domain(interval, integer)."""
    integer = bool(sym.is_integer)
    if domain is None:  # from the symbol's assumptions
        interval = next((iv for sign, iv in _SIGNED if getattr(sym, "is_" + sign)), sp.Reals)
    elif isinstance(domain, (tuple, list)):
        interval = sp.Interval(float(domain[0]), float(domain[1]))
    elif isinstance(domain, sp.Set):
        interval = domain
    else:  # duck-typed Domain(interval=..., integer=...) of derive.parse
        interval, integer = domain.interval, bool(getattr(domain, "integer", integer))
    if not isinstance(interval, sp.Interval):
        raise TypeError(f"the domain of {sym} must be an interval, not {interval}")
    span = INT_WINDOW if integer else FLOAT_WINDOW
    lo = _inward(float(interval.start), interval.left_open, integer, 1)
    hi = _inward(float(interval.end), interval.right_open, integer, -1)
    w_lo = lo if math.isfinite(lo) else (hi - span if math.isfinite(hi) else -(span // 2))
    if not w_lo <= hi:
        raise ValueError(f"the domain {interval} of {sym} has no {'integer ' if integer else ''}points")
    return _Window(float(w_lo), float(min(hi, w_lo + span)), lo, hi, integer)


def _kink_clear(kink_fns, points, symbols):
    """Points farther from every kink than max(1e-3, 100·h·(1 + the kink's slope))."""
    ok = np.ones(_shape(points), dtype=bool)
    h = np.max([_step(points[s]) for s in symbols], axis=0)
    for kink in kink_fns:
        slope = sum(np.abs(kink({**points, s: points[s] + _step(points[s])})
                           - kink({**points, s: points[s] - _step(points[s])})) / (2 * _step(points[s]))
                    for s in symbols)
        margin = np.maximum(KINK_MARGIN_MIN, KINK_MARGIN_STEPS * h * (1 + slope))
        with np.errstate(invalid="ignore"):
            ok &= np.isfinite(margin) & (np.abs(kink(points)) > margin)
    return ok


def _draw(symbols, n, seed, windows, kink_fns, reference_ok):
    """Rejection sampling: (points, how many were found, what was rejected)."""
    rng, chunks, found, near_kink, off_domain = np.random.default_rng(seed), [], 0, 0, 0
    for _ in range(MAX_ROUNDS):
        if found >= n:
            break
        cand = {s: windows[s].draw(rng, max(2 * (n - found), 16)) for s in symbols}
        clear = _kink_clear(kink_fns, cand, symbols)
        valid = clear & reference_ok(cand)
        near_kink, off_domain = near_kink + int((~clear).sum()), off_domain + int((clear & ~valid).sum())
        keep = np.flatnonzero(valid)[: n - found]
        chunks.append({s: cand[s][keep] for s in symbols})
        found += keep.size
    rejected = f"rejected {near_kink} near a kink, {off_domain} where the reference is not finite"
    return {s: np.concatenate([c[s] for c in chunks]) for s in symbols}, found, rejected


def _prepare(exprs, symbols, domains):
    """Sorted symbols, the symbols to sample (a placeholder for constants), windows, kink evaluators."""
    if symbols is None:
        symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=sp.default_sort_key)
    sampled = list(symbols) or [_CONSTANT_ROW]
    windows = {s: _window(s, (domains or {}).get(s)) for s in sampled}
    return list(symbols), sampled, windows, [numpy_function(k, sampled) for e in exprs for k in kinks(e)]


def sample_points(symbols, n, *, seed=0, domains=None, avoid=()) -> dict:
    """``n`` seeded random points in the domains, away from the zeros of the ``avoid`` kinks.

    Raises ValueError when fewer than ``n`` such points turn up in a bounded number of tries.

    >>> x = sp.Symbol('x', real=True)
    >>> pts = sample_points([x], 500, domains={x: sp.Interval.open(0, sp.oo)}, avoid=[x - 1])
    >>> bool(pts[x].min() > 0 and np.abs(pts[x] - 1).min() > 1e-3)
    True
    """
    symbols, sampled, windows, _ = _prepare([], symbols, domains)
    kink_fns = [numpy_function(k, sampled) for k in avoid]
    everywhere = lambda points: np.ones(_shape(points), dtype=bool)
    points, found, _ = _draw(sampled, n, seed, windows, kink_fns, everywhere)
    if found < n:
        raise ValueError(f"only {found} of {n} points avoid the kinks after {MAX_ROUNDS} rounds")
    return {s: points[s] for s in symbols}


# --- comparing -------------------------------------------------------------------

def _too_few(method, n, found, rejected, tol):
    detail = f"only {found} of {n} valid points after {MAX_ROUNDS} rounds of sampling; {rejected}"
    return Evidence(method, found, math.inf, math.inf, str(tol), False, detail)


def _mp_agrees(actual, reference, tol):
    with mpmath.workdps(MP_DPS):
        return abs(actual - reference) <= tol.atol + tol.rtol * abs(reference)


def _verdict(method, symbols, points, actual, reference, tol, settle, detail, labels=None):
    """Compare rows of (actual, reference); each float disagreement, worst first, goes to ``settle(i, row)``."""
    with np.errstate(all="ignore"):
        abs_err = np.where(np.isfinite(actual) & np.isfinite(reference), np.abs(actual - reference), np.inf)
        rel_err = np.where(reference != 0, abs_err / np.abs(reference), 0.0)  # reference 0: atol alone
        excess = abs_err - (tol.atol + tol.rtol * np.abs(reference))
    failing = np.argwhere(~tol.agrees(actual, reference))
    settled = np.zeros(actual.shape, dtype=bool)
    for row, i in failing[np.argsort(-excess[tuple(failing.T)], kind="stable")][:MAX_SETTLE]:
        if not settle(i, row):
            break  # a real disagreement: the check fails whatever the rest say
        settled[row, i] = True
    remaining, excess = failing.shape[0] - int(settled.sum()), np.where(settled, -np.inf, excess)
    row, i = np.unravel_index(np.argmax(excess), excess.shape)
    worst = {str(s): float(points[s][i]) for s in symbols}
    if settled.any():
        detail += f"; {int(settled.sum())} float disagreements settled by mpmath at {MP_DPS} digits"
    if remaining:
        where = " at " + ", ".join(f"{k}={v:.6g}" for k, v in worst.items()) if worst else ""
        label = f" {labels[row]}" if labels else ""
        detail += (f"; {remaining} disagreements; worst{label}{where}: "
                   f"{actual[row, i]:.10g} vs reference {reference[row, i]:.10g}")
    kept = ~settled
    max_abs, max_rel = (float(e[kept].max()) if kept.any() else 0.0 for e in (abs_err, rel_err))
    return Evidence(method, actual.shape[1], max_abs, max_rel, str(tol), remaining == 0, detail, worst)


def check_values(actual, expected, symbols=None, *, n=200, seed=0, domains=None, tol=GRADCHECK,
                 method="numeric identity") -> Evidence:
    """Compare ``actual`` with the reference ``expected`` at random and edge points.

    Both are SymPy expressions or callables ``points -> array``.  Points where
    ``expected`` (or one of its intermediates) is not finite are resampled;
    float disagreements of two expressions are re-evaluated by mpmath.

    >>> x = sp.Symbol('x', real=True)
    >>> check_values(sp.log(sp.exp(x) + 1), sp.log(1 + sp.exp(-x)) + x).passed
    True
    >>> check_values(sp.sqrt(x**2), x).passed
    False
    """
    actual, expected = (e if callable(e) and not isinstance(e, sp.Basic) else _as_expr(e)
                        for e in (actual, expected))
    exprs = [e for e in (actual, expected) if isinstance(e, sp.Basic)]
    symbols, sampled, windows, kink_fns = _prepare(exprs, symbols, domains)
    f_actual, f_expected, reference_ok = (_evaluator(actual, sampled), _evaluator(expected, sampled),
                                          _finite(expected, sampled))
    points, found, rejected = _draw(sampled, n, seed, windows, kink_fns, reference_ok)
    if found < n:
        return _too_few(method, n, found, rejected, tol)
    edge_values = {s: windows[s].edges() for s in sampled}
    count = max(len(v) for v in edge_values.values())
    edges = {s: np.array([v[k % len(v)] for k in range(count)]) for s, v in edge_values.items()}
    keep = np.flatnonzero(_kink_clear(kink_fns, edges, sampled) & reference_ok(edges))
    points = {s: np.concatenate([points[s], edges[s][keep]]) for s in sampled}

    def settle(i, row):
        point = {s: float(points[s][i]) for s in symbols}
        try:
            return len(exprs) == 2 and _mp_agrees(mp_value(actual, point), mp_value(expected, point), tol)
        except ValueError:
            return False

    detail = f"{n} random + {keep.size} edge points (seed {seed}); {rejected}"
    return _verdict(method, symbols, points, f_actual(points)[None], f_expected(points)[None],
                    tol, settle, detail)


def check_gradient(f, grad, wrt, symbols=None, *, n=100, seed=0, domains=None, tol=GRADCHECK,
                   avoid=()) -> Evidence:
    """Compare claimed partials with central finite differences of ``f``.

    ``grad`` is ``{symbol: expr}`` or a callable ``points -> {symbol: array}``;
    the step is h = eps**(1/3)·max(1, |x|).  A failing point of expressions is
    re-checked with ``mpmath.diff`` at 30 digits.  ``avoid`` adds kink
    expressions that callables hide (a graph's ReLU inputs, say).

    >>> x, y = sp.symbols('x y', real=True)
    >>> check_gradient(x**2 * y, {x: 2*x*y, y: x**2}, [x, y]).passed
    True
    >>> ev = check_gradient(x**3, {x: 2*x**2}, x)
    >>> ev.passed, ev.detail.split("; ")[-1]
    (False, 'worst d/dx at x=-2.98357: 17.80336794 vs reference 26.70505192')
    """
    wrt = [wrt] if isinstance(wrt, sp.Basic) else list(wrt)
    grad_exprs = {s: _as_expr(g) for s, g in grad.items()} if isinstance(grad, dict) else {}
    if grad_exprs and set(wrt) - set(grad_exprs):
        raise ValueError(f"no claimed partial for {sorted(map(str, set(wrt) - set(grad_exprs)))}")
    f = f if callable(f) and not isinstance(f, sp.Basic) else _as_expr(f)
    exprs = [e for e in [f, *grad_exprs.values()] if isinstance(e, sp.Basic)]
    symbols, _, windows, kink_fns = _prepare(exprs + wrt, symbols, domains)
    kink_fns += [numpy_function(k, symbols) for k in avoid]
    if any(windows[s].integer for s in wrt):
        raise ValueError("cannot differentiate with respect to an integer variable")
    f_num, f_ok = _evaluator(f, symbols), _finite(f, symbols)
    partials = {s: _evaluator(g, symbols) for s, g in grad_exprs.items()}

    def claimed(points):
        with np.errstate(all="ignore"):
            values = {s: g(points) for s, g in partials.items()} if partials else grad(points)
        return np.array([_as_real(values[s], _shape(points)) for s in wrt])

    def central(points):
        rows = []
        for s in wrt:
            up, down = points[s] + _step(points[s]), points[s] - _step(points[s])
            with np.errstate(all="ignore"):
                rows.append((f_num({**points, s: up}) - f_num({**points, s: down})) / (up - down))
        return np.array(rows)

    reference_ok = lambda points: f_ok(points) & np.all(np.isfinite(central(points)), axis=0)
    points, found, rejected = _draw(symbols, n, seed, windows, kink_fns, reference_ok)
    if found < n:
        return _too_few("finite differences", n, found, rejected, tol)

    def settle(i, row):
        s, point = wrt[row], {t: float(points[t][i]) for t in symbols}
        if not (isinstance(f, sp.Basic) and s in grad_exprs):
            return False
        try:
            with mpmath.workdps(MP_DPS):
                ref = mpmath.diff(lambda t: mp_value(f, {**point, s: t}, mpmath.mp.dps + 10), point[s])
            return _mp_agrees(mp_value(grad_exprs[s], point), ref, tol)
        except (ValueError, TypeError, ZeroDivisionError):
            return False

    labels = [f"d/d{s}" for s in wrt]
    detail = f"partials {', '.join(labels)} at {n} points (seed {seed}), h = eps^(1/3)·max(1,|x|); {rejected}"
    return _verdict("finite differences", symbols, points, claimed(points), central(points),
                    tol, settle, detail, labels)


def check_expectation(draw, expected, *, n=200_000, seed=0, confidence=0.999, rel_floor=1e-12) -> Evidence:
    """Monte Carlo: does the mean of ``draw(rng, n)`` match ``expected`` within a confidence interval?

    Passes when ``|mean - expected| <= z*std/sqrt(n) + rel_floor*max(1, |expected|)``.

    >>> check_expectation(lambda rng, n: rng.normal(2.0, 1.0, n), 2.0).passed
    True
    >>> check_expectation(lambda rng, n: rng.normal(2.0, 1.0, n), 2.1).passed
    False
    """
    samples = np.asarray(draw(np.random.default_rng(seed), n), dtype=np.float64).reshape(-1)
    expected, label = float(expected), f"{confidence * 100:g}%"
    if samples.size != n or n < 2 or not np.all(np.isfinite(samples)) or not math.isfinite(expected):
        detail = f"need {n} >= 2 finite samples and a finite expected value (got {samples.size} samples)"
        return Evidence("Monte Carlo", int(samples.size), math.inf, math.inf, f"{label} CI", False, detail)
    mean, std = float(samples.mean()), float(samples.std(ddof=1))
    half = NormalDist().inv_cdf((1 + confidence) / 2) * std / math.sqrt(n)
    err = abs(mean - expected)
    rel = err / abs(expected) if expected else (0.0 if err == 0 else math.inf)
    detail = (f"mean {mean:.6g}, {label} CI [{mean - half:.6g}, {mean + half:.6g}], "
              f"expected {expected:.6g} (seed {seed})")
    return Evidence("Monte Carlo", n, err, rel, f"{label} CI half-width {half:.2g}",
                    err <= half + rel_floor * max(1.0, abs(expected)), detail)


# --- mpmath referee ----------------------------------------------------------------

def _exact(value):
    """The exact rational value of a float or mpf (SymPy numbers pass through)."""
    if isinstance(value, sp.Basic):
        return value
    m = value if isinstance(value, mpmath.mpf) else mpmath.mpf(float(value))
    if not mpmath.isfinite(m):
        raise ValueError(f"non-finite point value {value}")
    sign, man, exp, _ = m._mpf_
    return (-1) ** sign * sp.Integer(man) * sp.Integer(2) ** exp


def mp_value(expr, point: dict, dps=MP_DPS) -> mpmath.mpf:
    """``expr`` at ``point`` to ``dps`` digits: exact rationals of the floats, evaluated by evalf.

    Activations are rewritten by :func:`~derive.functions.to_elementary`.  Raises
    ValueError for a non-real or non-finite result.  Do arithmetic on the result
    under ``mpmath.workdps(dps)``.

    >>> x = sp.Symbol('x', real=True)
    >>> with mpmath.workdps(30): print(mp_value(sp.exp(x), {x: 1.0}))
    2.71828182845904523536028747135
    """
    value = to_elementary(_as_expr(expr)).xreplace({s: _exact(v) for s, v in point.items()}).evalf(dps)
    if value.free_symbols:
        raise ValueError(f"no value for {sorted(map(str, value.free_symbols))}")
    re, im = value.as_real_imag()
    if not (re.is_number and im.is_number) or re.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{expr} is not finite at {point}")
    if im != 0 and abs(im) > sp.Float(10, dps) ** (-dps) * max(1, abs(re)):
        raise ValueError(f"{expr} is not real at {point}")
    with mpmath.workdps(dps):
        return mpmath.mpf(sp.Float(re, dps))


def confirm_counterexample(lhs, rhs, rel, point, dps=MP_DPS) -> tuple:
    """Evaluate ``lhs rel rhs`` at ``point`` in mpmath; is it violated beyond doubt?

    The violation must exceed 10^-(dps//2)·max(1, |l|, |r|), so a float
    artifact is never a refutation.  Returns ``(l, r, violated)``.

    >>> x = sp.Symbol('x', real=True)
    >>> confirm_counterexample(x**2, 2*x, "<=", {x: 3.0})[2]
    True
    >>> confirm_counterexample((x + 1)**2 - x**2 - 2*x, sp.Integer(1), "=", {x: 1e8})[2]
    False
    """
    if rel not in ("=", "<=", "<", ">=", ">"):
        raise ValueError(f"unknown relation {rel!r}")
    left, right = mp_value(lhs, point, dps), mp_value(rhs, point, dps)
    with mpmath.workdps(dps):
        margin = mpmath.mpf(10) ** (-(dps // 2)) * max(1, abs(left), abs(right))
        gap = abs(left - right) if rel == "=" else (left - right if "<" in rel else right - left)
        return left, right, bool(gap > margin)


# --- relations (the claim verifier's numeric evidence) ------------------------------

SCALES = tuple(s * 10.0**k for k in range(-6, 7) for s in (1.0, -1.0))  # extra points across magnitudes
_VIOLATION = {"=": lambda d: np.abs(d), "<=": lambda d: d, "<": lambda d: d, ">=": lambda d: -d, ">": lambda d: -d}


def check_relation(lhs, rhs, rel, symbols=None, *, n=400, seed=0, domains=None, tol=GRADCHECK) -> Evidence:
    """Sample ``lhs rel rhs`` at random, edge and wide-scale points; report the worst violation.

    Kinks are not avoided (no derivative is taken).  A point violates the
    relation when the float gap exceeds ``atol + rtol·|rhs|``; the worst such
    point is then re-evaluated by mpmath (:func:`confirm_counterexample`), and
    violations that vanish at 30 digits are settled as float artifacts.
    Points where either side is not finite (outside the domain) are rejected.

    >>> x = sp.Symbol('x', real=True)
    >>> check_relation(x**2 + 1, 2*x, ">=").passed
    True
    >>> ev = check_relation(x**2, sp.Abs(x), ">=")
    >>> ev.passed, 0 < abs(ev.worst['x']) < 1
    (False, True)
    """
    lhs, rhs = _as_expr(lhs), _as_expr(rhs)
    method = "numeric relation" if rel != "=" else "numeric identity"
    symbols, sampled, windows, _ = _prepare([lhs, rhs], symbols, domains)
    f_lhs, f_rhs = _evaluator(lhs, sampled), _evaluator(rhs, sampled)
    lhs_ok, rhs_ok = _finite(lhs, sampled), _finite(rhs, sampled)
    both_ok = lambda pts: lhs_ok(pts) & rhs_ok(pts)
    points, found, rejected = _draw(sampled, n, seed, windows, [], both_ok)
    if found == 0:
        return _too_few(method, n, found, rejected, tol)
    extra = {s: [v for v in windows[s].edges() + [x for x in SCALES if windows[s].dom_lo <= x <= windows[s].dom_hi]
                 if not windows[s].integer or float(v).is_integer()] for s in sampled}
    count = max(len(v) for v in extra.values())
    extra = {s: np.array([v[k % len(v)] for k in range(count)]) if v else np.empty(0) for s, v in extra.items()}
    if all(v.size == count for v in extra.values()) and count:
        keep = np.flatnonzero(both_ok(extra))
        points = {s: np.concatenate([points[s], extra[s][keep]]) for s in sampled}
    left, right = f_lhs(points), f_rhs(points)
    with np.errstate(all="ignore"):
        gap = _VIOLATION[rel](left - right)
        allowed = tol.atol + tol.rtol * np.abs(right)
        excess = np.where(np.isfinite(gap), gap - allowed, np.inf)
    # the simplest violation first: edge points (0, ±1, …) in their order, then by excess
    violating = np.flatnonzero(excess > 0)
    order = np.concatenate([violating[violating >= found], violating[violating < found][
        np.argsort(-excess[violating[violating < found]], kind="stable")]]).astype(int)
    settled, worst, real = 0, None, False
    for i in order[:MAX_SETTLE]:
        point = {s: float(points[s][i]) for s in symbols}
        try:
            violated = confirm_counterexample(lhs, rhs, rel, point)[2]
        except ValueError:
            violated = True  # finite in float64 but not in mpmath: not an agreement
        if violated:
            worst, real = point, True
            break
        settled += 1
    total = left.size
    detail = f"{found} random + {total - found} edge and wide-scale points (seed {seed}); {rejected}"
    if settled:
        detail += f"; {settled} float violations settled by mpmath at {MP_DPS} digits"
    if real:
        shown = ", ".join(f"{k}={v:.6g}" for k, v in worst.items())
        detail += f"; violated at {shown}, confirmed by mpmath at {MP_DPS} digits"
    with np.errstate(all="ignore"):
        max_gap = float(np.max(np.maximum(gap, 0.0))) if total else 0.0
        rel_gap = np.where(right != 0, np.maximum(gap, 0.0) / np.abs(right), 0.0)
        max_rel = float(np.max(rel_gap)) if total else 0.0
    return Evidence(method, total, max_gap, max_rel, str(tol), not real, detail,
                    {str(s): v for s, v in worst.items()} if worst is not None else None)
