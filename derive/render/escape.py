"""The one place where text becomes LaTeX: :func:`escape` (text mode) and :func:`math_char` (maths).

Every piece of text that reaches a ``.tex`` file (titles, statements, quotes,
names, justifications) goes through :func:`escape`.  It makes the ten TeX
specials literal (``# $ % & ~ _ ^ \\ { }``), prints as typed the characters
that T1 fonts would join into ligatures (``' ` < > -- ,,``), and converts
every other character with pylatexenc's maintained Unicode-to-LaTeX table
(``pylatexenc.latexencode``): ``ü`` → ``\\"u``, ``§`` → ``\\textsection``,
``⟺`` → ``\\ensuremath{\\Longleftrightarrow}``.  What that table lacks is
derived from the Unicode database, not from a hand list: a superscript or
subscript letter (``ᵀ``, ``ₗ``, ``₌``) from its ``<super>``/``<sub>``
decomposition, a combining accent (``x̂``) from the accents of the maths
allow-list.  Chinese stays as it is, for the report's CJK environment.  A
character none of these covers raises :class:`MissingGlyph`: the report fails
loudly rather than print a ``?``.

For Jupyter, whose MathJax knows none of the text-mode commands above,
``escape(text, mathjax=True)`` gives text for a ``\\text{…}`` inside maths: the
TeX specials become their full-width look-alikes (``％ ＆ ＼``), so they show
as typed and open nothing.

>>> escape(r"50% & $x_1$ ~ ^ \\ { } #")
'50\\\\% \\\\& \\\\$x\\\\_1\\\\$ \\\\textasciitilde{} \\\\textasciicircum{} \\\\textbackslash{} \\\\{ \\\\} \\\\#'
>>> escape(r"\\input{/etc/passwd}")
'\\\\textbackslash{}input\\\\{/etc/passwd\\\\}'
>>> escape("a--b <<'q'>>")
'a-{}-b \\\\textless{}\\\\textless{}\\\\textquotesingle{}q\\\\textquotesingle{}\\\\textgreater{}\\\\textgreater{}'
>>> escape("σ′(z₄) ≤ 1/4, Wᵀx, θ ← θ − α")
"\\\\ensuremath{\\\\sigma}\\\\ensuremath{'}(z\\\\ensuremath{_4}) \\\\ensuremath{\\\\leq} 1/4, W\\\\ensuremath{^{\\\\mathrm{T}}}x, \\\\ensuremath{\\\\theta} \\\\textleftarrow{} \\\\ensuremath{\\\\theta} \\\\ensuremath{-} \\\\ensuremath{\\\\alpha}"
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata

SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
    "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # the T1 font's ligatures would turn ' ` < > into ’ ‘ « » (and !` ?` into ¡ ¿): print them as typed
    "'": r"\textquotesingle{}", "`": r"\textasciigrave{}", "<": r"\textless{}", ">": r"\textgreater{}",
    '"': r"\textquotedbl{}",
    # primes are maths, not closing quotes
    "′": r"\ensuremath{'}", "″": r"\ensuremath{''}", "‴": r"\ensuremath{'''}",
    "\u00a0": "~", "\t": " ", "\n": " ", "\r": " ", "ℯ": r"\ensuremath{\mathrm{e}}", "√": r"\ensuremath{\surd}",
}
LIGATURE_BREAK = "-,"  # "--" and ",," are ligatures (– and „): a {} between them keeps two characters
CJK_RANGES = ((0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x3400, 0x4DBF))
CJK_RUN = re.compile("[%s]+" % "".join("%s-%s" % (chr(lo), chr(hi)) for lo, hi in CJK_RANGES))
"""A run of characters :func:`is_cjk` holds Chinese (a regular expression)."""


class MissingGlyph(ValueError):
    """A character the report's fonts cannot typeset; ``char`` is it."""

    def __init__(self, char: str, where: str = ""):
        self.char, self.where = char, where
        name = unicodedata.name(char, "unnamed")
        super().__init__(f"the report cannot typeset U+{ord(char):04X} {name} ({char!r})"
                         + (f" in {where}" if where else ""))


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese character or CJK punctuation.

    >>> is_cjk("梯"), is_cjk("x")
    (True, False)
    """
    return len(char) == 1 and CJK_RUN.match(char) is not None


def in_cjk_font(char: str) -> bool:
    """Whether the CJK font (Arphic GB, the GB 2312 set) has a glyph for the Chinese ``char``.

    >>> in_cjk_font("梯"), in_cjk_font("\u3400")
    (True, False)
    """
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _from_database(char: str) -> str | None:
    """LaTeX for a character pylatexenc's table lacks, from its Unicode decomposition, or None."""
    parts = unicodedata.normalize("NFD", char)
    if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha():  # ȳ = y + a combining macron
        return _accented(parts[0], parts[1:])
    tag, _, rest = unicodedata.decomposition(char).partition(" ")
    if tag in ("<super>", "<sub>") and rest:
        inner = "".join(chr(int(code, 16)) for code in rest.split())
        if inner.isalnum() or inner in "+-=()":
            shown = r"\mathrm{%s}" % inner if inner.isalpha() and inner.isupper() else inner
            return r"\ensuremath{%s{%s}}" % ("^" if tag == "<super>" else "_", shown)
    return None


@functools.lru_cache(maxsize=1)
def _encoder():
    from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

    def unknown(char):
        shown = _from_database(char)
        if shown is None:
            raise MissingGlyph(char)
        return shown

    logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)  # the unknown ones are ours to report
    ours = UnicodeToLatexConversionRule(RULE_DICT, {ord(k): v for k, v in SPECIALS.items()})
    return UnicodeToLatexEncoder(conversion_rules=[ours, "defaults"], non_ascii_only=False,
                                 replacement_latex_protection="braces-after-macro", unknown_char_policy=unknown)


def _accented(base: str, marks: str) -> str | None:
    """``x̂``: a letter with combining accents, as the maths accent of the allow-list."""
    from ..lang.texmacros import ACCENTS
    by_mark = {}
    for name, mark in ACCENTS.items():
        by_mark.setdefault(mark, name)
    shown = base
    for mark in marks:
        if mark not in by_mark:
            return None
        shown = r"\%s{%s}" % (by_mark[mark], shown)
    return r"\ensuremath{%s}" % shown


def _pieces(text: str):
    """``text`` (NFC) split into characters with their combining marks attached."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) == "Mn" and out:
            out[-1] += char
        else:
            out.append(char)
    return out


def escape(text: str, mathjax: bool = False) -> str:
    """``text`` as literal LaTeX (text mode): specials escaped, the rest by pylatexenc's table.

    Chinese characters stay as they are (the report sets them in its CJK
    environment); one the CJK font lacks raises :class:`MissingGlyph`.  With
    ``mathjax=True`` the result goes inside ``\\text{…}`` in Jupyter's MathJax.

    >>> escape("w₁² + ‖g‖ → ∞")
    'w\\\\ensuremath{_1}\\\\texttwosuperior{} + \\\\ensuremath{\\\\Vert}g\\\\ensuremath{\\\\Vert} \\\\textrightarrow{} \\\\ensuremath{\\\\infty}'
    >>> escape("50% & {x}_1", mathjax=True)
    '50％ ＆ ｛x｝＿1'
    >>> escape("x̂ and ŷ")
    '\\\\ensuremath{\\\\hat{x}} and \\\\^{y}'
    """
    if mathjax:
        return str(text).translate(MATHJAX)
    out, previous = [], ""
    for piece in _pieces(str(text)):
        char = piece[0]
        if len(piece) > 1:
            shown = _accented(char, piece[1:]) if char.isascii() and char.isalpha() else None
            if shown is None:
                raise MissingGlyph(piece[1])
            out.append(shown)
        elif is_cjk(char):
            if not in_cjk_font(char):
                raise MissingGlyph(char)
            out.append(char)
        elif unicodedata.category(char) == "Mn":
            raise MissingGlyph(char)  # a combining mark with nothing before it
        elif char in LIGATURE_BREAK and previous == char:
            out.append("{}" + char)
        else:
            out.append(_converted(char))
        previous = char
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _converted(char: str) -> str:
    """pylatexenc's LaTeX for one character, kept: its encoder costs more than the rest of :func:`escape`."""
    return _encoder().unicode_to_latex(char)


def math_char(char: str) -> str:
    """One character inside maths mode: a maths command, or text-mode LaTeX in ``\\text{…}``.

    >>> math_char("θ"), math_char("−"), math_char("§")
    ('\\\\theta', '-', '\\\\text{\\\\textsection{}}')
    """
    shown = escape(char)
    if shown.startswith(r"\ensuremath{") and shown.endswith("}"):
        return shown[len(r"\ensuremath{"):-1]
    return r"\text{%s}" % shown


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that :func:`escape` cannot typeset, each once, in order.

    >>> missing_glyphs("损失 \u3400 ok \u2603")
    ['\u3400', '☃']
    """
    missing = []
    for piece in _pieces(str(text)):
        try:
            escape(piece)
        except MissingGlyph as error:
            if error.char not in missing:
                missing.append(error.char)
    return missing


MATHJAX = str.maketrans("\\{}$%&#^_~", "＼｛｝＄％＆＃＾＿～")  # for \\text{…} in MathJax: look-alikes
