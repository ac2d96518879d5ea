"""The matrix reverse pass against PyTorch autograd, in float64, on 60 seeded random MLPs.

Each MLP is ``derive.nets.mlp(widths, activation, loss, matrix=True, batch=...)``
with depth 1–4 and widths 1–8; every activation of ``derive.nets.ACTIVATIONS``
meets both losses (½‖ŷ − y‖² and cross-entropy) with and without a batch
(rows are samples, the loss is the mean over them), and twelve more are drawn
at random.  The leaf values come from ``derive.matrix.checks.sample``; PyTorch
recomputes the network from those same values with its own layers
(``F.linear``, its activation functions, ``F.cross_entropy`` with probability
targets) and differentiates it with autograd.  Every entry of every parameter's
gradient must agree to a relative 1e-10: |a − b| ≤ 1e-10·max(1, |b|).

Each activation is PyTorch's documented function with the constants derive
uses (LeakyReLU's slope 1/100, ELU's α = 1, SELU's λ and α, exact GELU).  One
difference: PyTorch's ``softplus`` returns x itself once x > ``threshold``
(20 by default), 7.6e-10 away from log(1 + eˣ) at x = 21 in the value and the
gradient; derive's softplus is log(1 + eˣ) exactly, so it is compared with
``threshold=inf``, PyTorch's own kernel without the shortcut.

torch is an optional test dependency, installed by ``.ci/run``; without it
these tests skip, unless ``DERIVE_REQUIRE_TORCH=1``, which CI sets, turns the
skip into a failure.
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import os
import sys

import numpy as np
import pytest

from derive import nets
from derive.matrix.checks import sample
from derive.matrix.expr import TABLE, make

RTOL = 1e-10
KINK_DISTANCE = 1e-6
N_RANDOM = 12  # MLPs beyond one per (activation, loss, batch) combination
KINKS = {"relu": (0.0,), "leaky_relu": (0.0,), "elu": (0.0,), "selu": (0.0,), "hardtanh": (-1.0, 1.0)}


def require_torch():
    """``torch``, or a skip; a failure instead of the skip when ``DERIVE_REQUIRE_TORCH=1``."""
    if os.environ.get("DERIVE_REQUIRE_TORCH") == "1":
        try:
            return importlib.import_module("torch")
        except ImportError as error:
            pytest.fail(f"DERIVE_REQUIRE_TORCH=1 but torch cannot be imported: {error}")
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def torch_activation(torch, name):
    """PyTorch's function for derive's activation ``name``, with derive's constants."""
    F = torch.nn.functional
    return {
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=0.01),
        "hardtanh": lambda z: F.hardtanh(z, min_val=-1.0, max_val=1.0),
        "sigmoid": torch.sigmoid,
        "softplus": lambda z: F.softplus(z, beta=1.0, threshold=math.inf),  # see the module docstring
        "elu": lambda z: F.elu(z, alpha=1.0),
        "selu": F.selu,
        "gelu": lambda z: F.gelu(z, approximate="none"),
        "silu": F.silu,
        "mish": F.mish,
        "softsign": F.softsign,
    }[name]


# -- the seeded MLPs ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Case:
    widths: tuple
    activation: str
    loss: str
    batch: int | None
    symbolic: bool  # widths (and the batch) given as names, instantiated by ``sizes``
    seed: int

    @property
    def id(self):
        batch = f"B{self.batch}" if self.batch else "vec"
        kind = "sym" if self.symbolic else "int"
        return f"{self.activation}-{self.loss}-{batch}-{'x'.join(map(str, self.widths))}-{kind}-{self.seed}"

    def build(self):
        """``(graph, loss, sizes)`` from ``derive.nets.mlp``."""
        sizes = {}
        widths, batch = self.widths, self.batch
        if self.symbolic:
            widths = tuple(f"n_{l}" for l in range(len(self.widths)))
            sizes = dict(zip(widths, self.widths))
            if batch is not None:
                batch, sizes["B"] = "B", self.batch
        g, loss = nets.mlp(widths, self.activation, self.loss, matrix=True, batch=batch)
        return g, loss, sizes


def _cases():
    rng = np.random.default_rng(20261114)
    combos = [(a, loss, batched) for a in nets.ACTIVATIONS for loss in nets.LOSSES for batched in (False, True)]
    for _ in range(N_RANDOM):
        combos.append((str(rng.choice(list(nets.ACTIVATIONS))), str(rng.choice(nets.LOSSES)), bool(rng.random() < .5)))
    cases = []
    for k, (activation, loss, batched) in enumerate(combos):
        depth = int(rng.integers(1, 5))
        widths = [int(w) for w in rng.integers(1, 9, size=depth + 1)]
        if loss == "cross_entropy" and widths[-1] == 1:
            widths[-1] = int(rng.integers(2, 9))  # one class: the loss is 0 whatever the parameters
        batch = int(rng.integers(1, 7)) if batched else None
        cases.append(Case(tuple(widths), activation, loss, batch, bool(rng.random() < .25), k))
    return cases


CASES = _cases()


def torch_mlp(torch, case, values):
    """The network recomputed by PyTorch from ``values``: ``(loss, {parameter name: leaf tensor})``."""
    F = torch.nn.functional
    phi = torch_activation(torch, case.activation)
    depth = len(case.widths) - 1
    params = {}
    for l in range(1, depth + 1):
        for name in (f"W_{l}", f"b_{l}"):
            params[name] = torch.tensor(values[name], dtype=torch.float64, requires_grad=True)
    if case.batch is None:  # columns: z = W·h + b, W : (n_l × n_{l−1})
        h, y = torch.tensor(values["x"][:, 0]), torch.tensor(values["y"][:, 0])
        layer = lambda h, W, b: F.linear(h, W, b[:, 0])
    else:  # rows are samples: Z = H·W + b, W : (n_{l−1} × n_l)
        h, y = torch.tensor(values["X"]), torch.tensor(values["Y"])
        layer = lambda h, W, b: F.linear(h, W.T, b[0])
    pre = []
    for l in range(1, depth + 1):
        z = layer(h, params[f"W_{l}"], params[f"b_{l}"])
        if l < depth:
            pre.append(z.detach().numpy())
            z = phi(z)
        h = z
    if case.loss == "squared":
        loss = 0.5 * F.mse_loss(h, y, reduction="sum") / (case.batch or 1)
    else:  # probability targets, the mean over the batch
        loss = F.cross_entropy(h, y, reduction="mean" if case.batch else "sum")
    return loss, params, pre


def near_kink(case, pre):
    kinks = KINKS.get(case.activation, ())
    return any(np.any(np.abs(z - k) < KINK_DISTANCE) for z in pre for k in kinks)


def derive_and_torch(torch, case):
    """derive's loss and gradients, and PyTorch's, at the case's seeded point (resampled away from kinks)."""
    g, loss, sizes = case.build()
    params = [g[n.name] for n in g.nodes if n.kind == "param"]
    run = g.grad(loss, params).numeric(sizes)
    rng = np.random.default_rng(case.seed)
    for _ in range(100):
        values = sample(g, run.sizes, rng)
        t_loss, t_params, pre = torch_mlp(torch, case, values)
        if not near_kink(case, pre):
            break
    else:
        raise AssertionError(f"{case.id}: no point away from the kinks in 100 draws")
    t_loss.backward()
    ours_loss, ours = run(values)
    theirs = {name: p.grad.numpy() for name, p in t_params.items()}
    return (ours_loss, ours), (t_loss.item(), theirs)


def disagreement(a, b, rtol=RTOL):
    """Why ``a`` (derive) and ``b`` (torch) disagree, or None: shapes, NaN/inf, or the first entry off."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return f"shapes {a.shape} and {b.shape}"
    for idx in np.ndindex(a.shape):
        x, y = a[idx], b[idx]
        if not (math.isfinite(x) and math.isfinite(y) and abs(x - y) <= rtol * max(1.0, abs(y))):
            return f"entry {list(idx)}: {x!r} vs torch {y!r}"
    return None


def gradient_disagreement(ours, theirs):
    if set(ours) != set(theirs):
        return f"parameters {sorted(ours)} and {sorted(theirs)}"
    for name in ours:
        why = disagreement(ours[name], theirs[name])
        if why:
            return f"∂/∂{name}: {why}"
    return None


# -- the comparison --------------------------------------------------------------------------

def test_the_set_of_mlps_covers_the_issue():
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)
    assert {len(c.widths) - 1 for c in CASES} == {1, 2, 3, 4}
    assert {w for c in CASES for w in c.widths} <= set(range(1, 9)) and 1 in {w for c in CASES for w in c.widths}
    assert {(c.activation, c.loss, c.batch is not None) for c in CASES} == \
        {(a, l, b) for a in nets.ACTIVATIONS for l in nets.LOSSES for b in (False, True)}
    assert any(c.symbolic for c in CASES) and not all(c.symbolic for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradients_agree_with_torch_autograd(torch, case):
    (_, ours), (_, theirs) = derive_and_torch(torch, case)
    why = gradient_disagreement(ours, theirs)
    assert why is None, f"{case.id}: {why}"


def test_loss_values_agree_with_torch(torch):
    for case in CASES:
        (ours, _), (theirs, _) = derive_and_torch(torch, case)
        assert disagreement([ours], [theirs]) is None, f"{case.id}: loss {ours!r} vs torch {theirs!r}"


# -- the comparison can fail ------------------------------------------------------------------

def test_a_transposed_weight_gradient_is_caught(torch):
    rectangular = Case((3, 2), "tanh", "squared", 4, False, 0)
    square = Case((3, 3, 2), "tanh", "cross_entropy", None, False, 1)
    for case in (rectangular, square):
        (_, ours), (_, theirs) = derive_and_torch(torch, case)
        assert gradient_disagreement(ours, theirs) is None
        wrong = dict(ours, W_1=ours["W_1"].T)
        assert gradient_disagreement(wrong, theirs).startswith("∂/∂W_1: ")


def test_a_wrong_vjp_rule_is_caught(torch, monkeypatch):
    """The elementwise rule with φ(z) in place of φ′(z): the gradients reaching W_1 disagree with torch."""
    case = Case((2, 3, 2), "sigmoid", "squared", 3, False, 2)
    (_, ours), (_, theirs) = derive_and_torch(torch, case)
    assert gradient_disagreement(ours, theirs) is None
    forgets_the_derivative = lambda e, ans, g: (g * make("elementwise", e.args[0], attr=e.attr),)
    monkeypatch.setitem(TABLE, "elementwise", dataclasses.replace(TABLE["elementwise"], vjp=forgets_the_derivative))
    (_, ours), (_, theirs) = derive_and_torch(torch, case)
    why = gradient_disagreement(ours, theirs)
    assert why is not None and why.startswith(("∂/∂W_1", "∂/∂b_1"))
    assert disagreement(ours["W_2"], theirs["W_2"]) is None  # the output layer is linear: no φ′ in its rule


def test_nan_and_inf_never_agree():
    assert disagreement([[1.0]], [[1.0 + 1e-12]]) is None
    assert disagreement([[1e6]], [[1e6 * (1 + 1e-9)]]) is not None
    for bad in (math.nan, math.inf, -math.inf):
        assert disagreement([[bad]], [[bad]]) is not None
        assert disagreement([[bad]], [[0.0]]) is not None
        assert disagreement([[0.0]], [[bad]]) is not None


def test_torch_softplus_default_threshold_is_not_derives_definition(torch):
    """Why softplus is compared with ``threshold=inf``: PyTorch's default returns x itself for x > 20."""
    from derive.ops.activations import softplus_kernel
    x = torch.tensor([21.0], dtype=torch.float64)
    default = torch.nn.functional.softplus(x).item()
    exact = torch_activation(torch, "softplus")(x).item()
    assert abs(default - float(softplus_kernel(21.0))) > 1e-10
    assert abs(exact - float(softplus_kernel(21.0))) <= 1e-15 * 21


# -- torch as an optional dependency ---------------------------------------------------------------

def test_missing_torch_skips_or_fails_when_required(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # ``import torch`` now raises ImportError
    monkeypatch.delenv("DERIVE_REQUIRE_TORCH", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_torch()
    monkeypatch.setenv("DERIVE_REQUIRE_TORCH", "1")
    with pytest.raises(pytest.fail.Exception, match="DERIVE_REQUIRE_TORCH=1"):
        require_torch()
