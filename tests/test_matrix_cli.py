"""``derive grad`` with declared shapes: the matrix reverse pass from the command line, and its safe parser.

Most runs call :func:`derive.cli.main` in this process (as tests/test_fuzz.py does); the
determinism and one hostile input go through a real ``python -m derive`` (tests/processes.py).
"""
import json

import pytest

from derive.matrix import ShapeError
from derive.matrix.expr import node_ref
from derive.matrix.parse import MatrixParseError, matrix_graph, parse_matrix, parse_shape
from processes import run_cli, run_derive

LINEAR = ["grad", "sqnorm(W @ x + b - y)/2", "--shape", "W=m,n", "--shape", "x=n,1", "--shape", "b=m,1",
          "--shape", "y=m,1", "--wrt", "W", "--wrt", "b"]
SOFTMAX = ["grad", "cross_entropy(W @ x + b, y)", "--shape", "W=K,n", "--shape", "x=n", "--shape", "b=K",
           "--shape", "y=K", "--labels", "y", "--wrt", "W", "--wrt", "b"]
SHAPES = ["--shape", "W=m,n", "--shape", "x=n", "--wrt", "W"]


def assert_bad_input(code, out, err):
    assert code == 2, (code, out, err)
    assert out == "" and err.startswith("derive: error:") and err.count("\n") == 1, (out, err)
    assert "Traceback" not in err and "internal error" not in err, err


# -- the textbook examples -------------------------------------------------------------------------

def test_linear_layer_with_squared_loss_gives_the_residual_times_x_transposed():
    code, out, err = run_cli(*LINEAR)
    assert code == 0, err
    lines = out.splitlines()
    assert "    u₁ = W·x + b − y : (m × 1)" in lines and "    f = (1/2)·‖u₁‖² : (1 × 1)" in lines
    assert "  ū₁ = f̄·u₁ : (m × 1)" in lines and "  W̄ = ū₁·xᵀ : (m × n)" in lines and "  b̄ = ū₁ : (m × 1)" in lines
    assert "  ∂f/∂W = u₁·xᵀ : (m × n)" in lines and "        = (W·x + b − y)·xᵀ" in lines
    assert any(line.startswith("check: finite differences, matrix entries") and line.endswith("agrees")
               for line in lines)
    assert any(line.startswith("exact check: exact, entry by entry") and line.endswith("agrees") for line in lines)


def test_softmax_cross_entropy_gives_softmax_minus_the_labels():
    code, out, err = run_cli(*SOFTMAX)
    assert code == 0, err
    lines = out.splitlines()
    assert "  labels y: each column sums to 1" in lines
    assert "  ū₁ = f̄·(softmax(u₁) − y) : (K × 1)" in lines and "  W̄ = ū₁·xᵀ : (K × n)" in lines
    assert "        = (softmax(W·x + b) − y)·xᵀ" in lines and "        = softmax(W·x + b) − y" in lines
    assert out.count("— agrees") == 2


def test_labels_not_declared_a_distribution_keep_their_sum():
    code, out, err = run_cli("grad", "cross_entropy(W @ x + b, y)", "--shape", "W=K,n", "--shape", "x=n",
                             "--shape", "b=K", "--shape", "y=K", "--wrt", "b")
    assert code == 0, err
    assert "  ∂f/∂b = softmax(u₁)·𝟏ᵀ·y − y : (K × 1)" in out.splitlines()


def test_two_layers_show_the_textbook_chain():
    code, out, err = run_cli("grad", "sqnorm(W2 @ tanh(W1 @ x + b1) + b2 - y)/2", "--shape", "W1=m,n",
                             "--shape", "x=n", "--shape", "b1=m", "--shape", "W2=q,m", "--shape", "b2=q",
                             "--shape", "y=q", "--wrt", "W1", "--wrt", "W2")
    assert code == 0, err
    for line in ("    u₂ = tanh(u₁) : (m × 1)", "  W̄₂ = ū₃·u₂ᵀ : (q × m)", "  ū₂ = W₂ᵀ·ū₃ : (m × 1)",
                 "  ū₁ = ū₂ ⊙ tanh′(u₁) : (m × 1)", "  W̄₁ = ū₁·xᵀ : (m × n)"):
        assert line in out.splitlines(), out


def test_a_minibatch_mean_shows_its_one_over_B_and_sums_the_bias_over_the_batch():
    code, out, err = run_cli("grad", "cross_entropy(X @ W + b, Y)/B", "--shape", "X=B,n", "--shape", "W=n,K",
                             "--shape", "b=1,K", "--shape", "Y=B,K", "--labels", "Y", "--wrt", "W", "--wrt", "b",
                             "--json")
    assert code == 0, err
    data = json.loads(out)
    assert "  labels Y: each row sums to 1" in data["text"].splitlines()
    assert data["program"][1:] == ["ū₁ = (1/B)·f̄·(softmax(u₁) − Y) : (B × K)", "W̄ = Xᵀ·ū₁ : (n × K)",
                                   "b̄ = 𝟏ᵀ·ū₁ : (1 × K)"]
    assert data["gradient"]["b"] == {"expr": "𝟏ᵀ·(1/B)·(softmax(X·W + b) − Y)",
                                     "in_nodes": "𝟏ᵀ·(1/B)·(softmax(u₁) − Y)", "shape": "(1 × K)"}
    assert data["shapes"] == {"X": ["B", "n"], "W": ["n", "K"], "b": [1, "K"], "Y": ["B", "K"]}
    assert [c["method"] for c in data["checks"]] == ["finite differences, matrix entries", "exact, entry by entry"]
    assert data["passed"] and all(c["passed"] for c in data["checks"]) and data["unfinished"] == []


def test_json_is_deterministic_and_complete():
    first, second = run_derive(*SOFTMAX, "--json"), run_derive(*SOFTMAX, "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and first.stderr == second.stderr == ""
    data = json.loads(first.stdout)
    assert data["expression"] == "CE(W·x + b, y)" and data["wrt"] == ["W", "b"] and data["labels"] == ["y"]
    assert data["gradient"]["W"] == {"expr": "(softmax(W·x + b) − y)·xᵀ", "in_nodes": "(softmax(u₁) − y)·xᵀ",
                                     "shape": "(K × n)"}
    assert data["program"] == ["f̄ = 1 : (1 × 1)", "ū₁ = f̄·(softmax(u₁) − y) : (K × 1)", "W̄ = ū₁·xᵀ : (K × n)",
                               "b̄ = ū₁ : (K × 1)"]
    assert data["graph"][-2:] == ["  u₁ = W·x + b : (K × 1)", "  f = CE(u₁, y) : (1 × 1)"]
    assert {c["method"]: c["passed"] for c in data["checks"]} == {
        "finite differences, matrix entries": True, "exact, entry by entry": True}


def test_the_scalar_path_is_unchanged_without_shapes():
    code, out, err = run_cli("grad", "w*x", "--wrt", "w", "--json")
    data = json.loads(out)
    assert code == 0 and data["gradient"] == {"w": "x"} and data["check"]["passed"], err
    assert "shapes" not in data


def test_a_repeated_wrt_is_one_gradient():
    code, out, err = run_cli(*LINEAR, "--wrt", "W", "--json")
    assert code == 0, err
    assert json.loads(out)["wrt"] == ["W", "b"]


def test_a_variable_called_f_leaves_the_loss_called_L():
    code, out, err = run_cli("grad", "sqnorm(f @ x)", "--shape", "f=m,n", "--shape", "x=n", "--wrt", "f")
    assert code == 0, err
    assert "    L = ‖u₁‖² : (1 × 1)" in out.splitlines() and "  f̄ = ū₁·xᵀ : (m × n)" in out.splitlines()


def test_concrete_shapes_too_large_to_instantiate_are_not_checked():
    code, out, err = run_cli("grad", "sqnorm(W @ x - y)", "--shape", "W=784,256", "--shape", "x=256",
                             "--shape", "y=784", "--wrt", "W", "--json")
    assert code == 3, err
    data = json.loads(out)
    assert data["gradient"]["W"] == {"expr": "2·(W·x − y)·xᵀ", "in_nodes": "2·u₁·xᵀ", "shape": "(784 × 256)"}
    assert data["checks"] == [] and not data["passed"]
    assert data["unfinished"][0]["reason"].startswith("the parameters have 200704 entries")


def test_larger_concrete_shapes_get_finite_differences_only():
    code, out, err = run_cli("grad", "sqnorm(W @ x - y)", "--shape", "W=20,20", "--shape", "x=20",
                             "--shape", "y=20", "--wrt", "W", "--json")
    assert code == 0, err
    assert [c["method"] for c in json.loads(out)["checks"]] == ["finite differences, matrix entries"]


def test_help_mentions_shapes():
    code, out, _ = run_cli("grad", "--help")
    assert code == 0 and "--shape NAME=R,C" in out and "--labels NAME" in out


# -- bad input: one line, exit status 2 -------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["sqnorm(W @ z)", *SHAPES], "'z' has no declared shape"),
    (["sqnorm(x @ W)", *SHAPES], "matrix product x·W: x is (n × 1) and W is (m × n), so 1 ≠ m"),
    (["sqnorm(frob(W @ x))", *SHAPES], "unknown function 'frob'"),
    (["sqnorm(W @ x)", *SHAPES, "--wrt", "q"], "'q' (--wrt) does not occur in the expression"),
    (["sqnorm(W @ x)", *SHAPES, "--shape", "z=3"], "'z' (--shape) does not occur in the expression"),
    (["W @ x", *SHAPES], "the expression is (m × 1); derive grad needs a scalar (1 × 1) expression: sum or norm it"),
    (["sqnorm(W @ x)", "--shape", "W=m,n,k", "--shape", "x=n", "--wrt", "W"], "a shape is NAME=ROWS,COLS"),
    (["sqnorm(W @ x)", "--shape", "W", "--shape", "x=n", "--wrt", "W"], "a shape is NAME=ROWS,COLS"),
    (["sqnorm(W @ x)", "--shape", "W=", "--shape", "x=n", "--wrt", "W"], "a shape is NAME=ROWS,COLS"),
    (["sqnorm(W @ x)", "--shape", "W=(m,n", "--shape", "x=n", "--wrt", "W"], "a shape is NAME=ROWS,COLS"),
    (["sqnorm(W @ x)", "--shape", "W=m n", "--shape", "x=n", "--wrt", "W"], "a shape is NAME=ROWS,COLS"),
    (["sqnorm(W @ x)", "--shape", "W=m,0", "--shape", "x=n", "--wrt", "W"], "a dimension must be a positive"),
    (["sqnorm(W @ x)", "--shape", "W=m,-1", "--shape", "x=n", "--wrt", "W"], "invalid name '-1'"),
    (["sqnorm(W @ x)", "--shape", "W=m,1" + "0" * 12, "--shape", "x=n", "--wrt", "W"], "a dimension must be"),
    (["sqnorm(W @ x)", "--shape", "W=m,n", "--shape", "W=n,m", "--shape", "x=n", "--wrt", "W"],
     "'W' has two --shape declarations"),
    (["sqnorm(W @ x)", "--shape", "W=m,n", "--shape", "x=__n", "--wrt", "W"], "invalid name '__n'"),
    (["sqnorm(W @ x)", "--shape", "W=m,n", "--shape", "x=n", "--shape", "n=1", "--wrt", "W"],
     "'n' is both a variable and a dimension"),
    (["sqnorm(exp @ W)", "--shape", "W=m,n", "--shape", "exp=n", "--wrt", "W"], "'exp' is a function"),
    (["sqnorm(W @ x)", "--labels", "x", "--wrt", "W"], "--labels needs the variables' shapes"),
    (["sqnorm(W @ x)", *SHAPES, "--labels", "W"], "'W' is labels (an input)"),
    (["softmax(W)[0]", *SHAPES], "indexing not allowed"),
    (["sum(softmax(W))", *SHAPES], "softmax of W (m × n): name the axis"),
    (["trace(W)", *SHAPES], "trace of W: it is (m × n), not square"),
    (["cross_entropy(W @ x, x)", *SHAPES], "cross_entropy(W·x, x): W·x is (m × 1) but x is (n × 1)"),
    (["sqnorm(W @ x)**3", *SHAPES], "the only power is the elementwise square x**2"),
    (["sqnorm(2 @ x)", *SHAPES], "@ multiplies two matrices"),
    (["sum(W @ x, 2)", *SHAPES], "an axis is the literal 0"),
    (["sum(W @ x, 0.0)", *SHAPES], "an axis is the literal 0"),
    (["sum(W @ x, 0, 1)", *SHAPES], "sum takes 1 matrix argument and an optional axis 0 or 1, got 3"),
    (["sqnorm(W @ x)/0", *SHAPES], "division by zero"),
    (["sqnorm(W @ x)/(1 - 1)", *SHAPES], "division by zero"),
    (["sqnorm(W @ x) + n", *SHAPES], "a dimension can multiply or divide a matrix expression"),
    (["sqnorm(W @ x)/n**2", *SHAPES], "a dimension is not squared here"),
    (["2*3", *SHAPES], "the expression is a number"),
    (["sigmoid + sqnorm(W @ x)", *SHAPES], "'sigmoid' is a function; call it"),
    (["sqnorm(W @ x) +", *SHAPES], "syntax error"),
    (["", *SHAPES], "empty expression"),
])
def test_bad_input_is_one_line_and_status_2(argv, message):
    code, out, err = run_cli("grad", *argv)
    assert_bad_input(code, out, err)
    assert message in err, err


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "().__class__.__base__.__subclasses__()",
    "sqnorm(x.__class__)", "sqnorm(x.shape)", "sqnorm(x.T.real)",
    "lambda: sqnorm(x)", "(lambda: x)()", "sqnorm(x) if x else x", "sqnorm(x) and x", "(y := sqnorm(x))",
    "eval('sqnorm(x)')", "exec('1')", "open('/etc/passwd')", "getattr(x, 'T')", "x.T.__dict__",
    "sqnorm(x)**99999999999", "sqnorm(x)**10**10**10", "9**9**9 * sqnorm(x)", "2**4096 * sqnorm(x)",
    "sqnorm(x) * " + "*".join(["1e400"] * 12), "1e99999 * sqnorm(x)", "1" * 150 + " * sqnorm(x)",
    "(" * 10000 + "sqnorm(x)" + ")" * 10000, "(" * 60 + "sqnorm(x)" + ")" * 60,
    "sqnorm(x) + " + " + ".join(["x.T @ x"] * 120), "sqnorm(x) + 1" * 400, "sum(" + ", ".join(["x"] * 600) + ")",
    "sum(" + "(" * 20 + "x" + "**2)" * 20 + ")",
    "sum(x, axis=__import__('os'))", "sum(*x)", "sqnorm([x])", "sqnorm({x})", "f'{x}'", "'sqnorm(x)'",
    "b'x' * sqnorm(x)", "1j * sqnorm(x)", "True * sqnorm(x)", "None", "sqnorm(x)\x00", "sqnorm(x)\u202e",
    "sqnorm(x) @@ x", "x.T @ x ^ 2", "x.T @ x % 2", "x.T @ x // 2", "~x", "not x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused(text):
    assert_bad_input(*run_cli("grad", text, "--shape", "x=n", "--wrt", "x"))


def test_hostile_input_through_a_real_process():
    r = run_derive("grad", "__import__('os').system('echo pwned')", "--shape", "x=n", "--wrt", "x")
    assert r.returncode == 2 and r.stdout == "" and "pwned" not in r.stdout + r.stderr.replace("'echo pwned'", "")
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


# -- the parser itself -------------------------------------------------------------------------------

W, X, B = node_ref("W", ("m", "n")), node_ref("X", ("B", "n")), node_ref("x", ("n", 1))
LEAVES = {"W": W, "X": X, "x": B}


@pytest.mark.parametrize("text, shown, shape", [
    ("W.T", "Wᵀ", ("n", "m")),
    ("x**2", "x ⊙ x", ("n", 1)),
    ("x * x", "x ⊙ x", ("n", 1)),
    ("x / 2", "(1/2)·x", ("n", 1)),
    ("0.1 * x", "(1/10)·x", ("n", 1)),
    ("2 / x", "2/x", ("n", 1)),
    ("x / x", "x/x", ("n", 1)),
    ("-x + 1", "−x + 1", ("n", 1)),
    ("(1 - 3) * x", "(−2)·x", ("n", 1)),
    ("+x", "x", ("n", 1)),
    ("sigmoid(W @ x)", "σ(W·x)", ("m", 1)),
    ("X @ W.T", "X·Wᵀ", ("B", "m")),
    ("softmax(X, 1)", "softmax(X)", ("B", "n")),
    ("log_softmax(x)", "log softmax(x)", ("n", 1)),
    ("sum(X, 0)", "𝟏ᵀ·X", (1, "n")),
    ("mean(X, 0)", "(1/B)·𝟏ᵀ·X", (1, "n")),
    ("X / B", "(1/B)·X", ("B", "n")),
    ("trace(W.T @ W)", "tr(Wᵀ·W)", (1, 1)),
    ("norm(x) + sqnorm(W)", "‖x‖ + ‖W‖²", (1, 1)),
])
def test_operators_build_the_matrix_expression(text, shown, shape):
    e = parse_matrix(text, LEAVES)
    assert str(e) == shown and tuple(str(d) for d in e.shape) == tuple(str(d) for d in shape)


def test_the_parser_raises_its_own_error_and_shape_errors():
    with pytest.raises(MatrixParseError, match="has no declared shape"):
        parse_matrix("x + z", LEAVES)
    with pytest.raises(ShapeError, match="do not match"):
        parse_matrix("x + W", LEAVES)
    assert issubclass(MatrixParseError, ValueError)


@pytest.mark.parametrize("text, expected", [
    ("W=m,n", ("W", "(m × n)")), ("x=n", ("x", "(n × 1)")), ("x = n , 1", ("x", "(n × 1)")),
    ("X=(B, 784)", ("X", "(B × 784)")), ("b=1,K", ("b", "(1 × K)")),
])
def test_shapes_are_read(text, expected):
    from derive.matrix.shapes import shape_text
    name, shape = parse_shape(text)
    assert (name, shape_text(shape)) == expected


def test_each_function_argument_becomes_a_node_once():
    g, f = matrix_graph("sqnorm(tanh(W @ x)) + sum(tanh(W @ x))", {"W": ("m", "n"), "x": ("n", 1)}, wrt=["W"])
    assert [(n.name, str(n.expr)) for n in g.nodes if n.kind == "let"] == [
        ("u1", "W·x"), ("u2", "tanh(u₁)"), ("f", "‖u₂‖² + 𝟏ᵀ·u₂")]
    d = g.grad(f, g["W"])
    assert str(d.factors) == "((𝟏 + 2·u₂) ⊙ tanh′(u₁))·xᵀ" and d.check().passed
