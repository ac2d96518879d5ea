"""The matrix table itself: one :class:`MatOp` per operation, and the precedences its printers use.

The entries are registered by :mod:`derive.matrix.rules` and :mod:`derive.matrix.rules_nn`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

TABLE: dict = {}  # op name -> MatOp

ADD, NEG, MUL, POSTFIX, ATOM = 10, 15, 20, 40, 50


@dataclass(frozen=True)
class MatOp:
    name: str
    shape: Callable
    vjp: Callable | None
    numpy: Callable | None
    entries: Callable | None
    text: Callable
    latex: Callable
    prec: int = ATOM
    kind: Callable | None = None  # for products: "matmul", "hadamard" or "scalar" (a 1 × 1 factor commutes)
    simplify: Callable | None = None
    says: str = ""  # the rule as a textbook states it, for explain()


def defmat(name, **fields):
    """Register the entry of operation ``name``."""
    TABLE[name] = MatOp(name, **fields)
    return TABLE[name]
