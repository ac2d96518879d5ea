"""The ``derive`` script's entry point: the hash seed fixed first, then :func:`derive.cli.main`.

Every run of a command must print and write the same, and some of SymPy's
choices follow the order of sets of strings, which ``PYTHONHASHSEED``
decides.  So a command runs in an interpreter started with
``PYTHONHASHSEED=0``.  When the script is started without it, this module
replaces the interpreter at once, before argparse, SymPy or NumPy is
imported (the second interpreter's start is the only cost); ``--help``,
``--version`` and a bare ``derive`` are answered without it.

Not as ``python -m derive``, which puts the working folder first on the
import path (a ``sympy.py`` in a downloaded folder of notes would run): the
new interpreter gets this one's import path, less the working folder.

A command then runs as a process that forks its workers should
(:func:`run_command`): no garbage collection while it imports, what the
imports built frozen at the first fork, and no teardown of SymPy's objects
once the output is written.

>>> runs_a_command(["verify", "x = x"]), runs_a_command(["--", "check"]), runs_a_command(["--version"])
(True, True, False)
>>> runs_a_command(["check", "--help"]), runs_a_command([])
(False, False)
"""
from __future__ import annotations

import atexit
import gc
import os
import sys

SEED = "0"
# The re-executed interpreter runs this with ``-c``: it sets the import path before importing
# anything that is not built in, so no module in the working folder can shadow a real one.
BOOT = ("import sys; n = int(sys.argv[1]); sys.path[:] = sys.argv[2:2 + n]; del sys.argv[1:2 + n]; "
        "from derive.launch import run_command; run_command()")
_HELP = frozenset(("-h", "--help"))


def runs_a_command(argv) -> bool:
    """Whether ``argv`` (the arguments after ``derive``) names a command to run, not only help.

    A word is a command (or a usage error, which the parser reports in
    either interpreter); options alone are ``--help`` or ``--version``.
    """
    return any(not arg.startswith("-") for arg in argv) and not _HELP.intersection(argv)


def safe_path() -> list:
    """This interpreter's import path without the working folder ('' or its absolute name).

    The working folder stays only when derive itself is imported from it (a
    developer's checkout run as ``python -m derive``).
    """
    here = os.getcwd()
    own = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return [entry for entry in sys.path
            if entry and (os.path.abspath(entry) != here or own == here)]


def with_fixed_hash_seed() -> None:
    """Replace this interpreter by one with ``PYTHONHASHSEED=0`` running the same arguments; nothing if it has it."""
    if os.environ.get("PYTHONHASHSEED") != SEED:
        env = {**os.environ, "PYTHONHASHSEED": SEED}
        path = safe_path()
        os.execve(sys.executable, [sys.executable, "-c", BOOT, str(len(path)), *path, *sys.argv[1:]], env)


def run_command() -> None:
    """Run the command in ``sys.argv`` as the script does, and end the process (it never returns).

    This is the pattern CPython's ``gc.freeze`` documentation gives for a
    process that forks workers: the collector is off while the command
    imports SymPy and NumPy (some 10⁵ objects and no garbage worth
    collecting), and :mod:`derive.limits` freezes what exists and turns it on
    again at the first fork.  At the end the atexit handlers run, the output
    is flushed and the process ends without the interpreter's teardown,
    which with SymPy loaded takes longer than the command ``x = x`` itself.
    Every file derive writes is closed by then (each in a ``with`` block).
    An exception that escapes the CLI (it catches every ``Exception``) ends
    the process the usual way.
    """
    gc.disable()
    from .cli import main as run
    try:
        status = run()
    except SystemExit as exc:  # argparse's usage error (2)
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        status = exc.code or 0
    _leave(status)


def _leave(status: int) -> None:
    """Run the atexit handlers, flush the output and end the process with ``status``, skipping the teardown."""
    atexit._run_exitfuncs()  # what the interpreter would run first at exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):  # closed, or a reader that has gone
            pass
    os._exit(status)


def main() -> int:
    """The console script and ``python -m derive``: re-execute at once for a command, then parse and run it."""
    if runs_a_command(sys.argv[1:]):
        with_fixed_hash_seed()
        run_command()
    from .cli import main as run
    return run()
