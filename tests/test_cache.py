"""The result cache of ``derive check`` and ``derive report`` (:mod:`derive.cache`).

* a warm run gives the cold run's results, marked as cached, in the table,
  the final line and the JSON; the report's .tex is the same bytes;
* the key changes with the proof's module, a catalogue module it imports,
  any file of derive, the seed text, a dependency's version and the time
  limit; a source changed after the process started, or during the run,
  turns the cache off;
* ``unknown`` is never cached, nor a proof defined outside the catalogue;
* a corrupt, foreign or untrusted entry is a miss and is overwritten;
  ``--no-cache`` neither reads nor writes; a folder that cannot be used
  leaves the commands working and writes nowhere else.

The sources hashed are copies in the test's folder (``copied_sources``), so
that an edit of the real checkout while a test runs cannot change its keys;
the proofs themselves run from the real catalogue.
"""
import dataclasses
import json
import os
import pickle
import shutil
import time

import pytest
from processes import run_cli

from derive import cache as cache_module
from derive.cache import ResultCache, default_folder, open_cache, run_proofs
from derive.catalogue import Proof, Result, discover, get
from derive.render.report import make_report

QUICK = ["sigmoid-derivative", "l1-sign", "worked-sum"]  # three modules, a second or so in all


@pytest.fixture
def copied_sources(tmp_path, monkeypatch):
    """Copies of derive/ and proofs/ that the cache hashes instead of the real ones; returns their folders.

    Their files are new, so the process counts as started after them (else the cache would be off).
    """
    discover()
    roots = {}
    for package, root in cache_module.ROOTS.items():
        roots[package] = tmp_path / "sources" / package
        shutil.copytree(root, roots[package], ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "ROOTS", roots)
    monkeypatch.setattr(cache_module, "_process_started_ns", lambda: time.time_ns() + 3600 * 10**9)
    return roots


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The cache folder of the commands run in this process (not created yet)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(path))
    return path


def module_file(roots, proof_id):
    """The copy of the catalogue module that defines ``proof_id``."""
    return roots["proofs"] / (get(proof_id).__module__.split(".", 1)[1] + ".py")


def keys(ids, timeout=60.0):
    cache = open_cache()
    assert cache.on, cache.reason
    return {pid: cache.key(get(pid), timeout) for pid in ids}


def entries(path):
    return sorted(p.name for p in path.iterdir() if p.suffix == ".pickle") if path.exists() else []


# -- a warm run --------------------------------------------------------------------------------

def test_a_warm_run_gives_the_cold_results_marked_cached(copied_sources, folder):
    seen = []
    cold, cold_cached = run_proofs(QUICK, open_cache(), on_result=lambda i, r, c: seen.append((i, c)))
    assert cold_cached == [False] * 3 and sorted(seen) == [(0, False), (1, False), (2, False)]
    assert entries(folder) == sorted(f"{pid}.pickle" for pid in QUICK)
    seen.clear()
    warm, warm_cached = run_proofs(QUICK, open_cache(), on_result=lambda i, r, c: seen.append((i, c)))
    assert warm_cached == [True] * 3 and seen == [(0, True), (1, True), (2, True)]
    assert [r.as_dict() for r in warm] == [r.as_dict() for r in cold]
    assert [r.steps for r in warm] == [r.steps for r in cold]  # the SymPy relations themselves, not only their text


def test_check_shows_which_verdicts_came_from_the_cache(copied_sources, folder):
    code, out, err = run_cli("check", "--json", *QUICK[:2])
    assert code == 0, err
    assert [row["cached"] for row in json.loads(out)] == [False, False]
    code, out, err = run_cli("check", *QUICK[:2])
    assert code == 0, err
    rows = out.splitlines()
    assert all(row.endswith(" cached") for row in rows[1:3]), out
    assert "; 2 from the cache; " in rows[-1]
    code, out, _ = run_cli("check", "--json", *QUICK[:2])
    assert [row["cached"] for row in json.loads(out)] == [True, True]


def test_the_report_is_the_same_bytes_cold_and_warm(copied_sources, folder, tmp_path):
    ids = ["sigmoid-derivative-max", "l1-sign"]
    cold_progress, warm_progress = [], []
    cold = make_report(tmp_path / "cold", ids, pdf="no", progress=cold_progress.append, cache=open_cache())
    warm = make_report(tmp_path / "warm", ids, pdf="no", progress=warm_progress.append, cache=open_cache())
    assert (tmp_path / "cold" / "derive-report.tex").read_bytes() == (tmp_path / "warm" / "derive-report.tex").read_bytes()
    assert [r.as_dict() for r in warm.results] == [r.as_dict() for r in cold.results]
    assert not [m for m in cold_progress if "(cached)" in m]
    assert [m for m in warm_progress if m.endswith("(cached)")] == [f"[1/2] {ids[0]}: proved (cached)",
                                                                     f"[2/2] {ids[1]}: refuted (cached)"]


# -- what the key holds ------------------------------------------------------------------------

def test_a_change_of_the_proof_module_invalidates_its_proofs_only(copied_sources, folder):
    run_proofs(QUICK[:2], open_cache())
    with module_file(copied_sources, QUICK[0]).open("a") as f:
        f.write("\n# an edit\n")
    results, cached = run_proofs(QUICK[:2], open_cache())
    assert cached == [False, True]
    assert results[0].status == "proved"


def test_a_change_of_a_catalogue_module_it_imports_invalidates(copied_sources, folder):
    importer = get("residual-gradient")  # proofs/residual.py imports from proofs/vanishing.py
    imported = next(cls for cls in discover().values() if cls.__module__ == "proofs.vanishing")
    before = keys([importer.id, imported.id, "l1-sign"])
    with (copied_sources["proofs"] / "vanishing.py").open("a") as f:
        f.write("\n# an edit\n")
    after = keys([importer.id, imported.id, "l1-sign"])
    assert after[importer.id] != before[importer.id] and after[imported.id] != before[imported.id]
    assert after["l1-sign"] == before["l1-sign"]


@pytest.mark.parametrize("edit", ["derive/render/text.py", "derive/numeric/checks.py", "derive/new_module.py",
                                  "proofs/__init__.py", "proofs/seed.md"])
def test_a_change_of_any_shared_source_invalidates_every_proof(copied_sources, folder, edit):
    before = keys(QUICK)
    package, rel = edit.split("/", 1)
    with (copied_sources[package] / rel).open("a") as f:
        f.write("\n# an edit\n")
    after = keys(QUICK)
    assert all(after[pid] != before[pid] for pid in QUICK)


def test_versions_settings_and_the_time_limit_are_in_the_key(copied_sources, folder, monkeypatch):
    base = keys(QUICK[:1])
    assert keys(QUICK[:1], timeout=30.0) != base
    assert keys(QUICK[:1]) == base  # the same inputs, the same key
    with monkeypatch.context() as patch:
        patch.setenv("PYTHONHASHSEED", "12345" if os.environ.get("PYTHONHASHSEED") != "12345" else "1")
        assert keys(QUICK[:1]) != base
    assert keys(QUICK[:1]) == base
    real = cache_module.metadata.version
    monkeypatch.setattr(cache_module.metadata, "version", lambda d: "0.0.1" if d == "sympy" else real(d))
    assert keys(QUICK[:1]) != base


def test_a_proof_outside_the_catalogue_is_never_cached(copied_sources, folder):
    class Local(Proof, register=False):
        id = "local"

    assert open_cache().key(Local, 60.0) is None


# -- sources that change -----------------------------------------------------------------------

def test_sources_changed_after_the_process_started_turn_the_cache_off(copied_sources, folder, monkeypatch):
    monkeypatch.setattr(cache_module, "_process_started_ns", lambda: time.time_ns() - 3600 * 10**9)
    cache = open_cache()  # the copies are newer than the process
    assert not cache.on and "changed" in cache.reason
    results, cached = run_proofs(QUICK[:1], cache)
    assert cached == [False] and results[0].status == "proved" and entries(folder) == []


def test_sources_changed_during_the_run_stop_the_writes(copied_sources, folder):
    cache = open_cache()
    key = cache.key(get(QUICK[0]), 60.0)
    (copied_sources["derive"] / "graph.py").write_text("# rewritten during the run\n")
    results, cached = run_proofs(QUICK[:1], cache)
    assert results[0].status == "proved" and cached == [False]
    assert not cache.on and "during the run" in cache.reason
    assert entries(folder) == [] and ResultCache(folder, "", cache.sources).load(QUICK[0], key) is None


# -- what is not cached ------------------------------------------------------------------------

def unknown(pid, reason):
    cls = get(pid)
    return Result(pid, cls.section, cls.title, cls.statement, cls.quote, cls.expected, "unknown",
                  cls.erratum, cls.correction, seconds=1.0, reason=reason)


@pytest.mark.parametrize("reason", ["timed out after 0.5 s", "memory limit 2048 MB exceeded",
                                    "CPU limit exceeded", "a symbolic step was not shown: x = y"])
def test_unknown_is_never_cached(copied_sources, folder, monkeypatch, reason):
    def out_of_time(ids, jobs, timeout, on_result):
        results = [unknown(pid, reason) for pid in ids]
        for index, result in enumerate(results):
            on_result(index, result)
        return results

    monkeypatch.setattr(cache_module, "run_many", out_of_time)
    cache = open_cache()
    assert not cache.store(QUICK[0], cache.key(get(QUICK[0]), 60.0), unknown(QUICK[0], reason))
    results, cached = run_proofs(QUICK, cache)
    assert [r.status for r in results] == ["unknown"] * 3 and cached == [False] * 3
    assert entries(folder) == [] and cache.on


def test_a_real_timeout_is_not_cached(copied_sources, folder, monkeypatch):
    monkeypatch.setenv("DERIVE_PROOF_SECONDS", "0.001")  # a worker cannot even report back in 1 ms
    code, out, err = run_cli("check", "--json", "sigmoid-derivative-max")
    row = json.loads(out)[0]
    assert code == 1 and row["status"] == "unknown" and row["reason"] == "timed out after 0.001 s", row
    assert entries(folder) == [] and row["cached"] is False


# -- entries that cannot be used ---------------------------------------------------------------

def corrupt(path):
    path.write_bytes(b"not a pickle")


def truncated(path):
    path.write_bytes(path.read_bytes()[:100])


def another_key(path):
    magic, key, pid, result = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps((magic, "0" * 64, pid, result)))


def another_proof(path):
    magic, key, pid, result = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps((magic, key, pid, dataclasses.replace(result, id="l1-sign"))))


def not_a_result(path):
    magic, key, pid, result = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps((magic, key, pid, result.as_dict())))


def writable_by_others(path):
    path.chmod(0o666)


def a_symbolic_link(path):
    target = path.with_name("elsewhere")
    path.rename(target)
    path.symlink_to(target)


@pytest.mark.parametrize("spoil", [corrupt, truncated, another_key, another_proof, not_a_result,
                                   writable_by_others, a_symbolic_link])
def test_an_entry_that_cannot_be_used_is_a_miss_and_is_overwritten(copied_sources, folder, spoil):
    pid = QUICK[0]
    first, _ = run_proofs([pid], open_cache())
    spoil(folder / f"{pid}.pickle")
    again, cached = run_proofs([pid], open_cache())
    assert cached == [False] and again[0].as_dict()["steps"] == first[0].as_dict()["steps"]
    third, cached = run_proofs([pid], open_cache())
    assert cached == [True]
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]


def test_a_failed_write_keeps_the_old_entry_and_leaves_no_temporary_file(copied_sources, folder, monkeypatch):
    pid = QUICK[0]
    run_proofs([pid], open_cache())
    entry = folder / f"{pid}.pickle"
    old = entry.read_bytes()
    entry.write_bytes(b"spoiled")
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    cache = open_cache()
    results, cached = run_proofs([pid], cache)
    assert results[0].status == "proved" and cached == [False]
    assert not cache.on and "No space left" in cache.reason
    assert entry.read_bytes() == b"spoiled" and old != b"spoiled"
    assert sorted(p.name for p in folder.iterdir()) == ["CACHEDIR.TAG", f"{pid}.pickle"]


# -- --no-cache and folders that cannot be used ------------------------------------------------

def test_no_cache_neither_reads_nor_writes(copied_sources, folder):
    code, _, err = run_cli("check", "--no-cache", QUICK[0])
    assert code == 0, err
    assert not folder.exists()
    run_cli("check", QUICK[0])
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    code, out, err = run_cli("check", "--json", "--no-cache", QUICK[0])
    assert code == 0 and json.loads(out)[0]["cached"] is False
    code, out, err = run_cli("report", "--no-pdf", "--no-cache", "-o", str(folder.parent / "out"), QUICK[0])
    assert code == 0 and "(cached)" not in err
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before


def a_file_in_the_way(tmp_path):
    (tmp_path / "a-file").write_text("")
    return tmp_path / "a-file" / "cache"


def an_existing_file(tmp_path):
    (tmp_path / "a-file").write_text("")
    return tmp_path / "a-file"


def writable_by_everyone(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared").chmod(0o777)
    return tmp_path / "shared"


@pytest.mark.parametrize("unusable", [a_file_in_the_way, an_existing_file, writable_by_everyone])
def test_a_cache_folder_that_cannot_be_used_leaves_the_commands_working(copied_sources, tmp_path,
                                                                        monkeypatch, unusable):
    path = unusable(tmp_path)
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(path))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "sources" not in p.parts)
    for _ in range(2):
        code, out, err = run_cli("check", QUICK[0])
        assert code == 0 and err == "", err
        assert "; 0 from the cache; " in out and "(cannot use " in out.splitlines()[-1]
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "sources" not in p.parts)
    assert after == before  # nothing written anywhere


def test_the_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DERIVE_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_folder() == tmp_path / ".cache" / "derive"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "derive"
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine"


def test_check_help_says_where_the_cache_is():
    code, out, _ = run_cli("check", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "--no-cache" in text and "$DERIVE_CACHE_DIR, else $XDG_CACHE_HOME/derive, else ~/.cache/derive" in text
