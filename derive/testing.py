"""Assertions for your own pytest suite: a textbook formula is proved, or the test fails.

Each helper takes claim strings, read by the allow-list parser of :mod:`derive.lang` (never
``eval`` or ``sympify``), or SymPy objects, and runs the verifier of :mod:`derive.verifier` in a
time-limited worker.  When the claim holds it returns the :class:`~derive.verifier.Verdict` (or
the :class:`~derive.numeric.Evidence`); otherwise it raises :class:`ClaimFailed`, an
``AssertionError`` whose message gives the verdict, the counterexample with both sides
evaluated, the numbered steps tried and the evidence.  Bad input raises
:class:`~derive.lang.ParseError` (one line) before anything runs.

>>> import sympy as sp
>>> from derive import sigmoid
>>> x = sp.Symbol('x')
>>> assert_identity(sigmoid(-x), 1 - sigmoid(x)).status
'proved'
>>> check_claim("w**2 >= abs(w)").counterexample
{'w': '-1/2'}
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import reduce

import sympy as sp

from .lang import Claim, Diff, Infimum, ParseError, Supremum, parse_claim, parse_expression, parse_variable, \
    prepare, rebase, resolve_derivatives as resolve
from .limits import valid_seconds
from .numeric import GRADCHECK, check_gradient
from .ops import MissingRule
from .render.terminal import visible
from .verifier import VERIFY_SECONDS, Verdict, decide_limited

__all__ = ["ClaimFailed", "check_claim", "explain", "assert_claim", "assert_identity", "assert_bound",
           "assert_max", "assert_grad", "assert_numeric_grad"]

_OPS = {"==": "=", "<=": "<=", "<": "<", ">=": ">=", ">": ">"}


class ClaimFailed(AssertionError):
    """A claim that was not shown; ``.verdict`` (or ``.evidence``) holds what was found.

    >>> issubclass(ClaimFailed, AssertionError)
    True
    """

    def __init__(self, message, verdict=None, evidence=None):
        super().__init__(visible(message, keep="\n"))
        self.verdict, self.evidence = verdict, evidence


# --- input: strings through derive.lang, SymPy objects as they are ----------------------

def _expr(value):
    """A SymPy expression from a string (allow-list parser), a number or a SymPy object (whose
    unevaluated derivatives become ``diff(f, x)``, shown by the verifier as rule-table steps)."""
    if isinstance(value, str):
        return parse_expression(value, keep_diff=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return sp.Integer(value)
    if isinstance(value, float):  # the decimal it prints as, exactly
        if not math.isfinite(value):
            raise ParseError(f"numbers must be finite, not {value!r}")
        exact = Fraction(repr(value))
        return sp.Rational(exact.numerator, exact.denominator)
    if not isinstance(value, sp.Expr):
        raise TypeError(f"expected a claim string or a SymPy expression, got {type(value).__name__}")
    try:
        return value.replace(lambda e: isinstance(e, sp.Derivative), lambda d: reduce(Diff, d.variables, d.expr))
    except MissingRule as exc:
        raise ParseError(f"cannot differentiate {sp.sstr(value)[:60]}: {str(exc)[:120]}") from None


def _show(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else sp.sstr(value)


def _claim(claim, rhs=None, rel="=", allowed=tuple(_OPS.values())) -> Claim:
    """A :class:`Claim` from a claim string, a SymPy relation or a Claim, or from two sides."""
    if rhs is not None:
        return Claim(_expr(claim), rel, _expr(rhs), f"{_show(claim)} {rel} {_show(rhs)}")
    if isinstance(claim, str):
        claim = parse_claim(claim)
    elif isinstance(claim, sp.logic.boolalg.BooleanAtom):
        raise TypeError(f"SymPy already evaluated the relation to {claim}; pass the two sides separately")
    elif isinstance(claim, sp.core.relational.Relational) and claim.rel_op in _OPS:
        lhs, op, r = _expr(claim.lhs), _OPS[claim.rel_op], _expr(claim.rhs)
        claim = Claim(lhs, op, r, f"{sp.sstr(lhs)} {op} {sp.sstr(r)}")
    elif not isinstance(claim, Claim):
        raise TypeError(f"expected a claim string or a SymPy relation, got {type(claim).__name__}")
    if claim.rel not in allowed:
        raise ParseError(f"expected a claim with {' or '.join(allowed)}, got {claim.rel!r}: {claim.text}")
    return claim


def _run(claim: Claim, assume, timeout) -> Verdict:
    """Verify ``claim`` under ``assume`` (:func:`derive.lang.prepare`) in a time- and memory-limited worker."""
    timeout = valid_seconds(timeout)
    return decide_limited(prepare(claim, assume), timeout)


# --- the verdict, and the message when it is not the one wanted ---------------------------

def check_claim(claim, assume=None, *, timeout: float = VERIFY_SECONDS) -> Verdict:
    """The :class:`~derive.verifier.Verdict` of a claim (string, SymPy relation or Claim); no error if it is false.

    >>> import sympy as sp
    >>> x = sp.Symbol('x')
    >>> check_claim(sp.Le(sp.log(1 + x**2), x**2)).status
    'proved'
    """
    valid_seconds(timeout)
    return _run(_claim(claim), assume, timeout)


def explain(verdict: Verdict, expect: str = "proved") -> str:
    """The failure message of a verdict: status, counterexample, steps tried, evidence.

    >>> print(explain(check_claim("x**2 >= x")).splitlines()[1])
      counterexample at x = 1/2: lhs = 0.25, rhs = 0.5
    """
    from .render.text import as_text
    return as_text(verdict, "failure", expect=expect)


def _judge(verdict: Verdict, allow_numeric=False, expect="proved") -> Verdict:
    __tracebackhide__ = True
    if expect not in ("proved", "refuted"):
        raise ValueError(f"expect must be 'proved' or 'refuted', not {expect!r}")
    if (verdict.status == "refuted") if expect == "refuted" else (
            verdict.status == "proved" or allow_numeric and verdict.status == "supported"):
        return verdict
    raise ClaimFailed(explain(verdict, expect), verdict)


# --- the assertions ---------------------------------------------------------------------

def assert_claim(claim, assume=None, *, allow_numeric=False, expect="proved", timeout=VERIFY_SECONDS) -> Verdict:
    """Assert a claim (string, SymPy relation or Claim) is proved, or, with ``expect="refuted"``, refuted.

    >>> assert_claim("log(sigmoid(x)) <= 0").status
    'proved'
    >>> assert_claim("w**2 >= abs(w)", expect="refuted").counterexample
    {'w': '-1/2'}
    """
    __tracebackhide__ = True
    return _judge(check_claim(claim, assume, timeout=timeout), allow_numeric, expect)


def assert_identity(lhs, rhs=None, assume=None, *, allow_numeric=False, timeout=VERIFY_SECONDS) -> Verdict:
    """Assert ``lhs = rhs`` is proved: two sides, or one claim string or ``sympy.Eq``.

    >>> assert_identity("sqrt(p**2)", "p", assume="p > 0").status
    'proved'
    >>> assert_identity("sigmoid(x) + sigmoid(-x) = 2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derive.testing.ClaimFailed: claim sigmoid(x) + sigmoid(-x) = 2 is REFUTED
      counterexample at x = 0: lhs = 1.0, rhs = 2.0
    ...
    """
    __tracebackhide__ = True
    return _judge(_run(_claim(lhs, rhs, "=", allowed=("=",)), assume, timeout), allow_numeric)


def assert_bound(expr, bound=None, assume=None, *, kind="upper", strict=False, allow_numeric=False,
                 timeout=VERIFY_SECONDS) -> Verdict:
    """Assert ``expr <= bound`` (``kind="lower"``: ``>=``; ``strict``: ``<``, ``>``) or an inequality claim.

    >>> assert_bound("diff(sigmoid(x), x)", "1/4").status
    'proved'
    >>> assert_bound("p*log(p) + (1-p)*log(1-p) <= 0", assume="p in (0, 1)").status
    'proved'
    """
    __tracebackhide__ = True
    if kind not in ("upper", "lower"):
        raise ValueError(f"kind must be 'upper' or 'lower', not {kind!r}")
    rel = ("<" if kind == "upper" else ">") + ("" if strict else "=")
    return _judge(_run(_claim(expr, bound, rel, allowed=("<=", "<", ">=", ">")), assume, timeout), allow_numeric)


def assert_max(expr, var, value, assume=None, *, kind="max", allow_numeric=False, timeout=VERIFY_SECONDS) -> Verdict:
    """Assert the maximum (``kind="min"``: minimum) of ``expr`` over ``var`` is ``value``; the steps give the argument.

    >>> v = assert_max("diff(sigmoid(x), x)", "x", "1/4")
    >>> print(v.steps[-2])
    max((1 − σ(x))·σ(x), x) = 1/4    [max over x by the argument above]
    """
    __tracebackhide__ = True
    if kind not in ("max", "min"):
        raise ValueError(f"kind must be 'max' or 'min', not {kind!r}")
    x = parse_variable(var)
    claim = Claim((Supremum if kind == "max" else Infimum)(_expr(expr), x), "=", _expr(value),
                  f"{kind}({_show(expr)}, {x}) = {_show(value)}")
    return _judge(_run(claim, assume, timeout), allow_numeric)


def _gradient_target(target, wrt):
    """(what the claim differentiates, d target/d wrt, the function, wrt, extra evidence)."""
    from .grad import Gradient
    from .graph import Graph
    if isinstance(target, tuple) and len(target) == 2 and isinstance(target[0], Graph):
        graph, out = target
        target = graph.grad(graph[out] if isinstance(out, str) else out, parse_variable(wrt))
    if isinstance(target, Gradient):
        grad = target if wrt is None else target.of(parse_variable(wrt))
        if not grad.single:
            raise ValueError("name one variable: assert_grad(gradient, wrt, expected)")
        return (f"diff({grad.output}, {grad.wrt[0]})", grad.expr, grad.graph.closed_form(grad.output),
                grad.wrt[0], [grad.check()])
    f, x = _expr(target), parse_variable(wrt)
    own = next((s for s in f.free_symbols if s.name == x.name), x)  # differentiate by f's own symbol
    return f"diff({_show(target)}, {x})", Diff(f, own), f, x, []


def assert_grad(graph_or_expr, wrt, expected, assume=None, *, allow_numeric=False, n=100, seed=0,
                timeout=VERIFY_SECONDS) -> Verdict:
    """Assert d f/d wrt = ``expected`` symbolically and by finite differences.

    ``graph_or_expr`` is an expression (string or SymPy), a ``(Graph, output)``
    pair or a :class:`~derive.grad.Gradient`; a list of ``wrt`` takes a list of ``expected``.

    >>> assert_grad("softplus(x)", "x", "sigmoid(x)").evidence[-1].method
    'finite differences'
    """
    __tracebackhide__ = True
    if isinstance(wrt, (list, tuple)):
        return [assert_grad(graph_or_expr, w, e, assume, allow_numeric=allow_numeric, n=n, seed=seed,
                            timeout=timeout) for w, e in zip(wrt, expected, strict=True)]
    shown, lhs, f, x, evidence = _gradient_target(graph_or_expr, wrt)
    verdict = _run(Claim(lhs, "=", _expr(expected), f"{shown} = {_show(expected)}"), assume, timeout)
    if verdict.status in ("proved", "supported"):
        verdict.evidence += evidence + [_finite_differences(f, [expected], [x], assume, n, seed, GRADCHECK)]
        if not all(e.passed for e in verdict.evidence):
            verdict.status, verdict.reason = "unknown", "finite differences disagree with the symbolic result"
    return _judge(verdict, allow_numeric)


def _callable(value) -> bool:  # a Python function, not a SymPy object
    return callable(value) and not isinstance(value, (str, sp.Basic))


def _finite_differences(f, grads, wrt, assume, n, seed, tol):
    """:func:`derive.numeric.check_gradient` of strings, SymPy objects or callables, under ``assume``."""
    if not _callable(f):
        f = resolve(_expr(f))
    elif wrt is None:
        raise TypeError("name the variables of a callable: assert_numeric_grad(f, grads, wrt=...)")
    wrt = sorted(f.free_symbols, key=str) if wrt is None else wrt
    wrt = [parse_variable(w) for w in (wrt if isinstance(wrt, (list, tuple)) else [wrt])]
    if not _callable(grads):
        if isinstance(grads, dict):
            named = {parse_variable(k).name: g for k, g in grads.items()}
            grads = [named.get(w.name) for w in wrt]
        grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
        if len(grads) != len(wrt) or any(g is None for g in grads):
            raise ValueError(f"give one claimed partial for each of {', '.join(w.name for w in wrt)}")
        grads = {w: resolve(_expr(g)) for w, g in zip(wrt, grads)}
    exprs = ([] if _callable(f) else [f]) + (list(grads.values()) if isinstance(grads, dict) else [])
    exprs, domains, _ = rebase(exprs, assume, also=[w.name for w in wrt])
    if not _callable(f):
        f, *exprs = exprs
    if isinstance(grads, dict):
        grads = dict(zip(grads, exprs))
    symbols = {*wrt, *(f.free_symbols if isinstance(f, sp.Basic) else ()),
               *(s for g in (grads.values() if isinstance(grads, dict) else ()) for s in g.free_symbols)}
    return check_gradient(f, grads, wrt, n=n, seed=seed, tol=tol,
                          domains={s: domains[s.name] for s in symbols if s.name in domains})


def assert_numeric_grad(f, grads, wrt=None, assume=None, *, n=100, seed=0, tol=GRADCHECK):
    """Assert claimed partials agree with central finite differences of ``f``; returns the Evidence.

    ``grads``: ``{variable: partial}``, one partial, a list matching ``wrt``, or a callable
    ``points -> {symbol: array}``; a callable ``f`` takes ``points`` (keys: derive's symbols) too.

    >>> assert_numeric_grad("x**2*y", {"x": "2*x*y", "y": "x**2"}).passed
    True
    """
    __tracebackhide__ = True
    evidence = _finite_differences(f, grads, wrt, assume, n, seed, tol)
    if not evidence.passed:
        raise ClaimFailed(f"the gradient of {'f' if _callable(f) else _show(f)} disagrees with finite "
                          f"differences\n  {evidence}\n  {evidence.detail}", evidence=evidence)
    return evidence
