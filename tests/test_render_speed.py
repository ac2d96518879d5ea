"""The report's fast paths give exactly what the slow ones gave.

The safe reader takes a character that stands for itself without asking
pylatexenc: on any text it must give the tokens pylatexenc alone gives.  Chinese runs are found by a regular
expression instead of a loop over ranges; the LaTeX printer keeps the
ordered terms of a sum; the sections may be set in forked workers; the
compile starts from a guessed table of contents.  None may change a byte
of the ``.tex`` or a word of the PDF.
"""
import shutil
import subprocess

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.lang import texreader
from derive.lang.texreader import MAX_TOKENS, Token, tokens
from derive.render import report
from derive.render.compile import compile_pdf, tex_available, toc_seed
from derive.render.escape import CJK_RANGES, is_cjk
from derive.render.parallel import map_in_workers


def reference_tokens(source):
    """The tokeniser as it was: pylatexenc's LatexWalker, one parsing state per token."""
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerEndOfStream, LatexWalkerError
    walker = LatexWalker(source, tolerant_parsing=False)
    out, pos = [], 0
    while pos < len(source) and len(out) <= MAX_TOKENS:
        try:
            tok = walker.get_token(pos, environments=True)
        except LatexWalkerEndOfStream:
            break
        except (LatexWalkerError, ValueError, IndexError):
            out += [Token("char", ch, pos + k, False) for k, ch in enumerate(source[pos:pos + 1])]
            pos += 1
            continue
        space = bool(tok.pre_space)
        kind = {"brace_open": "open", "brace_close": "close", "specials": "special", "mathmode_inline": "math",
                "mathmode_display": "math", "begin_environment": "begin", "end_environment": "end"}.get(tok.tok, tok.tok)
        value = tok.arg.specials_chars if kind == "special" else str(tok.arg)
        if kind == "macro" and len(value) > 1 and not value.isascii():
            name = value[:len(value) - len(value.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
            if name:
                out.append(Token("macro", name, tok.pos, space))
                out += [Token("char", ch, tok.pos + 1 + len(name) + k, False) for k, ch in enumerate(value[len(name):])]
                pos = max(tok.pos + tok.len, pos + 1)
                continue
        out.append(Token(kind, value, tok.pos, space))
        pos = max(tok.pos + tok.len, pos + 1)
    return out


PIECES = ["\\", "\\\\", "{", "}", "$", "$$", "%", "&", "~", "`", "'", "-", "!", "?", "^", "_", "[", "]", "(", ")",
          " ", "  ", "\n", "\n\n", "\r", "\t", "\u00a0", "\u2003", "\x1c", "x", "é", "ß", "其中", "²", "٣", "1",
          "begin", "end", "{cases}", "{a b*}", "{}", "quad", "frac", "left", "over", "\\begin", "\\end", "\\(", "\\[",
          "\\]", "\\)", "\\&", "\\ ", "---", "``", "''", "!`", "?`", "% c\n", "%x\r\n  y", "\\alpha", "\\quad其中"]
SAMPLES = [r"\frac{\partial C}{\partial b_1} = \sigma'(z_4) w_4", r"x \input{/etc/passwd} + \csname relax\endcsname",
           r"\begin{cases} 0 \quad p概率 \\ {x_i \over 1-p} \end{cases}", "a %comment\n\n b", "\\", "x\\", "\\begin x",
           "  \\begin  {a}\\end{a}", "%", "x%\n\r y", "\\end", "\\begin{}", "\\alpha\n\n\\beta", "a\n \n b",
           "\\quad\u3000x", "x^^5c", "{" * 50 + "}" * 50]


@pytest.mark.parametrize("source", SAMPLES)
def test_tokens_are_pylatexenc_s_on_samples(source):
    assert tokens(source) == reference_tokens(source)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=30))
def test_tokens_are_pylatexenc_s_on_any_text(pieces):
    source = "".join(pieces)
    assert tokens(source) == reference_tokens(source)


def test_tokens_are_pylatexenc_s_on_the_catalogue_s_formulas():
    sources = [r"\frac{\partial L}{\partial w_{1}} = \left(\hat{y} - y\right) x_{1}", r"\sum_{i=1}^{n} e^{o_{i}}",
               r"\begin{aligned}[t]a &= b \\ &\quad + c\end{aligned}", r"\operatorname{softmax}\left(o\right)_{j}"]
    for source in sources:
        assert tokens(source) == reference_tokens(source)
    assert texreader.read(sources[2]).ok


def test_is_cjk_is_the_ranges():
    for code in range(0x110000):
        char = chr(code)
        assert is_cjk(char) == any(lo <= code <= hi for lo, hi in CJK_RANGES), hex(code)
    assert not is_cjk("") and not is_cjk("其中")


@pytest.mark.parametrize("text", ["损失函数 loss", "x", "", "中 a 文，。b", "50% 的", "ａ（全角）"])
def test_chinese_runs_are_wrapped_as_before(text):
    from derive.render.escape import escape
    out, run = [], []
    for char in escape(text):  # the loop it replaced
        if is_cjk(char):
            run.append(char)
            continue
        if run:
            out.append(r"\zh{%s}" % "".join(run))
            run = []
        out.append(char)
    if run:
        out.append(r"\zh{%s}" % "".join(run))
    assert report._text(text) == "".join(out)


def test_a_row_is_as_wide_as_its_pieces():
    """layout._rows adds its pieces' widths instead of measuring each longer row again: that needs the
    width of "a b" to be the width of a plus that of b, for the pieces the breaker cuts."""
    from derive.render.layout import _pieces, width
    x, y, z = sp.symbols("x y z", real=True)
    sums = [sp.exp(-x**2) / (1 + sp.exp(-y)) - sp.log(1 + sp.exp(z)) + sp.Rational(3, 7) * x * y,
            sp.Sum(x**2, (y, 1, z)) - sp.sqrt(x + 1) * sp.Abs(y) + sp.Max(x, 0), sp.Piecewise((x, x > 0), (0, True)) - y,
            sp.Mul(x + 1, y - 2, sp.sin(z), evaluate=False)]
    for expr in sums:
        pieces = _pieces(expr, 1e9, None)
        assert len(pieces) >= 2
        for k in range(1, len(pieces)):
            left, right = " ".join(pieces[:k]), pieces[k]
            assert width(left + " " + right) == pytest.approx(width(left) + width(right), abs=1e-9)


def test_the_ordered_terms_kept_are_the_ones_computed():
    from sympy.printing.latex import LatexPrinter
    from derive.render.printing import TexPrinter, _positive_first
    x, y = sp.symbols("x y", real=True)
    for expr in (x - y + 1, 2.0 * x - y, 2 * x - y, -x - y + sp.Rational(1, 3)):
        expected = _positive_first(LatexPrinter()._as_ordered_terms(expr))
        assert TexPrinter()._as_ordered_terms(expr) == expected
        assert TexPrinter()._as_ordered_terms(expr) == expected  # kept, and a copy
        assert [type(t) for t in TexPrinter()._as_ordered_terms(expr)] == [type(t) for t in expected]


def test_map_in_workers_is_the_map():
    assert map_in_workers(lambda k: k * k, range(11), jobs=2, chunks=4) == [k * k for k in range(11)]
    assert map_in_workers(len, ["ab"], jobs=2) == [2]
    assert map_in_workers(len, [], jobs=2) == []


def test_map_in_workers_computes_here_when_no_worker_can_be_forked(monkeypatch):
    import os

    def no_fork():
        raise BlockingIOError("process limit")

    monkeypatch.setattr(os, "fork", no_fork)
    assert map_in_workers(abs, [-1, -2, -3], jobs=2) == [1, 2, 3]


def test_sections_set_in_workers_are_the_sections_set_here():
    from derive.catalogue import get, run_in_process
    results = [run_in_process(get(pid)) for pid in ("sigmoid-derivative", "dropout-unbiased", "softmax-jacobian")]
    assert report.build_tex(results, jobs=2) == report.build_tex(results, jobs=1)


def test_the_toc_seed_has_every_contents_entry_of_a_report():
    from tests.test_report import demo_result
    tex = report.build_tex([demo_result(), demo_result(title="Another")], title="t")
    seed = toc_seed(tex).splitlines()
    assert seed[0] == r"\contentsline {section}{Summary}{0}{section*.0}%"
    assert [line.split("}{", 1)[1].split("}", 1)[0] for line in seed[1:3]] == [r"\numberline {1", r"\numberline {2"]
    assert seed[-1] == r"\contentsline {section}{\numberline {A}Errata found in the source text}{0}{section.A}%"
    assert toc_seed(r"\documentclass{article}\begin{document}\section{x}\end{document}") == ""


@pytest.mark.skipif(not (tex_available() and shutil.which("pdftotext")), reason="needs TeX Live and poppler")
def test_the_toc_seed_changes_no_word_of_the_pdf(tmp_path, monkeypatch):
    from tests.test_report import demo_result
    from derive.render import compile as compiling
    tex = report.build_tex([demo_result(), demo_result(title="Another")], title="t")

    def text(pdf):
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout

    passes = []
    run_pass = compiling._run_pass
    monkeypatch.setattr(compiling, "_run_pass", lambda *args: passes.append(1) or run_pass(*args))
    seeded = compile_pdf(tex, timeout=120)
    seeded_passes, passes[:] = len(passes), []
    monkeypatch.setattr(compiling, "toc_seed", lambda tex: "")
    unseeded = compile_pdf(tex, timeout=120)
    assert seeded.ok and unseeded.ok
    assert text(seeded.pdf) == text(unseeded.pdf)
    # pdflatex runs until the auxiliary files settle: with the seed, the second pass is the last
    assert seeded_passes == 2 and len(passes) >= 2


@pytest.mark.skipif(not tex_available(), reason="needs TeX Live")
def test_a_document_whose_auxiliary_file_never_settles_stops_after_max_passes(monkeypatch):
    """Each pass writes a new count to the .aux: compile_pdf stops at MAX_PASSES, with the PDF."""
    from derive.render import compile as compiling
    tex = (r"\documentclass{article}\newcounter{runs}\makeatletter"
           r"\AtEndDocument{\immediate\write\@auxout{\string\setcounter{runs}{\the\numexpr\value{runs}+1\relax}}}"
           r"\makeatother\begin{document}Passes before this one: \arabic{runs}.\end{document}")
    passes = []
    run_pass = compiling._run_pass
    monkeypatch.setattr(compiling, "_run_pass", lambda *args: passes.append(1) or run_pass(*args))
    result = compile_pdf(tex, timeout=120)
    assert result.ok and result.pdf.startswith(b"%PDF")
    assert len(passes) == compiling.MAX_PASSES


@pytest.mark.skipif(not tex_available(), reason="needs TeX Live")
def test_the_first_pass_is_a_draft_and_the_pdf_is_the_same_without_it(monkeypatch):
    from tests.test_report import demo_result
    from derive.render import compile as compiling
    tex = report.build_tex([demo_result(), demo_result(title="Another")], title="t")
    commands = []
    run_pass = compiling._run_pass
    monkeypatch.setattr(compiling, "_run_pass", lambda cmd, *rest: commands.append(cmd) or run_pass(cmd, *rest))
    drafted = compile_pdf(tex, timeout=120)
    assert ["-draftmode" in cmd for cmd in commands] == [True, False]
    monkeypatch.setattr(compiling, "_run_pass", lambda cmd, *rest: run_pass([c for c in cmd if c != "-draftmode"], *rest))
    assert drafted.ok and drafted.pdf == compile_pdf(tex, timeout=120).pdf
