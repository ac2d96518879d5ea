"""The hand-made keys of the audit's test notes: one label per formula, checked at 50 digits.

The notes (``tests/notes/*.md`` and ``lecture.tex``) are study notes written the way
students write them, with errors planted of the kinds textbooks really make.  Each
note has a key module (``key_<note>.py``); this module gathers them.

Rules of a key
--------------
- **One label per formula**, or per link of a chain ``A = B = C`` (each link its
  own label, on the formula's line, its ``source`` naming the link), or per row
  of an ``aligned``/``align`` block, or per claim when one formula holds several
  (``a = b, \\qquad c = d``).
- ``line``: the 1-based line of the formula's opening delimiter (``$``, ``$$``,
  ``\\[``, ``\\begin{…}``), where its first character is; a display that opens
  with ``$$`` on its own line has that line.  ``source``: an exact substring of
  the formula's LaTeX as written, enough to identify it (and its link or row).
- ``truth``: ``correct`` (holds, or matches the standard definition of the
  concept it names), ``wrong`` (fails, or differs from that definition), or
  ``not-a-claim`` (a definition of a new symbol, notation, an assignment or an
  update ``\\leftarrow``, a condition, a limit stated in prose, an ``\\approx``).
- ``kind``: ``textbook`` for a correct label; for a wrong one the kind of error
  (``sign``, ``constant``, ``bound``, ``chain-link``, ``derivative``, ``shape``,
  ``dropout-scale``, ``arithmetic``, ``unused-index``, ``min-max``); for a
  not-a-claim what it is (``definition``, ``notation``, ``update``, …).
- ``why``: one line written by hand.
- ``check``: ``None`` exactly for not-a-claim labels.  Otherwise a function
  written by hand with mpmath at 50 digits, never importing ``derive``, that
  returns True when the label is confirmed: a correct equation agrees to 1e-40
  relative at 20 points drawn from ``random.Random(seed)`` (one point when it
  has no free variable), a correct inequality holds there; a wrong equation has a
  hand-found witness where the sides differ by more than 1e-20 relative (far
  above 1e-30), a wrong inequality is violated there; a wrong shape is shown by
  concrete ``mp.matrix`` values that do not conform.  The tolerances and the
  builders are in :mod:`notes.referee`.
- A formula that refers to what the note defined before it (the network of the
  backprop note, the drop rate p, the worked example's values) is checked in
  that context, and ``why`` says so.

The hostile notes ``hostile.md`` (TeX primitives, 10,000 nested braces,
100,000 dollars) and ``binary.md`` (bytes that are not UTF-8) have no labels;
:func:`hostile_text` and :func:`binary_bytes` generate them, and a test checks
the committed files against the generators.

>>> sorted(KEYS)[:2]
['en_backprop.md', 'en_optimisers.md']
>>> all(label.note in KEYS for label in LABELS)
True
"""
from __future__ import annotations

from pathlib import Path

from . import (key_en_backprop, key_en_optimisers, key_en_softmax, key_lecture_tex, key_mixed_cnn,
               key_zh_activations, key_zh_losses, key_zh_regularisation)
from .referee import Label

__all__ = ["Label", "KEYS", "LABELS", "NOTES_DIR", "HOSTILE", "hostile_text", "binary_bytes"]

NOTES_DIR = Path(__file__).resolve().parent

_MODULES = (key_zh_losses, key_zh_activations, key_zh_regularisation, key_en_backprop, key_en_softmax,
            key_en_optimisers, key_mixed_cnn, key_lecture_tex)

KEYS: dict[str, list[Label]] = {module.NOTE: list(module.LABELS) for module in _MODULES}
LABELS: list[Label] = [label for labels in KEYS.values() for label in labels]

HOSTILE = ("hostile.md", "binary.md")   # notes without labels: the audit must survive them
BRACE_DEPTH, DOLLARS = 10_000, 100_000


def hostile_text() -> str:
    """The text of ``hostile.md``: TeX primitives, deep nesting, a flood of dollars, broken maths.

    >>> text = hostile_text()
    >>> text.count("$" * DOLLARS) == 1 and "{" * BRACE_DEPTH in text and r"\\input{/etc/passwd}" in text
    True
    """
    lines = [
        "# A hostile note",
        "",
        "Nothing here is a study note: every line attacks the reader, and no formula is labelled.",
        "",
        r"Read files: $\input{/etc/passwd}$, $\include{/etc/shadow}$, $\openin5=/etc/passwd \read5 to\x \x$.",
        "",
        r"$$\immediate\write18{cat /etc/passwd > /tmp/leak}$$",
        "",
        r"Shell escape $\write18{rm -rf ~}$ and a csname $\csname input\endcsname{/etc/hostname}$.",
        "",
        r"Catcodes: $\catcode`\^^5c=12 ^^5cinput{/etc/passwd}$ and $^^5c^^5cdef^^5cx{1}^^5cx = 1$.",
        "",
        r"Macros: $\def\x{\x\x}\x = 1$, $\newcommand{\loopy}{\loopy}\loopy = 1$, $\let\relax\undefined x = 1$,",
        r"$\def\a{\b\b}\def\b{\c\c}\def\c{\a\a}\a = 0$, $\expandafter\input\string{/etc/passwd}$.",
        "",
        r"Huge numbers: $10^{10^{10^{10^{10}}}} = 1$, $9^{9^{9^{9}}} > 0$, $\sum_{i=1}^{10^{100}} i = 0$,",
        r"$\frac{1}{0} = \infty$, $0^0 = 1$, $\prod_{i=1}^{10^{9}} 2 = 1$.",
        "",
        r"Unbalanced: $\left( x$, $\frac{1}{$, $\begin{cases} x$, $}}}}$, $x^{^{^{}}}$, $\end{aligned}$.",
        "",
        "Unicode: $\u202ex = 1\u202c$, $x\u200b = y$, $\U0001d53c[x] = 0$, $x\u0301 = 1$, $\ufeffy = 2$.",
        "",
        "<script>alert(1)</script> [link](javascript:alert(1)) ![img](file:///etc/passwd)",
        "",
        "Ten thousand nested braces:",
        "",
        "$" + "{" * BRACE_DEPTH + "x" + "}" * BRACE_DEPTH + " = x$",
        "",
        "A hundred thousand dollars:",
        "",
        "$" * DOLLARS,
        "",
        r"$$\begin{aligned} x &= 1 \\ y &= \left( 2",
        "",
        "<!-- an HTML comment that never closes $x = 1$",
        "",
    ]
    return "\n".join(lines)


def binary_bytes() -> bytes:
    """The bytes of ``binary.md``: NUL and control bytes, 0xff, every byte value, broken UTF-8.

    >>> data = binary_bytes()
    >>> b"\\x00\\x01\\xff" in data and data.startswith(b"# binary")
    True
    """
    return (b"# binary note\n\n"
            + b"$x = 1$ \x00\x01\xff\xfe $\\frac{1}{2} = 0.5$\x1b[31m red \x1b[0m\n\n"
            + b"$$\x00\\sigma(x)\xff = 1$$\n\n"
            + bytes(range(256)) + b"\n\n"
            + b"$\xed\xa0\x80 = 1$ \xc0\xaf \xef\xbb\xbf $x\x00y = 1$ \xf4\x90\x80\x80\n"
            + b"\x00" * 64 + b"\n")
