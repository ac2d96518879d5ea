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

>>> runs_a_command(["verify", "x = x"]), runs_a_command(["--", "check"]), runs_a_command(["--version"])
(True, True, False)
>>> runs_a_command(["check", "--help"]), runs_a_command([])
(False, False)
"""
from __future__ import annotations

import os
import sys

SEED = "0"
# The re-executed interpreter runs this with ``-c``: it sets the import path before importing
# anything that is not built in, so no module in the working folder can shadow a real one.
BOOT = ("import sys; n = int(sys.argv[1]); sys.path[:] = sys.argv[2:2 + n]; del sys.argv[1:2 + n]; "
        "from derive.cli import main; sys.exit(main())")
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


def main() -> int:
    """The console script and ``python -m derive``: re-execute at once for a command, then parse and run it."""
    if runs_a_command(sys.argv[1:]):
        with_fixed_hash_seed()
    from .cli import main as run
    return run()
