"""Fuzzing with Hypothesis: the claim grammar, the graph builder and the LaTeX escaper.

* claims, well-formed and malformed, through the library (verify) and the
  command line (derive.cli.main in this process, so that many cases stay
  fast; tests/test_adversarial.py runs the real ``python -m derive``): each
  gets a verdict or a one-line error with exit status 2, within its time
  limit, never a traceback;
* random graphs over every operation of the rule table: the reverse pass
  against sympy.diff of the closed form (written with exp and Piecewise,
  so SymPy does not reuse the rule table) at 30 digits, and against
  central finite differences;
* random text over the characters escape() maps to text, compiled in
  batches of 40 strings per document, must come back literally from the
  PDF's text layer.

Every search is derandomized (the same cases on every run) and bounded.
"""
import json
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from derive import elu, leaky_relu, relu, sigmoid, softplus
from derive.ops import kinks
from derive.ops import to_elementary
from derive.graph import Graph, softmax
from derive.render.escape import escape
from derive.lang import ParseError
from derive.render.report import DOCUMENT_END, DOCUMENT_START, PREAMBLE, compile_pdf, tex_available
from derive.verifier import EXIT_CODES, Verdict, verify
from processes import run_cli

VERIFY_LIMIT = 3.0  # the verifier's wall-clock limit for a fuzzed claim
BUILD_LIMIT = 5.0  # derive.lang.expressions.BUILD_SECONDS: the parser's own backstop, in this process


GRAD_LIMIT = 30.0  # derive grad's limit (derive/cli.py)


def guard(limit):
    """A bound on the wall time of a step limited to ``limit`` s: ten times over, so that only a
    hang fails it, never a loaded machine (CI may be busy)."""
    return 10 * limit


def fuzz(examples):
    return settings(deadline=None, max_examples=examples, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the claim grammar --------------------------------------------------------------------

LEAVES = st.sampled_from(["x", "y", "w", "0", "1", "2", "3", "0.5", "1/3", "-1", "100", "1000", "-1000", "1e3",
                          "1e-3", "-0.0", "5e-324", "1.7976931348623157e308", "pi", "E", "2**4095"])
ONE_ARG = ["exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softplus", "floor", "ceil"]
EXPRESSIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(ONE_ARG), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["Max", "Min", "leaky_relu", "elu"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(["diff", "max", "min"]), inner, st.sampled_from(["x", "y", "w"])).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        inner.map(lambda t: f"-({t})"),
    ),
    max_leaves=8,
)
RELATIONS = st.sampled_from(["=", "==", "<=", "<", ">=", ">"])
CLAIMS = st.tuples(EXPRESSIONS, RELATIONS, EXPRESSIONS).map(" ".join)
ASSUMPTIONS = st.lists(st.sampled_from(["x > 0", "w in (0, 1)", "y integer >= 1", "x in [-1, 1]", "w < 0"]),
                       max_size=2, unique=True)

TOKENS = ["x", "y", "2", "0", ".", "e", "5", "+", "-", "*", "/", "**", "^", "(", ")", "[", "]", ",", " ", "_",
          "=", "==", "<", "<=", ">", "!", "exp", "log", "sigmoid", "relu", "Max", "diff", "max", "pi", "nan",
          "inf", "lambda", ":", "__class__", ".real", "'", '"', "\\", "{", "}", "%", "#", "\n", "\t", "\x00",
          "σ", "≤", "−", "١", "x\u0301", "\ufeff", "𝑥"]
JUNK = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@st.composite
def mutated_claims(draw):
    """A well-formed claim with one character deleted, inserted or replaced."""
    claim = draw(CLAIMS)
    i = draw(st.integers(0, len(claim)))
    char = draw(st.sampled_from(list("()=<>*+-/.,e0x _'\\\x00σ")))
    how = draw(st.sampled_from(["delete", "insert", "replace"]))
    if how == "delete":
        return claim[:i] + claim[i + 1:]
    return claim[:i] + char + claim[i + (how == "replace"):]


MALFORMED = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join), mutated_claims(), JUNK)


def check_verdict(verdict):
    assert isinstance(verdict, Verdict)
    assert verdict.status in EXIT_CODES and verdict.exit_code == EXIT_CODES[verdict.status]
    if verdict.status == "refuted":
        assert verdict.counterexample is not None
    if verdict.status == "unknown":
        assert verdict.reason and "\n" not in verdict.reason
        assert "Traceback" not in verdict.reason


@fuzz(25)
@given(CLAIMS, ASSUMPTIONS)
def test_well_formed_claims_get_a_verdict_or_a_one_line_error_in_time(claim, assume):
    start = time.monotonic()
    try:
        verdict = verify(claim, assume, timeout=VERIFY_LIMIT)
    except ParseError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 500
        event("refused: ParseError")
    else:
        check_verdict(verdict)
        event(f"verdict: {verdict.status}")
        if verdict.status == "unknown" and "timed out" in verdict.reason:
            assert f"{VERIFY_LIMIT:g} s" in verdict.reason
    assert time.monotonic() - start < guard(VERIFY_LIMIT + BUILD_LIMIT)


def assert_cli_contract(code, out, err, allowed=(0, 1, 2, 3)):
    assert code in allowed, (code, out, err)
    assert "Traceback" not in out + err and "internal error" not in err, err
    if code == 2:
        assert out == "" and err.startswith("derive: error:") and err.count("\n") == 1, (out, err)


@fuzz(100)
@given(MALFORMED, st.sampled_from(["verify", "grad"]))
def test_malformed_input_through_the_cli_is_a_one_line_error(text, command):
    start = time.monotonic()
    if command == "verify":
        code, out, err = run_cli("verify", text, "--timeout", "2")
    else:
        code, out, err = run_cli("grad", text, "--wrt", "x")
    assert_cli_contract(code, out, err)
    event(f"{command}: exit {code}")
    if code == 3:
        assert (out and "verdict   UNKNOWN" in out) or err.startswith("derive: error:"), (out, err)
    assert time.monotonic() - start < guard(GRAD_LIMIT + BUILD_LIMIT)  # grad's own limit is the longer


@fuzz(20)
@given(CLAIMS, st.lists(st.one_of(st.sampled_from(["x > 0", "w in (0, 1)", "q > 0", "x in (1, 0)", "x <",
                                                   "y integer", "0 < w < 1", "x in (0, 1e999)"]), JUNK),
                        max_size=2))
def test_claims_with_random_assumptions_through_the_cli(claim, assume):
    argv = ["verify", claim, "--json", "--timeout", "2"]
    for condition in assume:
        argv += ["--assume", condition]
    code, out, err = run_cli(*argv)
    assert_cli_contract(code, out, err)
    event(f"exit {code}")
    if code in (0, 1) or (code == 3 and out):
        data = json.loads(out)
        assert data["status"] in EXIT_CODES and EXIT_CODES[data["status"]] == code


def test_claims_that_start_with_a_minus_sign_are_claims_not_options():
    """argparse took "-(x)**2<=0" for an unknown option; a claim may start with a minus sign."""
    code, out, err = run_cli("verify", "-(x)**2<=0", "--timeout", "20")
    assert code == 0, err
    assert "PROVED" in out
    code, out, err = run_cli("verify", "-x**2<=0", "--json", "--timeout", "20")
    assert code == 0, err
    code, out, err = run_cli("grad", "-(w*x)**2", "--wrt", "w")
    assert code == 0, err
    code, out, err = run_cli("verify", "x = 1", "--no-such-option")
    assert code == 2 and "unrecognized arguments" in err


# -- the graph builder --------------------------------------------------------------------

HALF, TENTH = sp.Rational(1, 2), sp.Rational(1, 10)
OPS = {  # name: (arity, builder); arguments kept inside each operation's domain
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b**2 + 1)),
    "pow": (2, lambda a, b: (a**2 + 1) ** (b / 4)),
    "pow-int": (1, lambda a: a**3),
    "sqrt": (1, lambda a: sp.sqrt(a**2 + 1)),
    "exp": (1, lambda a: sp.exp(a / 4)),
    "log": (1, lambda a: sp.log(a**2 + 1)),
    "tanh": (1, sp.tanh),
    "abs": (1, sp.Abs),
    "max": (2, sp.Max),
    "min": (2, sp.Min),
    "floor": (1, lambda a: sp.floor(3 * a) + a),
    "ceil": (1, lambda a: sp.ceiling(3 * a) * a),
    "sign": (1, lambda a: sp.sign(a) * a**2),
    "sigmoid": (1, sigmoid),
    "softplus": (1, softplus),
    "relu": (1, relu),
    "leaky_relu": (1, lambda a: leaky_relu(a, TENTH)),
    "elu": (1, lambda a: elu(a, 2)),
    "softmax": (None, None),  # a family node over 2 or 3 distinct earlier nodes
}
POINT = st.tuples(*[st.integers(-1800, 1800).map(lambda k: Fraction(k, 1000) + Fraction(1, 7919))] * 3)


@st.composite
def programs(draw):
    steps = []
    for i in range(draw(st.integers(1, 6))):
        pool = 3 + i
        op = draw(st.sampled_from(sorted(OPS)))
        recent = st.integers(max(0, pool - 4), pool - 1)
        if op == "softmax":
            width = draw(st.integers(2, min(3, pool)))
            args = draw(st.lists(st.integers(0, pool - 1), min_size=width, max_size=width, unique=True))
            steps.append((op, tuple(args), draw(st.integers(0, width - 1))))
        else:
            args = tuple(draw(st.one_of(recent, st.integers(0, pool - 1))) for _ in range(OPS[op][0]))
            steps.append((op, args, None))
    return steps


def build(steps):
    g = Graph()
    pool = [g.input("x"), g.param("w"), g.param("b")]
    for i, (op, args, component) in enumerate(steps):
        if op == "softmax":
            family = g.let(f"p{i}", softmax([pool[a] for a in args]))
            pool.append(family[component])
        else:
            pool.append(g.let(f"v{i}", OPS[op][1](*(pool[a] for a in args))))
    return g, pool[-1]


def _no_derivative_of_a_step(expr):
    """sympy.diff leaves d floor(u)/dx unevaluated; away from the jumps (the only points used) it is 0."""
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, (sp.floor, sp.ceiling)),
                        lambda e: sp.S.Zero)
    # the chain rule wraps it: Subs(Derivative(floor(ξ), ξ), ξ, u), now Subs(0, ξ, u)
    return expr.replace(lambda e: isinstance(e, sp.Subs) and e.expr == 0, lambda e: sp.S.Zero)


def compare_with_sympy_and_finite_differences(g, out, points):
    wrt = [g["x"], g["w"], g["b"]]
    grad = g.grad(out, wrt)
    closed = g.closed_form(out)
    elementary = to_elementary(closed)
    reference = [_no_derivative_of_a_step(sp.diff(elementary, w)) for w in wrt]
    edges = kinks(closed)
    compared = 0
    with mpmath.workdps(45):
        for values in points:
            point = {s: sp.Float(sp.Rational(v.numerator, v.denominator), 45) for s, v in zip(wrt, values)}
            if any(abs(sp.N(k.xreplace(point), 30)) < 1e-6 for k in edges):
                continue  # at or next to a kink: the conventions differ there
            for w, ours, theirs in zip(wrt, grad.expr, reference):
                a = sp.N(to_elementary(ours).xreplace(point), 30)
                b = sp.N(theirs.xreplace(point), 30)
                if not (a.is_real and b.is_real and a.is_finite and b.is_finite):
                    continue
                assert abs(a - b) <= sp.Float("1e-20") * max(1, abs(b)), (w, point, a, b, closed)
                compared += 1
    evidence = grad.check(n=30, seed=0)
    assert evidence.passed, (str(evidence), closed)
    return compared


@fuzz(100)
@given(programs(), st.lists(POINT, min_size=2, max_size=3))
def test_random_graphs_match_sympy_diff_and_finite_differences(steps, points):
    g, out = build(steps)
    compared = compare_with_sympy_and_finite_differences(g, out, points)
    event(f"partials compared with sympy.diff: {'none' if not compared else 'some'}")
    for op, _, _ in steps:
        event(f"op {op}")


@pytest.mark.parametrize("op", sorted(OPS))
def test_every_operation_in_a_graph_matches_sympy_diff_and_finite_differences(op):
    if op == "softmax":
        steps = [("add", (0, 1), None), ("softmax", (0, 2, 3), 1), ("mul", (4, 1), None)]
    else:
        arity = OPS[op][0]
        steps = [("add", (0, 1), None), ("mul", (3, 2), None), (op, (4, 2)[:arity], None)]
    g, out = build(steps)
    points = [(Fraction(k, 7) + Fraction(1, 7919), Fraction(3 - k, 5), Fraction(k, 11) - Fraction(1, 3))
              for k in range(-3, 4)]
    assert compare_with_sympy_and_finite_differences(g, out, points) >= 9


@fuzz(25)
@given(EXPRESSIONS.filter(lambda t: "diff(" not in t and "max(" not in t and "min(" not in t), st.data())
def test_graphs_of_parsed_expressions_through_derive_grad(text, data):
    """``derive grad``: the graph the builder makes of a parsed expression, its gradient checked."""
    names = sorted(set(re.findall(r"\b[xyw]\b", text))) or ["x"]
    if not re.search(r"\b[xyw]\b", text):
        text = f"({text})*x"
    wrt = data.draw(st.sampled_from(names))
    code, out, err = run_cli("grad", text, "--wrt", wrt, "--json")
    assert_cli_contract(code, out, err, allowed=(0, 2, 3))
    event(f"exit {code}")
    if code == 0:
        result = json.loads(out)
        assert result["check"]["passed"] and set(result["gradient"]) == {wrt}


# -- the LaTeX escaper --------------------------------------------------------------------

GREEK = "αβγδεηθλμπρστφωΣΔ"
MATH_TEXT = "∂∇∞≤≥≈±×·−→⇒⇔∈⌊⌋⌈⌉⟨⟩∀∃∧∨¬⋆ŷô′″√ℝ"
TYPOGRAPHY = "–—‘’“”…⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿ₀₁₂₃₄₅₆₇₈₉₋₊ᵢⱼₖₙ\u00a0\t\n"
ASCII = "".join(chr(c) for c in range(32, 127))
# Characters escape() typesets (never '?'), whose glyphs the PDF's text layer gives back.  Left
# out: ≠ (a slash glyph over '=': the text layer fuses it with its neighbour), ∏ ∑ ∫ (the big
# operator font has no Unicode names: they come back as Q, P, R), and Chinese (needs the CJK
# fonts; test_report covers it).
CHINESE = "梯度消失损失函数正则化的是，。（）：、"  # set by the CJK environment the whole body is in
ALPHABET = ASCII + GREEK + MATH_TEXT + TYPOGRAPHY + CHINESE
# Glyph names that the text layer maps to a look-alike code point.
LOOK_ALIKES = str.maketrans({"∆": "Δ", "µ": "μ", "∥": "‖", "◦": "∘"})
BATCH = 40
HAVE_TEX = tex_available() and shutil.which("pdftotext") is not None


def canonical(text):
    """Compatibility forms (x₁ is x1, … is ...), look-alikes unified, all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).translate(LOOK_ALIKES).split())


def batch_document(texts):
    """One page per batch, wide enough that no unbroken string runs off it."""
    wide = PREAMBLE.replace("[margin=2.2cm]{geometry}", "[paperwidth=150cm,paperheight=150cm,margin=1cm]{geometry}")
    assert wide != PREAMBLE
    lines = [r"\par\noindent BEGIN%dX %s XEND%d" % (i, escape(t), i) for i, t in enumerate(texts)]
    return (wide % {"title": "t", "subject": "s", "keywords": "k"} + DOCUMENT_START
            + r"\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000" + "\n" + "\n".join(lines) + "\n" + DOCUMENT_END)


def pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "batch.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


@pytest.mark.skipif(not HAVE_TEX, reason="TeX Live and poppler-utils are not installed")
@fuzz(3)
@given(st.lists(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=50), min_size=BATCH, max_size=BATCH))
def test_escaped_text_comes_back_literally_from_the_pdf(texts):
    texts = list(texts)
    texts[0] = ASCII  # every TeX special and every other printable ASCII character, every batch
    compiled = compile_pdf(batch_document(texts), timeout=120)
    assert compiled.ok, compiled.log
    with tempfile.TemporaryDirectory() as tmp:
        text = pdf_text(compiled.pdf, Path(tmp))
    for i, original in enumerate(texts):
        found = re.search(r"BEGIN%dX(.*?)XEND%d(?!\d)" % (i, i), text, re.S)
        assert found, (i, original, text[:2000])
        assert canonical(found[1]) == canonical(original), (i, original, found[1])


@pytest.mark.parametrize("typed", ["--", "---", ",,", "``", "''", "!`", "?`", "<<", ">>", "'", "`", "<", ">"])
def test_escape_breaks_every_t1_ligature_of_ascii(typed):
    """Without this, "a--b" printed as "a–b", "<<" as "«" and "'" as "’": not as typed."""
    out = escape(f"a{typed}b")
    assert typed not in out, out


# -- known problems outside the files this suite may change ------------------------------------

def test_softmax_over_a_repeated_node():
    g = Graph()
    x, w = g.input("x"), g.param("w")
    p = g.let("p", softmax([x, x, w]))
    assert g.grad(p[0], [x, w]).check(n=20).passed


def test_grad_of_an_expression_with_a_piecewise_derivative():
    """Graph.from_expr keeps a Piecewise as one node (it rebuilt its ExprCondPairs and failed)."""
    code, out, err = run_cli("grad", "diff(relu(x), x)*x", "--wrt", "x")
    assert code == 0, err
    assert "{1 if x > 0; 0 otherwise}" in out and "agrees" in out


@pytest.mark.parametrize("text, wrt", [("leaky_relu(2**4095, 2)*x", "x"), ("(1.7976931348623157e308)**y", "y")])
def test_grad_with_a_constant_beyond_float64(text, wrt):
    """Such constants reach NumPy as floats (or ±inf), never as Python ints that overflow."""
    code, out, err = run_cli("grad", text, "--wrt", wrt)
    assert "Error" not in err, err
    assert code in (0, 3) and "check:" in out, out
