"""The claim verifier: prove with a certificate, refute with a certified counterexample, or say why not.

``verify("LHS REL RHS", assume=[...])`` parses the claim with the allow-list
parser and makes it ready with its domains (:func:`derive.lang.prepare`), then,
inside a time- and memory-limited worker (:mod:`derive.limits`):

1. replaces each ``diff(f, x)`` by the rule table's derivative and each
   ``max(f, x)`` / ``min(f, x)`` by its value, argued with critical points,
   kinks, end limits and a sign test (:mod:`derive.extrema`);
2. tries the quick symbolic proofs of :mod:`derive.prove`: named transforms
   of lhs − rhs to 0, SymPy's sign rules, the exact minimum of the margin in
   one variable (also after s = σ(x) and the like);
3. searches for a counterexample where the formula's structure says to look
   and at random (:mod:`derive.refute`), certifying each with arb balls: this
   runs for every claim, proved or not;
4. tries interval branch and bound with arb balls (:mod:`derive.certify`);
5. samples the claim in float64 for the evidence table, which never decides.

Statuses, and the exit codes of ``derive verify``:

======== ==== ===========================================================
status   exit meaning
======== ==== ===========================================================
proved   0    a symbolic or certified argument, every step listed
refuted  1    a counterexample certified with arb (both sides to 50 digits)
unknown  3    neither; ``reason`` says why
supported 4   numeric agreement only: evidence, not a proof, not success
======== ==== ===========================================================

(2 is bad input.)

>>> verify("diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))").status
'proved'
>>> v = verify("w**2 >= abs(w)")
>>> v.status, v.counterexample
('refuted', {'w': '-1/2'})
"""
from __future__ import annotations


import mpmath
import sympy as sp

from .extrema import Undecided, extremum, vertex
from .lowered import decide_lowered
from .numbers import exact_point, shown
from .lang import Argmax, Claim, Diff, Infimum, Supremum, needs_lowering, prepare, with_domains
from .limits import StepTimeout, run_limited, valid_seconds
from .numeric import check_relation
from .ops import OPS, op_of
from .prove import Attempt, by_boxes, max_cases, one_variable, prove_zero, sign_rules, translation_reduced
from .refute import Counterexample, certify_point, find_counterexample
from .render.printing import text
from .steps import Step, at_point, eq, phrase
from .verdict import EXIT_CODES, Verdict

VERIFY_SECONDS = 30.0  # the whole verification, a hard limit in a worker process
NUMERIC_POINTS = 400


def verify(claim: str, assume=None, *, timeout: float = VERIFY_SECONDS) -> Verdict:
    """Verify ``claim`` under the assumptions ``assume`` (strings such as ``"p in (0,1)"``).

    Bad input raises :class:`derive.lang.ParseError` (a one-line message);
    everything else gives a :class:`Verdict`.  ``claim`` may also be a
    :class:`~derive.lang.Claim` (see :func:`derive.lang.prepare`).

    >>> verify("p*0 + (1-p)*x/(1-p) = x", assume=["p in (0,1)"]).status
    'proved'
    """
    return decide_limited(prepare(claim, assume), timeout)


def decide_limited(claim: Claim, timeout: float = VERIFY_SECONDS) -> Verdict:
    """:func:`decide` a prepared claim in a time- and memory-limited worker; ``unknown`` if it runs out.

    >>> decide_limited(prepare("sigmoid(0) = 1/2")).status
    'proved'
    """
    outcome = run_limited(decide, claim, timeout=valid_seconds(timeout))
    if outcome.ok:
        return outcome.value
    return Verdict(claim.text, "unknown", assumptions=claim.assumptions, reason=outcome.reason, parsed=claim)


def _differentiate(expr, steps):
    """Replace each diff(f, x), innermost first, by the derivative it carries; show the step."""
    while expr.has(Diff):
        for node in sorted((d for d in expr.atoms(Diff) if not d.args[0].has(Diff)), key=sp.default_sort_key):
            f, x, value = node.args  # the rule table's derivative, taken once when the claim was read
            ops = sorted({op_of(e) for e in sp.preorder_traversal(f) if not e.is_Atom and op_of(e) in OPS})
            steps.append(eq(sp.Derivative(f, x), value, "rule table: " + ", ".join(ops) if ops else "rule table"))
            expr = expr.xreplace({node: value})
    return expr


def _resolve_extrema(expr, domains, steps):
    """Replace max(f, x) and min(f, x) by their values, recording the argument."""
    for node in sorted(expr.atoms(Supremum, Infimum, Argmax), key=sp.default_sort_key):
        f, x = node.args
        domain = domains.get(x.name)
        if domain is not None and domain.integer:
            raise Undecided(f"{node}: a maximum over integers is not handled")
        interval = domain.interval if domain is not None else sp.S.Reals
        kind = "min" if isinstance(node, Infimum) else "max"
        inner = _resolve_extrema(f, domains, steps)
        others = inner.free_symbols - {x}
        result = vertex(inner, x, kind, {v: domains[v.name].interval for v in others if v.name in domains}) \
            if others and interval == sp.S.Reals else None
        result = result or extremum(inner, x, interval, kind)
        steps.extend(result.steps)
        if isinstance(node, Argmax):
            if len(result.points) != 1:
                raise Undecided(f"{text(node)}: the maximum is " + ("not attained" if not result.points
                                                                    else "attained at several points"))
            value, why = result.points[0], f"the one maximiser over {x}, by the argument above"
        else:
            value, why = result.value, f"{kind} over {x} by the argument above"
        steps.append(eq(node, value, why))
        expr = expr.xreplace({node: value})
    return expr


def _readable(found, lhs, rhs, rel, domains):
    """The counterexample with its coordinates made short for display, when it is still one.

    A long fraction becomes its float64.  An irrational coordinate (a minimiser
    SymPy solved for, such as log(3)) becomes the shortest decimal, of 1 to 17
    significant digits, at which the claim still certainly fails; a strict claim
    that reaches equality only there keeps the exact point.
    """
    point = found.point
    long = {s for s, v in point.items() if v.is_Rational and len(shown(v)) > 24 and abs(v) < sp.Float("1e300")}
    irrational = [s for s, v in point.items() if not v.is_Rational]
    base = {s: sp.Rational(float(v)) if s in long else v for s, v in point.items()}
    tries = [{**base, **{s: _decimal(point[s], digits) for s in irrational}} for digits in range(1, 18)
             ] if irrational else []
    for rounded in tries + ([base] if long else []):
        again = certify_point(lhs, rhs, rel, rounded, domains, found.how)
        if again is not None and again.at_kink == found.at_kink:
            return again
    return found


def _decimal(v, digits):
    """The exact real number ``v`` to ``digits`` significant digits, as a fraction.

    >>> _decimal(sp.log(3), 1), _decimal(sp.exp(-1), 2), _decimal(100 * sp.log(100), 3)
    (1, 37/100, 461)
    """
    with mpmath.workdps(digits + 20):
        return sp.Rational(mpmath.nstr(mpmath.mpf(sp.N(v, digits + 20)), digits, strip_zeros=True))


def _refuted(verdict, found, why, claim=None):
    """Fill in the refutation from a certified :class:`~derive.refute.Counterexample`."""
    if claim is not None:
        exact, found = found, _readable(found, *claim)
        if any(not v.is_Rational for v in exact.point.values()) and found.point != exact.point:
            at = ", ".join(f"{k} = {v}" for k, v in exact_point(exact.point).items())
            why = f"{why or found.how}, at {at}; so does this point with fewer digits near it, certified with arb"
    verdict.status = "refuted"
    verdict.counterexample = exact_point(found.point)
    verdict.sides = (found.lhs, found.rhs)
    where = at_point(verdict.counterexample) or "both sides are constants"
    notes = []
    if found.equality:
        notes.append("lhs − rhs = 0 exactly, and the claim is strict")
    if found.at_kink:
        notes.append("at a kink: this relies on the value a non-smooth function takes there, the last resort")
    verdict.steps.append(Step(phrase("at " if found.point else "", where, f": lhs = {found.lhs[:14]}, "
                                     f"rhs = {found.rhs[:14]}", f" ({'; '.join(notes)})" if notes else ""),
                              why or found.how))
    return verdict


def _near_end(lhs, rhs, rel, x, domains, interval):
    """A certified violation near the end where an unattained infimum below 0 is approached."""
    candidates = []
    for end in (interval.inf, interval.sup):
        if end.is_infinite:
            candidates += [sp.sign(end) * sp.Integer(10) ** k for k in (1, 2, 3, 6, 12, 30, 100, 300, 1000)]
        else:
            inward = 1 if end == interval.inf else -1
            candidates += [end + inward * sp.Rational(1, 10**k) * max(1, abs(end)) for k in (1, 3, 6, 12, 30)]
    for c in candidates:
        found = certify_point(lhs, rhs, rel, {x: c}, domains, "near the end where the infimum is approached")
        if found is not None:
            return found
    return None


def _prove(verdict, lhs, rhs, rel, domains):
    """The quick symbolic attempts: an :class:`~derive.prove.Attempt`, or None."""
    steps = verdict.steps
    if rel == "=":
        diff = lhs - rhs
        steps.append(eq(sp.Symbol("lhs") - sp.Symbol("rhs"), diff, "difference of the two sides, as SymPy normalises them"))
        assumed = with_domains(diff, domains)
        if assumed == 0 and diff != 0:
            steps.append(eq(diff, 0, "the variables' assumptions"))
        return Attempt(proved=diff == 0 or assumed == 0 or prove_zero(assumed, steps))
    if sign_rules(steps, lhs, rhs, rel, domains):
        return Attempt(proved=True)
    attempt = one_variable(steps, lhs, rhs, rel, domains)
    if attempt is None:
        shown = []
        reduced = translation_reduced(shown, lhs, rhs, domains)
        if reduced is not None and len((reduced[0] - reduced[1]).free_symbols) > 1:  # three variables: once more
            reduced = translation_reduced(shown, *reduced, domains) or reduced
        if reduced is not None:
            inner = one_variable(shown, *reduced, rel, domains)
            if inner is not None and inner.proved:
                steps.extend(shown)
                return inner
        cases = max_cases(steps, lhs, rhs, rel, domains)
        if cases is not None:
            return cases
    return attempt


def _contradiction(verdict, found):
    """A proof and a certified counterexample: a bug in derive; say so, never print 'proved'."""
    verdict.status = "unknown"
    where = ", ".join(f"{k} = {v}" for k, v in exact_point(found.point).items())
    verdict.reason = (f"internal contradiction: the argument above concludes the claim, yet arb certifies a "
                      f"violation at {where or 'the constants'}; neither is trusted (please report this claim)")
    return verdict


def decide(claim: Claim) -> Verdict:
    """The verification of a prepared claim (:func:`derive.lang.prepare`), here, without a worker.

    :func:`verify` runs it inside a limited worker.  Every claim, proved or
    not, also goes through the certified counterexample search; should it
    find one against a proof, the verdict is ``unknown`` and says so, never
    ``proved``.

    >>> decide(prepare("sqrt(p**2) = p", "p > 0")).status
    'proved'
    """
    if needs_lowering(claim):
        return decide_lowered(claim, _decide_scalar)
    return _decide_scalar(claim)


def _decide_scalar(claim: Claim, verdict=None) -> Verdict:
    """:func:`decide` for a claim over scalar variables."""
    domains = claim.domains
    verdict = verdict or Verdict(claim.text, "unknown", assumptions=claim.assumptions, parsed=claim)
    try:
        lhs = _resolve_extrema(_differentiate(claim.lhs, verdict.steps), domains, verdict.steps).doit()
        rhs = _resolve_extrema(_differentiate(claim.rhs, verdict.steps), domains, verdict.steps).doit()
    except (Undecided, StepTimeout) as exc:
        verdict.reason = f"could not settle the extremum: {exc}"
        return verdict
    for side, which in ((lhs, "left"), (rhs, "right")):
        if side.has(sp.zoo, sp.nan, sp.oo, -sp.oo):  # log(0) once min(x**2, x) = 0, say
            verdict.reason = f"the {which}-hand side is undefined or infinite: {text(side)}"
            return verdict
    rel = claim.rel
    attempt = _prove(verdict, lhs, rhs, rel, domains) or Attempt()
    if attempt.point is not None:
        found = certify_point(lhs, rhs, rel, attempt.point, domains, attempt.why)
        if found is not None:
            return _refuted(verdict, found, attempt.why, (lhs, rhs, rel, domains))
    if attempt.end is not None:
        x = attempt.end[0]
        domain = domains.get(x.name)
        found = _near_end(lhs, rhs, rel, x, domains, domain.interval if domain else sp.S.Reals)
        if found is not None:
            return _refuted(verdict, found, "the infimum is below 0 and approached at an end, so points near "
                                             "that end violate the claim; this one is certified with arb",
                            (lhs, rhs, rel, domains))
    found = find_counterexample(lhs, rhs, rel, domains, thorough=not attempt.proved)
    if found is not None and not attempt.proved:
        _evidence(verdict, lhs, rhs, rel, domains)  # a sampled refutation shows the float table too
    if found is not None:
        return _contradiction(verdict, found) if attempt.proved else _refuted(verdict, found, found.how,
                                                                               (lhs, rhs, rel, domains))
    proved = attempt.proved
    if not proved:
        certified = _certified(verdict, lhs, rhs, rel, domains)
        if isinstance(certified, Counterexample):
            return _refuted(verdict, certified, certified.how, (lhs, rhs, rel, domains))
        proved = certified
    evidence = _evidence(verdict, lhs, rhs, rel, domains)
    if proved:
        verdict.status = "proved"
        if evidence is not None and not evidence.passed and evidence.points:
            verdict.reason = ("float64 sampling disagrees beyond its tolerance, but no violation survives "
                              "certification: the proof stands")
        return verdict
    if evidence is not None and evidence.passed and evidence.points > 0:
        verdict.status = "supported"
        verdict.reason = "numeric only: no proof was found, and no certified counterexample"
    elif not verdict.reason:
        verdict.reason = ("float64 sampling disagrees, but no violation could be certified"
                          if evidence is not None and evidence.points else
                          (evidence.detail if evidence is not None else "") or "the numeric check was inconclusive")
    return verdict


def _certified(verdict, lhs, rhs, rel, domains):
    """The certified provers: Z3 for real arithmetic, then branch and bound with arb balls.

    True when one proves the claim (its steps go into the verdict); a
    :class:`~derive.refute.Counterexample` when a model or box point is
    certified to violate it; else False.
    """
    from .certify.polynomial import decide_polynomial  # Z3, imported when it is asked
    result = decide_polynomial(lhs, rhs, rel, domains)
    if result.status == "proved":
        verdict.steps.append(Step(phrase("no real point satisfies the domains and ", lhs, f" {_NEGATED[rel]} ", rhs),
                                  "Z3's decision procedure for real arithmetic "
                                  "(nlsat): the negation is unsatisfiable"))
        return True
    if result.status == "violated":
        found = certify_point(lhs, rhs, rel, result.point, domains, "a model of the negation from Z3, certified with arb")
        if found is not None:
            return found
    if rel == "=":
        return False
    steps = []
    try:
        attempt = by_boxes(steps, lhs, rhs, rel, domains)
    except (StepTimeout, ValueError, TypeError, NotImplementedError, ArithmeticError):
        return False
    if attempt is not None and attempt.proved:
        verdict.steps.extend(steps)
        return True
    if attempt is not None and attempt.point is not None:
        return certify_point(lhs, rhs, rel, attempt.point, domains, attempt.why) or False
    return False


_NEGATED = {"=": "≠", ">=": "<", ">": "≤", "<=": ">", "<": "≥"}


def _evidence(verdict, lhs, rhs, rel, domains):
    """The float64 table shown beside the verdict; it never decides."""
    try:
        evidence = check_relation(lhs, rhs, rel, n=NUMERIC_POINTS, seed=0, domains=_by_symbol(domains, lhs, rhs))
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError) as exc:
        verdict.reason = verdict.reason or f"no numeric cross-check: cannot evaluate the claim numerically ({type(exc).__name__})"
        return None
    verdict.evidence.append(evidence)
    return evidence


def _by_symbol(domains, *exprs):
    names = {s.name: s for e in exprs for s in e.free_symbols}
    return {names[k]: d for k, d in domains.items() if k in names}
