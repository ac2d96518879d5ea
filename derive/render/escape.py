"""The one place where text becomes LaTeX: :func:`escape`.

Every piece of text that reaches a ``.tex`` file (titles, statements, quotes,
names, justifications) goes through :func:`escape`.  It makes the ten TeX
specials literal (``# $ % & ~ _ ^ \\ { }``), prints as typed the characters
that T1 fonts would join into ligatures (``' ` < > -- ,,``), maps the Unicode
maths that the catalogue writes (σ, ′, ≤, ∂, subscripts, …) to math-mode
commands, keeps Chinese text for the CJK environment, and replaces any other
character it cannot typeset with ``?`` — so no input can open a command, a
group or a file, and text comes out of the PDF as it went in.

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
>>> escape("σ′(z₄) ≤ 1/4")
'$\\\\sigma$${}^{\\\\prime}$(z$_{4}$) $\\\\le$ 1/4'
"""
from __future__ import annotations

import unicodedata

SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
    "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # the T1 font's ligatures would turn ' ` < > into ’ ‘ « » (and !` ?` into ¡ ¿): print them as typed
    "'": r"\textquotesingle{}", "`": r"\textasciigrave{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
LIGATURE_BREAK = "-,"  # "--" and ",," are ligatures (– and „): a {} between them keeps two characters
MATH = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta",
    "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma",
    "τ": r"\tau", "φ": r"\varphi", "ω": r"\omega", "Σ": r"\Sigma", "Δ": r"\Delta", "∏": r"\prod",
    "∑": r"\sum", "∂": r"\partial", "∇": r"\nabla", "∞": r"\infty", "≤": r"\le", "≥": r"\ge",
    "≠": r"\ne", "≈": r"\approx", "±": r"\pm", "×": r"\times", "·": r"\cdot", "−": "-", "→": r"\to",
    "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "∈": r"\in", "√": r"\surd", "′": r"{}^{\prime}",
    "″": r"{}^{\prime\prime}", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "‖": r"\|", "∫": r"\int", "ŷ": r"\hat{y}", "ô": r"\hat{o}", "x̄": r"\bar{x}", "ȳ": r"\bar{y}",
    "⋆": r"\star", "∗": "*", "δ̂": r"\hat\delta", "⟨": r"\langle", "⟩": r"\rangle", "∘": r"\circ",
    "∀": r"\forall", "∃": r"\exists", "∧": r"\wedge", "∨": r"\vee", "¬": r"\neg", "ℝ": r"\mathbb{R}",
}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿ", "0123456789-+n"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₋₊ᵢⱼₖₙ", "0123456789-+ijkn"))
TEXT = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}",
        "\u00a0": "~", "\t": " ", "\n": " ", "\r": " "}
CJK_RANGES = ((0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x3400, 0x4DBF))


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese character or CJK punctuation.

    >>> is_cjk("梯"), is_cjk("x")
    (True, False)
    """
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in CJK_RANGES)


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


def missing_glyphs(text: str, cjk: bool = True) -> list[str]:
    """The characters of ``text`` that :func:`escape` cannot typeset, each once, in order.

    They are shown in the PDF as ``?`` or, for Chinese the font lacks, as
    ``[U+3400]``; a caller says so to the user.

    >>> missing_glyphs("损失 \u3400\u4db5 ok")
    ['\u3400', '\u4db5']
    """
    missing = []
    for char in unicodedata.normalize("NFC", str(text)):
        known = (char in SPECIALS or char in MATH or char in TEXT or char in SUPERSCRIPTS
                 or char in SUBSCRIPTS or 32 <= ord(char) < 127 or unicodedata.category(char) == "Mn"
                 or (is_cjk(char) and cjk and in_cjk_font(char)))
        if not known and char not in missing:
            missing.append(char)
    return missing


def _script(run: str, table: dict, marker: str) -> str:
    return "$%s{%s}$" % (marker, "".join(table[c] for c in run))


MATHJAX = str.maketrans("\\{}$%&#^_~", "＼｛｝＄％＆＃＾＿～")  # for \\text{…} in MathJax: look-alikes


def escape(text: str, cjk: bool = True, mathjax: bool = False) -> str:
    """``text`` as literal LaTeX (text mode): specials escaped, maths mapped, nothing executable.

    With ``cjk=False`` Chinese characters become ``?`` (for a build without CJK fonts); with
    ``cjk=True`` those the font lacks become their code point, ``[U+3400]``.  With
    ``mathjax=True`` the result goes inside ``\\text{…}`` in Jupyter's MathJax: the TeX
    specials become full-width look-alikes and everything else stays as it is.

    >>> escape("w₁² + ‖g‖ → ∞")
    'w$_{1}$$^{2}$ + $\\\\|$g$\\\\|$ $\\\\to$ $\\\\infty$'
    >>> escape("50% & {x}_1", mathjax=True)
    '50％ ＆ ｛x｝＿1'
    """
    if mathjax:
        return str(text).translate(MATHJAX)
    text = unicodedata.normalize("NFC", str(text))
    out, i = [], 0
    while i < len(text):
        char = text[i]
        for table, marker in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
            if char in table:
                j = i
                while j < len(text) and text[j] in table:
                    j += 1
                out.append(_script(text[i:j], table, marker))
                i = j
                break
        else:
            pair = text[i:i + 2]
            if pair in MATH:
                out.append("$%s$" % MATH[pair])
                i += 2
                continue
            if char in SPECIALS:
                out.append(SPECIALS[char])
            elif char in LIGATURE_BREAK and text[i + 1:i + 2] == char:
                out.append(char + "{}")
            elif char in MATH:
                out.append("$%s$" % MATH[char])
            elif char in TEXT:
                out.append(TEXT[char])
            elif 32 <= ord(char) < 127:
                out.append(char)
            elif is_cjk(char):  # the font lacks some (CJK Extension A, rare characters): show the code
                if not cjk:
                    out.append("?")
                else:
                    out.append(char if in_cjk_font(char) else r"\texttt{[U+%04X]}" % ord(char))
            elif unicodedata.category(char) == "Mn":
                pass  # a stray combining mark: drop it
            else:
                out.append("?")
            i += 1
    return "".join(out)
