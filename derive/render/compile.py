"""Compiling the report: pdflatex in a fresh folder, with the safety settings and the log read.

:func:`compile_pdf` runs pdflatex in a fresh temporary folder, as many passes
as the auxiliary files need, with shell escape off, ``openin_any=p`` /
``openout_any=p``, stdin from ``/dev/null``, ``-halt-on-error`` and a
wall-clock limit for all the passes; the PDF is copied out only when the
compile succeeded.  The log is read for what a
reader would otherwise find on the page: characters without a glyph
("Missing character" lines) and lines too wide for the page (overfull boxes),
both in :class:`Compiled`.  :func:`interrupts_deferred` and
:func:`scratch_folder` keep a signal from leaving half-written files or
temporary folders behind.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TEX_NAME = "derive-report.tex"
PDF_NAME = "derive-report.pdf"
COMPILE_SECONDS = 180
MISSING = re.compile(r"^Missing character: There is no (.+?) in font (.+?)!", re.M)
OVERFULL = re.compile(r"^Overfull \\[hv]box \(([0-9.]+)pt too (?:wide|high)\) (.*)$", re.M)
TOC_LEVELS = ("section", "subsection", "subsubsection")
TOC_COMMAND = re.compile(r"\\(?:(section|subsection|subsubsection)(\*?)\{|addcontentsline\{toc\}\{(\w+)\}\{"
                         r"|(appendix)(?![A-Za-z]))")


def has_cjk() -> bool:
    """Whether the TeX installation has CJKutf8 and the gbsn font (Chinese quotes)."""
    kpsewhich = shutil.which("kpsewhich")
    if not kpsewhich:
        return False
    found = subprocess.run([kpsewhich, "CJKutf8.sty", "c70gbsn.fd"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=30)
    return len(found.stdout.split()) == 2



@contextmanager
def interrupts_deferred():
    """Hold Ctrl-C, SIGTERM and SIGHUP in the body; deliver the first one caught when it is done.

    The outputs are written inside it, so an interrupted run leaves the folder
    as it was (interrupted earlier) or complete, never half-written.  Outside
    the main thread it does nothing (signals reach only the main thread).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught, previous = [], {}
    try:  # the setup too: a signal landing halfway must not leave a handler swapped
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            previous[number] = signal.signal(number, lambda signum, frame: caught.append(signum))
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if caught:
            _deliver(caught[0], previous.get(caught[0]))


def _deliver(signum, handler):
    """Run the usual handler of a held signal now: KeyboardInterrupt, Terminated, or the default action."""
    if callable(handler):
        handler(signum, None)  # directly, in this thread: no second trip through the kernel
    elif handler != signal.SIG_IGN:
        signal.raise_signal(signum)


@contextmanager
def scratch_folder(prefix):
    """A fresh temporary folder, removed afterwards even when a signal lands as it is made or removed.

    ``tempfile.TemporaryDirectory`` leaves its folder behind when Ctrl-C or
    SIGTERM arrives between ``mkdtemp`` and the start of the ``with`` body;
    here the making and the removing hold signals until they are done.
    """
    folder = None
    try:
        with interrupts_deferred():
            folder = tempfile.mkdtemp(prefix=prefix)
        yield Path(folder)
    finally:
        if folder is not None:
            with interrupts_deferred():
                shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Compiled:
    """The outcome of a compile: the PDF, an excerpt of the log, and what the log says a reader would see.

    ``missing`` lists the log's "Missing character" lines (a glyph the fonts
    lack: the compile counts as failed, never a silent gap or "?");
    ``overfull`` the width in points of each overfull box, with its context.
    """

    ok: bool
    pdf: bytes = b""
    log: str = ""
    missing: list = field(default_factory=list)
    overfull: list = field(default_factory=list)


def read_log(log: str) -> tuple[list, list]:
    """The missing characters and the overfull boxes of a LaTeX log.

    >>> read_log("Missing character: There is no ^^a7 in font cmr10!\\nOverfull \\\\hbox (3.5pt too wide) in paragraph")
    (['^^a7 in font cmr10'], [(3.5, 'in paragraph')])
    """
    missing = [f"{m.group(1)} in font {m.group(2)}" for m in MISSING.finditer(log)]
    overfull = [(float(m.group(1)), m.group(2).strip()) for m in OVERFULL.finditer(log)]
    return missing, overfull


def toc_seed(tex: str) -> str:
    r"""A first contents file for ``tex``: its contents entries, every page 0, so the first pass sets them.

    Without it the first pass of pdflatex sets an empty table of contents,
    every later page moves when the second sets the real one, and a third pass
    is needed to get the page references right.  With it the first pass lays
    the pages out as the last will (a page number and a section number sit in
    boxes of fixed width, so which numbers are written does not matter), and
    the second pass is the last.  It is a guess only: :func:`compile_pdf` reruns
    until the auxiliary files are stable, so an entry it misses or gets wrong
    costs a pass, never a wrong PDF.  Given only to a document with ``\tableofcontents``
    and hyperref (whose ``\contentsline`` takes the four arguments written).

    >>> print(toc_seed("\\usepackage{hyperref}\\begin{document}\\tableofcontents\n\\section*{S}"
    ...                "\\addcontentsline{toc}{section}{S} \\section{\\texorpdfstring{$x$}{x}} \\appendix\\section{Z}"))
    \contentsline {section}{S}{0}{section*.0}%
    \contentsline {section}{\numberline {1}\texorpdfstring{$x$}{x}}{0}{section.1}%
    \contentsline {section}{\numberline {A}Z}{0}{section.A}%
    <BLANKLINE>
    """
    preamble, begin, body = tex.partition("\\begin{document}")
    if not begin or "{hyperref}" not in preamble or "\\tableofcontents" not in body:
        return ""
    counters, appendix, lines = [0] * len(TOC_LEVELS), False, []
    for match in TOC_COMMAND.finditer(body):
        level, star, added, starts_appendix = match.groups()
        if starts_appendix:
            counters, appendix = [0] * len(TOC_LEVELS), True
            continue
        title = _braced(body, match.end() - 1)
        if title is None:
            continue
        if added:
            lines.append("\\contentsline {%s}{%s}{0}{%s*.0}%%" % (added, title, added))
            continue
        if star:
            continue
        depth = TOC_LEVELS.index(level)
        counters[depth] += 1
        counters[depth + 1:] = [0] * (len(TOC_LEVELS) - depth - 1)
        parts = [chr(64 + n) if appendix and k == 0 else str(n) for k, n in enumerate(counters[:depth + 1])]
        number = ".".join(parts)
        lines.append("\\contentsline {%s}{\\numberline {%s}%s}{0}{%s.%s}%%" % (level, number, title, level, number))
    return "".join(line + "\n" for line in lines)


def _braced(text: str, start: int) -> str | None:
    """The contents of the brace group opening at ``text[start]``, or None if it is not closed."""
    depth, k = 0, start
    while k < len(text):
        char = text[k]
        if char == "\\":
            k += 2
            continue
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return text[start + 1:k]
        k += 1
    return None


def tex_available() -> bool:
    return shutil.which("pdflatex") is not None


MAX_PASSES = 5  # latexmk's default limit: a document whose auxiliary files never settle stops here
AUXILIARY = (".aux", ".toc", ".out")  # what a pass writes and the next one reads (labels, contents, bookmarks)


def compile_pdf(tex: str, figure_files=(), timeout=COMPILE_SECONDS) -> Compiled:
    """Compile ``tex`` with pdflatex in a fresh temporary folder; never shell escape.

    ``figure_files`` are (relative name, bytes) copied into the build folder.
    Reading and writing files outside it is refused (``openin_any=p``,
    ``openout_any=p``).  pdflatex runs again while a pass changes the
    auxiliary files the next one reads (:data:`AUXILIARY`), as latexmk would,
    at most :data:`MAX_PASSES` times; with the seeded contents
    (:func:`toc_seed`) that is two passes.  The first is a draft
    (``-draftmode``: the same auxiliary files, no PDF written), the last one
    makes the PDF.  ``timeout`` bounds them all.
    """
    with scratch_folder("derive-tex-") as build_dir:
        source = build_dir / TEX_NAME
        source.write_text(tex, encoding="utf-8")
        seed = toc_seed(tex)
        if seed:  # a pass fewer: see toc_seed
            source.with_suffix(".toc").write_text(seed, encoding="utf-8")
        for name, data in figure_files:
            target = build_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        env = {**os.environ, "openin_any": "p", "openout_any": "p", "shell_escape": "f",
               "TEXMFOUTPUT": str(build_dir), "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        cmd = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               TEX_NAME]
        deadline = time.monotonic() + timeout
        for n in range(MAX_PASSES):
            before = _auxiliary(source)
            draft = n == 0  # the first pass writes .aux, .toc and .out only: no PDF, no figures or fonts embedded
            finished = _run_pass(cmd[:1] + ["-draftmode"] * draft + cmd[1:], build_dir, env,
                                 deadline - time.monotonic())
            if finished is None:
                return Compiled(False, log=f"pdflatex did not finish within {timeout} s")
            returncode, out = finished
            if returncode != 0 or not draft and _auxiliary(source) == before:
                break
        log_file = source.with_suffix(".log")
        log = log_file.read_text(errors="replace") if log_file.exists() else out.decode(errors="replace")
        pdf = build_dir / PDF_NAME
        missing, overfull = read_log(log)
        if returncode != 0 or not pdf.exists():
            return Compiled(False, log=_log_excerpt(log), missing=missing, overfull=overfull)
        if missing:
            return Compiled(False, log="the fonts have no glyph for: " + "; ".join(dict.fromkeys(missing)),
                            missing=missing, overfull=overfull)
        return Compiled(True, pdf.read_bytes(), _log_excerpt(log), missing, overfull)


def _auxiliary(source: Path) -> tuple:
    """The bytes of the auxiliary files beside ``source`` (None for one that does not exist)."""
    return tuple(path.read_bytes() if path.exists() else None
                 for path in (source.with_suffix(suffix) for suffix in AUXILIARY))


def _run_pass(cmd, build_dir, env, seconds):
    """One pdflatex pass in its own process group: (status, output), or None when ``seconds`` run out.

    Ctrl-C, SIGTERM or SIGHUP (an exception here) stops TeX too before it is raised on.
    """
    if seconds <= 0:
        return None
    try:
        proc = subprocess.Popen(cmd, cwd=build_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except FileNotFoundError:
        return 127, b"pdflatex is not installed"
    try:
        out, _ = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()
        return None
    except BaseException:
        _kill_group(proc.pid)
        proc.wait()
        raise
    return proc.returncode, out


def _kill_group(pid: int) -> None:
    """SIGKILL TeX's process group; a group that has already ended is no error."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _log_excerpt(log: str, lines=12) -> str:
    """The first error of a LaTeX log and what follows it, or its tail."""
    rows = log.splitlines()
    for i, row in enumerate(rows):
        if row.startswith("!") or ":error:" in row.lower() or ".tex:" in row and "error" in row.lower():
            return "\n".join(rows[i:i + lines])
    return "\n".join(rows[-lines:])


