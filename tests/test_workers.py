"""derive.workers.run_each: long-lived workers that take one item after another, each under its own limits.

The limits name themselves whatever the machine's load (a CPU or memory limit
gets a wall-clock limit thirty times longer than it needs); nothing here is timed.
"""
import json
import os
import signal
import time

import pytest

from derive.workers import run_each


def job(item):
    """What each test item does, by name; a number is squared."""
    if item == "spin":
        while True:
            pass
    if item == "sleep":
        while True:
            time.sleep(1)
    if item == "hog":
        blocks = []
        while True:
            blocks.append(bytearray(16 * 2**20))
    if item == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "raise":
        raise ValueError("no")
    if item == "pid":
        return os.getpid()
    return item * item


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_outcomes_come_in_the_items_order_whatever_the_workers(jobs):
    done = []
    outcomes = run_each(job, range(7), jobs=jobs, on_done=lambda i, o: done.append(i))
    assert [o.value for o in outcomes] == [i * i for i in range(7)]
    assert sorted(done) == list(range(7))


def test_a_worker_takes_one_item_after_another():
    """Two workers for six items: the items run in at most two processes, none of them this one."""
    pids = {o.value for o in run_each(job, ["pid"] * 6, jobs=2)}
    assert 1 <= len(pids) <= 2 and os.getpid() not in pids


def test_each_limit_names_itself_and_the_items_after_it_still_run():
    items = [2, "spin", 3, "hog", 4, "crash", 5, "raise", 6]
    outcomes = run_each(job, items, jobs=2, timeout=30, memory_mb=512, cpu_seconds=1)
    assert [o.value for o in outcomes[0::2]] == [4, 9, 16, 25, 36]
    assert [o.reason for o in outcomes[1::2]] == ["CPU limit exceeded", "memory limit 512 MB exceeded",
                                                    f"worker crashed (signal {int(signal.SIGKILL)})", "ValueError: no"]


def test_the_time_limit_counts_for_each_item_from_when_a_worker_takes_it():
    """One worker: the sleeper times out, and the items queued behind it get their own time."""
    outcomes = run_each(job, [1, "sleep", 2, 3], jobs=1, timeout=2)
    assert [o.reason for o in outcomes] == ["", "timed out after 2 s", "", ""]
    assert [o.value for o in outcomes[2:]] == [4, 9]


def test_the_cpu_limit_is_raised_for_each_item():
    """Items that use CPU one after another in one worker never add up to a CPU limit."""
    def busy(_):
        end = time.process_time() + 0.4
        while time.process_time() < end:
            pass
        return True
    assert all(o.value for o in run_each(busy, range(6), jobs=1, timeout=60, cpu_seconds=1))


def test_the_catalogue_gives_the_same_verdicts_in_a_fresh_worker_per_proof():
    """derive check runs the proofs in shared workers (derive.catalogue.run_many); a proof alone in a
    worker of its own (run_limited, one fork per proof) must give the same result, step for step."""
    from derive.catalogue import discover, get, run_in_process
    from derive.limits import run_limited
    ids = list(discover())
    shared = run_each(run_in_process, [get(pid) for pid in ids], jobs=2, timeout=120)
    alone = [run_limited(run_in_process, get(pid), timeout=120) for pid in ids]

    def shown(outcome):
        assert outcome.ok, outcome.reason
        return json.dumps({k: v for k, v in outcome.value.as_dict().items() if k != "seconds"}, sort_keys=True)
    assert [shown(o) for o in shared] == [shown(o) for o in alone]
