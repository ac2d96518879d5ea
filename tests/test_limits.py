"""Time and memory limits: the forked worker of run_limited and the SIGALRM time_limit."""
import atexit
import os
import signal
import threading
import time

import pytest
import sympy as sp

from derive.limits import Outcome, StepTimeout, run_limited, time_limit
from derive.symbols import symbol



def guard(limit):
    """A bound on the wall time of a step limited to ``limit`` s: ten times over, plus start-up.

    It catches a limit that does not work (a hang), never a slow machine: CI may be loaded.
    """
    return 10 * (limit + 1)


def no_zombies():
    """True when no child of this process is left unreaped (no zombie)."""
    try:
        return os.waitpid(-1, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def busy_loop():
    while True:
        pass


def allocate_huge_list():
    return [0] * (10**10)


def grow_until_full():
    blocks = []
    while True:
        blocks.append(bytearray(10**6))


class CustomFailure(Exception):
    pass


def fail():
    raise CustomFailure("it went wrong")


def timed(function, *args, **kwargs):
    start = time.monotonic()
    outcome = function(*args, **kwargs)
    return outcome, time.monotonic() - start


def test_sleeping_worker_times_out():
    outcome, elapsed = timed(run_limited, time.sleep, 60, timeout=0.5)
    assert outcome == Outcome(False, None, "timed out after 0.5 s")
    assert elapsed < guard(0.5)
    assert no_zombies()


def test_busy_worker_times_out():
    outcome, elapsed = timed(run_limited, busy_loop, timeout=1)
    assert not outcome.ok and outcome.reason == "timed out after 1 s"
    assert elapsed < guard(1)
    assert no_zombies()


def test_cpu_limit_stops_a_busy_worker_before_the_wall_clock():
    outcome, elapsed = timed(run_limited, busy_loop, timeout=30, cpu_seconds=1)
    assert not outcome.ok and outcome.reason == "CPU limit exceeded"
    assert elapsed < guard(1)


@pytest.mark.parametrize("allocate", [allocate_huge_list, grow_until_full])
def test_memory_limit(allocate):
    outcome, elapsed = timed(run_limited, allocate, timeout=30, memory_mb=1024)
    assert not outcome.ok and outcome.reason == "memory limit 1024 MB exceeded"
    assert elapsed < guard(30)
    assert no_zombies()


def test_exception_is_reported_by_name_and_message():
    assert run_limited(fail) == Outcome(False, None, "CustomFailure: it went wrong")
    assert run_limited(int, "x").reason == "ValueError: invalid literal for int() with base 10: 'x'"
    assert run_limited(dict().__getitem__, "k").reason == "KeyError: 'k'"


def test_sympy_value_comes_back_equal():
    x = symbol("x")
    outcome = run_limited(sp.expand, (x + 1)**3)
    assert outcome.ok and outcome.reason == ""
    assert outcome.value == x**3 + 3 * x**2 + 3 * x + 1


def test_large_value_comes_back_whole():
    outcome = run_limited(list, range(3_000_000))
    assert outcome.ok and outcome.value == list(range(3_000_000))


def test_arguments_and_keywords_reach_the_function():
    assert run_limited(sorted, [3, 1, 2], reverse=True).value == [3, 2, 1]
    assert run_limited(lambda: 42).value == 42  # the function itself need not pickle


def test_unpicklable_value_is_an_error_outcome():
    outcome = run_limited(lambda: threading.Lock())
    assert not outcome.ok and outcome.reason.startswith("result cannot be pickled")


def test_crashed_worker():
    outcome = run_limited(lambda: os.kill(os.getpid(), signal.SIGTERM))  # getpid in the worker
    assert outcome == Outcome(False, None, f"worker crashed (signal {int(signal.SIGTERM)})")


def test_worker_that_exits_without_a_result():
    outcome = run_limited(os._exit, 3)
    assert not outcome.ok and "status 3" in outcome.reason


def test_worker_skips_the_parent_atexit_handlers(tmp_path):
    marker = tmp_path / "atexit-ran"

    def handler():
        marker.write_text("ran")

    atexit.register(handler)
    try:
        assert run_limited(sum, [1, 2]).value == 3
        assert not marker.exists()
    finally:
        atexit.unregister(handler)


def test_worker_output_appears_once(capfd):
    print("parent line", end="")
    run_limited(print, "worker line")
    out = capfd.readouterr().out
    assert out.count("parent line") == 1 and out.count("worker line") == 1


def test_no_zombies_after_many_runs():
    for function, args in [(sum, ([1],)), (time.sleep, (10,)), (fail, ()), (os._exit, (1,))]:
        run_limited(function, *args, timeout=0.3)
    assert no_zombies()


def test_invalid_timeout_is_refused():
    with pytest.raises(ValueError):
        run_limited(sum, [], timeout=0)


def test_time_limit_interrupts_a_busy_loop_and_restores_the_handler():
    def sentinel(signum, frame):
        raise AssertionError("the old handler must not fire")

    previous = signal.signal(signal.SIGALRM, sentinel)
    try:
        start = time.monotonic()
        with pytest.raises(StepTimeout, match="after 0.2 s"):
            with time_limit(0.2):
                busy_loop()
        assert time.monotonic() - start < guard(0.2)
        assert signal.getsignal(signal.SIGALRM) is sentinel
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_time_limit_lets_a_quick_body_finish():
    with time_limit(5):
        total = sum(range(1000))
    assert total == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_inner_time_limit_cannot_extend_the_outer_one():
    start = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.3):
            with time_limit(30):
                busy_loop()
    assert time.monotonic() - start < guard(0.3)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outer_time_limit_survives_a_shorter_inner_one():
    start = time.monotonic()
    with pytest.raises(StepTimeout, match="after 1 s"):
        with time_limit(1):
            with pytest.raises(StepTimeout, match="after 0.1 s"):
                with time_limit(0.1):
                    busy_loop()
            assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 1
            busy_loop()
    assert 1 <= time.monotonic() - start + 0.05 < guard(1)


def test_time_limit_outside_the_main_thread_runs_unlimited():
    results = []

    def body():
        with time_limit(0.01):
            time.sleep(0.1)
        results.append("finished")

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert results == ["finished"]


def test_time_limit_stops_a_run_limited_wait_and_reaps_the_worker():
    with pytest.raises(StepTimeout):
        with time_limit(0.3):
            run_limited(time.sleep, 30, timeout=20)
    assert no_zombies()


def test_time_limit_refuses_a_non_positive_limit():
    with pytest.raises(ValueError):
        with time_limit(0):
            pass


def test_what_a_verification_imports_on_demand_is_imported_here_from_the_second_fork_on():
    """A REPL verifying claim after claim pays simplify's import of sympy.physics.units once, not per claim."""
    import subprocess
    import sys
    script = ("import sys\n"
              "from derive import verify\n"
              "verify('(x + 1)**2 = x**2 + 2*x + 1')\n"
              "first = [m in sys.modules for m in ('sympy.physics.units', 'derive.certify', 'z3')]\n"
              "verify('(x + 1)**2 = x**2 + 2*x + 1')\n"
              "print(first, [m in sys.modules for m in ('sympy.physics.units', 'derive.certify', 'z3')])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         stdin=subprocess.DEVNULL).stdout.strip()
    assert out == "[False, False, False] [True, True, True]"
