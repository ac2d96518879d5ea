"""Long-lived limited workers: one function over many items, each item under its own time limit.

:func:`run_each` is for many calls of one trusted function, such as the
catalogue's proofs in ``derive check``: ``jobs`` workers are forked, and each
takes the next item as soon as it has sent the result of the last.  A worker
keeps what SymPy has cached between its items: the catalogue took 12.1 s of
CPU so against 14.1 s with a fresh worker per proof, with the same results
(tests/test_workers.py runs it both ways and compares them step for step).
A claim from a user still gets a fresh worker of its own
(:func:`derive.limits.run_limited`).

The limits are :func:`~derive.limits.run_limited`'s, item by item: the
wall-clock ``timeout`` counts from the moment a worker takes the item, the
CPU limit is raised by ``cpu_seconds`` for each item, and ``memory_mb`` is
the worker's ``RLIMIT_AS``.  An item that times out or crashes its worker
gets that reason; the worker is replaced and the other items go on.

>>> [o.value for o in run_each(abs, [-1, 2, -3], jobs=2)]
[1, 2, 3]
>>> run_each(int, ["x"])[0].reason
"ValueError: invalid literal for int() with base 10: 'x'"
"""
from __future__ import annotations

import math
import os
import resource
import select
import signal
import struct
import sys
import time
from dataclasses import dataclass, field

from .limits import (_EXIT_GRACE, _READ_CHUNK, Outcome, _before_fork, _kill, _lower_limit, _outcome, _wait_until,
                     _write_all, call_message, valid_seconds)

_TASK = struct.Struct(">q")   # parent → worker: the index of the next item, −1 to stop
_HEAD = struct.Struct(">qq")  # worker → parent: the item's index and the length of its message


@dataclass
class _Worker:
    pid: int
    tasks: int    # the parent's end of the task pipe
    results: int  # the parent's end of the result pipe
    index: int = -1  # the item it runs; -1 once it is told to stop
    deadline: float = math.inf
    buffer: bytearray = field(default_factory=bytearray)


def run_each(fn, items, *, jobs=2, timeout=10.0, memory_mb=2048, cpu_seconds=None, on_done=None) -> list:
    """``fn(item)`` for each of ``items`` in up to ``jobs`` long-lived workers; the outcomes in their order.

    ``on_done(index, outcome)`` is called as each item finishes.  Each
    :class:`~derive.limits.Outcome` is ``run_limited``'s: ``ok`` with the
    value, or the reason ("timed out after 10 s", "CPU limit exceeded",
    "worker crashed (signal N)", "ValueError: message", …).
    """
    items = list(items)
    timeout = valid_seconds(timeout)
    cpu = math.ceil(timeout) + 1 if cpu_seconds is None else math.ceil(cpu_seconds)
    pending, outcomes, workers = list(range(len(items))), [None] * len(items), {}

    def finish(index, outcome):
        outcomes[index] = outcome
        if on_done is not None:
            on_done(index, outcome)

    def hand_out(worker):
        """The next item to the worker, or −1 (stop) when none is left."""
        index = pending.pop(0) if pending else -1
        try:
            _write_all(worker.tasks, _TASK.pack(index))
        except OSError:  # the worker has just ended (its end of file comes next): the item waits
            if index >= 0:
                pending.insert(0, index)
            index = -1
        worker.index = index
        worker.deadline = time.monotonic() + (timeout if index >= 0 else _EXIT_GRACE)

    def retire(worker, reason=None):
        """The worker has ended or is killed: its item, if any, gets the reason; a new worker takes over."""
        del workers[worker.results]
        os.close(worker.results)
        os.close(worker.tasks)
        if reason is not None:
            _kill(worker.pid)
            ended = None
        else:
            ended = _wait_until(worker.pid, time.monotonic() + _EXIT_GRACE)
            if ended is None:
                _kill(worker.pid)
        if worker.index >= 0:
            finish(worker.index, Outcome(False, reason=reason) if reason is not None else
                   _outcome(b"", *(ended or (0, None)), memory_mb, math.inf))  # SIGXCPU alone says CPU

    try:
        while pending or workers:
            while pending and len(workers) < max(1, jobs):
                worker = _spawn(fn, items, memory_mb, cpu)
                workers[worker.results] = worker
                hand_out(worker)
            poller = select.poll()
            for fd in workers:
                poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
            wait = min(w.deadline for w in workers.values()) - time.monotonic()
            for fd, _ in poller.poll(max(0, math.ceil(wait * 1000))):
                worker = workers[fd]
                chunk = os.read(fd, _READ_CHUNK)
                if not chunk:
                    retire(worker)
                    continue
                worker.buffer += chunk
                while len(worker.buffer) >= _HEAD.size:
                    index, length = _HEAD.unpack_from(worker.buffer)
                    if len(worker.buffer) < _HEAD.size + length:
                        break
                    data = bytes(worker.buffer[_HEAD.size:_HEAD.size + length])
                    del worker.buffer[:_HEAD.size + length]
                    finish(index, _outcome(data, 0, None, memory_mb, cpu))
                    hand_out(worker)
            now = time.monotonic()
            for worker in [w for w in workers.values() if now >= w.deadline]:
                retire(worker, f"timed out after {timeout:g} s")  # a stopping worker's item is -1: none
    finally:
        for worker in list(workers.values()):  # interrupted: leave no worker behind
            worker.index = -1
            retire(worker, "stopped")
    return outcomes


def _spawn(fn, items, memory_mb, cpu_seconds) -> _Worker:
    _before_fork()
    task_read, task_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(task_write)
        os.close(result_read)
        _serve(task_read, result_write, fn, items, memory_mb, cpu_seconds)
    os.close(task_read)
    os.close(result_write)
    return _Worker(pid, task_write, result_read)


def _serve(task_fd, result_fd, fn, items, memory_mb, cpu_seconds):
    """The child: take an index, run the item under a CPU limit raised for it, send the message; until −1."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: SIGTERM ends a worker
        if memory_mb is not None:
            _lower_limit(resource.RLIMIT_AS, int(memory_mb * 2**20), int(memory_mb * 2**20))
        while True:
            head = _read_exactly(task_fd, _TASK.size)
            if head is None or (index := _TASK.unpack(head)[0]) < 0:
                break
            usage = resource.getrusage(resource.RUSAGE_SELF)
            used = math.ceil(usage.ru_utime + usage.ru_stime)
            _lower_limit(resource.RLIMIT_CPU, used + cpu_seconds, resource.RLIM_INFINITY)  # SIGXCPU ends us
            data = call_message(fn, (items[index],), {})
            _write_all(result_fd, _HEAD.pack(index, len(data)) + data)
        status = 0
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def _read_exactly(fd: int, size: int):
    """``size`` bytes from ``fd``, or None at end of file (the parent has gone)."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
