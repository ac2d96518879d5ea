"""Resource limits, determinism and safe outputs, end to end.

* a proof that never ends, in ``derive check`` and ``derive report``: it is
  ``unknown`` with the reason, the rest finish, the exit status is not 0;
* killed workers (time, CPU, memory, a crash) are named and the rest go on;
* two runs with different PYTHONHASHSEED give the same output (the command
  line re-executes itself with PYTHONHASHSEED=0);
* Ctrl-C or SIGTERM while the PDF compiles leaves the output folder as it
  was, stops TeX, and leaves no temporary file; an interrupt while the files
  are written waits until they all are.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from processes import live_processes_under

from derive import cli
from derive.render import report
from derive.limits import run_limited
from derive.workers import run_each
from derive.render.output import OutputError, OutputFolder
from derive.render.report import interrupts_deferred, tex_available

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 300  # seconds: a guard against hangs only
PROOF_LIMIT = 15  # seconds for one proof below ($DERIVE_PROOF_SECONDS): the quick proofs must finish in it on a loaded machine
QUICK_IDS = ["sigmoid-derivative", "l2-norm-name", "relu-derivative"]

# A script that adds one proof that never ends to the catalogue, then runs the real command line.
WITH_A_HANGING_PROOF = textwrap.dedent("""
    import sys, time
    from derive.catalogue import Proof

    class NeverEnds(Proof):
        id = "zz-never-ends"
        section = "9(9) test"
        title = "A proof that never ends"
        quote = "forever"
        statement = "this derivation sleeps forever"
        expected = "proved"

        def derive(self):
            while True:
                time.sleep(1)

    from derive.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def run(args, env_extra=None, timeout=HANG_GUARD, script=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "derive", *args]
    start = time.monotonic()
    r = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=timeout, cwd=ROOT)
    return r, time.monotonic() - start


# -- a proof that times out --------------------------------------------------------------------

def test_check_reports_a_proof_that_times_out_and_finishes_the_rest():
    r, seconds = run(["check", "--json", "zz-never-ends", *QUICK_IDS], script=WITH_A_HANGING_PROOF,
                     env_extra={"DERIVE_PROOF_SECONDS": str(PROOF_LIMIT), "PYTHONHASHSEED": "0"})
    assert r.returncode == 1, r.stderr
    results = {row["id"]: row for row in json.loads(r.stdout)}
    assert set(results) == {"zz-never-ends", *QUICK_IDS}
    assert results["zz-never-ends"]["status"] == "unknown"
    assert results["zz-never-ends"]["reason"] == f"timed out after {PROOF_LIMIT} s"
    for pid in QUICK_IDS:
        assert results[pid]["status"] == results[pid]["expected"], results[pid]
    assert seconds < 10 * (PROOF_LIMIT + 10)  # a hang guard: ten times what the run takes


def test_report_reports_a_proof_that_times_out_and_finishes_the_rest(tmp_path):
    r, _ = run(["report", "--no-pdf", "-o", str(tmp_path), "zz-never-ends", "sigmoid-derivative"],
               script=WITH_A_HANGING_PROOF,
               env_extra={"DERIVE_PROOF_SECONDS": str(PROOF_LIMIT), "PYTHONHASHSEED": "0"})
    assert r.returncode == 1, r.stderr
    assert "zz-never-ends: unknown" in r.stderr and "sigmoid-derivative: proved" in r.stderr
    assert "not as expected: zz-never-ends" in r.stdout
    tex = (tmp_path / "derive-report.tex").read_text()
    assert "A proof that never ends" in tex and f"timed out after {PROOF_LIMIT} s" in tex
    assert "The sigmoid" in tex and "Traceback" not in r.stderr


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "1e9"])
@pytest.mark.parametrize("command", [["check", "worked-sum"], ["report", "--no-pdf", "-o", "{out}", "worked-sum"]],
                         ids=["check", "report"])
def test_a_bad_proof_time_limit_is_a_one_line_error(value, command, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DERIVE_PROOF_SECONDS", value)
    code = cli.main([a.replace("{out}", str(tmp_path / "out")) for a in command])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("derive: error: DERIVE_PROOF_SECONDS") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def sleep_forever():
    while True:
        time.sleep(1)


def spin():
    while True:
        pass


def hog_memory():
    blocks = []
    while True:
        blocks.append(bytearray(16 * 2**20))


def crash():
    os.kill(os.getpid(), signal.SIGKILL)


def called(call):
    fn, args = call
    return fn(*args)


def test_killed_workers_are_named_and_the_rest_go_on():
    """Each limit names itself, whatever the load: the CPU and memory limits get a wall-clock limit
    thirty times longer than they need, so on a busy machine they still trip first; the sleeper,
    which uses no CPU, can only ever hit the wall clock."""
    calls = [(sum, ([1, 2],)), (spin, ()), (hog_memory, ()), (crash, ()), (pow, (2, 10))]
    done = []
    outcomes = run_each(called, calls, jobs=2, timeout=30, memory_mb=512, cpu_seconds=1,
                        on_done=lambda i, o: done.append(i))
    assert sorted(done) == list(range(len(calls)))
    assert [o.ok for o in outcomes] == [True, False, False, False, True]
    assert outcomes[0].value == 3 and outcomes[4].value == 1024
    assert outcomes[1].reason == "CPU limit exceeded"
    assert outcomes[2].reason == "memory limit 512 MB exceeded"
    assert outcomes[3].reason == f"worker crashed (signal {int(signal.SIGKILL)})"
    asleep = run_each(called, [(sleep_forever, ()), (sum, ([4],))], jobs=2, timeout=2, cpu_seconds=1)
    assert asleep[0].reason == "timed out after 2 s" and asleep[1].value == 4


def test_a_worker_does_not_inherit_the_parents_sigterm_handler():
    """The command line turns SIGTERM into an exception; in a worker it must still just end it."""
    class Caught(Exception):
        pass

    def handler(signum, frame):
        raise Caught()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        outcome = run_limited(lambda: os.kill(os.getpid(), signal.SIGTERM) or time.sleep(5), timeout=10)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert outcome.reason == f"worker crashed (signal {int(signal.SIGTERM)})"


# -- the same output on every run --------------------------------------------------------------

def without_timings(rows):
    for row in rows:
        row.pop("seconds", None)
    return rows


def test_two_runs_with_different_hash_seeds_give_the_same_results():
    claim = "max(diff(sigmoid(x), x), x) = 1/4"
    jobs = [(["check", "--json", "--no-cache", *QUICK_IDS], seed) for seed in ("1", "random")]  # both computed
    jobs += [(["verify", "--json", claim], seed) for seed in ("1", "random")]
    with ThreadPoolExecutor(2) as pool:
        check1, check2, verify1, verify2 = pool.map(
            lambda job: run(job[0], env_extra={"PYTHONHASHSEED": job[1]})[0], jobs)
    assert check1.returncode == check2.returncode == 0, check1.stderr + check2.stderr
    assert without_timings(json.loads(check1.stdout)) == without_timings(json.loads(check2.stdout))
    assert verify1.returncode == verify2.returncode == 0
    assert verify1.stdout == verify2.stdout and json.loads(verify1.stdout)["status"] == "proved"


# -- interrupted runs --------------------------------------------------------------------------

@pytest.mark.skipif(not tex_available(), reason="TeX Live is not installed")
@pytest.mark.parametrize("signum, status, word", [(signal.SIGTERM, 143, "terminated"),
                                                  (signal.SIGINT, 130, "interrupted")],
                         ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_compiling_leaves_the_folder_as_it_was(tmp_path, signum, status, word):
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmp.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "derive-report.tex").write_text("the old report")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "derive", "report", "-o", str(out), "sigmoid-derivative"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if "compiling the PDF" in line:
                deadline = time.monotonic() + 20
                while not live_processes_under(tmp) and time.monotonic() < deadline:
                    time.sleep(0.05)  # until TeX runs
                assert live_processes_under(tmp), "pdflatex did not start"
                time.sleep(0.3)
                proc.send_signal(signum)
                break
        rest_out, rest_err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines.append(rest_err)
    assert any("compiling the PDF" in line for line in lines), "".join(lines)
    assert "Traceback" not in "".join(lines)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    if after == before:  # as it was: nothing new, nothing half-written, nothing deleted
        assert proc.returncode == status, "".join(lines)
        assert lines[-1] == f"derive: error: {word}\n", "".join(lines)
    else:  # the signal came after TeX had finished: then the outputs are complete
        assert proc.returncode in (0, status), "".join(lines)
        assert sorted(after) == ["derive-report.pdf", "derive-report.tex", "notes.txt"]
        assert after["notes.txt"] == b"mine" and after["derive-report.pdf"].startswith(b"%PDF")
        assert after["derive-report.tex"].rstrip().endswith(b"\\end{document}")
    deadline = time.monotonic() + 10
    while live_processes_under(tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes_under(tmp) == [], "TeX is still running"
    assert list(tmp.iterdir()) == [], "a temporary folder was left behind"


def test_an_interrupt_while_writing_waits_until_every_file_is_written(tmp_path, monkeypatch):
    """make_report: Ctrl-C during the writes lands after the last one; the folder is complete."""
    (tmp_path / "notes.txt").write_text("mine")
    # Ctrl-C's usual handler, whatever this process had: on a loaded machine the full suite was seen
    # to reach this test with SIGINT ignored (an unexplained leak in the test process, see the notes)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    real_replace, renamed, seen = os.replace, [], []

    def rename_then_interrupt(src, dst, **kwargs):
        real_replace(src, dst, **kwargs)
        if "dst_dir_fd" not in kwargs:  # not one of the output folder's renames
            seen.append(("other", dst))
            return
        renamed.append(dst)
        if len(renamed) == 1:
            seen.append(("handler while writing", signal.getsignal(signal.SIGINT)))
            # raise_signal sends it to this thread, so its handler runs here, in the middle of the
            # renames (os.kill may pick another thread of the process, and run it later)
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "replace", rename_then_interrupt)
    try:
        report.make_report(tmp_path, ["sigmoid-derivative-max"], pdf="no")
    except KeyboardInterrupt:
        pass
    else:
        pytest.fail(f"no KeyboardInterrupt; renamed {renamed}, seen {seen}, "
                    f"SIGINT now {signal.getsignal(signal.SIGINT)!r}")
    finally:
        signal.signal(signal.SIGINT, previous)
    names = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert names == sorted(["notes.txt", *renamed])
    assert renamed[-1] == "derive-report.tex" and len(renamed) >= 2  # the figures, then the .tex
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.rglob(".*")]


def test_interrupts_deferred_delivers_the_signal_after_the_body():
    order = []

    def handler(signum, frame):
        order.append("handler")
        raise RuntimeError("terminated")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(RuntimeError, match="terminated"):
            with interrupts_deferred():
                signal.raise_signal(signal.SIGTERM)
                time.sleep(0.05)
                order.append("body finished")
        assert order == ["body finished", "handler"]
        assert signal.getsignal(signal.SIGTERM) is handler
        with interrupts_deferred():
            order.append("quiet")
        assert order[-1] == "quiet"
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_failed_write_leaves_every_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    """All or nothing: the second file fails to write, so neither replaces its old version."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.pdf").write_text("old figure")
    (tmp_path / "derive-report.tex").write_text("old")
    real_fdopen, opened = os.fdopen, []

    def full_disk(fd, *args, **kwargs):
        opened.append(fd)
        if len(opened) == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        OutputFolder(tmp_path).write({"figures/a.pdf": b"new figure", "derive-report.tex": b"new"})
    assert (tmp_path / "derive-report.tex").read_text() == "old"
    assert (tmp_path / "figures" / "a.pdf").read_text() == "old figure"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "derive-report.tex", "figures", "figures/a.pdf"]
