"""Rendering on every core: :func:`map_in_workers` computes a pure function of many items in forked workers.

The report's sections are independent of each other (each has its own
:class:`~derive.render.layout.Named`; what the printers keep is a cache of a
pure function), so they can be set in parallel once the proofs are done.
Each worker is forked from this process by :func:`derive.workers.run_each`,
so it computes exactly what this process would; only its result (text) comes
back, pickled.  A chunk whose worker fails (a limit, a crash, an error
raised, no fork at all) is computed here again, so an error is raised as it would be without
workers, and the result is the same list either way.
"""
from __future__ import annotations

WORKER_SECONDS = 300.0  # a backstop for one chunk; past it the chunk is computed here


def map_in_workers(fn, items, jobs=2, chunks=4, timeout=WORKER_SECONDS) -> list:
    """``[fn(item) for item in items]``, computed ``chunks`` contiguous pieces at a time in up to ``jobs`` workers.

    ``fn`` must be pure and its results picklable (``fn`` itself need not be:
    the workers are forked).  With ``jobs`` 1 or a single item it all runs here.

    >>> map_in_workers(abs, [-1, 2, -3, 4, -5], jobs=2, chunks=2)
    [1, 2, 3, 4, 5]
    >>> map_in_workers(lambda x: 1 // x, [1, 0], jobs=2)  # a failing chunk is run here: the error is ours
    Traceback (most recent call last):
    ...
    ZeroDivisionError: integer division or modulo by zero
    """
    items = list(items)
    if jobs <= 1 or len(items) < 2:
        return _map(fn, items)
    from ..workers import run_each
    size = -(-len(items) // max(1, min(chunks, len(items))))
    pieces = [items[k:k + size] for k in range(0, len(items), size)]
    try:
        outcomes = run_each(lambda piece: _map(fn, piece), pieces, jobs=jobs, timeout=timeout, memory_mb=None)
    except OSError:  # no worker could be forked (a process limit): all of it here
        return _map(fn, items)
    out = []
    for piece, outcome in zip(pieces, outcomes):
        out += outcome.value if outcome.ok else _map(fn, piece)
    return out


def _map(fn, items) -> list:
    return [fn(item) for item in items]
