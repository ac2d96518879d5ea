"""The allow-list of LaTeX maths that derive reads: one entry per macro and environment.

Each :class:`Macro` is the one home of a control sequence: how the reader
(:mod:`derive.lang.texreader`) takes its arguments, what LaTeX the report
emits for it (:mod:`derive.render.texmath`) and how it reads as Unicode text
in a terminal.  A macro that is not in :data:`MACROS` is never emitted: the
reader keeps it as escaped text and counts it, so ``\\input``, ``\\csname``,
``\\catcode`` or ``\\def`` from a note cannot reach the compiler.

>>> MACROS["frac"].kind, MACROS["frac"].args
('frac', 2)
>>> MACROS["le"].text
'≤'
>>> "input" in MACROS, "csname" in MACROS
(False, False)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Macro:
    """An allowed control sequence.

    ``kind`` says how it is read and printed:
    ``symbol`` (no argument; ``text`` is its Unicode character),
    ``operator`` (``\\log``, ``\\max``, ``\\lim``: an upright name that takes limits),
    ``bigop`` (``\\sum``, ``\\prod``, ``\\int``), ``accent`` (one argument; ``text`` is the
    combining mark), ``font`` (one maths argument: ``\\mathbf``, ``\\operatorname``),
    ``text`` (one text argument: ``\\text``), ``frac`` (two arguments), ``sqrt``
    (an optional index and one argument), ``infix`` (``{a \\over b}``), ``delimiter``
    (``\\left``, ``\\big``: one delimiter follows), ``space``, ``style`` (emitted, no
    text), ``tag`` (``\\tag{2}``: an equation number), ``drop`` (read and dropped:
    ``\\label``, ``\\nonumber``).
    ``latex`` is what is emitted in its place (default ``\\name``).
    """

    kind: str
    text: str = ""
    args: int = 0
    latex: str = ""


def _greek(name: str) -> str:
    small = name[0].islower()
    plain = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
             "varsigma": "final sigma", "varpi": "pi", "lambda": "lamda", "Lambda": "lamda"}.get(name, name)
    word = plain.upper() if plain != "final sigma" else "FINAL SIGMA"
    if name in ("varepsilon", "varphi", "vartheta"):  # the looped forms of ε, φ, ϑ
        return {"varepsilon": "ε", "varphi": "φ", "vartheta": "ϑ"}[name]
    if name == "epsilon":
        return "ϵ"
    if name == "phi":
        return "ϕ"
    return unicodedata.lookup(("GREEK SMALL LETTER " if small else "GREEK CAPITAL LETTER ") + word)


GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
         "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
         "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()

SYMBOLS = {
    # relations
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼",
    "simeq": "≃", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫", "prec": "≺", "succ": "≻",
    "preceq": "⪯", "succeq": "⪰", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
    "supset": "⊃", "supseteq": "⊇", "mid": "∣", "parallel": "∥", "perp": "⊥", "cong": "≅",
    "doteq": "≐", "coloneqq": "≔",
    # arrows
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "leftrightarrow": "↔", "iff": "⟺", "implies": "⟹", "impliedby": "⟸",
    "mapsto": "↦", "longrightarrow": "⟶", "longleftarrow": "⟵", "Longrightarrow": "⟹",
    "Longleftrightarrow": "⟺", "uparrow": "↑", "downarrow": "↓",
    # operators
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆", "circ": "∘",
    "bullet": "∙", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "cup": "∪", "cap": "∩", "setminus": "∖",
    "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "top": "⊤",
    "intercal": "⊺", "dagger": "†",
    # others
    "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "emptyset": "∅",
    "varnothing": "∅", "ell": "ℓ", "hbar": "ℏ", "prime": "′", "ldots": "…", "cdots": "⋯",
    "dots": "…", "vdots": "⋮", "ddots": "⋱", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊",
    "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖",
    "vert": "|", "Vert": "‖", "|": "‖", "colon": ":", "triangleq": "≜", "square": "□", "checkmark": "✓",
    "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "angle": "∠", "therefore": "∴", "because": "∵",
    "{": "{", "}": "}", "_": "_", "%": "%", "$": "$", "#": "#", "&": "&",
}

OPERATORS = ("log ln lg exp sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan "
             "max min sup inf lim limsup liminf arg det dim ker deg gcd Pr hom").split()
BIGOPS = {"sum": "Σ", "prod": "∏", "int": "∫", "iint": "∬", "oint": "∮", "coprod": "∐",
          "bigcup": "⋃", "bigcap": "⋂"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
           "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c",
           "breve": "\u0306", "acute": "\u0301", "grave": "\u0300", "underline": "\u0332"}
FONTS = ("mathbf mathrm mathit mathcal mathbb mathsf mathtt mathfrak boldsymbol bm operatorname "
         "mathop mathbin mathrel mathord boxed").split()
TEXTS = ("text textrm textit textbf textsf texttt mbox textup textnormal").split()
FRACTIONS = ("frac dfrac tfrac cfrac binom dbinom tbinom").split()
DELIMITERS = ("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr").split()
SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "   ",
          "thinspace": " ", "enspace": " ", "medspace": " ", "thickspace": " ", "negthinspace": ""}
STYLES = ("displaystyle textstyle scriptstyle").split()

MACROS: dict[str, Macro] = {}
MACROS.update({g: Macro("symbol", _greek(g)) for g in GREEK})
MACROS.update({k: Macro("symbol", v) for k, v in SYMBOLS.items()})
MACROS["|"] = Macro("symbol", "‖", latex=r"\|")
MACROS["coloneqq"] = Macro("symbol", "≔", latex=r"\mathrel{:}=")  # mathtools's, spelled with amsmath
MACROS.update({k: Macro("operator", k) for k in OPERATORS})
MACROS.update({k: Macro("bigop", v) for k, v in BIGOPS.items()})
MACROS.update({k: Macro("accent", v, 1) for k, v in ACCENTS.items()})
MACROS.update({k: Macro("font", "", 1) for k in FONTS})
MACROS["bm"] = Macro("font", "", 1, latex=r"\boldsymbol")  # the bm package's, as amsmath's
MACROS.update({k: Macro("text", "", 1) for k in TEXTS})
MACROS.update({k: Macro("frac", "/", 2) for k in FRACTIONS})
MACROS["sqrt"] = Macro("sqrt", "√", 1)
MACROS.update({k: Macro("infix", "/" if k == "over" else " choose ") for k in ("over", "choose")})
MACROS.update({k: Macro("delimiter") for k in DELIMITERS})
MACROS.update({k: Macro("space", v) for k, v in SPACES.items()})
MACROS.update({k: Macro("style") for k in STYLES})
MACROS["tag"] = Macro("tag", "", 1)
MACROS["tag*"] = Macro("tag", "", 1)
MACROS.update({k: Macro("drop", "", 1 if k == "label" else 0) for k in ("label", "nonumber", "notag",
                                                                       "limits", "nolimits")})
MACROS["\\"] = Macro("newline", "\n")
MACROS["cr"] = Macro("newline", "\n", latex="\\\\")

# What may follow \left, \right, \big, …: a delimiter character or one of these macros.
DELIMITER_CHARS = set("()[]|./<>")
DELIMITER_MACROS = {"{", "}", "|", "langle", "rangle", "lfloor", "rfloor", "lceil", "rceil", "lvert",
                    "rvert", "lVert", "rVert", "vert", "Vert", "uparrow", "downarrow"}

# Environments: the maths inside is read; rows split at \\, cells at &.
ENVIRONMENTS = {"cases", "dcases", "aligned", "align", "align*", "alignat", "gathered", "gather",
                "gather*", "split", "equation", "equation*", "multline", "multline*", "matrix",
                "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array",
                "eqnarray", "eqnarray*"}
# The environment emitted for each (display environments become their inner, maths-mode forms).
EMITTED_ENVIRONMENT = {"align": "aligned", "align*": "aligned", "alignat": "aligned", "gather": "gathered",
                       "gather*": "gathered", "equation": "", "equation*": "", "multline": "gathered",
                       "multline*": "gathered", "eqnarray": "aligned", "eqnarray*": "aligned",
                       "dcases": "cases"}
ARRAY_SPEC = re.compile(r"^[lcr|]{1,40}$")  # the column spec of an array: nothing else is emitted
