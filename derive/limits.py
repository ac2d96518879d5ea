"""Time and memory limits for symbolic steps.

Two tools, a soft one and a hard one.

* :func:`time_limit` is the soft, in-process limit: a SIGALRM timer raises
  :class:`StepTimeout` inside pure-Python code (most of SymPy).  It cannot stop
  a long C call (one huge big-integer multiplication, say), bounds no memory,
  and works only in the main thread: elsewhere it runs the body unlimited.
* :func:`run_limited` is the hard limit: the step runs in a forked worker with
  ``RLIMIT_AS`` and ``RLIMIT_CPU`` set, and the parent SIGKILLs it at a
  wall-clock deadline.  The result comes back pickled, as an :class:`Outcome`.

>>> run_limited(sum, [1, 2, 3])
Outcome(ok=True, value=6, reason='')
>>> run_limited(int, "x").reason
"ValueError: invalid literal for int() with base 10: 'x'"
"""
from __future__ import annotations

import gc
import importlib
import math
import os
import pickle
import resource
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass

from .pickles import dumps

__all__ = ["StepTimeout", "time_limit", "Outcome", "run_limited", "start_limited", "Started",
           "preload", "valid_seconds", "MAX_SECONDS"]

MAX_SECONDS = 24 * 3600  # the longest time limit accepted anywhere: a day

_MAX_MESSAGE = 2000  # characters of an exception message sent back by a worker
_REFIRE = 0.05  # seconds between repeated alarms, should the body swallow a StepTimeout
_READ_CHUNK = 1 << 20
_EXIT_GRACE = 1.0  # seconds a worker that has sent its result gets to exit


def valid_seconds(seconds, what="timeout") -> float:
    """``seconds`` as a float if it is a time limit in (0, MAX_SECONDS], else ValueError (one line).

    Every entry point that takes a time limit (``derive verify --timeout``,
    :func:`derive.verify`, the testing helpers, the pytest marker, the workers)
    checks it here, so ``inf``, ``nan``, ``1e10`` or ``"30"`` is a clear error
    before any work, never an OverflowError deep inside.

    >>> valid_seconds(2)
    2.0
    >>> valid_seconds(float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: timeout must be a number of seconds in (0, 86400], not inf
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"{what} must be a number of seconds in (0, {MAX_SECONDS}], "
                         f"not {type(seconds).__name__} {str(seconds)[:40]!r}")
    if not 0 < seconds <= MAX_SECONDS:  # also false for nan
        raise ValueError(f"{what} must be a number of seconds in (0, {MAX_SECONDS}], not {seconds!r}")
    return float(seconds)


class StepTimeout(Exception):
    """A step ran past its :func:`time_limit`.

    >>> str(StepTimeout("step timed out after 2 s"))
    'step timed out after 2 s'
    """


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class time_limit:
    """Raise :class:`StepTimeout` in the body once ``seconds`` of wall time have passed.

    A soft limit (see the module docstring): in a thread other than the main
    one, or with ``seconds=None``, the body runs without a limit; the hard
    limit is :func:`run_limited`.  The alarm repeats every 50 ms until the
    body exits, so code that swallows one StepTimeout (an ``except
    Exception``) is interrupted again.  Limits nest: an inner limit never
    extends an outer one, and on exit the previous SIGALRM handler and timer
    return.

    >>> with time_limit(5):
    ...     total = sum(range(1000))
    >>> try:
    ...     with time_limit(0.05):
    ...         while True:
    ...             pass
    ... except StepTimeout as exc:
    ...     print(exc)
    step timed out after 0.05 s
    """

    def __init__(self, seconds):
        self.seconds = None if seconds is None else valid_seconds(seconds, "a time limit")
        self._active = self._armed = False

    def __enter__(self):
        if self.seconds is None or not _in_main_thread():
            return self
        now = time.monotonic()
        self._old_handler = signal.getsignal(signal.SIGALRM)
        old_delay, self._old_interval = signal.setitimer(signal.ITIMER_REAL, 0)
        self._outer_deadline = now + old_delay if old_delay > 0 else None
        outer_first = self._outer_deadline is not None and old_delay < self.seconds
        self._message = ("step timed out: an enclosing time limit expired" if outer_first
                         else f"step timed out after {self.seconds:g} s")
        self._active = self._armed = True
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, old_delay if outer_first else self.seconds, _REFIRE)
        return self

    def _on_alarm(self, signum, frame):
        # Not while entering or leaving: an alarm there would skip the restoring code.
        if self._armed and (frame is None or frame.f_code not in _OWN_CODE):
            raise StepTimeout(self._message)

    def __exit__(self, *exc_info):
        self._armed = False
        if not self._active:
            return False
        self._active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        old = self._old_handler
        signal.signal(signal.SIGALRM, old if old is not None else signal.SIG_DFL)
        if self._outer_deadline is not None:  # re-arm the enclosing timer; fire at once if due
            remaining = max(self._outer_deadline - time.monotonic(), 1e-6)
            signal.setitimer(signal.ITIMER_REAL, remaining, self._old_interval)
        return False


_OWN_CODE = (time_limit.__enter__.__code__, time_limit.__exit__.__code__)


@dataclass(frozen=True)
class Outcome:
    """What a limited run gave: ``ok`` with its ``value``, or not ok with the ``reason``.

    >>> Outcome(False, reason="timed out after 10 s").ok
    False
    """

    ok: bool
    value: object = None
    reason: str = ""


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a broken __str__ must not lose the exception's name
        text = ""
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE - 1] + "…"


def _lower_limit(which: int, soft: int, hard: int) -> None:
    """Set a resource limit, never above the hard limit already in force."""
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


OUT_OF_MEMORY = pickle.dumps(("error", "MemoryError", ""))  # made before memory runs out


def call_message(fn, args, kwargs) -> bytes:
    """``fn(*args, **kwargs)`` as the pickled message a worker sends: its value, or its exception named."""
    try:
        message = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # the traceback (and what it holds) is freed after this block
        message = ("error", type(exc).__name__, _describe(exc))
    try:
        return dumps(message)  # SymPy expressions kept as built (derive.pickles)
    except MemoryError:
        return OUT_OF_MEMORY
    except BaseException as exc:
        return pickle.dumps(("unpicklable", type(exc).__name__, _describe(exc)))


def _worker(write_fd, fn, args, kwargs, memory_mb, cpu_seconds):
    """The child: limits, the call, the pickled message, then ``os._exit``; never returns."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: SIGTERM ends a worker
        _lower_limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
        if memory_mb is not None:
            _lower_limit(resource.RLIMIT_AS, int(memory_mb * 2**20), int(memory_mb * 2**20))
        _write_all(write_fd, call_message(fn, args, kwargs))
        status = 0
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)  # no atexit handlers, no second flush of the parent's buffers


def _read_until(fd: int, deadline: float):
    """Every byte from ``fd`` up to end of file, or None if the deadline comes first."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        if not poller.poll(math.ceil(remaining * 1000)):
            continue
        chunk = os.read(fd, _READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _wait_until(pid: int, deadline: float):
    """(status, rusage) of the exited child, or None if it still runs at the deadline."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.002)


def _kill(pid: int) -> None:
    """SIGKILL the (unreaped, so still ours) child and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _outcome(data: bytes, status: int, usage, memory_mb, cpu_seconds) -> Outcome:
    """Decode what the worker sent, or say why it sent nothing."""
    if data:
        try:
            message = pickle.loads(data)
        except Exception as exc:
            return Outcome(False, reason=f"worker result could not be read: {type(exc).__name__}")
        if message[0] == "ok":
            return Outcome(True, message[1])
        kind, name, text = message
        if kind == "unpicklable":
            return Outcome(False, reason=f"result cannot be pickled: {name}: {text}")
        if name == "MemoryError":
            limit = f"memory limit {memory_mb} MB exceeded" if memory_mb is not None else "out of memory"
            return Outcome(False, reason=limit)
        return Outcome(False, reason=f"{name}: {text}" if text else name)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        cpu_used = usage.ru_utime + usage.ru_stime
        if number == signal.SIGXCPU or (number == signal.SIGKILL and cpu_used >= cpu_seconds):
            return Outcome(False, reason="CPU limit exceeded")
        return Outcome(False, reason=f"worker crashed (signal {number})")
    return Outcome(False, reason=f"worker exited with status {os.WEXITSTATUS(status)} and no result")


_PRELOAD: list = []  # modules to import before the next fork (see preload)

# What a verification imports on first use, in its worker: SymPy's simplify imports sympy.physics.units
# at the end of every call (0.17-0.25 s, the first time in a process), derive.certify python-flint, the
# polynomial decision Z3. A worker's imports die with it, so a REPL or a test suite paid them again for
# each claim: they are imported here from the second fork on (one fork alone, `derive verify "x = x"`,
# pays nothing for them).
_ON_DEMAND = ("sympy.physics.units", "derive.certify", "z3")
_forks = 0


def preload(*modules) -> None:
    """Import the named ``modules`` in this process just before it next forks a worker.

    A module that every worker imports on first use (``derive check`` runs each
    proof in a fresh worker) is then imported once, and a process that never
    forks (a warm cache) never pays for it.

    >>> preload("json"); run_limited(len, [1, 2]).value, "json" in sys.modules
    (2, True)
    """
    _PRELOAD.extend(m for m in modules if m not in _PRELOAD)


def _before_fork():
    """Flush the output buffers (so the worker's copy starts empty) and import what SymPy and NumPy import late.

    SymPy imports ``sympy.tensor.tensor`` at the first ``Add`` it builds, NumPy
    ``numpy.random`` at its first use (tens of milliseconds each); from the
    second fork on, what a verification imports on demand (``_ON_DEMAND``).  Done once here,
    the workers inherit them, and the parent does not pay again when it unpickles
    a result.  So are the modules named by :func:`preload`.  In the ``derive``
    script, which imports with the collector off (:func:`derive.launch.run_command`),
    the first fork freezes what start-up built and turns the collector on.
    """
    global _forks
    while _PRELOAD:
        importlib.import_module(_PRELOAD.pop(0))
    if _forks and "sympy" in sys.modules:
        for name in _ON_DEMAND:
            if name not in sys.modules:
                try:
                    importlib.import_module(name)
                except ImportError:  # a broken install: the worker meets the same error, as before
                    pass
    _forks += 1
    if "sympy" in sys.modules:
        import sympy.tensor.tensor  # noqa: F401
    if "numpy" in sys.modules:  # NumPy 2 loads numpy.random on first use: once here, not in every worker
        import numpy.random  # noqa: F401
    if not gc.isenabled():  # the derive script's start-up (derive.launch.run_command) is over
        gc.freeze()  # never scanned again, here or in a worker, so the workers' pages stay shared
        gc.enable()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass


def run_limited(fn, *args, timeout=10.0, memory_mb=2048, cpu_seconds=None, **kwargs) -> Outcome:
    """Run ``fn(*args, **kwargs)`` in a forked worker under time, memory and CPU limits.

    The worker gets ``RLIMIT_AS`` of ``memory_mb`` (None: no memory limit) and
    ``RLIMIT_CPU`` of ``cpu_seconds`` (default ``ceil(timeout) + 1``); the
    parent kills it with SIGKILL after ``timeout`` seconds of wall time and
    always reaps it.  Never raises for what ``fn`` does: the :class:`Outcome`
    says ``ok`` with the value, or gives the reason ("timed out after 10 s",
    "memory limit 2048 MB exceeded", "CPU limit exceeded", "worker crashed
    (signal N)", "ValueError: message", "result cannot be pickled: ...").
    ``fn`` need not be picklable, its result must be.  Call it from a process
    without other threads (fork copies only the calling thread).

    >>> import time
    >>> run_limited(time.sleep, 5, timeout=0.2)
    Outcome(ok=False, value=None, reason='timed out after 0.2 s')
    >>> run_limited(pow, 2, 10, memory_mb=1024).value
    1024
    """
    return start_limited(fn, *args, timeout=timeout, memory_mb=memory_mb, cpu_seconds=cpu_seconds,
                         **kwargs).outcome()


def start_limited(fn, *args, timeout=10.0, memory_mb=2048, cpu_seconds=None, **kwargs) -> Started:
    """Start ``fn(*args, **kwargs)`` in a forked worker, as :func:`run_limited` does, and return at once.

    The caller goes on with other work; :meth:`Started.outcome` waits for the
    :class:`Outcome`, :meth:`Started.cancel` stops the worker.  The wall-clock
    ``timeout`` counts from now.

    >>> job = start_limited(pow, 2, 5)
    >>> job.outcome().value
    32
    """
    timeout = valid_seconds(timeout)
    cpu_seconds = math.ceil(timeout) + 1 if cpu_seconds is None else math.ceil(cpu_seconds)
    _before_fork()
    deadline = time.monotonic() + timeout
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _worker(write_fd, fn, args, kwargs, memory_mb, cpu_seconds)
    os.close(write_fd)
    return Started(pid, read_fd, deadline, timeout, memory_mb, cpu_seconds)


class Started:
    """A call running in a limited worker (:func:`start_limited`)."""

    def __init__(self, pid, fd, deadline, timeout, memory_mb, cpu_seconds):
        self.pid, self.fd, self.deadline, self.timeout = pid, fd, deadline, timeout
        self.memory_mb, self.cpu_seconds = memory_mb, cpu_seconds
        self._outcome = None
        self._open = True

    def outcome(self) -> Outcome:
        """Wait for the worker (until its deadline) and give its :class:`Outcome`; the worker is reaped."""
        if self._outcome is not None or not self._open:
            return self._outcome or Outcome(False, reason="cancelled")
        data = ended = None
        try:
            data = _read_until(self.fd, self.deadline)
            if data is not None:
                ended = _wait_until(self.pid, max(self.deadline, time.monotonic() + _EXIT_GRACE))
        finally:
            self._open = False
            os.close(self.fd)
            if ended is None:  # timed out, lingering, or interrupted (KeyboardInterrupt, StepTimeout)
                _kill(self.pid)
        if not data and ended is None:
            self._outcome = Outcome(False, reason=f"timed out after {self.timeout:g} s")
        else:
            self._outcome = _outcome(data, *(ended or (0, None)), self.memory_mb, self.cpu_seconds)
        return self._outcome

    def cancel(self) -> None:
        """Stop the worker if it still runs (SIGKILL) and reap it; nothing once its outcome is in."""
        if self._open:
            self._open = False
            os.close(self.fd)
            _kill(self.pid)
