"""The ``derive`` command line: verify, grad, list, show, check, report, audit.

Every user string goes through the allow-list parser; bad input ends with a
one-line error on stderr and exit status 2, never a traceback.

Exit statuses: 0 proved, 1 refuted, 2 bad input, 3 unknown, 4 supported (numeric
agreement only, which is not a proof);
130 after Ctrl-C, 143 after SIGTERM and 129 after SIGHUP (each stops TeX and
the workers, and writes nothing half-done); 141, quietly, when the reader of
standard output has gone (``derive list | head -1``).

``DERIVE_PROOF_SECONDS`` sets the wall-clock limit of one proof in ``derive
check`` and ``derive report`` (default 60 s); a proof that overruns it is
``unknown``, and the rest still run.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading

from . import __version__
from .render.terminal import json_dumps, visible

EXIT_BAD_INPUT = 2
EXIT_UNKNOWN = 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell tool gives when its reader goes
PROOF_SECONDS_ENV = "DERIVE_PROOF_SECONDS"
CACHE_HELP = ("Verdicts are cached in $DERIVE_CACHE_DIR, else $XDG_CACHE_HOME/derive, else ~/.cache/derive "
              "(delete it at any time), keyed by the sources of derive and of the proof, the versions of "
              "Python, SymPy, NumPy, mpmath, python-flint and matplotlib, and the time limit; unknown "
              "verdicts are never cached. A verdict from the cache is marked 'cached'.")
_OPTION_LIKE = re.compile(r"--?[A-Za-z][A-Za-z0-9_-]*(=.*)?\Z", re.S)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"derive: error: {visible(message)} (see derive --help)\n")

    def _parse_optional(self, arg_string):
        # "-(x)**2<=0" or "-x/2" is maths, not an option: only -a, --name, --name=value can be options
        if arg_string.startswith("-") and not _OPTION_LIKE.match(arg_string):
            return None
        return super()._parse_optional(arg_string)


def _parser():
    p = _Parser(prog="derive", description=(
        "Derive the mathematics of deep-learning textbooks symbolically, "
        "and prove or refute each formula."))
    p.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("verify", help="prove or refute a claim such as \"diff(sigmoid(x), x) <= 1/4\"",
                       description="Prove, refute (with a counterexample certified with arb) "
                                   "or support numerically a claim LHS REL RHS.",
                       epilog="exit status: 0 proved, 1 refuted, 2 bad input, 3 unknown, "
                              "4 supported (numeric agreement only, which is not a proof)")
    v.add_argument("claim", help="LHS REL RHS, REL one of = == <= < >= >")
    v.add_argument("--assume", action="append", default=[], metavar="COND",
                   help="an assumption such as \"p in (0,1)\", \"T > 0\" or \"n integer >= 1\" (repeatable)")
    v.add_argument("--json", action="store_true", help="print the verdict as JSON")
    v.add_argument("--timeout", type=_seconds, default=30.0, help="seconds before the verdict is unknown (default 30)")
    g = sub.add_parser("grad", help="the chain rule through the graph of an expression, scalar or matrix",
                       description="Build the computation graph of EXPR, run the reverse pass and print "
                                   "the local derivatives, their product and the closed form. With --shape, "
                                   "EXPR is a matrix expression (@ matrix product, * elementwise, .T, softmax, "
                                   "cross_entropy, sum, norm, sqnorm, trace, …) of the declared variables: the "
                                   "reverse pass is in matrix form, each adjoint with its shape, checked with "
                                   "finite differences and, when small, entry by entry exactly.",
                       epilog="example: derive grad \"sqnorm(W @ x + b - y)/2\" --shape W=m,n --shape x=n "
                              "--shape b=m --shape y=m --wrt W --wrt b; "
                              "exit status: 0 checked, 2 bad input, 3 not checked or the check failed")
    g.add_argument("expr", help="an expression, e.g. \"(sigmoid(w*x + b) - y)**2/2\", "
                                "or with --shape \"cross_entropy(W @ x + b, y)\"")
    g.add_argument("--wrt", action="append", required=True, metavar="NAME",
                   help="differentiate with respect to this variable (repeatable)")
    g.add_argument("--shape", action="append", default=[], metavar="NAME=R,C",
                   help="a matrix variable and its shape, each dimension an integer or a name, e.g. W=m,n; "
                        "NAME=N is the column N × 1 (repeatable; makes EXPR a matrix expression)")
    g.add_argument("--labels", action="append", default=[], metavar="NAME",
                   help="a declared input whose entries sum to 1 along the class axis (one-hot labels "
                        "or probabilities), so that cross_entropy gives softmax(o) − y (repeatable)")
    g.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("list", help="the proofs of the catalogue: id, seed section, title",
                   description="List the catalogue's proofs with their seed section and title.")
    s = sub.add_parser("show", help="a proof's derivation, step by step, and its verdict",
                       description="Run one proof and print its statement, steps, evidence and verdict.")
    s.add_argument("id", help="a proof id (see derive list)")
    c = sub.add_parser("check", help="run the proofs; exit 0 when every verdict is the expected one",
                       description="Run the catalogue (or the given proofs) and print verdicts and evidence.",
                       epilog=CACHE_HELP)
    c.add_argument("ids", nargs="*", metavar="ID", help="proof ids (default: all)")
    c.add_argument("--json", action="store_true", help="print the results as JSON")
    c.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    r = sub.add_parser("report", help="write the LaTeX/PDF report of the catalogue (the main job)",
                       description="Run the proofs, draw the figures, and write DIR/derive-report.tex and, "
                                   "when TeX Live is installed, DIR/derive-report.pdf.", epilog=CACHE_HELP)
    r.add_argument("ids", nargs="*", metavar="ID", help="proof ids (default: all)")
    r.add_argument("-o", "--output", default="reports", metavar="DIR", help="output folder (default: reports/)")
    r.add_argument("--title", default=None, help="the report's title")
    r.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    mode = r.add_mutually_exclusive_group()
    mode.add_argument("--no-pdf", dest="pdf", action="store_const", const="no", default="auto",
                      help="write the .tex and figures only")
    mode.add_argument("--pdf", dest="pdf", action="store_const", const="yes",
                      help="fail when TeX Live is missing (default: write the .tex and say how to get the PDF)")
    a = sub.add_parser("audit", help="check every formula of a Markdown or LaTeX note",
                       description="Read FILE (.md or .tex), find its formulas and give each one outcome: "
                                   "holds, wrong, matches or differs (from a standard definition), "
                                   "numeric-only, or not checkable (with the reason).",
                       epilog="exit status: 0 nothing wrong, 1 something wrong or differing, 2 bad input")
    a.add_argument("file", help="the note: a .md (Markdown with $…$ maths) or a .tex file")
    a.add_argument("--json", action="store_true", help="print every formula with its location, reading and outcome")
    a.add_argument("--report", action="store_true", help="also write the PDF report of the audit")
    a.add_argument("-o", "--output", default="reports", metavar="DIR", help="the report's folder (default: reports/)")
    a.add_argument("--only", default=None, metavar="LINES", help="only the formulas on these lines, e.g. 10-40,52")
    a.add_argument("--timeout", type=_seconds, default=10.0,
                   help="seconds per formula before it is not checkable (default 10)")
    a.add_argument("--explain", action="store_true", help="show each formula's reading, assumptions and steps")
    return p


def _fail(message, status=EXIT_BAD_INPUT):
    print(f"derive: error: {visible(message)}", file=sys.stderr)
    return status


def _reader_gone():
    """Stop quietly when standard output's reader has closed the pipe (status 141, as after SIGPIPE)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush then writes nowhere
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def _say(text="", file=None, **kwargs):
    """Print text for the user with control and bidi characters made visible (newlines kept)."""
    print(visible(text, keep="\n"), file=file or sys.stdout, **kwargs)


def _parse_seconds(text, what=""):
    """A time limit typed by the user, checked by :func:`derive.limits.valid_seconds`; ValueError naming ``what``."""
    from .limits import MAX_SECONDS, valid_seconds
    try:
        return valid_seconds(float(text))
    except ValueError:
        raise ValueError(f"{what + ' ' if what else ''}must be a number of seconds in (0, {MAX_SECONDS}], "
                         f"not {text[:40]!r}") from None


def _seconds(text):
    """argparse type of --timeout."""
    try:
        return _parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_verify(args):
    from .verifier import verify
    verdict = verify(args.claim, args.assume, timeout=args.timeout)
    if args.json:
        _say(json_dumps(verdict.as_dict(), indent=2))
    else:
        _say(verdict)
    return verdict.exit_code


def cmd_grad(args):
    if args.shape or args.labels:  # a matrix expression: derive.matrix
        from .matrix.cli import run_grad
        report, reason = run_grad(args)
        if report is None:
            return _fail(f"could not finish: {reason}", EXIT_UNKNOWN)
        _say(json_dumps(report, indent=2) if args.json else report["text"])
        return 0 if report["passed"] else EXIT_UNKNOWN
    from .limits import run_limited
    from .lang import parse_expression
    from .symbols import valid_name
    expr = parse_expression(args.expr)
    names = {s.name for s in expr.free_symbols}
    for w in args.wrt:
        valid_name(w)
        if w not in names:
            raise ValueError(f"{w!r} does not occur in the expression")
    outcome = run_limited(_grad_report, expr, args.wrt, timeout=30.0)
    if not outcome.ok:
        return _fail(f"could not finish: {outcome.reason}", EXIT_UNKNOWN)
    report = outcome.value
    if args.json:
        _say(json_dumps(report, indent=2))
    else:
        _say(report["text"])
    return 0 if report["check"]["passed"] else EXIT_UNKNOWN


def _grad_report(expr, wrt):
    from .graph import Graph
    from .render.printing import text
    from .render.text import definitions
    g, f = Graph.from_expr(expr, params=wrt)
    d = g.grad(f, [g[w] for w in wrt])
    evidence = d.check()
    lines = ["graph (one node per operation):", *definitions(g)]
    lines.append("reverse pass (adjoints, x̄ = ∂f/∂x):")
    lines += [f"  {a}" for a in d.program]
    lines.append("chain rule:")
    lines += ["  " + line for line in str(d).splitlines()]
    lines.append(f"check: {evidence}")
    return {"text": "\n".join(lines), "expression": text(expr), "wrt": wrt,
            "program": [str(a) for a in d.program],
            "gradient": {w: text(e) for w, e in zip(wrt, d.expr)},
            "check": evidence.as_dict()}


def cmd_list(args):
    from .catalogue import discover
    registry = discover()
    width = max((len(pid) for pid in registry), default=2)
    _say(f"{'id':<{width}}  {'section':<14}  title")
    for pid, cls in registry.items():
        mark = "  [erratum]" if cls.erratum else ""
        _say(f"{pid:<{width}}  {cls.section.split()[0]:<14}  {cls.title}{mark}")
    _say(f"{len(registry)} proofs")
    return 0


def _evidence_summary(result):
    if not result.evidence:
        return result.reason or "no evidence"
    e = max(result.evidence, key=lambda e: (not e.passed, e.max_abs_err))
    more = f" (+{len(result.evidence) - 1} more)" if len(result.evidence) > 1 else ""
    return f"{e.method}, {e.points} pts, worst abs err {e.max_abs_err:.2g}{more}"


def cmd_show(args):
    from .catalogue import get, run
    get(args.id)
    result = run(args.id)
    _say(result)
    return 0 if result.as_expected else 1


def cmd_check(args):
    import time
    from .cache import open_cache, run_proofs
    from .catalogue import discover, get
    timeout = _proof_seconds()
    registry = discover()
    ids = args.ids or list(registry)
    for pid in ids:
        get(pid)
    start = time.perf_counter()
    cache = open_cache(enabled=not args.no_cache)
    width = max(len(pid) for pid in ids)
    ready, shown = {}, [0]

    def show_ready(index, result, cached):  # rows in catalogue order, each as soon as it can be
        ready[index] = result, cached
        while not args.json and shown[0] in ready:
            r, from_cache = ready[shown[0]]
            ok = "✓" if r.as_expected else "✗"
            verdict = r.status + ("*" if r.erratum else "")
            seconds = "cached" if from_cache else f"{r.seconds:6.1f}"
            _say(f"{r.id:<{width}}  {verdict:<13} {ok} {_evidence_summary(r):<58.58} {seconds}", flush=True)
            shown[0] += 1

    if not args.json:
        _say(f"{'id':<{width}}  {'verdict':<13} {'':1} {'evidence':<58} {'s':>6}")
    results, cached = run_proofs(ids, cache, timeout=timeout, on_result=show_ready)
    bad = [r for r in results if not r.as_expected]
    if args.json:
        _say(json_dumps([{**r.as_dict(), "cached": c} for r, c in zip(results, cached)], indent=2))
    else:
        counts = {s: sum(r.status == s for r in results) for s in ("proved", "refuted", "supported",
                                                                     "demonstrated", "unknown")}
        shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        errata = sum(r.erratum for r in results)
        _say(f"{len(results)} proofs: {shown}; {errata} errata in the seed (marked *); "
              f"{len(results) - len(bad)} as expected; {sum(cached)} from the cache; "
              f"{time.perf_counter() - start:.1f} s" + ("" if cache.on or args.no_cache else f" ({cache.reason})"))
        for r in bad:
            _say(f"NOT AS EXPECTED: {r.id}: expected {r.expected}, got {r.status}: {r.reason}")
    return 0 if not bad else 1


MAX_TITLE = 200


def _proof_seconds() -> float:
    """The per-proof wall-clock limit: $DERIVE_PROOF_SECONDS, else the catalogue's 60 s."""
    from .catalogue import PROOF_SECONDS
    text = os.environ.get(PROOF_SECONDS_ENV, "").strip()
    return _parse_seconds(text, PROOF_SECONDS_ENV) if text else PROOF_SECONDS


def cmd_report(args):
    from .render.report import DEFAULT_TITLE, TEXLIVE_HINT, make_report
    title = DEFAULT_TITLE if args.title is None else args.title
    if len(title) > MAX_TITLE or not title.strip():
        raise ValueError(f"the title must have 1 to {MAX_TITLE} characters")
    timeout = _proof_seconds()

    def progress(message):
        _say(f"derive report: {message}", file=sys.stderr, flush=True)

    from .render.escape import missing_glyphs
    missing = missing_glyphs(title)
    if missing:  # never a silent "?" in the PDF: refused before any proof runs
        shown = ", ".join(f"U+{ord(c):04X}" for c in missing)
        raise ValueError(f"the report's fonts have no glyph for {shown} in the title")

    from .cache import open_cache
    outcome = make_report(args.output, args.ids, title=title, pdf=args.pdf, progress=progress,
                          timeout=timeout, cache=open_cache(enabled=not args.no_cache))
    for path in outcome.written:
        _say(f"wrote {path}")
    results = outcome.results
    proved = sum(r.status == "proved" for r in results)
    refuted = sum(r.status == "refuted" for r in results)
    errata = sum(r.erratum for r in results)
    bad = [r for r in results if not r.as_expected]
    _say(f"{len(results)} proofs, {proved} proved, {refuted} refuted, {errata} errata found"
          + (f"; {len(bad)} not as expected: " + ", ".join(r.id for r in bad) if bad else ""))
    if outcome.pdf == "no TeX":
        _say(f"no PDF: {TEXLIVE_HINT}", file=sys.stderr)
        if args.pdf == "yes":
            return 1
    elif outcome.pdf == "failed":
        _say("derive: error: the PDF did not compile; the .tex is written. LaTeX said:\n"
              + outcome.log, file=sys.stderr)
        return 1
    return 1 if bad else 0


def cmd_audit(args):
    from .notes.cli import run_audit
    return run_audit(args, _say)


COMMANDS = {"audit": cmd_audit, "report": cmd_report, "verify": cmd_verify, "grad": cmd_grad, "list": cmd_list, "show": cmd_show, "check": cmd_check}


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that the same cleanup runs (TeX and workers stopped)."""

    def __init__(self, signum=signal.SIGTERM):
        super().__init__("terminated" if signum == signal.SIGTERM else "hung up")
        self.status = 128 + signum


def _on_terminate(signum, frame):
    raise Terminated(signum)


TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def main(argv=None) -> int:
    """Run the command line; return the exit status.

    Parsing imports neither SymPy nor NumPy: ``--help``, ``--version`` and a
    usage error answer at once.  The ``derive`` script and ``python -m
    derive`` come here through :func:`derive.launch.main`, which has fixed
    the hash seed of a command's interpreter first.
    """
    args = _parser().parse_args(argv)
    if threading.current_thread() is not threading.main_thread():
        return _main(args)
    previous = {signum: signal.signal(signum, _on_terminate) for signum in TERMINATING}
    try:
        return _main(args)
    except Terminated as exc:  # outside a command (while importing, say)
        return _fail(str(exc), exc.status)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _main(args) -> int:
    if args.command is None:
        _parser().print_help()
        return EXIT_BAD_INPUT
    from .graph import GraphError
    from .lang import ParseError
    from .ops import MissingRule
    from .symbols import BadName
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader that has gone is seen here, not in the interpreter's exit
        return status
    except KeyError as exc:  # an unknown proof id
        return _fail(str(exc.args[0]) if exc.args else "unknown key")
    except (ParseError, BadName, GraphError, MissingRule, ValueError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Terminated as exc:
        return _fail(str(exc), exc.status)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:  # derive … | head: the reader has gone, which is no error of ours
        return _reader_gone()
    except Exception as exc:  # a bug: still one line, never a traceback
        return _fail(f"internal error ({type(exc).__name__}: {str(exc)[:200]})", EXIT_UNKNOWN)


if __name__ == "__main__":
    sys.exit(main())
