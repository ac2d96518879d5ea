"""The second round of adversarial inputs: a hostile working folder, output folder and terminal.

Each case runs as a user runs it, through the installed ``derive`` command
where it can, and asserts its outcome:

* code planted in the working folder (``sympy.py``, ``json.py``, a ``proofs/``
  package) never runs, with or without the hash-seed re-execution;
* ``-o DIR`` never writes through a symbolic link out of DIR, and a folder
  that cannot take the report fails at once, before any proof runs, with
  exit status 2 and one line;
* control and bidi characters in what the user typed reach the terminal made
  visible, in the CLI's messages, the JSON and the pytest plugin's report;
* a time limit of ``inf``, ``nan`` or ``1e10`` is a one-line error everywhere;
* SIGHUP is handled like SIGTERM, and a SIGTERM just as TeX ends is not an
  internal error.

No assertion depends on how fast the machine is: a signal sent "at the end
of the compile" may land before or after it, and each case accepts exactly
the outcomes that are right for either.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from processes import live_processes_under

import derive
from derive.render import compile as compiling, report
from derive.limits import valid_seconds
from derive.render.report import tex_available
from derive.render.terminal import json_dumps, visible
from derive.testing import assert_claim, check_claim

ROOT = Path(derive.__file__).resolve().parents[1]
INSTALLED = Path(sys.executable).with_name("derive")  # the console script of this environment
HANG_GUARD = 300  # seconds: a guard against hangs only, far above any expected time
HAVE_TEX = tex_available() and shutil.which("pdftotext") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="TeX Live or pdftotext is not installed")
CANARY_CODE = 'open({canary!r}, "a").write("ran\\n")\n'
pytest_plugins = ["pytester"]
HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202e"  # retitle the window, clear the screen, reverse the text


def derive_command(*args, cwd, env_extra=None, timeout=HANG_GUARD, seeded=False):
    """Run derive as a user does, in ``cwd``: the console script if installed, else ``-m derive``.

    Without ``seeded``, PYTHONHASHSEED is unset, so the command re-executes itself.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if seeded:
        env["PYTHONHASHSEED"] = "0"
    env.update(env_extra or {})
    if INSTALLED.exists():
        command = [str(INSTALLED), *args]
    else:  # not installed: the package from this checkout (then -m itself puts cwd on the path)
        env["PYTHONPATH"] = str(ROOT)
        command = [sys.executable, "-m", "derive", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=timeout)


def assert_one_line_error(r, fragment=""):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.startswith("derive: error:") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert fragment in r.stderr, r.stderr


def assert_terminal_safe(text):
    """No control character but newline, and no format or separator character, in ``text``."""
    bad = [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    assert not bad, (bad, text)


# -- 1. code in the working folder -------------------------------------------------------------

@pytest.fixture
def planted(tmp_path):
    """A folder of 'downloaded notes' with a sympy.py, json.py and proofs/ that touch a canary."""
    folder, canary = tmp_path / "notes", tmp_path / "canary"
    (folder / "proofs").mkdir(parents=True)
    code = CANARY_CODE.format(canary=str(canary))
    for name in ("sympy.py", "json.py", "numpy.py", "mpmath.py", "proofs/__init__.py", "proofs/evil.py"):
        (folder / name).write_text(code)
    return folder, canary


@pytest.mark.skipif(not INSTALLED.exists(), reason="needs the installed console script")
@pytest.mark.parametrize("seeded", [False, True], ids=["re-executed", "hash-seed-set"])
@pytest.mark.parametrize("args", [("verify", "x = x"), ("list",), ("check", "sigmoid-derivative"),
                                  ("report", "--no-pdf", "-o", "out", "over-underfitting")],
                         ids=["verify", "list", "check", "report-with-a-catalogue-figure"])
def test_code_in_the_working_folder_never_runs(planted, args, seeded):
    folder, canary = planted
    r = derive_command(*args, cwd=folder, seeded=seeded)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not canary.exists(), f"code from the working folder ran: {args}"


def test_the_catalogue_is_loaded_from_derive_s_own_folder(tmp_path):
    """The library in a REPL or notebook, whose import path starts with the working folder."""
    folder, canary = tmp_path / "notes", tmp_path / "canary"
    (folder / "proofs").mkdir(parents=True)
    for name in ("proofs/__init__.py", "proofs/fitting.py", "proofs/dropout.py"):
        (folder / name).write_text(CANARY_CODE.format(canary=str(canary)))
    script = ("import sys\n"
              "assert sys.path[0] == '', sys.path  # python -c: the working folder first, as in a REPL\n"
              "from derive.render import figures\n"
              "figures.render('fitting', sys.argv[1])\n"
              "figures.render('dropout', sys.argv[1])\n"
              "from derive.catalogue import discover, CATALOGUE_DIR\n"
              "import proofs\n"
              "assert len(discover()) > 10 and proofs.__file__.startswith(str(CATALOGUE_DIR)), proofs.__file__\n"
              "print('ok')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                       text=True, cwd=folder, env=env, stdin=subprocess.DEVNULL, timeout=HANG_GUARD)
    assert r.returncode == 0 and r.stdout == "ok\n", r.stdout + r.stderr
    assert not canary.exists()


def test_a_foreign_proofs_module_already_imported_is_refused(tmp_path, monkeypatch):
    from derive.catalogue import load_catalogue
    fake = tmp_path / "proofs"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    monkeypatch.setitem(sys.modules, "proofs", type(sys)("proofs"))
    sys.modules["proofs"].__file__ = str(fake / "__init__.py")
    with pytest.raises(ImportError, match="already imported from"):
        load_catalogue()


# -- 2. the output folder ----------------------------------------------------------------------

QUICK = "sigmoid-derivative-max"  # one proof with one figure (figures/sigmoid.pdf)


def snapshot(folder: Path):
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink() else
                                         os.readlink(p) if p.is_symlink() else "dir")
            for p in sorted(folder.rglob("*"))}


def test_a_symlinked_figures_folder_is_refused_and_nothing_outside_is_touched(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "sigmoid.pdf").write_text("not yours")
    (out / "figures").symlink_to(elsewhere)
    before_out, before_elsewhere = snapshot(out), snapshot(elsewhere)
    r = derive_command("report", "--no-pdf", "-o", str(out), QUICK, cwd=tmp_path, seeded=True)
    assert_one_line_error(r, "figures is a symbolic link")
    assert "running" not in r.stderr  # refused before any proof ran
    assert snapshot(elsewhere) == before_elsewhere and snapshot(out) == before_out


def test_a_symlinked_file_is_replaced_by_the_file_and_its_target_is_untouched(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside.pdf"
    (out / "figures").mkdir(parents=True)
    outside.write_text("not yours")
    (out / "figures" / "sigmoid.pdf").symlink_to(outside)
    (out / "derive-report.tex").symlink_to(tmp_path / "outside.tex")
    r = derive_command("report", "--no-pdf", "-o", str(out), QUICK, cwd=tmp_path, seeded=True)
    assert r.returncode == 0, r.stderr
    assert outside.read_text() == "not yours" and not (tmp_path / "outside.tex").exists()
    assert not (out / "figures" / "sigmoid.pdf").is_symlink()
    assert (out / "figures" / "sigmoid.pdf").read_bytes().startswith(b"%PDF")
    assert not (out / "derive-report.tex").is_symlink()


@pytest.mark.parametrize("target, fragment", [
    ("a-file", "is not a folder"),
    ("/dev/full", "is not a folder"),
    ("a-file/sub", "cannot make the output folder"),
    ("/proc/self", "cannot write in the output folder"),
    ("tex-is-a-folder", "derive-report.tex is a folder"),
    ("figures-is-a-file", "figures is in the way"),
], ids=["regular-file", "dev-full", "under-a-file", "proc", "tex-is-a-folder", "figures-is-a-file"])
def test_an_output_folder_that_cannot_take_the_report_fails_before_the_work(tmp_path, target, fragment):
    (tmp_path / "a-file").write_text("mine")
    (tmp_path / "tex-is-a-folder" / "derive-report.tex").mkdir(parents=True)
    (tmp_path / "figures-is-a-file").mkdir()
    (tmp_path / "figures-is-a-file" / "figures").write_text("mine")
    before = snapshot(tmp_path)
    r = derive_command("report", "-o", target, QUICK, cwd=tmp_path, seeded=True)
    assert_one_line_error(r, fragment)
    assert "running" not in r.stderr  # refused before any proof ran
    assert snapshot(tmp_path) == before  # nothing half-written: no figure, no temporary file


def test_an_unwritable_folder_fails_before_the_work():
    """A folder the user may not write in; root writes anywhere, so root runs the command as nobody."""
    base = Path(tempfile.mkdtemp(prefix="derive-locked-"))
    try:
        base.chmod(0o755)
        folder = base / "locked"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT), "MPLCONFIGDIR": str(base)}
        command = [sys.executable, "-m", "derive", "report", "-o", str(folder / "out"), QUICK]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv to drop to another user")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        r = subprocess.run(command, capture_output=True, text=True, cwd="/", env=env,
                           stdin=subprocess.DEVNULL, timeout=HANG_GUARD)
        if "No module named" in r.stderr or "Permission denied: '/" in r.stderr and "derive:" not in r.stderr:
            pytest.skip(f"the other user cannot run this checkout: {r.stderr[-200:]}")
        assert_one_line_error(r, "Permission denied")
        assert "running" not in r.stderr and list(folder.iterdir()) == []
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_a_folder_where_a_file_goes_leaves_the_folder_as_it_was_in_the_library(tmp_path):
    (tmp_path / "derive-report.tex").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        report.make_report(tmp_path, [QUICK], pdf="no")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["derive-report.tex"]


# -- 3. control and bidi characters ------------------------------------------------------------

TERMINAL_CASES = [
    ("verify", f"x{HOSTILE} = 1"),
    ("verify", "x = 1", "--assume", f"x{HOSTILE} > 0"),
    ("verify", f"foo{HOSTILE}(x) = 1"),
    ("grad", "x**2", "--wrt", f"x{HOSTILE}"),
    ("grad", f"x**2{HOSTILE}", "--wrt", "x"),
    ("show", f"sigmoid{HOSTILE}"),
    ("check", f"no-such{HOSTILE}"),
    ("report", "--no-pdf", "-o", "out", f"no-such{HOSTILE}"),
    (f"verify{HOSTILE}",),
    ("verify", "x = x", f"--bogus{HOSTILE}"),
]


def test_control_and_bidi_characters_are_made_visible_in_every_cli_message(tmp_path):
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda args: derive_command(*args, cwd=tmp_path, seeded=True),
                                TERMINAL_CASES))
    for args, r in zip(TERMINAL_CASES, results):
        assert_one_line_error(r)
        assert_terminal_safe(r.stdout + r.stderr)
        assert "\\x1b" in r.stderr or "\\u202e" in r.stderr, (args, r.stderr)


def test_accepted_claims_with_format_characters_print_safely_as_text_and_json(tmp_path):
    claim = "x = x #\u202e\u2066 a comment"
    text = derive_command("verify", claim, cwd=tmp_path, seeded=True)
    as_json = derive_command("verify", claim, "--json", cwd=tmp_path, seeded=True)
    assert text.returncode == as_json.returncode == 0
    assert_terminal_safe(text.stdout + as_json.stdout)
    assert "\\u202e" in text.stdout and "\\u202e" in as_json.stdout
    import json
    assert json.loads(as_json.stdout)["claim"] == claim  # the JSON's data is unchanged


def test_the_library_s_messages_are_visible_too():
    from derive.lang import ParseError, parse_claim
    with pytest.raises(ParseError) as caught:
        parse_claim(f"y{HOSTILE} = 1")
    assert_terminal_safe(str(caught.value))
    with pytest.raises(AssertionError) as failed:
        assert_claim("x + 1 = x #\u202e")
    assert_terminal_safe(str(failed.value).replace("\n", ""))
    assert visible("a\u2028b\x9b") == "a\\u2028b\\x9b"
    assert_terminal_safe(json_dumps({"k\u202e": ["\x1b", "\u2029", "\U000e0001"]}, indent=1))


def run_plugin(pytester, failed):
    """Run the test file made with ``pytester`` under derive's plugin; its output, after checking
    that ``failed`` tests failed."""
    result = pytester.runpytest_subprocess("-p", "no:derive", "-p", "derive.pytest_plugin",
                                           "-p", "no:cacheprovider", timeout=HANG_GUARD)
    result.assert_outcomes(failed=failed)
    return result.stdout.str()


def test_the_pytest_plugin_s_messages_are_visible(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_claims=f'''
import pytest

@pytest.mark.claim({f"x{HOSTILE} + 1 = x"!r})
def test_unreadable():
    pass

@pytest.mark.claim("x + 1 = x #\\u202e")
def test_false():
    pass
''')
    out = run_plugin(pytester, failed=2)
    assert "\\x1b" in out and "\\u202e" in out
    assert_terminal_safe(out)


# -- 4. time limits ----------------------------------------------------------------------------

BAD_SECONDS = ["inf", "-inf", "nan", "1e10", "0", "-1", "86401", "abc", ""]


def test_a_bad_timeout_on_the_command_line_is_a_one_line_error(tmp_path):
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda s: derive_command("verify", "x = x", "--timeout", s, cwd=tmp_path,
                                                         seeded=True), BAD_SECONDS))
    for seconds, r in zip(BAD_SECONDS, results):
        assert_one_line_error(r, "--timeout")


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e10, 0, -1, "30", None, True],
                         ids=["inf", "nan", "1e10", "0", "-1", "str", "None", "True"])
@pytest.mark.parametrize("entry", [derive.verify, check_claim, assert_claim],
                         ids=["verify", "check_claim", "assert_claim"])
def test_a_bad_timeout_in_the_library_is_a_value_error_before_any_work(entry, seconds):
    with pytest.raises(ValueError, match="timeout must be a number of seconds"):
        entry("x = x", timeout=seconds)


def test_a_good_timeout_is_taken_as_it_is():
    assert valid_seconds(86400) == 86400.0 and valid_seconds(0.5) == 0.5
    assert derive.verify("x = x", timeout=86400).status == "proved"


def test_a_bad_timeout_in_the_pytest_marker_fails_the_test_without_a_traceback(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_claims='''
import pytest

@pytest.mark.claim("x = x", timeout=float("inf"))
def test_inf():
    pass
''')
    out = run_plugin(pytester, failed=1)
    assert "timeout must be a number of seconds" in out
    assert "limits.py" not in out and "OverflowError" not in out


def test_a_huge_irrational_bound_of_an_integer_domain_is_a_one_line_error(tmp_path):
    r = derive_command("verify", "n = n", "--assume", "n integer in [exp(2000), exp(2000) + 1/2]",
                       cwd=tmp_path, seeded=True)
    assert_one_line_error(r, "bound too large to round")
    assert derive.verify("n >= 0", ["n integer in [exp(20), exp(20) + 3]"]).status == "proved"


# -- 5. characters the fonts lack --------------------------------------------------------------

@needs_tex
def test_a_title_with_characters_the_fonts_lack_is_refused_in_one_line(tmp_path):
    """No silent "?" or gap: a character no font has stops the report before any proof runs."""
    title = "注释 \u3400\u4db5 notes"
    r = derive_command("report", "--pdf", "-o", str(tmp_path / "out"), "--title", title, QUICK,
                       cwd=tmp_path, seeded=True)
    assert_one_line_error(r, "U+3400")
    assert not (tmp_path / "out" / "derive-report.pdf").exists()


# -- 6. signals --------------------------------------------------------------------------------

def report_with_signal(tmp_path, name, signum=None, delay=None):
    """Run a one-proof PDF report; ``delay`` s after 'compiling the PDF', send ``signum``.

    Returns (exit status, stderr, seconds from 'compiling' to exit, folder before, folder after, tmp).
    """
    out, tmp = tmp_path / name / "out", tmp_path / name / "tmp"
    out.mkdir(parents=True)
    tmp.mkdir()
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "derive", "report", "-o", str(out), "sigmoid-derivative"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    lines, compiling_at = [], None
    try:
        for line in proc.stderr:
            lines.append(line)
            if "compiling the PDF" in line:
                compiling_at = time.monotonic()
                if signum is not None:
                    time.sleep(max(0.0, delay))
                    proc.send_signal(signum)
                break
        _, rest = proc.communicate(timeout=HANG_GUARD)
        lines.append(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    took = time.monotonic() - compiling_at if compiling_at else None
    return proc.returncode, "".join(lines), took, before, snapshot(out), tmp


def assert_as_it_was_or_complete(status, err, before, after, tmp, signal_status, word):
    assert "Traceback" not in err and "internal error" not in err, err
    if after == before:  # the signal came first: nothing new, nothing half-written
        assert status == signal_status, err
        assert err.endswith(f"derive: error: {word}\n"), err
    else:  # the signal came after the writing began: then every file is complete
        assert status in (0, signal_status, -signal_status + 128), err  # -N: killed after it finished
        assert sorted(after) == ["derive-report.pdf", "derive-report.tex", "notes.txt"], sorted(after)
        assert after["derive-report.pdf"].startswith(b"%PDF")
    deadline = time.monotonic() + 30
    while live_processes_under(tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes_under(tmp) == [], "TeX is still running"
    assert list(tmp.iterdir()) == [], "a temporary folder was left behind"


@needs_tex
def test_sighup_while_compiling_is_handled_like_sigterm(tmp_path):
    status, err, _, before, after, tmp = report_with_signal(tmp_path, "hup", signal.SIGHUP, 0.3)
    assert_as_it_was_or_complete(status, err, before, after, tmp, 129, "hung up")


@needs_tex
def test_sigterm_swept_over_the_last_second_of_the_compile_is_never_an_internal_error(tmp_path):
    status, err, took, before, after, tmp = report_with_signal(tmp_path, "reference")
    assert status == 0 and took is not None, err
    delays = [took - 1.0 + 0.2 * i for i in range(7)]  # from a second before the end to past it
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda i: report_with_signal(tmp_path, f"sweep{i}", signal.SIGTERM, delays[i]),
                             range(len(delays))))
    for status, err, _, before, after, tmp in runs:
        assert_as_it_was_or_complete(status, err, before, after, tmp, 143, "terminated")


def test_a_signal_after_tex_has_exited_and_been_reaped_is_not_an_error(monkeypatch):
    """The race, made certain: the interrupt arrives when TeX's process group no longer exists."""
    from derive.cli import Terminated
    real = subprocess.Popen.communicate

    def finish_then_terminate(self, *args, **kwargs):
        real(self, *args, **kwargs)  # TeX has ended and been reaped
        raise Terminated(signal.SIGTERM)

    monkeypatch.setattr(subprocess.Popen, "communicate", finish_then_terminate)
    real_popen = subprocess.Popen
    monkeypatch.setattr(compiling.subprocess, "Popen", lambda cmd, **kwargs: real_popen(["true"], **kwargs))
    tmp = Path(tempfile.mkdtemp(prefix="derive-test-tmp-"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    try:
        with pytest.raises(Terminated):
            report.compile_pdf(r"\documentclass{article}\begin{document}x\end{document}", timeout=60)
        assert list(tmp.iterdir()) == []  # the build folder is gone
    finally:
        shutil.rmtree(tmp)


def test_a_signal_just_after_the_build_folder_is_made_leaves_no_folder(monkeypatch):
    """The window the sweep found: SIGTERM between mkdtemp and the start of the compile."""
    from derive.cli import Terminated, _on_terminate
    real_mkdtemp = tempfile.mkdtemp
    tmp = Path(real_mkdtemp(prefix="derive-test-tmp-"))

    def mkdtemp_then_signal(*args, **kwargs):
        folder = real_mkdtemp(*args, dir=tmp, **kwargs)
        signal.raise_signal(signal.SIGTERM)  # to this thread: held until the folder is made, then delivered
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_signal)
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        with pytest.raises(Terminated):
            report.compile_pdf(r"\documentclass{article}\begin{document}x\end{document}", timeout=60)
        assert list(tmp.iterdir()) == []
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp)
