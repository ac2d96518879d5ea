"""The report's figures: one drawing function per proof it illustrates, saved as vector PDF.

:data:`FIGURES` maps a file stem to a :class:`Figure` (its proof id, its
caption and its drawing function); each drawing function is registered right
after its definition.  :func:`render` writes one figure, :func:`render_all`
several, :func:`computation_graph_figure` draws a :class:`~derive.graph.Graph`
with its local derivatives on the edges.  matplotlib (Agg) is imported inside
the functions, so ``import derive`` stays quick.

Every figure is deterministic: seeded generators, fixed sizes and fonts, and
PDF metadata without dates or version strings, so two renders are identical
byte for byte.

>>> len(FIGURES), FIGURES["sigmoid"].proof
(9, 'sigmoid-derivative-max')
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .ops import OPS

SIZE = (5.5, 3.2)  # inches: a figure at the report's text width
METADATA = {"CreationDate": None, "Creator": None, "Producer": None}
STYLE = {"font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9,
         "legend.fontsize": 9, "legend.framealpha": 0.9, "lines.linewidth": 1.6, "axes.grid": True,
         "grid.alpha": 0.3, "pdf.fonttype": 3, "pdf.compression": 6, "mathtext.fontset": "dejavusans"}


@dataclass(frozen=True)
class Figure:
    """A figure of the report: file stem, proof id, caption, ``draw(fig)`` filling a figure of ``size`` inches."""

    name: str
    proof: str
    caption: str
    draw: Callable
    size: tuple = SIZE


FIGURES: dict[str, Figure] = {}


def register(name, proof, caption, draw, size=SIZE):
    """Add a figure to :data:`FIGURES` (a name may be registered once)."""
    if name in FIGURES:
        raise ValueError(f"two figures are called {name!r}")
    FIGURES[name] = Figure(name, proof, caption, draw, size)


def _mpl():
    """matplotlib, imported on first use.

    Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas
    directly, never through pyplot, so a notebook's backend is left alone.
    """
    import matplotlib
    return matplotlib


def _save(fig, path) -> Path:
    """Write ``fig`` to ``path`` as PDF atomically: a temporary file beside it, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".pdf", dir=path.parent)
    os.close(fd)  # savefig reopens it by name
    try:
        fig.savefig(tmp, format="pdf", metadata=METADATA)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is not
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _new(size):
    """An empty matplotlib figure outside pyplot's global state (no figure manager, no leaks)."""
    from matplotlib.figure import Figure as MplFigure
    return MplFigure(figsize=size, layout="constrained")


def render(name, directory) -> Path:
    """Draw figure ``name`` and write ``directory/name.pdf``; return the path."""
    try:
        spec = FIGURES[name]
    except KeyError:
        raise KeyError(f"no figure called {name!r}; known: {', '.join(FIGURES)}") from None
    with _mpl().rc_context(STYLE):
        fig = _new(spec.size)
        spec.draw(fig)
        return _save(fig, Path(directory) / f"{name}.pdf")


def render_all(directory, proofs=None, progress=None) -> list[Path]:
    """Render every figure (only those illustrating a proof id in ``proofs`` when given).

    ``progress(name)`` is called before each figure is drawn.
    """
    wanted = None if proofs is None else set(proofs)
    paths = []
    for spec in FIGURES.values():
        if wanted is None or spec.proof in wanted:
            if progress is not None:
                progress(spec.name)
            paths.append(render(spec.name, directory))
    return paths


# -- the figures -------------------------------------------------------------------------------


def sigmoid_figure(fig):
    """σ and σ′ = σ(1 − σ) on [−8, 8], with the maximum σ′(0) = 1/4 marked."""
    ax = fig.add_subplot()
    x = np.linspace(-8, 8, 401)
    s = OPS["sigmoid"].numpy(x)
    ax.plot(x, s, label="σ(x)")
    ax.plot(x, s * (1 - s), label="σ′(x) = σ(x)(1 − σ(x))")
    ax.axhline(0.25, color="0.5", lw=0.8, ls=":")
    ax.plot([0], [0.25], "o", color="C3", zorder=3)
    ax.annotate("maximum σ′(0) = 1/4", xy=(0, 0.25), xytext=(1.6, 0.42), color="C3",
                arrowprops=dict(arrowstyle="->", color="C3"))
    ax.set(xlim=(-8, 8), ylim=(-0.03, 1.05), xlabel="x", ylabel="value",
           title="The sigmoid and its derivative")
    ax.legend(loc="upper left")


register("sigmoid", "sigmoid-derivative-max",
         "The sigmoid σ and its derivative σ′ = σ(1 − σ): σ′ is largest at x = 0, where it equals 1/4, "
         "so the factor σ′(zᵢ) that each sigmoid layer puts into a gradient is at most 1/4.", sigmoid_figure)


DEPTH, WIDTH, SEEDS = 30, 32, tuple(range(9))


def chain_gradients(kind, depth=DEPTH, width=WIDTH, seed=0):
    """‖∂C/∂b₁‖ for the chains of 1…``depth`` layers of one random network, and the bound (1/4)ⁿ∏ᵢ₌₂ⁿ‖Wᵢ‖₂.

    Layer l: zₗ = Wₗxₗ (biases 0), xₗ₊₁ = φ(zₗ) for "sigmoid" and "relu", xₗ₊₁ = xₗ + σ(zₗ) for
    "residual"; weights N(0, 1/width) (2/width for ReLU, He's scale), x₁ ~ N(0, I), ∂C/∂xₙ₊₁ = u a
    seeded unit vector.  The gradient is the product of local factors uᵀJₙ…J₂D₁, Dₗ = diag φ′(zₗ),
    Jₗ = DₗWₗ (+ I with the skip), in NumPy; width 1 is the scalar chain of the seed's formula (2).

    >>> g, bound = chain_gradients("sigmoid", depth=3, width=1, seed=0)
    >>> bool(np.all(g <= bound))
    True
    """
    rng = np.random.default_rng(seed)
    scale = np.sqrt((2.0 if kind == "relu" else 1.0) / width)
    weights = rng.normal(0.0, scale, (depth, width, width))
    x, u = rng.normal(size=width), rng.normal(size=width)
    u /= np.linalg.norm(u)
    slopes = []
    for w in weights:
        z = w @ x
        if kind == "relu":
            slopes.append(np.heaviside(z, 0.0))
            x = OPS["relu"].numpy(z)
        else:
            s = OPS["sigmoid"].numpy(z)
            slopes.append(s * (1 - s))
            x = x + s if kind == "residual" else s
    grads = np.empty(depth)
    for n in range(1, depth + 1):
        v = u
        for l in range(n - 1, 0, -1):
            v = (v * slopes[l]) @ weights[l] + (v if kind == "residual" else 0.0)
        grads[n - 1] = np.linalg.norm(v * slopes[0])
    norms = np.linalg.norm(weights, ord=2, axis=(1, 2))
    bound = 0.25 ** np.arange(1, depth + 1) * np.cumprod(np.concatenate([[1.0], norms[1:]]))
    return grads, bound


def depth_figure(fig):
    """Median ‖∂C/∂b₁‖ against depth for sigmoid, ReLU and residual chains (log y)."""
    ax = fig.add_subplot()
    n = np.arange(1, DEPTH + 1)
    labels = {"sigmoid": "sigmoid chain", "relu": "ReLU chain (He scale)", "residual": "residual: x + σ(Wx)"}
    for colour, (kind, label) in zip(("C0", "C2", "C1"), labels.items()):
        runs = [chain_gradients(kind, seed=s) for s in SEEDS]
        ax.semilogy(n, np.median([g for g, _ in runs], axis=0), "o-", ms=3, color=colour, label=label)
        if kind == "sigmoid":
            ax.semilogy(n, np.median([b for _, b in runs], axis=0), "--", color=colour,
                        label="bound (1/4)ⁿ ∏ ‖Wᵢ‖₂")
    ax.set(xlabel="depth n (layers)", ylabel="‖∂C/∂b₁‖  (‖∂C/∂xₙ₊₁‖ = 1)", xlim=(0.5, DEPTH + 0.5),
           title=f"Gradient at the first layer, median of {len(SEEDS)} networks")
    ax.legend(loc="lower left")


register("depth", "vanishing-gradient-bound",
         f"The gradient reaching the first bias of a chain of n layers of width {WIDTH} (random weights, "
         f"median over {len(SEEDS)} seeds, computed as the product of the local Jacobians). Through sigmoid "
         "layers it shrinks geometrically, below the bound (1/4)ⁿ∏‖Wᵢ‖₂; ReLU layers at He's scale "
         "keep its size, and so do the same sigmoid layers with skip connections (each block's factor I + DW).",
         depth_figure)


def learning_rate_figure(fig):
    """Gradient descent θₖ₊₁ = θₖ − αLθₖ on f = Lθ²/2, L = 1, for α = 0.5, 1.5, 2.1."""
    ax = fig.add_subplot()
    k = np.arange(13)
    for alpha, style, what in ((0.5, "o-", "monotone"), (1.5, "s-", "oscillates,\nconverges"),
                               (2.1, "^-", "diverges")):
        ax.plot(k, (1 - alpha) ** k, style, ms=4, label=f"α = {alpha}: {what}")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set(xlabel="iteration k", ylabel="θₖ  (θ₀ = 1)", xlim=(-0.5, 12.5), ylim=(-3.4, 3.4),
           title="Gradient descent on f(θ) = Lθ²/2, L = 1")
    fig.legend(loc="outside right center")


register("learning-rate", "learning-rate-quadratic",
         "Gradient descent on f(θ) = θ²/2 gives θₖ = (1 − α)ᵏθ₀: α = 0.5 decreases monotonically, "
         "α = 1.5 alternates in sign but converges, α = 2.1 > 2/L diverges.", learning_rate_figure)


def fitting_figure(fig):
    """Under-, well- and overfitting polynomials, and train/test error against degree."""
    from .catalogue import load_catalogue
    load_catalogue()  # derive's own proofs/, never one found in the working folder
    from proofs.fitting import fitting_curves
    c = fitting_curves(seed=0)
    left, right = fig.subplots(1, 2)
    left.plot(c["x_train"], c["y_train"], "o", ms=3.5, color="k", label="training data")
    left.plot(c["grid"], c["truth"], color="0.55", lw=2.5, alpha=0.6, label="sin 2πx")
    for key, colour in (("under", "C0"), ("good", "C2"), ("over", "C3")):
        degree, values = c["fits"][key]
        left.plot(c["grid"], values, color=colour, lw=1.3, label=f"degree {degree}")
    left.set(xlabel="x", ylabel="y", ylim=(-2, 2), title="Three least-squares fits")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=5, handlelength=1.5,
               columnspacing=1.2)
    right.semilogy(c["degrees"], c["train"], "o-", ms=3, label="train")
    right.semilogy(c["degrees"], c["test"], "s-", ms=3, label="test")
    right.axvline(c["best"], color="C2", ls=":", lw=1)
    right.set(xlabel="degree", ylabel="mean squared error", title="Error against degree")
    right.legend(loc="upper center")


register("fitting", "over-underfitting",
         "Polynomial least squares on 20 noisy samples of sin 2πx: degree 1 underfits, the degree of least "
         "test error fits, degree 15 overfits; training error falls with the degree while test error is "
         "U-shaped. This regenerates the seed's missing figure img/过拟合和欠拟合.png.", fitting_figure)


def penalties_figure(fig):
    """|w| and w² on [−2, 2]: |w| is larger for |w| < 1, w² for |w| > 1."""
    ax = fig.add_subplot()
    w = np.linspace(-2, 2, 401)
    ax.plot(w, np.abs(w), label="L1 penalty |w|")
    ax.plot(w, w ** 2, label="L2 penalty w²")
    ax.fill_between(w, w ** 2, np.abs(w), where=np.abs(w) <= 1, color="C0", alpha=0.2,
                    label="|w| > w²  (0 < |w| < 1)")
    ax.fill_between(w, np.abs(w), w ** 2, where=np.abs(w) >= 1, color="C1", alpha=0.2,
                    label="w² > |w|  (|w| > 1)")
    ax.plot([-1, 0, 1], [1, 0, 1], "o", color="k", ms=4, zorder=3)
    ax.annotate("equal at |w| = 1", xy=(1, 1), xytext=(0.25, 2.6), arrowprops=dict(arrowstyle="->"))
    ax.set(xlim=(-2, 2), ylim=(-0.1, 4.1), xlabel="weight w", ylabel="penalty",
           title="The L1 and L2 penalties of one weight")
    ax.legend(loc="upper center", ncol=2, bbox_to_anchor=(0.5, -0.2))


register("penalties", "l2-stronger",
         "The penalties |w| and w² cross at |w| = 1: for small weights (0 < |w| < 1) the L1 penalty is "
         "the larger, for large weights the L2 one, so L2 is not simply a stronger L1.", penalties_figure)


def dropout_figure(fig):
    """The running Monte-Carlo mean of inverted dropout x′ (p = 0.5, x = 1) with a 99.9 % band."""
    from statistics import NormalDist
    from .catalogue import load_catalogue
    load_catalogue()  # derive's own proofs/, never one found in the working folder
    from proofs.dropout import dropout_draw
    p, x, n_max = 0.5, 1.0, 100_000
    draws = dropout_draw(x, p)(np.random.default_rng(0), n_max)
    n = np.unique(np.geomspace(1, n_max, 600).astype(int))
    mean = np.cumsum(draws)[n - 1] / n
    half = NormalDist().inv_cdf(0.9995) * np.sqrt(p * x ** 2 / (1 - p)) / np.sqrt(n)
    ax = fig.add_subplot()
    ax.fill_between(n, x - half, x + half, color="C0", alpha=0.2, label="99.9 % band  x ± 3.29·σ/√n")
    ax.semilogx(n, mean, color="C0", lw=1.2, label="running mean of x′")
    ax.axhline(x, color="k", lw=0.8, ls="--", label="E[x′] = x = 1")
    ax.set(xlim=(1, n_max), ylim=(-0.1, 2.1), xlabel="number of samples n", ylabel="mean of x′",
           title="Inverted dropout, p = 0.5: Monte-Carlo mean")
    ax.legend(loc="upper right")


register("dropout", "dropout-unbiased",
         "The mean of n draws of the inverted-dropout output x′ (0 with probability p = 0.5, x/(1 − p) "
         "otherwise; x = 1, seed 0) approaches E[x′] = x inside the pointwise 99.9 % band "
         "x ± 3.29·σ/√n, where σ² = p·x²/(1 − p).", dropout_figure)


def temperature_figure(fig):
    """Softmax of the logits (2, 1, 0.1) at T = 0.25, 1, 4, and the probabilities against T."""
    logits = np.array([2.0, 1.0, 0.1])
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.15))
    for i, t in enumerate((0.25, 1.0, 4.0)):
        left.bar(np.arange(3) + (i - 1) * 0.27, OPS["softmax"].numpy(logits / t), 0.27, label=f"T = {t:g}")
    left.set(xticks=range(3), xticklabels=[f"o = {v:g}" for v in logits], ylim=(0, 1.05), xlabel="logit",
             ylabel="softmax(o/T)", title="Three temperatures")
    left.legend(loc="upper right")
    t = np.geomspace(0.05, 20, 300)
    probs = OPS["softmax"].numpy(logits[None, :] / t[:, None])
    for j, v in enumerate(logits):
        right.semilogx(t, probs[:, j], label=f"o = {v:g}")
    right.axhline(1 / 3, color="0.4", lw=0.8, ls="--", label="1/3")
    right.set(xlabel="temperature T", ylabel="ŷᵢ", ylim=(0, 1.05), title="Against T")
    right.legend(loc="upper right", handlelength=1.2, labelspacing=0.3, borderpad=0.3)


register("temperature", "softmax-temperature",
         "Softmax of the logits o = (2, 1, 0.1) divided by a temperature T: small T concentrates the "
         "probability on the largest logit (the argmax), large T flattens it toward the uniform 1/3.",
         temperature_figure)


def activations_figure(fig):
    """ReLU, LeakyReLU (a = 0.1), ELU (a = 1) and their derivatives from the rule table (kink: left branch)."""
    import sympy as sp
    from .ops import elu, leaky_relu, relu
    from .evaluate import lambdify_numpy
    from .ops import derivative
    from .symbols import symbol
    z, x = symbol("z"), np.linspace(-3, 3, 601)
    neg = x <= 0
    left, right = fig.subplots(1, 2)
    for colour, label, f, values in (("C0", "ReLU", relu(z), OPS["relu"].numpy(x)),
                                     ("C2", "LeakyReLU, a = 0.1", leaky_relu(z, sp.Rational(1, 10)),
                                      OPS["leaky_relu"].numpy(x, 0.1)),
                                     ("C3", "ELU, a = 1", elu(z, 1), OPS["elu"].numpy(x, 1.0))):
        slope = lambdify_numpy([z], derivative(f, z))
        left.plot(x[neg], values[neg], color=colour, label=label)
        right.plot(x[neg], np.broadcast_to(slope(x[neg]), x[neg].shape), color=colour)
        right.plot([0], [slope(0.0)], "o", color=colour, ms=4.5, zorder=4)
    left.plot(x[~neg], x[~neg], color="k", label="all three, x > 0")
    right.plot(x[~neg], np.ones((~neg).sum()), color="k")
    right.plot([0], [1], "o", mfc="white", color="k", ms=4.5, zorder=3)
    left.set(xlabel="x", ylabel="f(x)", ylim=(-1.2, 3.1), title="Activations")
    left.legend(loc="upper left")
    right.set(xlabel="x", ylabel="f′(x)", ylim=(-0.1, 1.15), title="Derivatives (• value at x = 0)")


register("activations", "relu-derivative",
         "ReLU, LeakyReLU (a = 0.1) and ELU (a = 1) with their derivatives. The derivative jumps at 0 "
         "for ReLU and LeakyReLU (for ELU with a = 1 it is continuous); the filled dot is the value the "
         "rule table uses at the kink, the left branch (0 for ReLU, a for LeakyReLU and ELU).",
         activations_figure)


def conv_size_figure(fig):
    """Output size ⌊(n + 2p − k)/s⌋ + 1 against kernel size: strides (n = 32, p = 0) and paddings."""
    from .conv import conv_output_size
    n = 32
    left, right = fig.subplots(1, 2, sharey=True)
    k = np.arange(1, n + 1)
    for s, style in ((1, "o-"), (2, "s-"), (3, "^-")):
        left.plot(k, [conv_output_size(n, int(j), stride=s) for j in k], style, ms=2.5, lw=1, label=f"s = {s}")
    left.set(xlabel="kernel size k", ylabel="output size", title="n = 32, no padding, stride s")
    left.legend(loc="upper right")
    odd = np.arange(1, 16, 2)
    for p, style, label in ((0, "o-", "p = 0"), (2, "s-", "p = 2"), (4, "^-", "p = 4"),
                            (None, "D-", "p = (k − 1)/2: same")):
        sizes = [conv_output_size(n, int(kk), padding=int(kk) // 2 if p is None else p) for kk in odd]
        right.plot(odd, sizes, style, ms=3, lw=1, label=label)
    right.set(xlabel="kernel size k (odd)", title="n = 32, stride 1, padding p")
    right.legend(loc="lower left")


register("conv-size", "conv-output-shape",
         "The output size ⌊(n + 2p − k)/s⌋ + 1 of a convolution of an input of size n = 32: it shrinks "
         "by k − 1 at stride 1 and roughly by the factor s at stride s; padding p adds 2p, and "
         "p = (k − 1)/2 keeps the size (\"same\" padding, odd k).", conv_size_figure)


# -- computation graphs ------------------------------------------------------------------------


def _layout(graph, nodes):
    """Column of each node: 1 + the deepest parent for a computed node; a leaf just left of its first use."""
    depth = {}
    for node in graph.nodes:
        if node.symbol in nodes and node.kind == "let":
            depth[node.symbol] = 1 + max((depth.get(p, 0) for p in node.parents if p in nodes), default=0)
    for node in graph.nodes:
        if node.symbol in nodes and node.kind != "let":
            uses = [depth[c] for c in graph.children(node.symbol) if c in depth]
            depth[node.symbol] = min(uses) - 1 if uses else 0
    return depth


def _spine(graph, output, allowed):
    """The longest chain of ``allowed`` nodes ending at ``output``: the nodes drawn on row 0."""
    length, before = {}, {}
    for node in graph.nodes:
        if node.symbol in allowed:
            best = max((p for p in node.parents if p in length), key=lambda p: length[p], default=None)
            length[node.symbol] = 0 if best is None else length[best] + 1
            before[node.symbol] = best
    chain, s = [], output
    while s is not None:
        chain.append(s)
        s = before.get(s)
    return chain


def _rows(columns, main):
    """Row of each node: ``main`` on row 0, the others of each column alternately above and below."""
    row = {s: 0 for s in main}
    for col in sorted(columns):
        slot = 0
        for s in [s for s in columns[col] if s not in row]:
            slot = row[s] = -slot + 1 if slot <= 0 else -slot
    return row


def _edge_label(graph, child, parent):
    """The local derivative ∂child/∂parent as mathtext (σ′(z₄) for a table function), short."""
    from matplotlib.mathtext import MathTextParser
    from .grad import Factor
    from .printing import latex, text
    value = graph.local(child, parent)
    rule = graph.unary_rule(child)
    label = Factor(child, parent, value, rule).latex() if rule else latex(value)
    if not rule and len(text(value)) > 14:  # too long for an edge: name it instead
        label = r"\partial %s/\partial %s" % (latex(child), latex(parent))
    try:
        MathTextParser("path").parse(f"${label}$")
    except ValueError:
        return text(value)
    return f"${label}$"


def computation_graph_figure(graph, output, wrt, path) -> Path:
    """Draw ``graph`` left to right, local derivatives on the edges, into a PDF at ``path`` (atomically).

    The ancestors of ``output`` are drawn; the paths from ``wrt`` (a node or a list) to it are in red.
    """
    with _mpl().rc_context(STYLE):
        return _save(graph_drawing(graph, output, wrt), path)


def graph_drawing(graph, output, wrt):
    """The matplotlib figure of :func:`computation_graph_figure` (call it inside ``rc_context(STYLE)``)."""
    from .printing import latex
    _mpl()
    wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    nodes, reached = graph.ancestors(output), set(wrt)
    for node in graph.nodes:
        if any(p in reached for p in node.parents):
            reached.add(node.symbol)
    on_path, depth, columns = reached & nodes, _layout(graph, nodes), {}
    for s in (n.symbol for n in graph.nodes if n.symbol in nodes):
        columns.setdefault(depth[s], []).append(s)
    row = _rows(columns, _spine(graph, output, on_path or nodes))
    ncols, nrows = max(columns) + 1, max(row.values()) - min(row.values()) + 1
    fills = {"input": "white", "param": "#dcebf7", "let": "#eeeeee"}
    fig = _new((min(6.5, max(4.5, 0.9 + 0.62 * ncols)), 0.9 + 0.62 * nrows))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set(xlim=(-0.5, ncols - 0.5), ylim=(min(row.values()) - 0.5, max(row.values()) + 0.5))
    boxes = {}
    for s in sorted(nodes, key=lambda s: (depth[s], row[s])):
        frame = dict(boxstyle="round,pad=0.3", fc=fills[graph.node(s).kind], ec="C3" if s in on_path else "0.3",
                     lw=1.6 if s in on_path else 0.8)
        boxes[s] = ax.text(depth[s], row[s], f"${latex(s)}$", ha="center", va="center", fontsize=10, zorder=3,
                           gid=f"node {s.name}", bbox=frame)
    for c in (n.symbol for n in graph.nodes if n.symbol in nodes and n.kind == "let"):
        for p in graph.node(c).parents:
            hot = p in on_path and c in on_path
            ax.annotate("", xy=(depth[c], row[c]), xytext=(depth[p], row[p]), zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color="C3" if hot else "0.35", lw=1.5 if hot else 0.8,
                                        patchA=boxes[p].get_bbox_patch(), shrinkA=2,
                                        patchB=boxes[c].get_bbox_patch(), shrinkB=2))
            # a flat edge's label above its last gap; a slanted one's 0.6 rows from the child's row
            rise = row[p] - row[c]
            t = 1 - 0.5 / (depth[c] - depth[p]) if rise == 0 else 1 - 0.6 / abs(rise)
            x = depth[p] + t * (depth[c] - depth[p])
            y = row[p] - t * rise + (0.3 if rise == 0 else 0)
            ax.text(x, y, _edge_label(graph, c, p), ha="center", va="center", fontsize=9,
                    color="C3" if hot else "0.15", zorder=2, gid=f"edge {c.name} {p.name}",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    names = ", ".join(f"${latex(w)}$" for w in wrt)
    ax.set_title(f"Edges: ∂child/∂parent.  Red: the paths from {names} to ${latex(output)}$", fontsize=9)
    return fig
