"""``derive audit FILE``: the command's reading of its arguments and its output.

The note is read as UTF-8 text of at most :data:`MAX_NOTE_BYTES`; anything
else is a one-line error (exit status 2).  The findings go to stdout, one line
each, then the summary; progress goes to stderr when the note has more than
:data:`PROGRESS_FROM` formulas.
"""
from __future__ import annotations

import os
import re
import sys

MAX_NOTE_BYTES = 2_000_000
PROGRESS_FROM = 20
KINDS = {".md": "md", ".markdown": "md", ".txt": "md", ".tex": "tex", ".latex": "tex"}
_LINES_RE = re.compile(r"\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?\Z")


def read_note(path: str) -> tuple[str, str]:
    """(text, kind) of the note at ``path``; ValueError with a one-line message otherwise."""
    kind = KINDS.get(os.path.splitext(path)[1].lower())
    if kind is None:
        raise ValueError(f"{path}: a note is a .md or a .tex file")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    if len(data) > MAX_NOTE_BYTES:
        raise ValueError(f"{path}: the note is larger than {MAX_NOTE_BYTES // 1_000_000} MB")
    if b"\x00" in data:
        raise ValueError(f"{path}: binary data, not a text note")
    try:
        return data.decode("utf-8-sig"), kind
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def parse_lines(text: str) -> set:
    """``--only 10-40,52`` as a set of line numbers.

    >>> sorted(parse_lines("3-5, 9"))
    [3, 4, 5, 9]
    """
    lines = set()
    for part in text.split(","):
        match = _LINES_RE.match(part)
        if not match:
            raise ValueError(f"--only takes lines such as 10-40,52, not {part.strip()[:20]!r}")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low or high - low > 1_000_000:
            raise ValueError(f"--only: {low}-{high} is not a range of lines")
        lines.update(range(low, high + 1))
    return lines


def run_audit(args, say) -> int:
    from ..render.terminal import json_dumps
    from .audit import audit
    text, kind = read_note(args.file)
    only = parse_lines(args.only) if args.only else None
    name = os.path.basename(args.file)

    def progress(done, count):
        if count > PROGRESS_FROM and (done % 10 == 0 or done == count):
            say(f"derive audit: {done}/{count} formulas", file=sys.stderr, flush=True)

    if args.report:  # a folder that cannot take the report fails before the audit runs
        from ..render.audit_report import check_output
        check_output(args.output, name)
    result = audit(text, kind, name=name, only=only, timeout=args.timeout, progress=progress)
    if args.json:
        say(json_dumps(result.as_dict(), indent=2))
    else:
        say(result.explain() if args.explain else str(result))
    if args.report:
        from ..render.audit_report import write_audit_report
        for path in write_audit_report(result, args.output, source=text, progress=lambda m: say(
                f"derive audit: {m}", file=sys.stderr, flush=True)):
            say(f"wrote {path}", file=sys.stderr)
    return result.exit_code
