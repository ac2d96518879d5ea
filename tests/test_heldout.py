"""The held-out claim set (tests/heldout/): its independent label check, and derive.verify judged on it.

(a) every row's label is checked at 50 digits by the row's own mpmath evaluator
    (tests/heldout/labels.py, which imports nothing from derive);
(b) ``derive.verify`` runs on every row, once per session, two at a time, with its
    hard limit of 120 s (VERIFY_TIMEOUT).  Soundness is asserted strictly: no false claim ``proved`` or
    ``supported``, no true claim ``refuted``, and every counterexample lies inside
    the row's assumptions and violates the claim by the independent evaluator at
    50 (and 300) digits.  Rows in the new syntax (vectors, sums, E/Var, limit,
    argmax, where) are run too, but while ``NEW_SYNTAX_MUST_PARSE`` is False a
    ParseError on them is recorded, not a failure;
(c) the targets: at least 95 % of the false claims refuted, at least 90 % of the
    true claims proved; the failure message lists exactly the rows that missed.

Nothing here depends on timing: a verdict that times out is simply not a proof.
Run ``pytest tests/test_heldout.py -s`` to see the summary table.
"""
from __future__ import annotations

import concurrent.futures
import time
from dataclasses import dataclass

import pytest

from heldout.claims import ROWS
from heldout.fresh import FRESH

ALL = ROWS + FRESH  # FRESH: 60 more claims written after the verifier, by someone who had not seen its code
from heldout.labels import check_counterexample, check_row

# The new syntax has landed: a ParseError on a syntax="new" row fails the test, and those rows count
# in the targets.
NEW_SYNTAX_MUST_PARSE = True

REFUTE_TARGET, PROVE_TARGET = 0.95, 0.90
VERIFY_TIMEOUT = 120  # the hard limit per claim, far above any claim's time here, so a loaded machine
                      # does not turn a proof into a time-out (the per-step limits inside stay as they are)


@dataclass
class Outcome:
    status: str                 # proved / refuted / supported / unknown / parse-error / error
    counterexample: dict | None
    detail: str
    seconds: float


def run_one(row) -> Outcome:
    from derive import verify
    from derive.lang import ParseError
    start = time.perf_counter()
    try:
        v = verify(row.claim, assume=list(row.assume), timeout=VERIFY_TIMEOUT)
    except ParseError as exc:
        return Outcome("parse-error", None, str(exc), time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - recorded, and a failure for current-syntax rows
        return Outcome("error", None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    return Outcome(v.status, dict(v.counterexample or {}) if v.counterexample else None,
                   str(getattr(v, "reason", "") or ""), time.perf_counter() - start)


def run_all(rows=ROWS, workers=2) -> dict:
    """row id -> Outcome; verify forks its own worker per call, so two threads use both cores."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {row.id: pool.submit(run_one, row) for row in rows}
        return {rid: fut.result() for rid, fut in futures.items()}


def counted(row, out: Outcome) -> bool:
    """Does the row count in the targets?  New-syntax rows only once they must parse, or when they did."""
    return row.syntax == "current" or NEW_SYNTAX_MUST_PARSE or out.status != "parse-error"


def _why(out: Outcome) -> str:
    detail = " ".join(out.detail.split())
    return out.status + (f" ({detail[:100]})" if detail else "")


def summarise(rows, outcomes) -> dict:
    """Counts, unsound rows, invalid counterexamples and misses, from the outcomes of verify."""
    s = {"unsound": [], "invalid_cex": [], "unchecked_cex": [], "missed_false": [], "missed_true": [],
         "parse_errors": [], "errors": [], "counts": {}}
    for row in rows:
        out = outcomes[row.id]
        key = ("true" if row.label else "false", out.status)
        s["counts"][key] = s["counts"].get(key, 0) + 1
        if out.status == "parse-error":
            s["parse_errors"].append((row.id, row.syntax, out.detail))
        if out.status == "error":
            s["errors"].append((row.id, out.detail))
        if not row.label and out.status in ("proved", "supported"):
            s["unsound"].append((row.id, f"false claim {out.status}"))
        if row.label and out.status == "refuted":
            s["unsound"].append((row.id, f"true claim refuted with {out.counterexample}"))
        if out.status == "refuted":
            valid, why = check_counterexample(row, out.counterexample or {})
            if valid is False:
                s["invalid_cex"].append((row.id, f"{out.counterexample}: {why}"))
            elif valid is None:
                s["unchecked_cex"].append((row.id, f"{out.counterexample}: {why}"))
        if counted(row, out):
            if not row.label and out.status != "refuted":
                s["missed_false"].append((row.id, _why(out)))
            if row.label and out.status != "proved":
                s["missed_true"].append((row.id, _why(out)))
    s["n_false"] = sum(1 for r in rows if not r.label and counted(r, outcomes[r.id]))
    s["n_true"] = sum(1 for r in rows if r.label and counted(r, outcomes[r.id]))
    return s


def report(s) -> str:
    lines = ["held-out claims: verdicts of derive.verify",
             f"{'':8}" + "".join(f"{k:>13}" for k in ("proved", "refuted", "supported", "unknown", "parse-error",
                                                        "error"))]
    for label in ("true", "false"):
        lines.append(f"{label:8}" + "".join(f"{s['counts'].get((label, k), 0):>13}" for k in
                                            ("proved", "refuted", "supported", "unknown", "parse-error", "error")))
    nf, nt = s["n_false"], s["n_true"]
    lines.append(f"false refuted: {nf - len(s['missed_false'])}/{nf}; true proved: {nt - len(s['missed_true'])}/{nt}")
    for what in ("unsound", "invalid_cex", "unchecked_cex", "errors", "missed_false", "missed_true"):
        for rid, why in s[what]:
            lines.append(f"  {what}: {rid}: {why}")
    for rid, syntax, why in s["parse_errors"]:
        lines.append(f"  parse-error ({syntax} syntax): {rid}: {why}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def outcomes():
    result = run_all(ALL)
    print("\n" + report(summarise(ROWS, result)) + "\n\nfresh claims:\n" + report(summarise(FRESH, result)))
    return result


# ---------------------------------------------------------------- (a) the labels, independently of derive
@pytest.mark.parametrize("row", ALL, ids=[r.id for r in ALL])
def test_label(row):
    check = check_row(row)
    assert check.ok, f"{row.id} ({'true' if row.label else 'false'}: {row.claim!r}): {check.message}"


def test_set_is_balanced():
    t = sum(r.label for r in ROWS)
    assert len(ROWS) >= 170 and 0.4 <= t / len(ROWS) <= 0.6
    assert all(r.witness is not None for r in ROWS if not r.label)


# ---------------------------------------------------------------- (b) soundness, strictly
def test_no_unsound_verdict(outcomes):
    s = summarise(ALL, outcomes)
    assert not s["unsound"], "unsound verdicts:\n" + "\n".join(f"  {rid}: {why}" for rid, why in s["unsound"])


def test_counterexamples_are_valid(outcomes):
    s = summarise(ALL, outcomes)
    assert not s["invalid_cex"], "invalid counterexamples:\n" + "\n".join(
        f"  {rid}: {why}" for rid, why in s["invalid_cex"])
    assert not s["unchecked_cex"], "counterexamples the independent check cannot read:\n" + "\n".join(
        f"  {rid}: {why}" for rid, why in s["unchecked_cex"])


def test_current_syntax_parses(outcomes):
    bad = [(r.id, outcomes[r.id].status, outcomes[r.id].detail) for r in ALL
           if outcomes[r.id].status in ("parse-error", "error")
           and (r.syntax == "current" or NEW_SYNTAX_MUST_PARSE or outcomes[r.id].status == "error")]
    assert not bad, "rows that did not get a verdict:\n" + "\n".join(f"  {a}: {b}: {c}" for a, b, c in bad)


# ---------------------------------------------------------------- (c) the targets
def test_refutation_target(outcomes):
    s = summarise(ROWS, outcomes)
    n, missed = s["n_false"], s["missed_false"]
    assert n - len(missed) >= REFUTE_TARGET * n, (
        f"refuted {n - len(missed)} of {n} false claims (target {REFUTE_TARGET:.0%}); missed {len(missed)}:\n"
        + "\n".join(f"  {rid}: {status}" for rid, status in missed))


def test_proof_target(outcomes):
    s = summarise(ROWS, outcomes)
    n, missed = s["n_true"], s["missed_true"]
    assert n - len(missed) >= PROVE_TARGET * n, (
        f"proved {n - len(missed)} of {n} true claims (target {PROVE_TARGET:.0%}); missed {len(missed)}:\n"
        + "\n".join(f"  {rid}: {status}" for rid, status in missed))
