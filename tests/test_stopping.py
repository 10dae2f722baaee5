"""Ctrl-C during a long fetch or follow: the handler runs and the wait ends, whichever thread the signal lands on."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from storyline.sources.stopping import WAKE_EVERY, wait_unless_stopped

_SIGNAL_INSIDE_WAIT = """
import os, signal, threading
from storyline.sources.stopping import stop_on_signals
stop = threading.Event()
with stop_on_signals(stop, notice=print):
    with stop._cond:  # where stop.wait() holds the event's lock before it lets go of it
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs here, in this thread
        sum(range(1000))  # a few bytecodes: the pending handler runs before the lock is released
    assert stop.wait(10)
print("stopped")
"""

_SIGNAL_ON_ANOTHER_THREAD = """
import signal, threading, time
from storyline.sources.stopping import stop_on_signals, wait_unless_stopped
stop = threading.Event()

def worker():  # the kernel may hand the process's Ctrl-C to any thread: here, surely to this one
    time.sleep(0.3)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)

with stop_on_signals(stop, notice=print):
    threading.Thread(target=worker).start()
    started = time.monotonic()
    assert wait_unless_stopped(stop, 3600)
print(f"stopped after {time.monotonic() - started:.1f}s")
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_signal_arriving_inside_the_wait_stops_it_and_never_deadlocks() -> None:
    """Ctrl-C can land while the main thread is inside ``stop.wait`` holding the event's lock (a few bytecodes
    of every wait): setting the event from the handler itself would wait on that lock forever."""
    done = run_python(_SIGNAL_INSIDE_WAIT)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "stopped", done.stderr
    assert "stopping after the article in hand" in done.stdout


def test_a_signal_delivered_to_a_worker_thread_ends_an_hour_long_wait_at_once() -> None:
    """Python runs handlers in the main thread only when it executes bytecode: a plain ``Event.wait(3600)``
    would sleep through this Ctrl-C for the hour (the follow test's rare timeout)."""
    done = run_python(_SIGNAL_ON_ANOTHER_THREAD)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stopping after the article in hand")
    seconds = float(done.stdout.splitlines()[-1].split()[2].rstrip("s"))
    assert seconds < 10


def test_the_wait_ends_on_time_or_as_soon_as_another_thread_stops_it() -> None:
    stop = threading.Event()
    started = time.monotonic()
    assert wait_unless_stopped(stop, 3 * WAKE_EVERY) is False
    assert time.monotonic() - started >= 3 * WAKE_EVERY
    threading.Timer(0.05, stop.set).start()
    started = time.monotonic()
    assert wait_unless_stopped(stop, 3600) is True
    assert time.monotonic() - started < 30


def test_a_stopped_file_ingest_stores_the_batches_it_read_and_reads_no_further(tmp_path) -> None:
    """``storyline ingest``'s Ctrl-C: the batch in hand is stored whole, nothing after it is read."""
    from pathlib import Path

    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.settings import Settings

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo-corpus.jsonl"
    db = str(tmp_path / "stopped.db")
    stop = threading.Event()
    with Engine(db, encoder=HashingEncoder(), settings=Settings(db=db, batch_size=8)) as engine:
        report = engine.ingest_paths([str(demo)], stop=stop, progress=lambda n: stop.set())
        assert report.seen == 8 and report.ingested == 8
        again = engine.ingest_paths([str(demo)])  # the same command again goes on where it stopped
    assert again.already_stored == 8 and again.seen == 57
