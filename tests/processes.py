"""Helpers shared by the tests that run derive as a process: running it, and which processes are still alive."""
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
