"""The safe LaTeX maths reader and its printers: hostile input stays text, and what is emitted compiles.

The reader (:mod:`derive.lang.texreader`) is an allow-list over pylatexenc's
tokeniser; the printer (:mod:`derive.render.texmath`) emits only allow-listed
macros.  Hostile input (TeX primitives that read files or change catcodes,
``^^`` character codes, unbalanced braces, 10,000 nested groups) must come
out as counted raw text, and every emitted formula, however broken its
source, must compile with pdflatex and show no backslash command in the PDF.
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.lang.texmacros import MACROS  # noqa: E402
from derive.lang.texreader import MAX_CHARS, read  # noqa: E402
from derive.render.texmath import to_latex, to_text  # noqa: E402
from derive.render.report import DOCUMENT_END, DOCUMENT_START, PREAMBLE, compile_pdf, tex_available  # noqa: E402

HOSTILE = [r"\input{/etc/passwd}", r"\csname input\endcsname{/etc/passwd}", r"\catcode`\^^5c=12 x",
           r"x^^5c input{/etc/passwd}", r"\def\x{\x}\x", r"\immediate\write18{id}", r"\openin1=/etc/passwd",
           r"\begin{verbatim}x\end{verbatim}", r"\include{x}", r"\usepackage{x}", r"\makeatletter\@x",
           r"\expandafter\x", r"\let\frac\input \frac{a}{b}", r"\special{x}", r"\read16 to \x"]
BROKEN = [r"\frac{a}{", r"{{{x", r"x}}}", r"\left( x", r"x \right)", r"\begin{cases} a & b & c \\ d",
          r"\end{cases} x", r"x^", r"_1", r"a \over b \over c", r"\sqrt[", r"x^a^b_c_d", r"\hat", r"$x$",
          r"& & \\ \\", r"\begin{array}{q} a \end{array}", r"\text{unclosed", r"\left\{ \right", "x % y",
          r"\big", r"\\[2pt] y", r"\mathbb", r"\tag{", "{" * 40 + "x" + "}" * 40]
GOOD = [r"\frac{\partial C}{\partial b_1} = \frac{\partial C}{\partial y_4} \sigma'(z_4) w_4",
        r"E(x_i')=0\times p + (1-p) \times {x_i \over 1-p} = x_i",
        r"x_i'=\begin{cases} 0 \quad p概率 \\ {x_i \over 1-p} \quad 1-p概率 \end{cases}",
        r"g \leftarrow min(1, {θ \over ||g||})g", r"\hat y = softmax(\hat o) \quad其中 \quad y_i ={e^{o_i} \over \sum_k {e^{o_k}}}",
        r"l(y,\hat y) = - \sum_{j=1} ^ q {y_j log \hat y_j}", r"\left\| \mathbf{W}^\top x \right\|_2 \le \sqrt[3]{n}",
        r"\operatorname{argmax}_j \hat y_j", r"\mathbb{E}_{m \sim \text{Bernoulli}(p)}[x]"]


def test_good_formulas_read_with_nothing_unknown():
    for source in GOOD:
        formula = read(source)
        assert formula.ok, (source, formula.unknown, formula.problems)


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_counted_and_never_emitted_as_a_command(source):
    formula = read(source)
    assert formula.unknown or formula.problems, source
    emitted = to_latex(formula)
    for name in ("input", "csname", "catcode", "def", "write", "openin", "include", "usepackage",
                 "makeatletter", "expandafter", "let", "special", "read", "immediate", "begin{verbatim}"):
        assert "\\" + name not in emitted.replace(r"\textbackslash{}", "¬"), (source, emitted)
    assert "^^" not in emitted, emitted


def test_ten_thousand_nested_groups_are_refused_without_recursion():
    formula = read("{" * 10000 + "x" + "}" * 9000)
    assert formula.problems == ["groups nested deeper than 60"]
    assert formula.items[0].kind == "raw"
    assert read("x" * (MAX_CHARS + 1)).problems


@pytest.mark.parametrize("source", BROKEN)
def test_broken_input_reads_without_raising_and_says_what_is_wrong(source):
    formula = read(source)
    assert isinstance(to_latex(formula), str) and isinstance(to_text(formula), str)


def test_the_allow_list_holds_no_primitive_that_reads_writes_or_redefines():
    for name in ("input", "include", "csname", "catcode", "def", "edef", "let", "write", "read", "openin",
                 "openout", "immediate", "special", "expandafter", "newcommand", "renewcommand", "makeatletter"):
        assert name not in MACROS


def test_text_form_reads_as_a_formula():
    assert to_text(read(r"E(x_i')=0\times p + {x_i \over 1-p}")) == "E(xᵢ′) = 0 × p + xᵢ/(1 − p)"
    assert to_text(read(r"(1 - \alpha L)^{2k}")) == "(1 − αL)^(2k)"


def fuzz_sources(n, seed):
    """Random token soup over the allow-list, the hostile list and TeX's specials: seeded."""
    rng = random.Random(seed)
    pieces = [f"\\{m}" for m in sorted(MACROS)] + HOSTILE + BROKEN + list("{}{}_^&$%#~'ab1+=()[]|") + \
        [r"\begin{cases}", r"\end{cases}", r"\begin{pmatrix}", r"\end{pmatrix}", r"\\", "^^5c", "损失"]
    return ["".join(rng.choice(pieces) + (" " if rng.random() < 0.3 else "") for _ in range(rng.randint(1, 14)))
            for _ in range(n)]


@pytest.mark.skipif(not (tex_available() and shutil.which("pdftotext")), reason="needs TeX Live and poppler")
def test_every_emitted_formula_compiles_and_shows_no_command(tmp_path):
    """Good, hostile, broken and 300 random sources: one document, compiled with -halt-on-error."""
    from derive.render.report import _text
    sources = GOOD + HOSTILE + BROKEN + fuzz_sources(300, seed=0)
    body = "\n".join(r"\par\noindent F%d: $%s$ \[%s\]" % (i, to_latex(read(s), _text), to_latex(read(s), _text))
                     for i, s in enumerate(sources))
    tex = PREAMBLE % {"title": "t", "subject": "s", "keywords": "k"} + DOCUMENT_START + body + "\n" + DOCUMENT_END
    compiled = compile_pdf(tex, timeout=300)
    assert compiled.ok, compiled.log
    assert compiled.missing == []
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(compiled.pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "F%d:" % (len(sources) - 1) in text
    assert "root:x:0:0" not in text  # /etc/passwd was never read


def printed_formulas() -> list:
    """LaTeX as the report's printer emits it, for a spread of expressions (steps, matrices, derivatives)."""
    import sympy as sp
    from derive import relu, sigmoid, softplus
    from derive.render.printing import latex
    x, y, w_1, theta = sp.symbols("x y w_1 theta", real=True)
    exprs = [sigmoid(x) * (1 - sigmoid(x)), sp.Derivative(sigmoid(w_1 * x), w_1), sp.Sum(sp.exp(x) / (1 + y), (x, 1, 9)),
             sp.Matrix([[x, -y], [sp.sqrt(theta), sp.Abs(x)]]), relu(x - 1) + softplus(-y) ** 2, sp.log(1 + sp.exp(-x)),
             sp.Max(x, y) / sp.Min(1, theta), sp.Piecewise((x, x > 0), (0, True)), sp.Rational(-3, 7) * x ** -2,
             sp.Eq(sp.Function("f")(x, y), sp.Integral(sp.exp(-x ** 2), (x, -sp.oo, sp.oo)))]
    return [latex(e) for e in exprs] + [latex(a) + r" \leq " + latex(b) for a, b in zip(exprs, exprs[1:])]


def test_the_quick_tokens_are_pylatexenc_s():
    """The tokens taken without pylatexenc (characters, braces, control words) are the ones it gives."""
    from derive.lang.texreader import _tokens
    corpus = GOOD + HOSTILE + BROKEN + printed_formulas() + fuzz_sources(3000, seed=1) + [
        "\\alpha\\beta", "\\frac {a}{b}", "\\quad其中", "\\a1", "\\foo*", "\\begin{x}\\end{x}", "\\begin x", "\\\\ x",
        "\\le%c\n y", "\\le\ty", "\\le~", "\\le''", "\\le--", "\\x\\", "\\", "{\\}", "\\ {}", "\\beginx", "\\endx",
        "\\é", "\\a\u00e9", "\\a\u2032", "\\a\u00a0b"]
    assert len(corpus) > 3000
    for source in corpus:
        assert _tokens(source) == _tokens(source, fast=False), source


@pytest.mark.parametrize("seed", range(3))
def test_the_quick_tokens_are_pylatexenc_s_on_random_text(seed):
    from derive.lang.texreader import _tokens
    rng = random.Random(seed)
    alphabet = list("\\\\\\{}[]()^_ \t\n%&~'`-!?$#ab Ax1=+*,.;:") + ["é", "其", "′", "\u00a0", "begin", "end", "le"]
    for _ in range(2000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        assert _tokens(source) == _tokens(source, fast=False), source
