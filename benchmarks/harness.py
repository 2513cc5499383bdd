"""What every benchmark needs: a throwaway site per backend, the backends to run on, and a quick size.

Benchmarks touch Smooth only through its public surface (the `smooth` facade, `smooth.install.new_site`,
the bench CLI and HTTP), so a refactor of the core cannot break them without a public API changing;
tests/benchmarks runs each one at its quick size (`--quick` or SMOOTH_BENCH_QUICK=1) so that it cannot
break silently either.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import smooth
from smooth.cli import main as bench
from smooth.install import new_site

BACKENDS_ENV = "SMOOTH_BENCH_BACKENDS"
QUICK_ENV = "SMOOTH_BENCH_QUICK"
MARIADB_ENV = "SMOOTH_TEST_MARIADB_URL"

T = TypeVar("T", int, float)


@dataclass(frozen=True)
class BenchSite:
    """A site made for one benchmark run; `db_url` lets a hand-written baseline in another process reach it."""

    name: str
    sites_path: Path
    backend: str
    db_url: str


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--quick and --mariadb-url, the same in every benchmark so the suite can drive them all alike."""
    parser.add_argument("--quick", action="store_true", default=os.environ.get(QUICK_ENV, "") not in ("", "0"),
                        help=f"Tiny sizes that still run every code path (also ${QUICK_ENV}=1); for CI, not "
                             "for judging.")
    parser.add_argument("--mariadb-url", default=os.environ.get(MARIADB_ENV),
                        help=f"MariaDB server URL without a database (default ${MARIADB_ENV}); without it only "
                             "SQLite runs.")


def size(given: T | None, *, full: T, quick: T, is_quick: bool) -> T:
    """An explicit option wins; otherwise the full size, or the quick one under --quick."""
    if given is not None:
        return given
    return quick if is_quick else full


@contextmanager
def temporary_site(backend: str, apps: list[str], mariadb_url: str | None) -> Iterator[BenchSite]:
    """A fresh site bound to this thread as Administrator; `bench drop-site` removes its files and database after."""
    root = Path(tempfile.mkdtemp(prefix="smooth-bench-"))
    name = f"bench-{backend}.local"
    db_url = f"{mariadb_url.rstrip('/')}/smooth_bench_{secrets.token_hex(4)}" if backend == "mariadb" else None
    try:
        new_site(name, root, db_type=backend, db_url=db_url, admin_password="admin", apps=apps,
                 echo=lambda _m: None)
        with smooth.site_context(name, root):
            yield BenchSite(name, root, backend, site_db_url(root / name))
    finally:
        if (root / name).exists():
            drop_site(name, root)
        shutil.rmtree(root, ignore_errors=True)


def site_db_url(site_path: Path) -> str:
    """The bound site's database URL, from its site config (`db_url`, or the SQLite file `db_path`)."""
    url = smooth.conf.get("db_url")
    if url:
        return str(url)
    db_path = Path(smooth.conf.get("db_path") or "site.sqlite3")
    return f"sqlite:///{db_path if db_path.is_absolute() else site_path / db_path}"


def set_config(site: BenchSite, key: str, value: str | None) -> None:
    """`bench --site S set-config KEY VALUE` (None removes the key), as an operator changes a running layout."""
    with contextlib.redirect_stdout(io.StringIO()):
        bench(["--sites-path", str(site.sites_path), "--site", site.name, "set-config", key,
               "null" if value is None else json.dumps(value), "--parse"])


def drop_site(name: str, sites_path: Path) -> None:
    """`bench drop-site NAME --yes`, in this process so the cached site's pooled connections are closed too."""
    with contextlib.redirect_stdout(io.StringIO()):
        bench(["--sites-path", str(sites_path), "drop-site", name, "--yes"])


def each_backend(mariadb_url: str | None, measure: Callable[[str], None]) -> int:
    """SQLite, then MariaDB when a server URL was given (said on stderr when it was not); $SMOOTH_BENCH_BACKENDS
    (e.g. `mariadb`) runs only those named."""
    chosen = {b.strip() for b in os.environ.get(BACKENDS_ENV, "sqlite,mariadb").split(",") if b.strip()}
    if "sqlite" in chosen:
        measure("sqlite")
    if "mariadb" not in chosen:
        return 0
    if mariadb_url:
        measure("mariadb")
    else:
        print(f"[mariadb] skipped: pass --mariadb-url or set {MARIADB_ENV}", file=sys.stderr)
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(site: BenchSite, workers: int = 1) -> tuple[subprocess.Popen[bytes], int]:
    """Smooth's ASGI app (the factory `bench serve --workers N` runs) in Uvicorn on a free loopback port, in one
    process or `workers` processes, for benchmarks that time real HTTP requests; the caller terminates it."""
    port = free_port()
    here = Path(__file__).parent
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "smooth.asgi:app_from_env", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(workers)],
        cwd=here, env={**os.environ, "PYTHONPATH": f"{here.parent}:{here}",
                       "SMOOTH_SITES_PATH": str(site.sites_path), "SMOOTH_SITE": site.name})
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                raise RuntimeError("the Smooth server did not start") from None
            time.sleep(0.1)



@dataclass(frozen=True)
class ScaleResult:
    """One row of bench_scale.py's table: a measured figure against its goal, and a ratio where it has a baseline.

    `within_goal` is decided by the section that measured it (a goal can be "< 5 ms", ">= 15x", or both)."""

    row: str
    figure: str
    goal: str
    within_goal: bool
    ratio: float | None = None

    def line(self, backend: str) -> str:
        ratio = f" -> ratio {self.ratio:.2f}" if self.ratio is not None else ""
        verdict = "within goal" if self.within_goal else "OVER GOAL"
        return f"[{backend}] {self.row}: {self.figure}{ratio} (goal {self.goal}; {verdict})"


def timed_get(conn: http.client.HTTPConnection, path: str, token: str, must_contain: bytes) -> float:
    """Seconds for one authenticated GET; a wrong status or a page without `must_contain` stops the benchmark."""
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"token {token}"})
    response = conn.getresponse()
    body = response.read()
    took = time.perf_counter() - start
    if response.status != 200 or must_contain not in body:
        raise RuntimeError(f"GET {path}: {response.status}:\n{body[:1500].decode(errors='replace')}")
    return took


def buffer_pool(backend: str) -> str:
    """The bound site's InnoDB buffer pool, for the lines a large-table figure is judged by ("" on SQLite)."""
    if backend != "mariadb":
        return ""
    pool = smooth.db.sql("select @@innodb_buffer_pool_size")[0][0]
    return f"; InnoDB buffer pool {int(pool) // 2**20} MiB"
