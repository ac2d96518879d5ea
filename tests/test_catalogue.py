"""The proof catalogue: one test per proof, found by the registry (no hand-kept list),
plus tests that the verdict machinery can fail."""
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derive.catalogue import STATUSES, Derivation, Proof, discover, run, run_in_process, verdict_of
from derive.numeric import Evidence

REGISTRY = discover()
ROOT = Path(__file__).resolve().parents[1]
HEADER_PARTS = ("Seed section", "Main statements", "Notation", "Implementation notes", "References")


def test_the_registry_finds_every_proof_module():
    modules = {p.stem for p in (ROOT / "proofs").glob("*.py") if p.stem != "__init__"}
    found = {inspect.getmodule(cls).__name__.split(".")[-1] for cls in REGISTRY.values()}
    assert modules == found
    assert len(REGISTRY) >= 30


@pytest.mark.parametrize("module", sorted({inspect.getmodule(c).__name__ for c in REGISTRY.values()}))
def test_every_module_opens_with_a_structured_header(module):
    doc = importlib.import_module(module).__doc__ or ""
    missing = [part for part in HEADER_PARTS if part not in doc]
    assert not missing, f"{module} header lacks {missing}"


@pytest.mark.parametrize("proof_id", list(REGISTRY))
def test_proof(proof_id):
    cls = REGISTRY[proof_id]
    assert cls.section and cls.title and cls.quote and cls.statement
    assert cls.expected in STATUSES
    assert (cls.correction is not None) == cls.erratum, "an erratum needs a correction, and only an erratum"
    result = run(proof_id)
    assert result.status == result.expected, f"{result.status}: {result.reason}"
    assert result.steps, "no derivation steps"
    assert result.evidence and all(e.passed for e in result.evidence), "numeric evidence missing or failing"
    assert all(e.points > 0 for e in result.evidence)
    if result.status in ("proved", "refuted"):
        assert result.obligations > 0, "a symbolic verdict needs a symbolic argument the tool ran"
    json.dumps(result.as_dict())


# -- the machinery can fail ---------------------------------------------------------

x = sp.Symbol("x", real=True)
GOOD = Evidence("test", 1, 0.0, 0.0, "exact", True)
BAD = Evidence("test", 1, 1.0, 1.0, "exact", False)


class FalseIdentity(Proof, register=False):
    id = "false-identity"
    section = "0 test"
    expected = "proved"

    def derive(self):
        d = Derivation()
        d.equal(sp.exp(x), 1 + x, "not an identity")
        return d

    def evidence(self):
        return [GOOD]


class ProvedButNumbersDisagree(Proof, register=False):
    id = "numbers-disagree"
    section = "0 test"

    def derive(self):
        d = Derivation()
        d.equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.S.One, "Pythagoras")
        return d

    def evidence(self):
        return [BAD]


class TrueClaimCannotBeRefuted(Proof, register=False):
    id = "true-claim"
    section = "0 test"
    expected = "refuted"

    def derive(self):
        d = Derivation()
        d.refute(x**2 + 1, ">", sp.S.Zero, "a true inequality")
        return d

    def evidence(self):
        return [GOOD]


def test_an_unproved_step_makes_the_proof_unknown():
    r = run_in_process(FalseIdentity)
    assert r.status == "unknown" and "not shown" in r.reason
    assert any(s.text().startswith("NOT SHOWN") for s in r.steps)


def test_disagreeing_numbers_make_a_proof_unknown():
    assert run_in_process(ProvedButNumbersDisagree).status == "unknown"


def test_a_true_claim_is_never_refuted():
    r = run_in_process(TrueClaimCannotBeRefuted)
    assert r.status == "unknown"


def test_no_evidence_is_no_verdict():
    d = Derivation()
    d.equal(x + x, 2 * x, "collect")
    assert verdict_of(d, [], experiment=False)[0] == "unknown"
    assert verdict_of(d, [GOOD], experiment=False)[0] == "proved"
    assert verdict_of(Derivation(), [GOOD], experiment=True)[0] == "demonstrated"
    assert verdict_of(Derivation(), [GOOD], experiment=False)[0] == "supported"


def test_test_proofs_are_not_registered():
    assert "false-identity" not in discover()


def _derive(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True,
                          timeout=300, env=env, stdin=subprocess.DEVNULL)


def test_cli_list_show_check():
    r = _derive("list")
    assert r.returncode == 0 and all(pid in r.stdout for pid in REGISTRY)
    r = _derive("show", "sigmoid-derivative-max")
    assert r.returncode == 0 and "PROVED" in r.stdout and "attained at x = 0" in r.stdout
    r = _derive("check", "sigmoid-derivative", "l1-sign", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert [d["id"] for d in data] == ["sigmoid-derivative", "l1-sign"]
    for d in data:
        assert {"id", "section", "title", "statement", "status", "erratum", "correction",
                "evidence", "seconds"} <= set(d)
    assert data[1]["status"] == "refuted" and data[1]["erratum"] and data[1]["correction"]
    r = _derive("show", "no-such-proof")
    assert r.returncode == 2 and "no proof with id" in r.stderr
