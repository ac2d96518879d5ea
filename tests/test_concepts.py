"""The library of standard definitions (derive.notes.concepts): matches, differences, and silence.

Each note formula below is one link ``lhs = rhs`` as the audit's translator
writes it.  A correct formula must *match* its concept (a proved claim); a
planted error of a kind textbooks make must *differ* (a refuted claim, with a
certified counterexample) and the statement must say what is wrong; words
alone, unrelated formulas and undecidable comparisons must give None.
"""
from __future__ import annotations

import pytest

from derive.lang import parse_expression
from derive.notes.concept_sums import Abstraction, _sign
from derive.notes.concepts import CONCEPTS, CONCEPTS_BY_KEY, claim_text, compare
from derive.render.rich import markup_problems

# (lhs, rhs, context, concept key, matched_by)
MATCHES = [
    ("real_loss", "loss + lam*sum(abs(w[i]), (i, 1, n))", "L1 正则化", "l1-penalty", "words and structure"),
    ("real_loss", "loss + lam/2*sum(w[i]**2, (i, 1, n))", "weight decay", "l2-penalty", "words and structure"),
    ("norm(w)", "sqrt(sum(w[i]**2, (i, 1, n)))", "", "l2-norm", "structure"),
    ("L", "sum((y_hat[i] - y[i])**2, (i, 1, n))/(2*n)", "mean squared error", "mse", "words and structure"),
    ("l", "(y - y_hat)**2/2", "squared loss", "least-squares", "words and structure"),
    ("L", "-sum(y[i]*log(y_hat[i]), (i, 1, n))", "交叉熵损失", "cross-entropy", "words and structure"),
    ("l", "-(y*log(p) + (1 - y)*log(1 - p))", "", "binary-cross-entropy", "structure"),
    ("softmax(z)[i]", "exp(z[i])/sum(exp(z[j]), (j, 1, n))", "", "softmax", "structure"),
    ("p[i]", "exp(z[i]/T)/sum(exp(z[j]/T), (j, 1, n))", "知识蒸馏中的温度", "softmax-temperature", "words and structure"),
    ("log(softmax(z)[i])", "z[i] - logsumexp(z)", "", "log-softmax", "structure"),
    ("logsumexp(z)", "max(z) + log(sum(exp(z[j] - max(z)), (j, 1, n)))", "数值稳定", "log-sum-exp",
     "words and structure"),
    ("h2", "m*h/p", "inverted dropout with keep probability p", "inverted-dropout", "words"),
    ("h_test", "(1 - p)*h", "dropout at test time", "dropout", "words"),
    ("y", "gamma*(x - mu)/sqrt(var + eps) + beta", "层归一化 (LayerNorm)", "layernorm", "words"),
    ("g", "g*Min(1, c/norm(g))", "gradient clipping by norm", "clip-by-norm", "words"),
    ("w", "w - eta*diff(L, w)", "", "sgd", "structure"),
    ("v", "mu*v - eta*g", "momentum", "momentum", "words and structure"),
    ("v", "beta_2*v + (1 - beta_2)*g**2", "Adam", "adam-second-moment", "words and structure"),
    ("m_hat", "m/(1 - beta_1**t)", "", "adam-bias-correction", "structure"),
    ("tanh(x)", "2*sigmoid(2*x) - 1", "", "tanh", "structure"),
    ("elu(x, a)", "where(x > 0, x, a*(exp(x) - 1))", "", "elu", "structure"),
    ("diff(relu(x), x)", "where(x >= 0, 1, 0)", "", "relu-derivative", "structure"),
    ("diff(gelu(x), x)", "(1 + erf(x/sqrt(2)))/2 + x*exp(-x**2/2)/sqrt(2*pi)", "", "gelu-derivative", "structure"),
    ("a", "sqrt(6/(n_in + n_out))", "Glorot uniform", "xavier-init", "words"),
    ("o", "floor((n + 2*p - k)/s) + 1", "卷积层的输出大小", "conv-output-size", "words"),
    ("y[i]", "sum(x[i - k]*w[k], (k, 1, K))", "convolution", "convolution", "words"),
    ("score", "dot(q, k)/sqrt(d_k)", "scaled dot-product attention", "attention-scaling", "words and structure"),
    ("y_i", "exp(o_i)/sum(exp(o[k]), (k, 1, q))", "softmax 回归", "softmax", "words and structure"),
    ("relu(x)", "where(x > 0, x, 0)", "", "relu", "structure"),
    ("diff(sigmoid(x), x)", "exp(-x)/(1 + exp(-x))**2", "", "sigmoid-derivative", "structure"),
    ("diff(leaky_relu(x, a), x)", "where(x > 0, 1, a)", "", "leaky-relu-derivative", "structure"),
    ("g", "Min(Max(g, -c), c)", "clip by value", "clip-by-value", "words"),
    ("m", "beta_1*m + (1 - beta_1)*g", "", "adam-first-moment", "structure"),
    ("theta", "theta - eta*m_hat/(sqrt(v_hat) + epsilon)", "", "adam-update", "structure"),
    ("theta", "theta - v", "Nesterov momentum", "momentum-step", "words"),
    ("o", "floor((n - f)/s) + 1", "最大池化", "pool-output-size", "words"),
    ("x_hat", "(x - mu)/sqrt(sigma**2 + epsilon)", "批量归一化", "batchnorm", "words"),
    ("h2", "(1 - p)*h", "dropout", "dropout", "words"),
]

# (lhs, rhs, context, concept key, what the statement must say)
DIFFERS = [
    ("real_loss", "loss - lam*sum(abs(w[i]), (i, 1, n))", "L1 正则化", "l1-penalty", "subtracted"),
    ("real_loss", "loss - lam/2*sum(w[i]**2, (i, 1, n))", "", "l2-penalty", "subtracted"),
    ("norm(w)", "sum(w[i]**2, (i, 1, n))", "", "l2-norm", "square root is missing"),
    ("norm(w, 1)", "sum(w[i], (i, 1, n))", "", "l1-norm", "absolute values"),
    ("L", "2*sum((y[i] - y_hat[i])**2, (i, 1, n))/n", "MSE", "mse", "neither"),
    ("l", "-(p*log(y) + (1 - p)*log(1 - y))", "binary cross-entropy", "binary-cross-entropy", "roles are swapped"),
    ("y_hat[i]", "exp(z[i])/sum(z[j], (j, 1, n))", "softmax", "softmax", "exponentials"),
    ("p[i]", "exp(z[i]*T)/sum(exp(z[j]*T), (j, 1, n))", "temperature", "softmax-temperature", "multiplied"),
    ("logsumexp(z)", "max(z) + log(sum(exp(z[j]), (j, 1, n)))", "", "log-sum-exp", "not subtracted"),
    ("h2", "h*(1 - p)", "inverted dropout", "inverted-dropout", "not inverted"),
    ("x_hat", "(x - mu)/(sigma**2 + epsilon)", "BatchNorm", "batchnorm", "square root is missing"),
    ("g", "g*norm(g)/c", "gradient clipping", "clip-by-norm", "inverted"),
    ("theta", "theta + eta*g", "梯度下降", "sgd", "up the gradient"),
    ("v", "(1 - beta)*v + beta*g", "momentum", "momentum", "swapped"),
    ("v", "beta_2*v + (1 - beta_2)*g", "", "adam-second-moment", "squared"),
    ("m_hat", "m/(1 - beta_1)", "Adam", "adam-bias-correction", "power"),
    ("sigmoid(x)", "1/(1 + exp(x))", "", "sigmoid", "sign is flipped"),
    ("diff(tanh(x), x)", "1 + tanh(x)**2", "", "tanh-derivative", "plus"),
    ("gelu(x)", "0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))", "", "gelu", "tanh approximation"),
    ("Var_W", "2/n_in", "Xavier 初始化", "xavier-init", "He"),
    ("Var_W", "1/n_in", "Kaiming 初始化 (ReLU)", "he-init", "Xavier"),
    ("y[i]", "sum(x[i - k]*w[k], (k, 1, K))", "互相关 (cross-correlation)", "cross-correlation", "flipped"),
    ("score", "dot(q, k)/d_k", "attention", "attention-scaling", "not by"),
    ("L", "sum((y[i] - y_hat[i])**2, (i, 1, n - 1))/n", "均方误差 (MSE)", "mse", "neither"),
    ("leaky_relu(x, a)", "where(x > 0, a*x, x)", "", "leaky-relu", "swapped"),
    ("diff(elu(x, a), x)", "where(x > 0, 1, a*(exp(x) - 1))", "", "elu-derivative", "not its slope"),
    ("log(softmax(z)[i])", "logsumexp(z) - z[i]", "", "log-softmax", "sign is flipped"),
]

# (lhs, rhs, context): no concept applies, or nothing can be decided
SILENT = [
    ("y", "x**2 + 1", "L2 norm, softmax, dropout, BatchNorm, Adam, ReLU, cross-entropy, Xavier, attention"),
    ("f", "a*b", "inverted dropout with probability p"),
    ("z", "w*x + b", "a linear layer, then ReLU"),
    ("x", "(x - mu)/sigma", "batch normalization"),
    ("r", "sum(w[i]**2, (i, 1, n))", "the L2 norm"),
    ("L", "log(sum(exp(z[j]), (j, 1, n))) - z[y]", "the softmax cross-entropy"),  # −log softmax, not log softmax
    ("L", "2*sum((y[i] - y_hat[i])**2, (i, 1, n))/n", ""),  # structure alone, and no known mistake
    ("w", "w + alpha*diff(L, w)", ""),  # gradient ascent is a thing: without words, no verdict
    ("relu(x)", "max(0, x)", ""),  # max(0, x) reads as a supremum over x: a translation slip, not a finding
    ("H", "-sum(p[i]*log(p[i]), (i, 1, n))", "cross-entropy"),  # an entropy, not a cross-entropy
    ("x**2 + 1", "loss + lam*sum(w[i]**2, (i, 1, n))", "L2 正则化"),  # the lhs is not a name the rhs defines
    ("o", "(x*norm(w))**2 + n_out", ""),  # x² is not a penalty's weight
    ("x", "1/0", ""),
    ("x", "__import__('os')", ""),
]


@pytest.fixture(scope="module", params=MATCHES, ids=lambda case: case[3])
def matched(request):
    lhs, rhs, context, key, by = request.param
    return compare(lhs, rhs, context), key, by


@pytest.fixture(scope="module", params=DIFFERS, ids=lambda case: case[3])
def differed(request):
    lhs, rhs, context, key, said = request.param
    return compare(lhs, rhs, context), key, said


def test_correct_formula_matches(matched):
    found, key, by = matched
    assert found is not None, f"{key}: no comparison"
    assert (found.concept.key, found.outcome, found.matched_by) == (key, "matches", by)
    assert found.verdict.status == "proved" and found.correction is None
    assert found.claim == found.verdict.claim and markup_problems(found.statement) == []


def test_planted_error_differs(differed):
    found, key, said = differed
    assert found is not None, f"{key}: no comparison"
    assert (found.concept.key, found.outcome) == (key, "differs")
    assert found.verdict.status == "refuted" and found.verdict.counterexample
    assert said in found.statement, found.statement
    assert found.correction and markup_problems(found.statement) == markup_problems(found.correction) == []


@pytest.mark.parametrize("lhs, rhs, context", SILENT, ids=range(len(SILENT)))
def test_silent_when_no_concept_fits_or_nothing_is_decided(lhs, rhs, context):
    assert compare(lhs, rhs, context) is None


def test_a_difference_only_at_the_kink_is_a_convention_not_an_error():
    """relu'(0) is a convention: a formula that differs from both only at 0 gives no verdict."""
    assert compare("diff(relu(x), x)", "where(x > 0, 1, where(x < 0, 0, 1/2))", "") is None
    assert compare("diff(relu(x), x)", "where(x > 0, x, 0)", "").outcome == "differs"


def test_conventions_are_named():
    keep = compare("h2", "h/p", "inverted dropout, keep probability p")
    drop = compare("h2", "h/(1 - p)", "inverted dropout")
    assert "keep probability" in keep.statement and "drop probability" in drop.statement


def test_a_penalty_with_the_wrong_sign_is_refuted_through_its_property():
    found = compare("real_loss", "loss - lam*sum(abs(w[i]), (i, 1, n))", "")
    assert found.claim == "loss - lam*sum(abs(w[i]), (i, 1, n)) >= loss"
    assert found.assumptions[0] == "lam > 0" and found.verdict.counterexample["lam"] == "1"


def test_every_concept_is_tested():
    tested = {case[3] for case in MATCHES + DIFFERS}
    assert tested <= set(CONCEPTS_BY_KEY)
    missing = [c.key for c in CONCEPTS if c.key not in tested]
    assert not missing, missing


def test_table():
    keys = [c.key for c in CONCEPTS]
    assert len(keys) >= 25 and len(set(keys)) == len(keys) and CONCEPTS_BY_KEY["mse"].name == "mean squared error"
    for c in CONCEPTS:
        assert c.words and all(w == w.lower() for w in c.words), c.key
        assert markup_problems(c.canonical) == [] and markup_problems(c.properties) == [], c.key


def test_sum_signs_are_only_claimed_when_every_term_has_them():
    """A proof may use 'S >= 0' for a sum only if each term is ≥ 0 whatever the entries are."""
    read = parse_expression
    assert _sign(read("sum(x[i + k]*w[k], (k, 1, K))")) is None
    assert _sign(read("sum(q[i]*k[i], (i, 1, n))")) is None
    assert _sign(read("sum(w[i]**2, (i, 1, n))")) == ">= 0"
    assert _sign(read("sum(exp(z[i]), (i, 1, n))")) == "> 0"
    assert _sign(read("sum(exp(z[i]), (i, 1, m))")) == "> 0"
    joined, split = read("sum(x[i] + y[i], (i, 1, n))"), read("sum(y[j], (j, 1, n)) + sum(x[j], (j, 1, n))")
    ab = Abstraction(joined, split)
    assert ab.numbers(joined) == ab.numbers(split)
    double, other = read("sum(sum(x[i + j], (j, 1, m)), (i, 1, n))"), read("sum(sum(x[2*j], (j, 1, m)), (i, 1, n))")
    ab = Abstraction(double, other)
    assert ab.numbers(double) != ab.numbers(other)  # no index of a double sum is renamed into another


@pytest.mark.parametrize("text", ["where(x >= 0, 1, a*exp(x))", "sum(abs(w[i]), (i, 1, n))/n",
                                  "floor((n + 2*p - k)/s) + ceil(x)", "norm(g, 1)*dot(q, k) + softmax(z)[2]",
                                  "sum(sum(x[i + j]*w[j], (j, 1, m)), (i, 1, n)) + prod(p[i], (i, 1, 3))"])
def test_claim_text_reads_back(text):
    expr = parse_expression(text)
    assert parse_expression(claim_text(expr)) == expr
