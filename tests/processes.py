"""Helpers shared by the tests that interrupt real runs: which processes are still alive."""
import os
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
