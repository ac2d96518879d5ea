r"""Reading a Markdown note: its blocks, their lines, their prose and their maths.

markdown-it-py (CommonMark) with mdit-py-plugins' ``dollarmath`` and
``amsmath`` does the parsing, so code blocks keep their dollars, ``$$ … $$``
works inside a paragraph and Chinese may touch a ``$``.  :func:`read_markdown`
turns its tokens into :class:`Block` s, each with its first and last line
(1-based) and the heading path above it; a paragraph's inline content is a
tuple of :class:`Span` (text with bold/italic/struck-out flags, inline maths,
code, an image's description).  Nothing is rendered here: the report
(:mod:`derive.render.passage`) and the audit read the blocks.

>>> blocks = read_markdown("# 1.损失\n\n其中 $y$ 是 **结果**。\n\n$$E=\\sum_i e_i$$\n")
>>> [(b.kind, b.first, b.last) for b in blocks]
[('heading', 1, 1), ('paragraph', 3, 3), ('math', 5, 5)]
>>> [(s.kind, s.text, s.bold) for s in blocks[1].spans]
[('text', '其中 ', False), ('math', 'y', False), ('text', ' 是 ', False), ('text', '结果', True), ('text', '。', False)]
>>> blocks[2].text, blocks[2].section
('E=\\sum_i e_i', ('1.损失',))

Where the maths is
------------------
Every formula also carries the line and column (1-based, counted in
characters, lines broken at ``\n``, ``\r\n`` or ``\r``) of its first
character, the first one after the opening delimiter and any blank: an
inline formula in its :class:`Span`, a display formula in its :class:`Block`
(for an amsmath environment, the first character after ``\begin{…}``).
markdown-it maps blocks to lines but says nothing of columns, so the inline
``$`` rule is wrapped to record where in the paragraph each formula starts,
and that place is carried back through the container prefixes (``>``, list
indents) to the note's own line.

>>> blocks = read_markdown("> 其中$y$是\n> - 和 $$a+b$$\n")
>>> [(s.text, s.line, s.col, s.display) for b in blocks for s in b.spans if s.kind == "math"]
[('y', 1, 6, False), ('a+b', 2, 9, True)]
>>> b = read_markdown("\\begin{align}\n  a &= b\n\\end{align}")[0]
>>> b.line, b.col, b.environment, b.last
(2, 3, 'align', 3)

Two more rules are wrapped.  The amsmath rule gives up at once on an
environment that is never closed, so ten thousand unclosed
``\begin{equation}`` lines take linear, not quadratic, time.  The ``$$``
block rule leaves a line holding two formulas (``$$a$$，$$b$$``) to the
paragraph, where each is its own; dollarmath would read one formula from
the first ``$$`` to the last.

Not maths: code blocks and spans, HTML blocks (``<div>$x$</div>`` on lines
of its own) and HTML comments, escaped ``\$``, and anything nested deeper
than markdown-it's limit of 20 containers (it stops reading there).
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

MAX_NOTE_CHARS = 2_000_000


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph: ``text``, ``math`` (inline), ``code``, ``image`` (its description) or ``break``.

    A ``math`` span has the ``line`` and ``col`` of its first character and
    ``display`` True when it was written ``$$ … $$`` inside the paragraph.
    """

    kind: str
    text: str
    bold: bool = False
    italic: bool = False
    struck: bool = False
    line: int = 0
    col: int = 0
    display: bool = False


@dataclass(frozen=True)
class Block:
    r"""A block of the note: ``heading``, ``paragraph``, ``math`` (display), ``code``, ``html``, ``rule``.

    ``spans`` holds a heading's or a paragraph's inline content, ``text`` a
    display formula's or a code block's text; ``section`` the titles of the
    headings it sits under; ``list_depth`` how deep in lists it is.  A
    ``math`` block has the ``line`` and ``col`` of its formula's first
    character and, for an amsmath environment, its name in ``environment``
    (``text`` is then the whole environment, ``\begin`` and ``\end`` included).
    """

    kind: str
    first: int
    last: int
    spans: tuple = ()
    text: str = ""
    section: tuple = ()
    level: int = 0
    list_depth: int = 0
    line: int = 0
    col: int = 0
    environment: str | None = None


def _recording(rule):
    """The inline ``$`` rule, also noting in each formula token's ``meta`` where its content starts."""
    def math_inline(state, silent):
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > count:
            token = state.tokens[-1]
            token.meta = dict(token.meta or {}, offset=start + len(token.markup))
        return True
    return math_inline


_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")
_CLOSING = re.compile(r"\\end\{([A-Za-z]+\*?)\}[^\S\n]*$", re.MULTILINE)


def _closable(rule):
    """The amsmath block rule, refusing at once an environment no later line closes."""
    def amsmath(state, start_line, end_line, silent):
        start = state.bMarks[start_line] + state.tShift[start_line]
        if not state.src.startswith("\\begin{", start):
            return False
        opened = _BEGIN.match(state.src, start)
        if not opened:
            return False
        closings = state.env.get("derive_closings")
        if closings is None:  # line numbers of every `\end{name}` ending a line, found once per parse
            closings, line, seen = {}, 0, 0
            for match in _CLOSING.finditer(state.src):
                line += state.src.count("\n", seen, match.start())
                seen = match.start()
                closings.setdefault(match.group(1), []).append(line)
            state.env["derive_closings"] = closings
        lines = closings.get(opened.group(1), ())
        k = bisect_left(lines, start_line)
        if k == len(lines) or lines[k] >= end_line:
            return False
        return rule(state, start_line, end_line, silent)
    return amsmath


def _one_formula(rule):
    """The ``$$`` block rule, leaving a line with two formulas (``$$a$$，$$b$$``) to the paragraph rule.

    dollarmath would read all of it, from the first ``$$`` to the last, as one formula.
    """
    from mdit_py_plugins.dollarmath.index import DOLLAR_EQNO_REV

    def math_block(state, start_line, end_line, silent):
        start = state.bMarks[start_line] + state.tShift[start_line]
        line = state.src[start:state.eMarks[start_line]].strip()
        if line.startswith("$$") and "$$" in line[2:-2] and not DOLLAR_EQNO_REV.match(line[::-1]):
            return False
        return rule(state, start_line, end_line, silent)
    return math_block


@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_block, amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar
    md = MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True,
                                      double_inline=True).use(amsmath_plugin)
    md.inline.ruler.at("math_inline", _recording(math_inline_dollar(True, True, True)))
    md.block.ruler.at("math_block", _one_formula(math_block_dollar(True)))
    md.block.ruler.at("amsmath", _closable(amsmath_block),
                      {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]})
    return md.enable("strikethrough")


def note_lines(source: str) -> list:
    r"""The note's lines as markdown-it sees them: broken at ``\n``, ``\r\n`` and ``\r``, NUL read as U+FFFD.

    >>> note_lines("a\r\nb\rc\x00")
    ['a', 'b', 'c\ufffd']
    """
    return source.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd").split("\n")


def _column(raw: str, piece: str, last: bool) -> int:
    """Where (0-based) in the note's line ``raw`` markdown-it's line ``piece`` starts.

    markdown-it's lines are the note's with the container prefix cut off (the
    last one also right-stripped; a heading's also loses its closing ``#``),
    and a tab of the indent it cut into may have become spaces.  The result
    is such that a character after those spaces lands right.
    """
    line = raw.rstrip() if last else raw
    if line.endswith(piece):
        return len(line) - len(piece)
    rest = piece.lstrip(" ")
    if rest and line.endswith(rest):
        return len(line) - len(rest) - (len(piece) - len(rest))
    found = raw.find(piece)
    return found if found >= 0 else max(0, len(line) - len(piece))


def _place(content: str, starts: list, offset: int, first_line: int, lines: list) -> tuple:
    """The (line, col), 1-based, in the note of ``content[offset]``, the content starting on ``first_line``."""
    k = bisect_right(starts, offset) - 1
    end = content.find("\n", offset)
    piece = content[starts[k]:end if end >= 0 else len(content)]
    raw = lines[first_line + k] if first_line + k < len(lines) else ""
    return first_line + k + 1, _column(raw, piece, end < 0) + offset - starts[k] + 1


def _line_starts(content: str) -> list:
    return [0] + [m.end() for m in re.finditer("\n", content)]


def _first_line(content: str, span: list, lines: list) -> int:
    """The note's line (0-based) holding the first line of a paragraph's ``content``.

    It is the paragraph's first line, unless ``str.strip`` took whole lines of
    blanks markdown-it does not count as blank (``\u3000``, ``\x1c``) off its top.
    """
    head = content[:content.find("\n")] if "\n" in content else content
    spare = (span[1] - span[0]) - (content.count("\n") + 1)
    for shift in range(max(spare, 0) + 1):
        if span[0] + shift < len(lines) and head in lines[span[0] + shift]:
            return span[0] + shift
    return span[0]


def _spans(inline, lines) -> tuple:
    out, bold, italic, struck = [], 0, 0, 0
    content, starts = inline.content, None
    for tok in inline.children or ():
        kind = tok.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            struck += 1 if kind.endswith("open") else -1
        elif kind == "text":
            out.append(Span("text", tok.content, bold > 0, italic > 0, struck > 0))
        elif kind in ("math_inline", "math_inline_double"):
            line = col = 0
            offset = (tok.meta or {}).get("offset")
            if offset is not None and inline.map and tok.content.strip():
                if starts is None:
                    starts, first_line = _line_starts(content), _first_line(content, inline.map, lines)
                offset += len(tok.content) - len(tok.content.lstrip())
                line, col = _place(content, starts, offset, first_line, lines)
            out.append(Span("math", tok.content, bold > 0, italic > 0, struck > 0, line, col,
                            kind == "math_inline_double"))
        elif kind == "code_inline":
            out.append(Span("code", tok.content))
        elif kind == "image":
            out.append(Span("image", tok.content or "image"))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span("break", " " if kind == "softbreak" else "\n"))
        elif kind == "html_inline":
            out.append(Span("text", tok.content))  # shown as text, never interpreted
    return tuple(out)


def _display_place(tok, lines) -> tuple:
    """(line, col, environment) of a display formula's first character: after ``$$`` or ``\\begin{…}``."""
    content, opener, environment = tok.content, "$$", None
    skip = 0
    if tok.type == "amsmath":
        meta = tok.meta or {}
        environment = meta.get("environment", "") + meta.get("numbered", "")
        opener = "\\begin{%s}" % environment
        skip = content.find(opener) + len(opener)
    body = content[skip:]
    if tok.type == "amsmath":
        body = body[:body.rfind("\\end{")] if "\\end{" in body else body
    if not body.strip():
        return 0, 0, environment
    offset = skip + len(body) - len(body.lstrip())
    starts = _line_starts(content)
    k = bisect_right(starts, offset) - 1
    end = content.find("\n", offset)
    rest = content[offset:end if end >= 0 else len(content)]
    index = tok.map[0] + k
    raw = lines[index] if index < len(lines) else ""
    if k == 0:
        at = raw.find(opener)
        col = raw.find(rest, at + len(opener) if at >= 0 else 0)
    else:
        col = 0
        while not raw.startswith(rest, col) and col < len(raw) and raw[col] in " \t>":
            col += 1
        if not raw.startswith(rest, col):
            col = raw.find(rest)
    return index + 1, max(col, 0) + 1, environment


def read_markdown(source: str) -> list[Block]:
    """The blocks of the Markdown ``source``, in order, with their lines and sections."""
    if len(source) > MAX_NOTE_CHARS:
        raise ValueError(f"the note is longer than {MAX_NOTE_CHARS} characters")
    try:  # markdown-it-py 4.3 indexes past the end on `> - <!--x\n> ` with no final line break: give it one
        tokens = _parser().parse(source if source.endswith(("\n", "\r")) else source + "\n")
    except Exception as error:  # a parser bug must not become a traceback on a hostile note
        raise ValueError(f"the Markdown parser failed on this note ({type(error).__name__})") from None
    lines = note_lines(source)
    blocks, section, lists = [], [], 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        first, last = (tok.map[0] + 1, tok.map[1]) if tok.map else (0, 0)
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "heading_open":
            level = int(tok.tag[1:])
            spans = _spans(tokens[i + 1], lines)
            title = "".join(s.text for s in spans if s.kind in ("text", "math", "code")).strip()
            if title:  # an image underlined with ===== is a heading with no words: no section
                section = [t for t in section if t[0] < level] + [(level, title)]
            blocks.append(Block("heading", first, last, spans, title, tuple(t for _, t in section), level, lists))
            i += 3
            continue
        elif kind == "paragraph_open":
            spans = _spans(tokens[i + 1], lines)
            blocks.append(Block("paragraph", first, last, spans, "", tuple(t for _, t in section), 0, lists))
            i += 3
            continue
        elif kind in ("math_block", "math_block_label", "amsmath"):
            if kind == "amsmath":
                last += 1  # amsmath maps to the closing line itself, not past it
            line, col, environment = _display_place(tok, lines)
            blocks.append(Block("math", first, last, (), tok.content.strip(), tuple(t for _, t in section), 0,
                                lists, line, col, environment))
        elif kind in ("fence", "code_block"):
            blocks.append(Block("code", first, last, (), tok.content, tuple(t for _, t in section), 0, lists))
        elif kind == "html_block":
            blocks.append(Block("html", first, last, (), tok.content, tuple(t for _, t in section), 0, lists))
        elif kind == "hr":
            blocks.append(Block("rule", first, last, (), "", tuple(t for _, t in section), 0, lists))
        i += 1
    return blocks


def line_of(source: str, offset: int) -> int:
    """The 1-based line of the character at ``offset``.

    >>> line_of("a\\nb\\nc", 2)
    2
    """
    return source.count("\n", 0, offset) + 1
