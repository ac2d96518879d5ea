r"""The audit's reading of LaTeX into the claim language: what it reads, what it refuses, and why.

Each reading is checked through the claim parser (the text must parse) and,
where the formula is a textbook fact, through the verifier.
"""
import pytest
import sympy as sp

from derive.lang import parse_claim, parse_expression
from derive.notes.translate import Definition, Unreadable, translate

READS = [
    (r"\sigma(x)=\frac{1}{1+e^{-x}}", "sigmoid(x)", "1/(1 + exp(-x))"),
    (r"\sigma'(x)=\sigma(x)\left(1-\sigma(x)\right)", "diff(sigmoid(x), x)", "sigmoid(x)*(1 - sigmoid(x))"),
    (r"\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}", "tanh(x)", "(exp(x) - exp(-x))/(exp(x) + exp(-x))"),
    (r"\text{ReLU}(x) = \max(0, x)", "relu(x)", "Max(0, x)"),  # pointwise: max(f, x) would be a supremum
    (r"\|w\|_2=\sqrt{\sum_{i=1}^n w_i^2}", "norm(w)", "sqrt(sum(w[i]**2, (i, 1, n)))"),
    (r"\|w\|_1 = \sum_{i=1}^{n} |w_i|", "norm(w, 1)", "sum(abs(w[i]), (i, 1, n))"),
    (r"\frac{d}{dx}\ln x = \frac{1}{x}", "diff(log(x), x)", "1/x"),
    (r"\frac{\mathrm{d}}{\mathrm{d}x} e^{2x} = 2e^{2x}", "diff(exp(2*x), x)", "2*exp(2*x)"),
    (r"\log_2 8 = 3", "log(8)/log(2)", "3"),
    (r"\lim_{x \to \infty} \sigma(x) = 1", "limit(sigmoid(x), x, oo)", "1"),
    (r"\max_x \sigma'(x) = \frac14", "max(diff(sigmoid(x), x), x)", "1/4"),
    (r"-\sum_{j=1}^{q} y_j \log \hat{y}_j \ge 0", "-sum(y[j]*log(y_hat[j]), (j, 1, q))", "0"),
    (r"\left| a b \right| = |a| \cdot |b|", "abs(a*b)", "abs(a)*abs(b)"),
    (r"(a+b)^2 \leq 2(a^2+b^2)", "(a + b)**2", "2*(a**2 + b**2)"),
    (r"\dfrac{\partial}{\partial w}\left(\frac{1}{2}(wx-y)^2\right) = (wx - y)x", "diff((1/2*(w*x - y)**2), w)",
     "(w*x - y)*x"),
    (r"f(x)=\begin{cases} x, & x>0 \\ \alpha(e^{x}-1), & x\le 0 \end{cases}", "f(x)",
     "where(x > 0, x, alpha*(exp(x) - 1))"),
    # scripts written on a call's closing parenthesis: a power, or softmax's entry
    (r"\tanh'(x) = 1 - \tanh(x)^2", "diff(tanh(x), x)", "1 - tanh(x)**2"),
    (r"\sigma(x)^{2} + \log(x)^2 \ge 0", "sigmoid(x)**2 + log(x)**2", "0"),
    (r"\max(a, b)^2 = \max(a^2, b^2)", "Max(a, b)**2", "Max(a**2, b**2)"),
    (r"\sigma'(x)^2 \le \frac{1}{16}", "diff(sigmoid(x), x)**2", "1/16"),
    (r"\mathrm{softmax}(z)_1 = \sigma(z_1 - z_2)", "softmax(z)[1]", "sigmoid(z_1 - z_2)"),
    (r"\sigma((x)^2) \le 1", "sigmoid(x**2)", "1"),
    # a second derivative, its power written on the variable: d²/dz² = (d/dz)²
    (r"\frac{d^2}{dz^2}\log(1 + e^{z}) = \sigma(z)(1-\sigma(z))", "diff(diff(log(1 + exp(z)), z), z)",
     "sigmoid(z)*(1 - sigmoid(z))"),
    (r"\frac{\mathrm{d}^3}{\mathrm{d}x^3} x^3 = 6", "diff(diff(diff(x**3, x), x), x)", "6"),
    (r"\frac{d}{dx}\arctan x = \frac{1}{1+x^2}", "diff(atan(x), x)", "1/(1 + x**2)"),
]


@pytest.mark.parametrize("source, lhs, rhs", READS, ids=[r[0][:30] for r in READS])
def test_reads_textbook_latex(source, lhs, rhs):
    link = translate(source).links[0]
    assert (link.lhs, link.rhs) == (lhs, rhs)
    if "f(x)" not in lhs:
        parse_claim(f"{link.lhs} {link.rel} {link.rhs}")  # the claim parser reads what was written


def test_relations_and_chains():
    r = translate(r"(x+1)^2 = x^2 + 2x + 1 \ge 2x")
    assert [(l.rel, l.kind) for l in r.links] == [("=", "claim"), (">=", "claim")]
    assert r.links[1].lhs == "x**2 + 2*x + 1"
    assert [l.kind for l in translate(r"\hat y \approx y").links] == ["approx"]
    assert [l.kind for l in translate(r"\theta \leftarrow \theta - \eta g").links] == ["update"]
    assert [l.kind for l in translate(r"L := (y - t)^2").links] == ["define"]
    aligned = translate(r"\begin{aligned} (x+1)^2 &= x^2 + 2x + 1 \\ &\ge 0 \end{aligned}")
    assert [l.rel for l in aligned.links] == ["=", ">="]


def test_equation_numbers_and_tags_are_not_maths():
    assert translate(r"y = wx + b \quad (2)").links[0].rhs == "w*x + b"
    assert translate(r"y = wx + b \tag{3}").links[0].rhs == "w*x + b"


def test_ambiguous_juxtaposition_is_said_not_guessed():
    r = translate(r"x(x-1) = x^2 - x")
    assert r.notes == ["read x(…) as a product"] and r.links[0].lhs == "x*(x - 1)"
    r = translate(r"a b (1-g) = ab - abg")
    assert r.links[0].lhs == "a*b*(1 - g)"
    with pytest.raises(Unreadable, match="not defined"):
        translate(r"g(x+1) = 2")           # g names functions: a call, but of nothing defined
    with pytest.raises(Unreadable, match="not defined"):
        translate(r"1 + f(3) = 10")


def test_definitions_are_heads_and_are_written_out():
    assert translate(r"f(x) = x^2 + 1").head == ("call", "f", ("x",))
    assert translate(r"\text{loss} = (y - t)^2").head == ("name", "loss")
    defs = {"f()": Definition("f", ("x",), "x**2 + 1")}
    assert translate(r"f(2) = 5", defs).links[0].lhs == "((2)**2 + 1)"
    y = {"y": Definition("y", (), "sigmoid(x)", ("x",))}
    assert translate(r"y' = y(1-y)", y).links[0].lhs == "diff(sigmoid(x), x)"
    chain = {"C": Definition("C", (), "(y_4 - y)**2/2"), "y_4": Definition("y_4", (), "sigmoid(z_4)")}
    link = translate(r"\frac{\partial C}{\partial y_4} = y_4 - y", chain).links[0]
    assert link.lhs == "diff(((y_4 - y)**2/2), y_4)"  # C written out down to y_4, not past it
    assert parse_expression(link.lhs) == parse_expression("y_4 - y")


def test_a_derivative_of_an_undefined_name_is_refused():
    # d C / d b with C a plain symbol is 0: refusing is what keeps a correct chain rule from "wrong"
    with pytest.raises(Unreadable, match="C is not defined"):
        translate(r"\frac{\partial C}{\partial b_1} = \frac{\partial C}{\partial y_4}")
    with pytest.raises(Unreadable, match="not defined"):
        translate(r"2x = y'")
    # on the left, a primed name the note never defined is a name of its own (dropout's x′), said so
    r = translate(r"y' = 2x")
    assert r.head == ("name", "y_prime") and r.notes == ["read y′ as a name of its own"]


def test_sum_with_an_unused_index_is_recorded_even_when_a_side_is_unreadable():
    with pytest.raises(Unreadable) as caught:
        translate(r"x(n)*y(n)=\sum_{i=-\infty}^{\infty}x(\tau)y(n-\tau)")
    assert caught.value.reading.unused[0][:2] == ("sum", "i")
    assert translate(r"\sum_{i=1}^{n} c = nc").unused[0][1] == "i"  # recorded; the audit decides


REFUSED = [
    (r"W^T x + b = z", "transpose"),
    (r"\mathbb{E}[m] = p", "no distribution"),
    (r"\begin{pmatrix} 1 & 2 \end{pmatrix} = A", "matrix"),
    (r"x_1 + \cdots + x_n = S", "pattern"),
    (r"a \pm b = c", "±"),
    (r"\input{/etc/passwd} = 1", "does not know"),
    (r"{" * 40 + "x" + "}" * 40 + " = 1", "malformed"),
    (r"h = \operatorname{Dropout}(x)", "does not read"),
    (r"\text{where the sum runs over all samples} = 1", "prose"),
    (r"x + 1", "no relation"),
    (r"\frac{d^2}{dx^3} x = 0", "derivative"),  # orders that disagree
]


@pytest.mark.parametrize("source, why", REFUSED, ids=[r[1] for r in REFUSED])
def test_refuses_with_a_reason(source, why):
    with pytest.raises(Unreadable, match=why):
        translate(source)


def test_output_is_only_names_and_operators_it_checked():
    # a name that would be Python but not a variable is refused, never written into a claim
    for source in (r"\text{__class__} = 1", r"\text{class} = 2", r"\text{import os} = 1", r"\mathrm{None} = 1"):
        with pytest.raises(Unreadable):
            translate(source)
    assert translate(r"\mathrm{lambda} = 2").links[0].lhs == "lam"  # the Greek letter's name, not the keyword


def test_a_primed_function_word_and_a_derivative_through_a_sum():
    from derive.lang import parse_expression
    assert translate(r"\mathrm{ReLU}'(x) = 1").links[0].lhs == "diff(relu(x), x)"
    defs = {"L": Definition("L", (), "sum((w*x[i] - y[i])**2, (i, 1, n))/2")}
    lhs = translate(r"\frac{\partial L}{\partial w} = 0", defs).links[0].lhs
    # the entries x[i], y[i] are constants under d/dw: the rule table differentiates the sum term by term
    got, want = parse_expression(lhs), parse_expression("sum((w*x[i] - y[i])*x[i], (i, 1, n))")
    n = next(s for s in got.free_symbols if s.name == "n")
    assert sp.expand((got - want).subs(n, 3).doit()) == 0
