"""The Dask preparer without a cluster: a bounded window of batches in flight, consumed in submission
order and cancelled when the ingest stops; worker failures named by input; Dask only with --dask."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storyline.assign import story_items_of
from storyline.compute import WorkOptions, open_preparer
from storyline.embed import HashingEncoder
from storyline.errors import ConfigError
from storyline.types import RawRecord

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")
from storyline.compute import cluster

OPTIONS = WorkOptions(min_words=3, clean_with_encoder=False, num_perm=64, make_items=story_items_of)


class FakeFuture:
    def __init__(self, client, number: int, error: Exception | None = None) -> None:
        self.client, self.number, self.error, self.cancelled = client, number, error, False

    def result(self):
        if self.error is not None:
            raise self.error
        self.client.done.append(self.number)
        return self.number

    def cancel(self) -> None:
        self.cancelled = True


class FakeClient:
    """Records what was submitted; a future's result is its batch number."""

    def __init__(self, error: Exception | None = None) -> None:
        self.futures: list[FakeFuture] = []
        self.done: list[int] = []
        self.error = error

    def submit(self, function, records, options, now, encoder_plugin, **kwargs) -> FakeFuture:
        assert function is cluster.prepare_on_worker and kwargs["pure"] is False
        assert encoder_plugin == "storyline-encoder:hashing:256"
        self.futures.append(FakeFuture(self, len(self.futures), self.error))
        return self.futures[-1]

    def in_flight(self) -> int:
        return sum(1 for f in self.futures if f.number not in self.done and not f.cancelled)


def _preparer(client: FakeClient, window: int = 3) -> cluster.DaskPreparer:
    preparer = cluster.DaskPreparer("local:1", HashingEncoder())
    preparer._client, preparer._window = client, window  # as _connect leaves them
    return preparer


def _batches(count: int) -> list[list[RawRecord]]:
    return [[RawRecord(origin=f"in.jsonl:{n}", text="x")] for n in range(count)]


def test_batches_in_flight_are_bounded_and_come_back_in_order(monkeypatch):
    client = FakeClient()
    monkeypatch.setattr(cluster, "RemoteBatch", lambda records, fetch, dim: fetch)
    seen = []
    for fetch in _preparer(client).run(iter(_batches(10)), OPTIONS):
        assert client.in_flight() <= 3  # the window: reading waits while it is full
        seen.append(fetch())
    assert seen == list(range(10))


def test_stopping_early_cancels_the_batches_in_flight(monkeypatch):
    client = FakeClient()
    monkeypatch.setattr(cluster, "RemoteBatch", lambda records, fetch, dim: fetch)
    stream = _preparer(client).run(iter(_batches(10)), OPTIONS)
    next(stream)()
    stream.close()  # the engine does this when a batch raises (--strict, a write error)
    assert [f.cancelled for f in client.futures] == [False, True, True]


def test_a_worker_failure_names_the_inputs_of_its_batch(monkeypatch):
    client = FakeClient(error=RuntimeError("worker died"))
    monkeypatch.setattr(cluster, "RemoteBatch", lambda records, fetch, dim: fetch)
    fetch = next(_preparer(client).run(iter([_batches(3)[0] + _batches(3)[2]]), OPTIONS))
    with pytest.raises(cluster.ComputeError, match=r"in\.jsonl:0 … in\.jsonl:2: RuntimeError: worker died") as error:
        fetch()
    assert error.value.exit_code == 1 and "without --dask" in error.value.hint


def test_spec_forms():
    assert cluster.ClusterSpec.parse("local:3").local_workers == 3
    assert cluster.ClusterSpec.parse("scheduler.lan:8786").address == "scheduler.lan:8786"
    for bad in ("local:0", "local:x", "tcp://host", "8786", ""):
        with pytest.raises(ConfigError):
            cluster.ClusterSpec.parse(bad)


def test_without_dask_installed_the_hint_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    monkeypatch.delitem(sys.modules, "storyline.compute.cluster")
    with pytest.raises(ConfigError, match="dask and distributed") as error:
        open_preparer("local:2", HashingEncoder())
    assert "storyline[dask]" in error.value.hint


def test_a_plain_ingest_never_imports_dask(tmp_path):
    code = (
        "import sys\n"
        "from storyline.embed import HashingEncoder\n"
        "from storyline.engine import Engine\n"
        "from storyline.types import RawRecord\n"
        f"engine = Engine({str(tmp_path / 'x.db')!r}, encoder=HashingEncoder())\n"
        "engine.ingest_records([RawRecord(origin='t:1', text='Storm floods the valley of Sora on Monday.')])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
