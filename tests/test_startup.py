"""Start-up: what answers without SymPy, and where the hash seed is fixed.

Each case runs in a fresh interpreter and reports which heavy modules it
imported, so the checks count modules, never seconds.
"""
import json
import os
import subprocess
import sys
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sympy", "numpy", "mpmath", "matplotlib", "flint")

PROBE = """
import json, sys
{setup}
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps(heavy))
"""


def probe(setup, env=None):
    code = PROBE.format(setup=setup, heavy=HEAVY)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                       stdin=subprocess.DEVNULL, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def run_main(argv):
    return f"""
from derive.cli import main
try:
    code = main({argv!r})
except SystemExit as exc:
    code = exc.code
print("exit", code)
"""


def test_import_derive_loads_nothing_heavy():
    assert probe("import derive") == ["[]"]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["verify", "--help"], ["verify"], ["no-such-command"],
                                  ["grad", "x", "--wrt"]],
                         ids=["help", "version", "command help", "missing claim", "unknown command", "bad option"])
def test_help_version_and_usage_errors_answer_without_sympy(argv):
    lines = probe(run_main(argv))
    assert lines[-1] == "[]", lines
    assert lines[-2] in ("exit 0", "exit 2"), lines


def test_a_command_does_import_sympy_so_the_probe_can_fail():
    lines = probe(run_main(["verify", "x = x"]))
    assert lines[-1] != "[]" and "sympy" in json.loads(lines[-1])


def test_the_version_is_the_package_s():
    import derive
    from importlib.metadata import version
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert derive.__version__ == declared == version("derive")
    r = subprocess.run([sys.executable, "-m", "derive", "--version"], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL, timeout=600)
    assert r.returncode == 0 and r.stdout == f"derive {declared}\n"


def test_the_script_fixes_the_hash_seed_before_argparse_is_imported():
    """Without PYTHONHASHSEED=0 a command replaces the interpreter before its arguments are parsed
    (derive.launch, the script's and python -m derive's entry): nothing heavy is loaded, not even argparse."""
    setup = """
import os, sys
def execve(path, args, env):
    print("execve with PYTHONHASHSEED", env.get("PYTHONHASHSEED"), "argv", json.dumps(args[-2:]))
    print(json.dumps(sorted(m for m in %r + ("argparse",) if m in sys.modules)))
    sys.exit(0)
os.execve = execve
sys.argv = ["derive", "verify", "x = x"]
from derive.launch import main
main()
""" % (HEAVY,)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    r = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup, heavy=HEAVY)], capture_output=True,
                       text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ['execve with PYTHONHASHSEED 0 argv ["verify", "x = x"]', "[]"]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["verify", "--help"], []],
                         ids=["help", "version", "command help", "nothing"])
def test_the_script_answers_help_in_one_interpreter(argv):
    setup = """
import os, sys
def execve(path, args, env):
    print("re-executed")
    sys.exit(0)
os.execve = execve
sys.argv = ["derive", *%r]
from derive.launch import main
try:
    main()
except SystemExit:
    pass
""" % (argv,)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    r = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup, heavy=HEAVY)], capture_output=True,
                       text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    assert "re-executed" not in r.stdout and r.stdout.splitlines()[-1] == "[]", r.stdout


SCRIPT = Path(sys.executable).with_name("derive")


@pytest.mark.skipif(not SCRIPT.exists(), reason="derive is not installed as a script beside this Python")
def test_the_installed_script_gives_the_same_verdict_with_any_hash_seed():
    claim = ["verify", "--json", "max(diff(sigmoid(x), x), x) = 1/4"]
    outs = []
    for seed in (None, "1", "0"):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
        if seed is not None:
            env["PYTHONHASHSEED"] = seed
        r = subprocess.run([str(SCRIPT), *claim], capture_output=True, text=True, cwd=ROOT, env=env,
                           stdin=subprocess.DEVNULL, timeout=600)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1] == outs[2] and json.loads(outs[0])["status"] == "proved"


def test_a_reader_that_goes_away_is_no_error():
    """derive list | head -1: the closed pipe ends the run quietly with 141, never 'internal error'."""
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([sys.executable, "-m", "derive", "list"], stdout=write, stderr=subprocess.PIPE,
                           text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                           stdin=subprocess.DEVNULL, timeout=600)
    finally:
        os.close(write)
    assert (r.returncode, r.stderr) == (141, "")


def run_script_in_process(argv, before="", env=None):
    """``derive ARGV`` through derive.launch.main in one interpreter (PYTHONHASHSEED=0, so no re-exec)."""
    code = f"import sys\n{before}\nsys.argv = ['derive', *{argv!r}]\nfrom derive.launch import main\nmain()\n"
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # buffered, as for a user
           "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", **(env or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, timeout=600)


@pytest.mark.parametrize("argv, status, says", [(["verify", "x = x"], 0, "PROVED"),
                                                (["verify", "x = x + 1"], 1, "REFUTED"),
                                                (["verify"], 2, ""), (["verify", "x ==== "], 2, "")],
                         ids=["proved", "refuted", "usage error", "bad claim"])
def test_a_command_ends_with_its_status_and_all_its_output(argv, status, says):
    """derive.launch.run_command ends the process without the interpreter's teardown: the exit
    status, the whole standard output (a pipe, so buffered) and the one-line error all arrive."""
    r = run_script_in_process(argv)
    assert r.returncode == status, r.stderr
    assert says in r.stdout and r.stdout.endswith("\n" if says else "")
    assert (r.stderr.count("\n"), r.stderr.startswith("derive: error:")) == ((0, False) if says else (1, True)), \
        r.stderr


def test_a_command_runs_the_atexit_handlers_registered_before_it(tmp_path):
    """A handler registered before the command (coverage's, say) still runs at its end."""
    mark = tmp_path / "ran"
    r = run_script_in_process(["verify", "x = x"],
                              f"import atexit, pathlib\natexit.register(pathlib.Path({str(mark)!r}).write_text, 'yes')")
    assert r.returncode == 0, r.stderr
    assert mark.read_text() == "yes"


def test_the_collector_off_at_start_up_is_on_again_from_the_first_fork():
    """The script imports with gc disabled (derive.launch.run_command); derive.limits freezes what
    start-up built and enables the collector at the first fork, in the worker and in the parent."""
    setup = """
import gc
gc.disable()
from derive.limits import run_limited
print(json.dumps([run_limited(gc.isenabled).value, gc.isenabled(), gc.get_freeze_count() > 0]))
"""
    assert probe(setup)[0] == "[true, true, true]"


def test_the_collector_is_left_alone_where_it_was_on():
    """In a REPL or a test suite (the collector on) a fork changes nothing: nothing is frozen."""
    setup = """
import gc
from derive.limits import run_limited
print(json.dumps([run_limited(gc.isenabled).value, gc.isenabled(), gc.get_freeze_count()]))
"""
    assert probe(setup)[0] == "[true, true, 0]"
