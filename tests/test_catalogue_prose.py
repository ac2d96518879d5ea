"""The catalogue's own words are prose with maths in ``$…$``, and its quotes are the source's words.

Every text a proof shows a reader (title, statement, correction, why it is
wrong, each step's justification and sentence, display names of symbols,
evidence methods and details, figure captions) is Unicode prose whose maths,
where it needs scripts, fractions or limits, is LaTeX between dollars, read by
the safe reader (:mod:`derive.lang.texreader`) with nothing unknown.  Outside
the dollars there is no ASCII markup (``_``, ``^``, ``\\``, braces) for the
report to show raw.  Every quote is the source text verbatim: fragments joined
by `` … ``, each found in ``proofs/seed.md``.

Run as a script with module names to check only those:
``python tests/test_catalogue_prose.py softmax dropout``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.catalogue import REGISTRY, discover  # noqa: E402
from derive.render.rich import markup_problems  # noqa: E402
from derive.steps import Rel, Step  # noqa: E402

SEED = (ROOT / "proofs" / "seed.md").read_text(encoding="utf-8")
FRAGMENT_GAP = " … "


def _names(obj):
    """Display names (non-identifier Symbol names) inside a step's relation."""
    parts = [obj.lhs, obj.rhs] if isinstance(obj, Rel) else [obj]
    out = []
    for part in parts:
        if isinstance(part, sp.Basic):
            out += [s.name for s in part.atoms(sp.Symbol) if not s.name.isidentifier()]
    return out


def texts_of(proof_cls):
    """(where, text) for every piece of prose the proof shows."""
    proof = proof_cls()
    out = [("title", proof.title), ("statement", proof.statement), ("correction", proof.correction or ""),
           ("why_wrong", proof.why_wrong)]
    out += [(f"figure {f.name} caption", f.caption) for f in proof.figures]
    steps = proof.derive()
    for i, step in enumerate(steps, 1):
        out.append((f"step {i} why", step.why))
        if isinstance(step.relation, str):
            out.append((f"step {i}", step.relation))
        out += [(f"step {i} name", n) for n in _names(step.relation)]
    out += [(f"refutation {i}", r) for i, r in enumerate(steps.refutations, 1)]
    for e in proof.evidence():
        out += [(f"evidence {e.method!r}", e.method), (f"evidence {e.method!r} detail", e.detail),
                (f"evidence {e.method!r} tolerance", e.tolerance)]
    return out


def quote_problems(quote: str) -> list[str]:
    """Fragments of ``quote`` that are not in the source text verbatim."""
    return [f"not in the source: {frag!r}" for frag in quote.split(FRAGMENT_GAP) if frag.strip() not in SEED]


def problems_of(proof_cls) -> list[str]:
    found = [f"{proof_cls.id}: quote: {p}" for p in quote_problems(proof_cls.quote)]
    for where, text in texts_of(proof_cls):
        found += [f"{proof_cls.id}: {where}: {p} in {text!r}" for p in markup_problems(text)]
    return found


discover()
IDS = sorted(REGISTRY)


@pytest.mark.parametrize("proof_id", IDS)
def test_catalogue_prose_is_clean(proof_id):
    assert problems_of(REGISTRY[proof_id]) == []


def test_the_checks_can_fail():
    assert markup_problems("lim_{t→0⁺} t") and markup_problems(r"$\input{x}$") and markup_problems("$x")
    assert markup_problems(r"$\frac{a}{b}$ and σ′(z) ≤ 1/4, x₁") == []
    assert quote_problems("这不是原文") and quote_problems("显然，我们应该往这个点的负梯度方向走。") == []


if __name__ == "__main__":
    modules = set(sys.argv[1:])
    bad = [p for pid in IDS if not modules or REGISTRY[pid].__module__.split(".")[-1] in modules
           for p in problems_of(REGISTRY[pid])]
    print("\n".join(bad) or "clean")
    sys.exit(1 if bad else 0)
