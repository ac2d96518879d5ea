"""The keys of the audit's test notes (tests/notes/): every label confirmed at 50 digits, every label on its formula.

(a) every correct or wrong label's hand-written mpmath check returns True (a correct
    formula agrees at 20 seeded points, a wrong one has a witness; see notes/referee.py);
(b) every label's ``source`` is in the formula that opens on its ``line``, found by the
    independent extractor notes/extract.py, and every formula of a note has a label;
(c) the corpus has what the audit needs: at least 6 notes, at least 3 with Chinese text,
    every note with labels, more correct than wrong labels in each, and every planted kind;
(d) the hostile notes match their generators and have no labels;
(e) the tests can fail: a label moved one line, or a check builder fed a false identity,
    is rejected.

Nothing here imports derive.  Run ``pytest tests/test_note_keys.py -s`` to see the counts per note.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter

import mpmath as mp
import pytest

from notes import keys
from notes.extract import read_formulas
from notes.keys import HOSTILE, KEYS, LABELS, NOTES_DIR
from notes.referee import holds, identity, nonconforming, real, violated, witness

CJK = re.compile(r"[\u4e00-\u9fff]")
SHORT = 6   # a source shorter than this must be the whole formula, or it could identify nothing
PLANTED = {"sign", "constant", "bound", "chain-link", "derivative", "shape", "dropout-scale", "arithmetic",
           "unused-index"}

_FORMULAS = {note: read_formulas(NOTES_DIR / note) for note in KEYS}


def _label_id(label):
    return f"{label.note}:{label.line}:{label.truth}:{label.kind}"


def locate(label, formulas=None):
    """The formulas opening on the label's line that hold its source (see SHORT)."""
    formulas = _FORMULAS[label.note] if formulas is None else formulas
    return [f for f in formulas if f.line == label.line and label.source in f.latex
            and (len(label.source) >= SHORT or f.latex.strip() == label.source)]


# ---------------------------------------------------------------- (a) the checks
@pytest.mark.parametrize("label", [lab for lab in LABELS if lab.check is not None], ids=_label_id)
def test_check_confirms_the_label(label):
    assert label.check() is True, f"{_label_id(label)}: {label.why}"


def test_checks_exactly_for_claims():
    for label in LABELS:
        assert (label.check is None) == (label.truth == "not-a-claim"), _label_id(label)
        assert label.why.strip() and label.kind.strip(), _label_id(label)


# ---------------------------------------------------------------- (b) labels against the notes
@pytest.mark.parametrize("label", LABELS, ids=_label_id)
def test_source_is_on_its_line(label):
    lines = (NOTES_DIR / label.note).read_text(encoding="utf-8").split("\n")
    assert 1 <= label.line <= len(lines), _label_id(label)
    found = locate(label)
    assert found, f"{_label_id(label)}: {label.source!r} is not in a formula opening on line {label.line}"
    span = "\n".join(lines[label.line - 1:found[0].end_line])
    assert label.source in span


@pytest.mark.parametrize("note", sorted(KEYS))
def test_every_formula_has_a_label(note):
    unlabelled = [f for f in _FORMULAS[note] if not any(f in locate(lab) for lab in KEYS[note])]
    assert not unlabelled, f"{note}: formulas without a label: " + "; ".join(
        f"line {f.line}: {f.latex.strip()[:60]!r}" for f in unlabelled)


def test_labels_are_unique():
    seen = Counter((lab.note, lab.line, lab.source) for lab in LABELS)
    assert [k for k, n in seen.items() if n > 1] == []


# ---------------------------------------------------------------- (c) the corpus
def test_the_corpus_has_enough_notes_in_both_languages():
    notes = sorted(KEYS)
    assert len(notes) >= 6
    text = {n: (NOTES_DIR / n).read_text(encoding="utf-8") for n in notes}
    chinese = [n for n in notes if CJK.search(text[n])]
    english = [n for n in notes if not CJK.search(text[n])]
    assert len(chinese) >= 3, chinese
    assert len(english) >= 3, english
    assert any(n.endswith(".tex") for n in notes)
    assert set(p.name for p in NOTES_DIR.glob("*.md")) - set(HOSTILE) <= set(notes)


def test_each_note_has_labels_and_more_correct_than_wrong():
    rows = []
    for note in sorted(KEYS):
        counts = Counter(lab.truth for lab in KEYS[note])
        formulas = len(_FORMULAS[note])
        rows.append((note, formulas, len(KEYS[note]), counts["correct"], counts["wrong"], counts["not-a-claim"]))
        assert KEYS[note], note
        assert counts["wrong"] >= 2, note
        assert counts["correct"] > counts["wrong"], note
        assert 8 <= formulas, note
    total = [sum(r[i] for r in rows) for i in range(1, 6)]
    print(f"\n{'note':22} {'formulas':>8} {'labels':>6} {'correct':>7} {'wrong':>5} {'not-a-claim':>11}")
    for r in rows + [("total", *total)]:
        print(f"{r[0]:22} {r[1]:8} {r[2]:6} {r[3]:7} {r[4]:5} {r[5]:11}")


def test_every_planted_kind_is_there():
    kinds = {lab.kind for lab in LABELS if lab.truth == "wrong"}
    assert PLANTED <= kinds, PLANTED - kinds
    assert {lab.kind for lab in LABELS if lab.truth == "correct"} == {"textbook"}


def test_the_notes_have_the_hard_cases_of_real_notes():
    md = {n: (NOTES_DIR / n).read_text(encoding="utf-8") for n in KEYS if n.endswith(".md")}
    joined = "\n".join(md.values())
    assert re.search(r"[\u4e00-\u9fff]\$[^$]", joined) and re.search(r"[^$]\$[\u4e00-\u9fff]", joined)
    assert "\\begin{aligned}" in joined and "\\begin{cases}" in joined and "\\tag{" in joined
    assert re.search(r"\(\d\)\$\$", joined) or re.search(r"\(\d\)\s*$", joined, flags=re.M)
    assert "<!--" in joined and re.search(r"```[a-z]*\n[^`]*\$", joined)
    tex = (NOTES_DIR / "lecture.tex").read_text(encoding="utf-8")
    for piece in ("\\documentclass", "\\section", "\\[", "\\begin{equation}", "\\begin{align}", "\n%"):
        assert piece in tex, piece


def test_no_formula_comes_from_code_or_comments():
    for note, formulas in _FORMULAS.items():
        for f in formulas:
            assert "HOME" not in f.latex and "LR" not in f.latex and "TODO" not in f.latex, (note, f)


def test_the_keys_do_not_import_derive():
    for path in NOTES_DIR.glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+derive\b", path.read_text(encoding="utf-8"), flags=re.M), path


# ---------------------------------------------------------------- (d) hostile notes
def test_the_hostile_notes_match_their_generators():
    assert (NOTES_DIR / "hostile.md").read_text(encoding="utf-8") == keys.hostile_text()
    assert (NOTES_DIR / "binary.md").read_bytes() == keys.binary_bytes()


def test_the_hostile_notes_are_hostile_and_unlabelled():
    text = keys.hostile_text()
    assert text.count("$") >= 100_000 and "$" * 100_000 in text
    assert "{" * 10_000 in text
    for primitive in (r"\input{/etc/passwd}", r"\csname", r"\catcode", r"\write18", r"\def", "^^5c"):
        assert primitive in text, primitive
    data = keys.binary_bytes()
    assert b"\x00" in data and b"\x01" in data and b"\xff" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert not set(HOSTILE) & set(KEYS)


# ---------------------------------------------------------------- (e) the tests can fail
def test_a_label_moved_one_line_is_not_found():
    for label in LABELS:
        for step in (-1, 1):
            moved = dataclasses.replace(label, line=label.line + step)
            assert not locate(moved), f"{_label_id(label)} is also found on line {label.line + step}"


def test_a_label_with_a_wrong_source_is_not_found():
    for label in LABELS:
        assert not locate(dataclasses.replace(label, source=label.source + " + 1")), _label_id(label)


def test_the_check_builders_reject_what_is_false():
    x = lambda r: (real(r, -3, 3),)  # noqa: E731
    assert identity(x, lambda t: (mp.sin(t) ** 2 + mp.cos(t) ** 2, 1))() is True
    assert identity(x, lambda t: (mp.exp(t), 1 + t + t ** 2 / 2))() is False
    assert identity(x, lambda t: (t + mp.mpf(10) ** -35, t))() is False   # 1e-35 off: not equal at 1e-40
    assert witness(lambda t: (mp.tanh(t), 2 / (1 + mp.exp(-2 * t)) - 1), "1/3")() is False
    assert witness(lambda t: (t + mp.mpf(10) ** -25, t), 1)() is False   # a hair off is not a witness
    assert holds(x, lambda t: (t * t, abs(t)))() is False
    assert violated(lambda t: (t * t, abs(t)), "1/2")() is False
    assert violated(lambda t: (t * t, abs(t)), 2)() is True
    assert nonconforming(lambda: mp.matrix([[1, 2], [3, 4]]) * mp.matrix([1, 1]))() is False

