r"""Finding a note's formulas (derive.notes.extract): exact line and column, Markdown and LaTeX, hostile notes.

Every test states the (line, col) a reader would count by hand: 1-based,
characters, of the formula's first character after its delimiter.  The
property tests check, over random notes, that ``(line, col)`` points at
``source`` in the note itself.
"""
from __future__ import annotations

import builtins
import io
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.notes.extract import MAX_FORMULAS, MAX_NOTE_CHARS, Found, extract
from derive.notes.markdown import read_markdown


def where(text, kind="md"):
    return [(f.line, f.col, f.source) for f in extract(text, kind)]


def points_at_source(text, found) -> bool:
    """Whether line ``found.line`` of ``text``, from column ``found.col``, starts with the first line of its source."""
    return _pointer(text)(found)


def _pointer(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd").split("\n")

    def check(found):
        first = found.source.split("\n")[0]
        if not (1 <= found.line <= len(lines) and found.col >= 1):
            return False
        return lines[found.line - 1][found.col - 1:].startswith(first)
    return check


def all_point_at_source(text, found) -> bool:
    check = _pointer(text)
    return all(check(f) for f in found)


# -- Markdown ------------------------------------------------------------------------------------------------------

def test_chinese_right_next_to_the_dollars():
    assert where("其中$y$是损失，$x$为输入。") == [(1, 4, "y"), (1, 11, "x")]


def test_inline_maths_with_blanks_inside_points_at_its_first_character():
    assert where("设 $ \\alpha $ 为学习率") == [(1, 5, "\\alpha")]


def test_double_dollars_inside_a_paragraph_are_display_maths():
    found = extract("那么损失为 $$L = (y - \\hat y)^2$$ 其中 $y$ 是标签", "md")
    assert [(f.line, f.col, f.source, f.display) for f in found] == [
        (1, 9, "L = (y - \\hat y)^2", True), (1, 34, "y", False)]


def test_two_display_formulas_on_one_line_stay_two():
    found = extract("$$a+b$$，其中 $$c$$\n\n$$ d $$ (1)", "md")
    assert [(f.line, f.col, f.source, f.display) for f in found] == [(1, 3, "a+b", True), (1, 14, "c", True),
                                                                   (3, 4, "d", True)]


def test_display_block_on_its_own_lines():
    found = extract("文字\n\n$$\nE = mc^2\n$$\n", "md")
    assert [(f.line, f.col, f.source, f.display, f.environment) for f in found] == [(4, 1, "E = mc^2", True, None)]


def test_display_block_starting_on_the_dollar_line_with_cases():
    note = "丢弃法如下：\n\n$$x_i'=\n\\begin{cases}\n0 \\quad p概率 \\\\\n{x_i \\over 1-p} \\quad 1-p概率\n\\end{cases}$$\n"
    [f] = extract(note, "md")
    assert (f.line, f.col) == (3, 3)
    assert f.source.startswith("x_i'=\n\\begin{cases}") and f.source.endswith("\\end{cases}")
    assert f.environment is None  # cases does not wrap the whole formula


def test_equation_number_and_tag_stay_in_the_source():
    note = "$$\\frac{\\partial C}{\\partial b_1} = \\sigma'(z_4) w_4 (2)$$\n\n$$y = 2x \\tag{3}$$"
    assert [f.source for f in extract(note, "md")] == [
        "\\frac{\\partial C}{\\partial b_1} = \\sigma'(z_4) w_4 (2)", "y = 2x \\tag{3}"]


def test_aligned_inside_dollars_names_its_environment():
    [f] = extract("$$\n\\begin{aligned} a &= b \\\\ &= c \\end{aligned}\n$$", "md")
    assert (f.line, f.col, f.environment) == (2, 1, "aligned")
    assert f.source == "\\begin{aligned} a &= b \\\\ &= c \\end{aligned}"


def test_amsmath_environment_gives_its_body_and_name():
    note = "推导：\n\n\\begin{equation}\n  y = 2x \\tag{3}\n\\end{equation}\n\n\\begin{align*} a &= b \\end{align*}\n"
    found = extract(note, "md")
    assert [(f.line, f.col, f.source, f.environment, f.display) for f in found] == [
        (4, 3, "y = 2x \\tag{3}", "equation", True), (7, 16, "a &= b", "align*", True)]
    assert found[0].before == "推导："


def test_amsmath_block_ends_on_its_closing_line():
    blocks = read_markdown("\\begin{equation}\nx\n\\end{equation}\n\nafter")
    assert [(b.kind, b.first, b.last) for b in blocks] == [("math", 1, 3), ("paragraph", 5, 5)]


def test_html_comments_are_not_maths():
    note = "<!-- $x$ 是注释 -->\n\n正文 <!-- $y$ --> 和 $z$\n\n<!--\n$$w$$\n-->\n"
    found = extract(note, "md")
    assert [(f.line, f.col, f.source) for f in found] == [(3, 20, "z")]
    assert "<!--" not in found[0].before and found[0].before == "正文 和"


def test_code_blocks_and_inline_code_keep_their_dollars():
    note = ("```python\nprice = '$5 and $6'\n```\n\n    indented $code$ block\n\n"
            "运行 `echo $HOME $PATH` 后，$n$ 个文件。")
    found = extract(note, "md")
    assert [(f.line, f.col, f.source) for f in found] == [(7, 26, "n")]
    assert found[0].before == "运行 `echo $HOME $PATH` 后，"


def test_escaped_dollars_are_prices():
    assert where("价格 \\$5 和 \\$6，其中 $x$ 是数量") == [(1, 18, "x")]
    assert where("$a \\$ b$") == [(1, 2, "a \\$ b")]


def test_emphasis_around_maths():
    assert where("使用 **$L_1$正则化** 后的 *$real\\_loss$*") == [(1, 7, "L_1"), (1, 22, "real\\_loss")]


def test_lists_and_nested_lists():
    note = "- 第一项 $a$\n  1. 第二层 $b$\n     - 第三层 $c$\n"
    assert where(note) == [(1, 8, "a"), (2, 11, "b"), (3, 13, "c")]


def test_inline_maths_over_two_lines_of_a_list_item_loses_the_indent():
    [f] = extract("- 求和 $x +\n  y$ 结束", "md")
    assert (f.line, f.col, f.source) == (1, 7, "x +\ny")


def test_blockquotes_and_a_display_inside_one():
    note = "> 引用 $c$\n> > 更深 $d$\n\n> $$\n> y = 1\n> $$\n"
    assert where(note) == [(1, 7, "c"), (2, 9, "d"), (5, 3, "y = 1")]


def test_dollars_on_their_own_line_right_after_prose_are_display_in_the_paragraph():
    note = "> 于是\n> $$\n> a + b\n> $$\n"
    [f] = extract(note, "md")
    assert (f.line, f.col, f.source, f.display) == (3, 3, "a + b", True)


def test_heading_maths_is_found_and_in_its_section():
    note = "# 2. 正则化\n\n## 2.1 $L_2$ 正则化 ##\n\n其中 $w$ 是权重\n"
    found = extract(note, "md")
    assert [(f.line, f.col, f.source) for f in found] == [(3, 9, "L_2"), (5, 5, "w")]
    assert found[1].section == ("2. 正则化", "2.1 L_2 正则化")


def test_sections_follow_the_heading_levels():
    note = "# A\n\n## B\n\n$x$\n\n## C\n\n$y$\n\n# D\n\n$z$\n"
    assert [f.section for f in extract(note, "md")] == [("A", "B"), ("A", "C"), ("D",)]


def test_crlf_and_cr_line_ends_count_as_one_line_break():
    assert where("a\r\n\r\n$x$ b\rc $y$") == [(3, 2, "x"), (4, 4, "y")]


def test_tab_in_a_list_indent():
    assert where("- a\n\t$x$ b\n") == [(2, 3, "x")]


def test_ideographic_space_line_above_a_paragraph():
    assert where("\u3000\n$$中文$$ b") == [(2, 3, "中文")]


def test_context_of_a_display_block_is_the_paragraphs_around_it():
    note = "那么使用 **$L_1$正则化** 后的损失函数为：\n\n$$real\\_loss=loss-\\sum_i |w_i|$$\n\n其中 $w_i$ 是权重。\n"
    display = extract(note, "md")[1]
    assert display.before == "那么使用 $L_1$正则化 后的损失函数为："
    assert display.after == "其中 $w_i$ 是权重。"


def test_context_is_cut_to_its_size():
    note = "前" * 1000 + " $x$ " + "后" * 1000
    [f] = extract(note, "md")
    assert f.before == "前" * 300 and f.after == "后" * 200


# -- LaTeX -----------------------------------------------------------------------------------------------------------

def test_every_delimiter_and_environment():
    note = "\n".join([
        r"a $p$ b $$q$$ c \(r\) d \[s\]",
        r"\begin{equation}t\end{equation} \begin{equation*}u\end{equation*}",
        r"\begin{align}v\end{align} \begin{align*}w\end{align*} \begin{gather}x\end{gather}",
        r"\begin{multline}y\end{multline} \begin{eqnarray}z\end{eqnarray}",
        r"\begin{displaymath}A\end{displaymath} \begin{math}B\end{math}",
    ])
    found = extract(note, "tex")
    assert [(f.source, f.display, f.environment) for f in found] == [
        ("p", False, None), ("q", True, None), ("r", False, None), ("s", True, None),
        ("t", True, "equation"), ("u", True, "equation*"), ("v", True, "align"), ("w", True, "align*"),
        ("x", True, "gather"), ("y", True, "multline"), ("z", True, "eqnarray"),
        ("A", True, "displaymath"), ("B", False, "math")]
    assert [(f.line, f.col) for f in found[:4]] == [(1, 4), (1, 11), (1, 19), (1, 27)]
    assert all_point_at_source(note, found)


def test_tex_display_over_lines_points_at_its_first_character():
    note = "\\begin{align}\n  \\frac{\\partial L}{\\partial z}\n    &= \\sigma(z) - y\n\\end{align}"
    [f] = extract(note, "tex")
    assert (f.line, f.col) == (2, 3)
    assert f.source == "\\frac{\\partial L}{\\partial z}\n    &= \\sigma(z) - y"


def test_alignat_column_count_is_not_maths():
    [f] = extract("\\begin{alignat}{2} a &= b \\end{alignat}", "tex")
    assert (f.col, f.source, f.environment) == (20, "a &= b", "alignat")


def test_comments_and_escaped_percent():
    note = "% $x$ is commented out\nAt 50\\% of $y$ % and $z$ too\n$w$"
    found = extract(note, "tex")
    assert [(f.line, f.col, f.source) for f in found] == [(2, 13, "y"), (3, 2, "w")]
    assert found[0].before == "At 50% of"


def test_verbatim_lstlisting_minted_and_verb_hold_no_maths():
    note = ("\\begin{verbatim}\n$a$\n\\end{verbatim}\n\\begin{lstlisting}\nx = '$b$'\n\\end{lstlisting}\n"
            "\\begin{minted}{python}\n'$c$'\n\\end{minted}\n\\verb|$d$| and \\verb+$e$+ then $f$")
    assert where(note, "tex") == [(10, 33, "f")]


def test_two_inline_formulas_touching():
    assert where("$a$$b$", "tex") == [(1, 2, "a"), (1, 5, "b")]


def test_maths_does_not_cross_a_paragraph_break():
    assert where("it costs $5\n\nand $x$ here", "tex") == [(3, 6, "x")]
    assert where("open \\[ never\n\nclosed \\] $y$", "tex") == [(3, 12, "y")]


def test_sections_and_chapters():
    note = ("\\chapter{优化}\n\\section{梯度下降}\n$a$\n\\subsection*{动量 $\\beta$}\n$b$\n"
            "\\section[short]{Adam}\n$c$\n\\subsubsection{偏差}\n$d$")
    found = extract(note, "tex")
    assert [(f.source, f.section) for f in found] == [
        ("a", ("优化", "梯度下降")), ("\\beta", ("优化", "梯度下降", "动量 $\\beta$")),
        ("b", ("优化", "梯度下降", "动量 $\\beta$")), ("c", ("优化", "Adam")), ("d", ("优化", "Adam", "偏差"))]


def test_only_the_document_body_is_read_with_positions_in_the_whole_file():
    note = ("\\documentclass{article}\n\\newcommand{\\half}{$\\frac12$}\n"
            "\\begin{document}\n其中 $x$ 是\n\\end{document}\n$y$")
    assert where(note, "tex") == [(4, 5, "x")]


def test_prose_drops_macros_and_keeps_chinese():
    note = "\\textbf{损失}~为 $L$，见 \\cite{key} 与 \\eqref{eq:1}。\n\n下一段 $M$"
    first, second = extract(note, "tex")
    assert first.before == "损失 为" and first.after == "，见 与 。"
    assert second.before == "下一段" and second.after == ""


# -- limits and hostile notes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["md", "tex"])
def test_formula_cap_keeps_the_first_and_says_so(kind):
    found = extract("$a$ " * (MAX_FORMULAS + 1), kind)
    assert len(found) == MAX_FORMULAS and found.truncated
    assert found[-1].col == 4 * MAX_FORMULAS - 2
    exact = extract("$a$ " * MAX_FORMULAS, kind)
    assert len(exact) == MAX_FORMULAS and not exact.truncated


@pytest.mark.parametrize("kind", ["md", "tex"])
@pytest.mark.parametrize("note, message", [
    (b"$x$", "not text"),
    ("x" * (MAX_NOTE_CHARS + 1), "longer than"),
    (bytes(random.Random(13).randbytes(5000)).decode("latin-1"), "does not look like text"),
])
def test_refused_notes_give_one_line(kind, note, message):
    with pytest.raises(ValueError) as caught:
        extract(note, kind)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_unknown_kind():
    with pytest.raises(ValueError, match="md, tex"):
        extract("$x$", "rst")


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_a_few_nul_characters_read_as_replacement(kind):
    [f] = extract("正文\0 其中 $x\0y$ 结束", kind)
    assert (f.line, f.col, f.source) == (1, 9, "x\ufffdy")


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_hundred_thousand_dollars(kind):
    for note in ("$" * 100_000, "$ " * 50_000, "$a" * 50_000, "\\$" * 50_000 + "$x$"):
        found = extract(note, kind)
        assert len(found) <= MAX_FORMULAS
        assert all_point_at_source(note, found)
    assert extract("$" * 100_000, "tex") == []  # 25,000 empty $$…$$: no formula
    assert where("\\$" * 50_000 + "$x$", kind) == [(1, 100_002, "x")]


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_ten_thousand_nested_braces(kind):
    note = "{" * 10_000 + "$x$" + "}" * 10_000
    assert where(note, kind) == [(1, 10_002, "x")]
    assert where("\\section{" * 10_000 + "$y$", kind) == [(1, 90_002, "y")]


def test_ten_thousand_unclosed_environments():
    assert extract("\\begin{equation}\n" * 10_000, "md") == []
    assert extract("\\begin{equation}\n" * 10_000, "tex") == []
    assert where("\\begin{align}\n" * 10_000 + "\\end{align}", "md")[0][:2] == (2, 1)


@pytest.mark.parametrize("kind", ["md", "tex"])
def test_tex_primitives_are_text_and_no_file_is_opened(kind, monkeypatch):
    note = ("\\input{/etc/passwd} \\include{/etc/shadow} \\csname input\\endcsname{/etc/hosts}\n\n"
            "\\catcode`\\$=12 $\\input{/etc/passwd} ^^5cinput x$ \\def\\x{$y$}")
    extract("$warm$", kind)  # parsers built before files are forbidden

    def forbidden(*args, **kwargs):
        raise AssertionError(f"a file was opened: {args[:1]}")
    for owner, name in ((builtins, "open"), (io, "open"), (os, "open")):
        monkeypatch.setattr(owner, name, forbidden)
    found = extract(note, kind)
    monkeypatch.undo()
    assert [f.source for f in found] == ["\\input{/etc/passwd} ^^5cinput x", "y"]
    assert found[0].line == 3


# -- the reported place is the formula's place: property tests -----------------------------------------------------

FRAGMENTS = ["$", "$$", "\\$", "x", "y^2", " ", "\n", "\n\n", "\t", "> ", "- ", "1. ", "    ", "**", "*", "_", "`",
             "``", "<!--", "-->", "中文", "其中", "\\begin{equation}", "\\end{equation}", "\\begin{align}", "\\end{align}",
             "\\[", "\\]", "\\(", "\\)", "%", "\\%", "{", "}", "\\verb|", "|", "# ", "```", "~~", "\\frac{a}{b}",
             "(2)", "\\tag{1}", "\\section{", "\\begin{verbatim}", "\\end{verbatim}", "&", "\\\\", "=",
             "\\begin{cases}", "\\end{cases}", "[", "](u)", "<b>", "\u3000", "\\\n", "\r\n", "\r", "$x$", "$$a=b$$"]
PREFIXES = ["", "", "> ", "- ", "  ", "> > ", "1. ", "    ", "\t", ">", "* ", "  - ", "> - ", "## ", "\u3000", "   > "]

notes = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
lined_notes = st.lists(st.tuples(st.sampled_from(PREFIXES), st.lists(st.sampled_from(FRAGMENTS[:45]), max_size=8)),
                       min_size=1, max_size=12).map(lambda rows: "\n".join(p + "".join(f).replace("\n", "")
                                                                              for p, f in rows))
PROPERTY = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(notes, st.sampled_from(["md", "tex"]))
def test_line_and_col_point_at_the_source(note, kind):
    check = _pointer(note)
    for f in extract(note, kind):
        assert isinstance(f, Found) and f.source == f.source.strip() and f.source
        assert check(f), (f.line, f.col, f.source)


@PROPERTY
@given(lined_notes, st.sampled_from(["md", "tex"]))
def test_line_and_col_point_at_the_source_in_lists_and_quotes(note, kind):
    for f in extract(note, kind):
        assert points_at_source(note, f), (f.line, f.col, f.source)


def test_seeded_notes_point_at_the_source_and_find_every_plain_formula():
    rng = random.Random(20240513)
    for _ in range(300):
        words = [rng.choice(["其中", "the loss", "$x_1$", "$$a+b$$", "`$c$`", "\\$5", "**$L_2$**", " ", "，"])
                 for _ in range(rng.randrange(1, 30))]
        note = "".join(words)
        found = extract(note, "md")
        assert all_point_at_source(note, found)
        # words are self-delimited: every $x_1$, $$a+b$$ and $L_2$ written is found, no code or price
        expected = [w.strip("*$") for w in words if w in ("$x_1$", "$$a+b$$", "**$L_2$**")]
        assert [f.source for f in found] == expected


def test_markdown_it_index_error_on_a_quoted_list_comment_is_avoided():
    # markdown-it-py 4.3.0 raises IndexError on this note when it has no final line break
    assert extract("> - <!--x\n> ", "md") == []


def test_seeded_tex_notes_find_every_formula_written_and_nothing_else():
    rng = random.Random(20240514)
    pieces = {"$x_1$": "x_1", "$$f$$": "f", "\\(a+b\\)": "a+b", "\\[c\\]": "c", "\\begin{align}g &= h\\end{align}": "g &= h",
              "\\verb|$d$|": None, "\\$5": None, "% $e$\n": None, "其中": None, " ": None, "\\textbf{损失}": None}
    for _ in range(300):
        words = [rng.choice(sorted(pieces)) for _ in range(rng.randrange(1, 30))]
        note = "".join(words)
        found = extract(note, "tex")
        assert all_point_at_source(note, found)
        assert [f.source for f in found] == [pieces[w] for w in words if pieces[w]]
