"""Text safe to echo on a terminal: control and bidi characters made visible.

Error messages, verdicts and JSON repeat what the user typed.  Typed text can
hold ESC and BEL (which retitle a terminal window or clear the screen),
U+202E RIGHT-TO-LEFT OVERRIDE (which makes ``x = 1`` display as something
else), or line separators.  :func:`visible` replaces each such character by
its Python escape, so the message shows what was typed and does nothing to
the terminal; :func:`json_dumps` does the same inside JSON strings, where the
escape is JSON's own ``\\uXXXX`` and the data round-trips unchanged.

The characters escaped are those of Unicode categories Cc (controls), Cf
(formats: the bidi overrides and isolates, zero-width characters), Zl and Zp
(line and paragraph separators) and Cs (lone surrogates).  Newline and tab
are kept where a message may span lines.

>>> visible("x\\x1b]0;owned\\x07 = 1")
'x\\\\x1b]0;owned\\\\x07 = 1'
>>> visible("abc\\u202e = 1")
'abc\\\\u202e = 1'
>>> visible("σ′(z) ≤ 1/4 损失")
'σ′(z) ≤ 1/4 损失'
"""
from __future__ import annotations

import json
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _is_unsafe(char: str, keep: str) -> bool:
    return char not in keep and unicodedata.category(char) in _UNSAFE_CATEGORIES


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text, keep: str = "") -> str:
    """``text`` with every control, format and separator character shown as its escape.

    ``keep`` lists characters to leave as they are (``"\\n"`` for a message of
    several lines).  A backslash itself is left alone: the result is for
    reading, not for parsing back.

    >>> visible("a\\tb\\nc", keep="\\n")
    'a\\\\tb\\nc'
    >>> visible("\\u2066x\\u2069 \\u200b")
    '\\\\u2066x\\\\u2069 \\\\u200b'
    """
    text = str(text)
    if not any(_is_unsafe(c, keep) for c in text):
        return text
    return "".join(_escape(c) if _is_unsafe(c, keep) else c for c in text)


def json_dumps(data, **kwargs) -> str:
    """``json.dumps(data, ensure_ascii=False, **kwargs)`` with invisible characters as ``\\uXXXX``.

    JSON escapes C0 controls itself; this adds DEL, the C1 controls, the bidi
    and zero-width format characters and the line separators, so the output
    can be printed on a terminal and still parses to the same data.

    >>> out = json_dumps({"claim": "x\\u202e = 1", "σ": 1})
    >>> out
    '{"claim": "x\\\\u202e = 1", "σ": 1}'
    >>> json.loads(out)["claim"] == "x\\u202e = 1"
    True
    """
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    # Outside strings JSON has only ASCII punctuation, digits, letters, spaces and (indent) newlines,
    # so every unsafe character is inside a string, where its JSON escape means the same.
    return "".join(json.dumps(c)[1:-1] if _is_unsafe(c, "\n") else c for c in text)
