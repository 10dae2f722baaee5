"""A throwaway PostgreSQL cluster for tests and benchmarks: ``initdb`` in a temporary folder, served by
``pg_ctl`` on a unix socket only (no TCP port), trust authentication, stopped and removed at the end.

PostgreSQL refuses to run as root: as root the cluster runs as the ``postgres`` user (``runuser``), in
folders given to it. Where no PostgreSQL can start, :func:`start_cluster` raises :class:`NoPostgres`
whose message says what to install.

    cluster = start_cluster()
    url = cluster.new_database()        # postgresql://storyline@/db1?host=/tmp/…
    cluster.stop()
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

USER = "storyline"
INSTALL_HINT = ("PostgreSQL tests need the server binaries (initdb, pg_ctl): "
                "apt-get install postgresql (Debian/Ubuntu), or put initdb on PATH")
# durability is no concern for a cluster that lives one test session: no fsync, no waits on commit
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class NoPostgres(RuntimeError):
    """No PostgreSQL server could be started here; the message says why and what to install."""


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


class Cluster:
    """One running cluster: its folder, socket folder and a counter of the databases made in it."""

    def __init__(self, root: Path, bin_dir: Path, run_as: list[str]) -> None:
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "sock"
        self.bin_dir = bin_dir
        self.run_as = run_as
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """A libpq URL of ``database`` in this cluster (unix socket, user ``storyline``)."""
        return f"postgresql://{USER}@/{database}?host={quote(str(self.socket_dir), safe='')}"

    def new_database(self, prefix: str = "db") -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = f"{prefix}{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.run_as, *args], capture_output=True, text=True, timeout=120)

    def start(self, settings: str = FAST) -> None:
        init = self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                         "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        if init.returncode != 0:
            raise NoPostgres(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-k {self.socket_dir} -c listen_addresses='' -p 5432 {settings}"
        started = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                            "-o", options, "-w", "-t", "60", "start")
        if started.returncode != 0:
            log = (self.root / "log").read_text(errors="replace")[-500:] if (self.root / "log").exists() else ""
            raise NoPostgres(f"pg_ctl start failed: {started.stderr.strip()[-300:]} {log}")
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + seconds
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=5).close()
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise NoPostgres(f"the test cluster did not accept connections: {exc}") from exc
                time.sleep(0.2)

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(settings: str = FAST) -> Cluster:
    """Start a cluster in a new temporary folder, or raise NoPostgres saying why it cannot run here."""
    try:
        import psycopg  # noqa: F401 -- the tests' client; a dependency of storyline
    except ImportError as exc:
        raise NoPostgres("psycopg is not installed: pip install -e '.[test]'") from exc
    bin_dir = server_binaries()
    if bin_dir is None:
        raise NoPostgres(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))  # short: a socket path has ~100 characters
    (root / "sock").mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            shutil.chown(root, "postgres", "postgres")
            shutil.chown(root / "sock", "postgres", "postgres")
        except (LookupError, OSError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise NoPostgres(f"running as root and there is no 'postgres' user to run the server ({exc}); "
                             + INSTALL_HINT) from exc
        if runuser is None:
            shutil.rmtree(root, ignore_errors=True)
            raise NoPostgres("running as root without runuser to start the server as 'postgres'")
        run_as = [runuser, "-u", "postgres", "--"]
    root.chmod(0o755)
    cluster = Cluster(root, bin_dir, run_as)
    try:
        cluster.start(settings)
    except BaseException:
        cluster.stop()
        raise
    return cluster
