"""HostPool: hosts at once, one job at a time per host, in order; a stop drops what has not started."""

from __future__ import annotations

import threading
import time

import pytest

from storyline.sources.hostpool import HostPool


def test_one_host_in_order_and_never_twice_at_once_while_another_host_runs_alongside() -> None:
    running: dict[str, int] = {"a": 0, "b": 0}
    overlap: list[str] = []
    lock = threading.Lock()
    b_started = threading.Event()

    def job(host: str, n: int):
        def run():
            with lock:
                running[host] += 1
                if running[host] > 1:
                    overlap.append(host)
            if host == "b":
                b_started.set()
            elif n == 0:
                assert b_started.wait(30)  # host a's first job waits until host b runs: they run at once
            time.sleep(0.01)
            with lock:
                running[host] -= 1
            return n
        return run

    with HostPool(3, threading.Event()) as pool:
        for n in range(5):
            pool.submit("a", ("a", n), job("a", n))
            pool.submit("b", ("b", n), job("b", n))
        results = list(pool.results())
    assert not overlap
    assert [n for (host, n), _ in results if host == "a"] == list(range(5))
    assert [n for (host, n), _ in results if host == "b"] == list(range(5))
    assert all(tag[1] == value for tag, value in results)


def test_a_stop_drops_the_jobs_not_started_and_keeps_the_one_running() -> None:
    stop = threading.Event()
    started: list[int] = []
    with HostPool(2, stop) as pool:
        for n in range(4):
            pool.submit("a", n, lambda n=n: started.append(n) or n)
        taken = []
        for _tag, value in pool.results():
            taken.append(value)
            stop.set()  # after the first result: the rest of host a never starts
    assert taken == [0] and started == [0]


def test_jobs_submitted_while_reading_results_are_run_too() -> None:
    with HostPool(2, threading.Event()) as pool:
        pool.submit("feed", "feed", lambda: ["x", "y"])
        seen = []
        for tag, value in pool.results():
            seen.append(tag)
            if tag == "feed":
                for item in value:
                    pool.submit(item, item, lambda: None)
    assert seen[0] == "feed" and sorted(seen[1:]) == ["x", "y"]


def test_a_failing_job_raises_in_the_caller() -> None:
    def boom():
        raise RuntimeError("boom")

    with HostPool(1, threading.Event()) as pool:
        pool.submit("a", "a", boom)
        with pytest.raises(RuntimeError, match="boom"):
            list(pool.results())
