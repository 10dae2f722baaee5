"""The per-article stages on Dask workers (``storyline ingest --dask tcp://scheduler:8786`` or ``local:N``).

Batches go to the workers as tasks, at most a few per worker at a time (back-pressure: reading
pauses while the window is full), and come back in submission order; the engine assigns and stores
them in input order. Each worker holds one single-threaded copy of the encoder, loaded once when
it joins (:class:`EncoderPlugin`). Only this module imports Dask, and only ``--dask`` imports it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import deque
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import datetime

from storyline.compute import PendingBatch, Records, WorkOptions
from storyline.compute.work import RemoteBatch, WorkedBatch, work_records
from storyline.embed import Encoder, USEEncoder
from storyline.embed.e5 import E5Encoder
from storyline.errors import ConfigError, StorylineError
from storyline.storage import utcnow

try:
    import dask
    from distributed import Client, Future, LocalCluster, WorkerPlugin, get_worker
except ImportError as missing:  # the plain install: Dask is an extra
    raise ConfigError("--dask needs the packages dask and distributed, which are not installed",
                      hint="pip install 'storyline[dask]' (or run without --dask)") from missing

PLUGIN_NAME = "storyline-encoder"
BATCHES_PER_WORKER = 2  # batches in flight per worker: one running, one queued behind it
CONNECT_SECONDS = 10.0  # how long to try reaching a scheduler before giving up
# How a local cluster runs, measured on 2 cores. Dask starts worker processes with
# MALLOC_TRIM_THRESHOLD_=65536 (memory handed back to the system eagerly): the encoder's numpy arrays then
# cost about 30 % more CPU (3.2 s -> 4.2 s for the same batches), so local workers keep the C library's
# default (docs/scale.md: workers started by hand). Its background checks (a 20 ms event-loop tick, a
# 10 ms stack profiler, monitors, work stealing) cost an idle worker and scheduler 0.55 CPU s per 10 s,
# 0.10 s at these intervals; nothing here reads what they gather.
LOCAL_CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}
_LOCAL = re.compile(r"^local:(\d+)$")
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|inproc)://)?[^\s/:]+:\d{1,5}$")


class ComputeError(StorylineError):
    """The Dask cluster could not be reached, or its workers failed on some inputs (exit code 1)."""


@dataclass(frozen=True)
class ClusterSpec:
    """Where the workers are: a running scheduler's address, or a LocalCluster of ``local_workers``."""

    address: str | None = None
    local_workers: int = 0

    @classmethod
    def parse(cls, spec: str) -> ClusterSpec:
        """``local:N`` or a scheduler address (``tcp://host:8786``, ``host:8786``).

        >>> ClusterSpec.parse("local:2"), ClusterSpec.parse("tcp://10.0.0.5:8786").address
        (ClusterSpec(address=None, local_workers=2), 'tcp://10.0.0.5:8786')
        """
        local = _LOCAL.match(spec.strip())
        if local and int(local.group(1)) >= 1:
            return cls(local_workers=int(local.group(1)))
        if not local and _ADDRESS.match(spec.strip()):
            return cls(address=spec.strip())
        raise ConfigError(f"--dask {spec!r} is neither a scheduler address nor local:N",
                          hint="give tcp://HOST:PORT of a running `dask scheduler` (8786 by default), "
                               "or local:N for N worker processes on this machine")


def worker_copy(encoder: Encoder) -> Encoder:
    """The encoder a worker holds: the same model on one thread and no helper process (a worker is one
    process on one core; more workers, not more threads, use more cores)."""
    if isinstance(encoder, USEEncoder):
        return USEEncoder(threads=1, max_chars=encoder.max_chars, workers=0)
    if isinstance(encoder, E5Encoder):
        return E5Encoder(threads=1, max_chars=encoder.max_chars)
    return encoder  # a model-free encoder travels as it is


class EncoderPlugin(WorkerPlugin):
    """Gives each worker its encoder, loaded once when the plugin is set up there (and on workers that
    join later). One plugin per encoder: ingests with another encoder on the same cluster get their own."""

    idempotent = True  # a second ingest with the same encoder on the same cluster keeps the loaded model

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.name = plugin_name(encoder)

    def setup(self, worker) -> None:
        self.encoder.encode(["warm up"])  # loads the model now, not inside the first batch


def plugin_name(encoder: Encoder) -> str:
    """The name of the plugin holding this encoder on the workers."""
    return f"{PLUGIN_NAME}:{encoder.name}:{encoder.dim}"


def prepare_on_worker(records: Records, options: WorkOptions, now: datetime, encoder_plugin: str) -> WorkedBatch:
    """The task a worker runs: one batch's per-article work with the worker's copy of the encoder."""
    plugin = get_worker().plugins.get(encoder_plugin)
    if not isinstance(plugin, EncoderPlugin):
        raise RuntimeError(f"this worker has no {encoder_plugin} plugin: was it started by another storyline version?")
    return work_records(records, options, plugin.encoder, now)


class DaskPreparer:
    """Runs the per-article stages on a Dask cluster, reached (or started) at the first ingest."""

    def __init__(self, spec: str, encoder: Encoder) -> None:
        self.spec = ClusterSpec.parse(spec)
        self._encoder = encoder
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None
        self._window = 0

    def _connect(self) -> Client:
        if self._client is not None:
            return self._client
        where = self.spec.address or f"a local cluster of {self.spec.local_workers} workers"
        try:
            if self.spec.address is None:
                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self._cluster = LocalCluster(n_workers=self.spec.local_workers, threads_per_worker=1,
                                                 processes=True, silence_logs=logging.ERROR,
                                                 dashboard_address=":0")  # any free port: never "8787 in use"
                    self._client = Client(self._cluster, set_as_default=False)
            else:
                self._client = Client(self.spec.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except Exception as error:  # unreachable, refused, or worker processes that could not start
            self.close()
            if self.spec.address is None:
                raise ComputeError(f"could not start {where}: {type(error).__name__}: {error}",
                                   hint="a Python script that ingests with local:N must start under "
                                        "`if __name__ == '__main__':` (worker processes import it again); "
                                        "or start a scheduler and workers and give its address") from error
            raise ComputeError(f"could not reach the Dask scheduler at {where}: {error}",
                               hint="start one (`dask scheduler`, then `dask worker ADDRESS` on each machine) and "
                                    "check the address and port, or use --dask local:N") from error
        try:
            self._client.register_plugin(EncoderPlugin(worker_copy(self._encoder)))
        except Exception as error:
            self.close()
            raise ComputeError(f"the Dask workers at {where} could not load the {self._encoder.name} encoder: "
                               f"{type(error).__name__}: {error}",
                               hint="install storyline (same version) with its encoder on every worker") from error
        workers = len(self._client.scheduler_info().get("workers", {})) or 1
        self._window = max(2, BATCHES_PER_WORKER * workers)
        return self._client

    def run(self, batches: Iterable[Records], options: WorkOptions) -> Generator[PendingBatch, None, None]:
        """Submit batches ahead, at most the window's worth unconsumed; yield them in submission order.
        Batches still in flight when the stream stops (an error, ``--strict``) are cancelled."""
        client = self._connect()
        run_id, encoder_plugin = uuid.uuid4().hex[:8], plugin_name(self._encoder)
        window: deque[tuple[Records, Future]] = deque()
        try:
            for number, records in enumerate(batches):
                if not records:  # a live input paused: hand over what was submitted, not wait for more
                    while window:
                        yield self._pending(*window.popleft())
                    continue
                future = client.submit(prepare_on_worker, records, options, utcnow(), encoder_plugin, pure=False,
                                       key=f"storyline-batch-{run_id}-{number}")
                window.append((records, future))
                if len(window) >= self._window:
                    yield self._pending(*window.popleft())
            while window:
                yield self._pending(*window.popleft())
        finally:
            for _, future in window:
                future.cancel()

    def _pending(self, records: Records, future: Future) -> PendingBatch:
        def fetch() -> WorkedBatch:
            try:
                return future.result()
            except Exception as error:
                raise ComputeError(f"the Dask workers failed on {_span(records)}: {type(error).__name__}: {error}",
                                   hint="run the same input without --dask to see where it fails, or read "
                                        "the workers' logs") from error
        return RemoteBatch(records, fetch, self._encoder.dim)

    def worker_cpu_seconds(self) -> float:
        """CPU seconds the workers' processes have used so far (0 before the first ingest): what the work
        sent to them cost, whatever else shares their cores."""
        if self._client is None:
            return 0.0
        return float(sum(self._client.run(time.process_time).values()))

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this preparer started one."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _span(records: Records) -> str:
    """The inputs of a batch, by file and line: ``a.jsonl:1`` … ``a.jsonl:64``."""
    if not records:
        return "an empty batch"
    first, last = records[0].origin, records[-1].origin
    return first if first == last else f"the inputs {first} … {last}"
