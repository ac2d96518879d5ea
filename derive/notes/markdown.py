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
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

MAX_NOTE_CHARS = 2_000_000


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph: ``text``, ``math`` (inline), ``code``, ``image`` (its description) or ``break``."""

    kind: str
    text: str
    bold: bool = False
    italic: bool = False
    struck: bool = False


@dataclass(frozen=True)
class Block:
    """A block of the note: ``heading``, ``paragraph``, ``math`` (display), ``code``, ``html``, ``rule``.

    ``spans`` holds a heading's or a paragraph's inline content, ``text`` a
    display formula's or a code block's text; ``section`` the titles of the
    headings it sits under; ``list_depth`` how deep in lists it is.
    """

    kind: str
    first: int
    last: int
    spans: tuple = ()
    text: str = ""
    section: tuple = ()
    level: int = 0
    list_depth: int = 0


@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    md = MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True,
                                      double_inline=True).use(amsmath_plugin)
    return md.enable("strikethrough")


def _spans(children) -> tuple:
    out, bold, italic, struck = [], 0, 0, 0
    image_depth = 0
    for tok in children or ():
        kind = tok.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            struck += 1 if kind.endswith("open") else -1
        elif kind == "text" and not image_depth:
            out.append(Span("text", tok.content, bold > 0, italic > 0, struck > 0))
        elif kind in ("math_inline", "math_inline_double"):
            out.append(Span("math", tok.content, bold > 0, italic > 0, struck > 0))
        elif kind == "code_inline":
            out.append(Span("code", tok.content))
        elif kind == "image":
            out.append(Span("image", tok.content or "image"))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span("break", " " if kind == "softbreak" else "\n"))
        elif kind == "html_inline":
            out.append(Span("text", tok.content))  # shown as text, never interpreted
    return tuple(out)


def read_markdown(source: str) -> list[Block]:
    """The blocks of the Markdown ``source``, in order, with their lines and sections."""
    if len(source) > MAX_NOTE_CHARS:
        raise ValueError(f"the note is longer than {MAX_NOTE_CHARS} characters")
    tokens = _parser().parse(source)
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
            spans = _spans(tokens[i + 1].children)
            title = "".join(s.text for s in spans if s.kind in ("text", "math", "code")).strip()
            if title:  # an image underlined with ===== is a heading with no words: no section
                section = [t for t in section if t[0] < level] + [(level, title)]
            blocks.append(Block("heading", first, last, spans, title, tuple(t for _, t in section), level, lists))
            i += 3
            continue
        elif kind == "paragraph_open":
            spans = _spans(tokens[i + 1].children)
            blocks.append(Block("paragraph", first, last, spans, "", tuple(t for _, t in section), 0, lists))
            i += 3
            continue
        elif kind in ("math_block", "math_block_label", "amsmath"):
            text = tok.content.strip()
            blocks.append(Block("math", first, last, (), text, tuple(t for _, t in section), 0, lists))
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
