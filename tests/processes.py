"""Helpers shared by the tests that run derive: as a process or in this one, and which processes are still alive."""
import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path


def live_processes_under(folder: Path):
    """(pid, command) of processes, not zombies, whose working folder is inside ``folder``: TeX's build folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(folder)) and state != "Z":
            found.append((entry.name, command))
    return found


def run_derive(*args, cwd=None, timeout=600):
    """``python -m derive ARGS`` as a user runs it, from ``cwd``: the CompletedProcess (text)."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=timeout, cwd=cwd or root)


def run_cli(*argv):
    """derive.cli.main in this process: (exit status, stdout, stderr)."""
    from derive import cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse: --help, or a usage error
            code = exc.code
    return code, out.getvalue(), err.getvalue()
