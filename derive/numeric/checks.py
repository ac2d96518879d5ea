"""The one numeric cross-checker: values, gradients, relations and expectations in float64.

In the spirit of HIPS autograd's ``test_util`` and ``torch.autograd.gradcheck``,
a claim is compared with an independent reference (central finite differences,
a Monte Carlo confidence interval) at seeded random points
(:mod:`derive.numeric.sampling`), so a seed always gives the same
:class:`Evidence`.  NaN or inf is never agreement.  mpmath at 30 digits
(:mod:`derive.numeric.referee`) settles float disagreements (counted in the
detail) and confirms counterexamples, so neither is a rounding artifact.

>>> x = sp.Symbol('x', real=True)
>>> check_gradient(x**3, {x: 3*x**2}, x).passed, check_values(sp.sin(x)**2 + sp.cos(x)**2, 1).passed
(True, True)
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

import mpmath
import numpy as np
import sympy as sp

from .evaluate import _as_expr, _as_real, _evaluator, _finite, _shape, numpy_function
from .referee import MP_DPS, _mp_agrees, confirm_counterexample, mp_value
from .sampling import MAX_ROUNDS, _draw, _kink_clear, _plan, _step

__all__ = ["Tolerance", "GRADCHECK", "Evidence", "check_values", "check_gradient", "check_relation",
           "check_expectation"]

MAX_SETTLE = 1000          # float disagreements re-checked in mpmath, worst first


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
        from ..render.text import as_text  # the one text layout (render/ imports no numeric code)
        return as_text(self)



def _too_few(method, n, found, rejected, tol):
    detail = f"only {found} of {n} valid points after {MAX_ROUNDS} rounds of sampling; {rejected}"
    return Evidence(method, found, math.inf, math.inf, str(tol), False, detail)



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
    symbols, sampled, windows, kink_fns = _plan(exprs, symbols, domains)
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
    symbols, _, windows, kink_fns = _plan(exprs + wrt, symbols, domains)
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

    from ..render.printing import latex
    labels = [f"d/d{s}" for s in wrt]  # the worst point's label, as the tests and users read it
    shown = ", ".join(r"\partial/\partial %s" % latex(s) for s in wrt)
    detail = (f"partials ${shown}$ at {n} points (seed {seed}), step $h = \\varepsilon^{{1/3}} \\max(1, |x|)$; "
              f"{rejected}")  # markup: maths in $…$
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
    symbols, sampled, windows, _ = _plan([lhs, rhs], symbols, domains)
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
