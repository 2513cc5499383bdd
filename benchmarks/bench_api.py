"""REST API under load: a permission-checked list and a booking-like insert, ours vs a bare Starlette app.

    .venv/bin/python benchmarks/bench_api.py [--clients 8] [--seconds 5] [--records 2000] [--mariadb-url URL]
                                             [--quick]

Two servers run side by side on loopback, each a single Uvicorn worker process on the same
database: Smooth's REST API (`smooth.asgi:app_from_env`, the ASGI factory `bench serve --workers N`
runs) and a minimal Starlette app that does the same SQL by hand with SQLAlchemy Core, on an engine
configured by hand the way Smooth configures its own (SQLite: WAL, busy timeout, BEGIN IMMEDIATE for
writes; MariaDB: READ COMMITTED). N client threads with keep-alive connections send requests for a
fixed time per scenario, after a warm-up:

- list: `GET /api/resource/Test Record` as a Test Student, whose record rule limits the rows to
  their own (`member = user`). Baseline: API key lookup, secret hash read, roles read, then the
  same filtered, ordered, limited SELECT.
- insert: `POST /api/resource/Test Note` (naming `NOTE-{YYYY}-{#####}`, unique `code`) as a Test
  Creator. Baseline: the same key, hash and roles reads, the series upsert, the INSERT, COMMIT.

Both authenticate with `Authorization: token key:secret`; Smooth verifies the secret with argon2
once per process and caches the result, the baseline compares a SHA-256 of it. Printed per
backend and scenario: requests/s, p50 and p95 latency, and the ratios ours/baseline. --quick (or
SMOOTH_BENCH_QUICK=1): 2 clients, 1 s per scenario, 400 records; every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness import BenchSite, add_common_arguments, each_backend, size, temporary_site

import smooth

REPO = Path(__file__).resolve().parents[1]
TEST_APP = REPO / "tests" / "apps" / "smooth_test_app"
STUDENT = "student@bench.example"
CREATOR = "creator@bench.example"
LIST_PATH = "/api/resource/" + quote("Test Record") + "?" + "&".join(
    f"{k}={quote(v)}" for k, v in {"fields": json.dumps(["name", "title", "score", "status"]),
                                   "limit_page_length": "20"}.items())
NOTE_PATH = "/api/resource/" + quote("Test Note")
PAGE = 20
SQLITE_BEGIN = "baseline_sqlite_begin"  # connection.info key: how the next transaction begins on SQLite


# -- the baseline server: plain Starlette + SQLAlchemy Core, started by Uvicorn in its own process --------------

def baseline_engine(url: str) -> Any:
    """An engine set up by hand as Smooth sets up its own, so the comparison is of the layers above it."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=10,
                               max_overflow=20)

        @event.listens_for(engine, "connect")
        def sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # BEGIN is emitted below, so writers can take the lock first
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def sqlite_begin(connection: Any) -> None:
            connection.exec_driver_sql(f"BEGIN {connection.info.pop(SQLITE_BEGIN, 'DEFERRED')}")

        return engine
    engine = create_engine(parsed.set(query={"charset": "utf8mb4", **parsed.query}), isolation_level="READ COMMITTED",
                           pool_pre_ping=True, pool_recycle=3600, pool_size=10, max_overflow=40)

    @event.listens_for(engine, "connect")
    def mariadb_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION innodb_lock_wait_timeout = 10")
        cursor.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'")
        cursor.close()

    return engine


def baseline_app() -> Any:
    """The hand-written equivalent of the two measured endpoints ($BASELINE_DB_URL, $BASELINE_SECRETS)."""
    from sqlalchemy import MetaData, and_, select
    from sqlalchemy.dialects.mysql import insert as mysql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    from sqlalchemy.sql import func
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    engine = baseline_engine(os.environ["BASELINE_DB_URL"])
    sqlite = engine.dialect.name == "sqlite"
    metadata = MetaData()
    metadata.reflect(engine, only=["tabUser", "__Auth", "tabHas Role", "tabTest Record", "tabTest Note",
                                   "tabSeries"])
    users, auth, has_role = metadata.tables["tabUser"], metadata.tables["__Auth"], metadata.tables["tabHas Role"]
    records, notes, series = (metadata.tables["tabTest Record"], metadata.tables["tabTest Note"],
                              metadata.tables["tabSeries"])
    # what Smooth's per-process cache of verified API secrets holds after the first request: the stored hash of
    # each user's secret -> a digest of the secret that verified against it
    with engine.connect() as conn:
        verified = {conn.execute(select(auth.c.password).where(and_(
            auth.c.doctype == "User", auth.c.name == user, auth.c.fieldname == "api_secret"))).scalar_one():
            hashlib.sha256(secret.encode()).hexdigest()
            for user, secret in json.loads(os.environ["BASELINE_SECRETS"]).items()}
        conn.rollback()

    def authenticate(conn: Any, request: Request) -> tuple[str, list[str]] | None:
        key, _, secret = request.headers.get("authorization", "").partition(" ")[2].partition(":")
        row = conn.execute(select(users.c.name, users.c.enabled).where(users.c.api_key == key)).first()
        if row is None or not row.enabled:
            return None
        stored = conn.execute(select(auth.c.password).where(and_(
            auth.c.doctype == "User", auth.c.name == row.name, auth.c.fieldname == "api_secret"))).scalar()
        if stored is None or verified.get(stored) != hashlib.sha256(secret.encode()).hexdigest():
            return None
        roles = [r for (r,) in conn.execute(select(has_role.c.role).where(and_(
            has_role.c.parent == row.name, has_role.c.parenttype == "User")))]
        return row.name, roles

    def list_records(request: Request) -> JSONResponse:
        with engine.connect() as conn:
            who = authenticate(conn, request)
            if who is None or "Test Student" not in who[1]:
                return JSONResponse({"exc_type": "PermissionError"}, status_code=403)
            rows = conn.execute(select(records.c.name, records.c.title, records.c.score, records.c.status)
                                .where(records.c.member == who[0]).order_by(records.c.creation.desc())
                                .limit(int(request.query_params.get("limit_page_length", PAGE))))
            data = [dict(r) for r in rows.mappings()]
            conn.rollback()
        return JSONResponse({"data": data})

    async def insert_note(request: Request) -> JSONResponse:
        values = await request.json()
        return await run_in_threadpool(insert_note_sync, request, values)

    def insert_note_sync(request: Request, values: dict[str, Any]) -> JSONResponse:
        with engine.connect() as conn:
            if sqlite:
                conn.info[SQLITE_BEGIN] = "IMMEDIATE"  # take the write lock up front, as Smooth does for writes
            who = authenticate(conn, request)
            if who is None or "Test Creator" not in who[1]:
                return JSONResponse({"exc_type": "PermissionError"}, status_code=403)
            now = dt.datetime.now()
            prefix = f"NOTE-{now:%Y}-"
            if sqlite:
                number = conn.execute(sqlite_insert(series).values(name=prefix, current=1).on_conflict_do_update(
                    index_elements=[series.c.name], set_={"current": series.c.current + 1})
                    .returning(series.c.current)).scalar_one()
            else:
                number = conn.execute(mysql_insert(series).values(name=prefix, current=func.last_insert_id(1))
                                      .on_duplicate_key_update(current=func.last_insert_id(series.c.current + 1))
                                      ).lastrowid
            doc = {"name": f"{prefix}{number:05d}", "owner": who[0], "creation": now, "modified": now,
                   "modified_by": who[0], "docstatus": 0, "idx": 0, "title": values["title"],
                   "priority": values.get("priority"), "code": values.get("code"), "status": "Open"}
            conn.execute(notes.insert().values(**doc))
            conn.commit()
        return JSONResponse({"data": {**doc, "creation": str(now), "modified": str(now)}})

    return Starlette(routes=[Route("/api/resource/Test Record", list_records, methods=["GET"]),
                             Route("/api/resource/Test Note", insert_note, methods=["POST"])])


# -- setup --------------------------------------------------------------------------------------------------------

def setup(records: int) -> dict[str, str]:
    """Roles, the two users with API keys, and `records` Test Records (1 in 20 the student's)."""
    for role in ("Test Student", "Test Creator"):
        smooth.get_doc({"doctype": "Role", "role_name": role}).insert()
    tokens = {}
    for email, role in ((STUDENT, "Test Student"), (CREATOR, "Test Creator")):
        user = smooth.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                               "roles": [{"role": role}]}).insert()
        key, secret = user.generate_api_credentials()
        tokens[email] = f"{key}:{secret}"
    table = smooth.db.table("Test Record")
    now = smooth.now_datetime()
    rows = [{"name": f"REC-{i:06d}", "owner": "Administrator", "creation": now - dt.timedelta(seconds=i),
             "modified": now, "modified_by": "Administrator", "docstatus": 0, "idx": 0, "title": f"Record {i}",
             "member": STUDENT if i % 20 == 0 else f"other{i % 50}@bench.example", "score": i % 100,
             "status": ("Pending", "Completed", "Cancelled")[i % 3]} for i in range(records)]
    smooth.db.execute(table.insert(), rows, write=True)
    smooth.db.commit()
    return tokens


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A Uvicorn process serving `factory` on a free loopback port; both servers start at once, then `wait`."""

    def __init__(self, label: str, factory: str, env: dict[str, str]) -> None:
        self.label, self.port = label, free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log"],
            cwd=Path(__file__).parent, env={**os.environ, "PYTHONPATH": f"{REPO}:{Path(__file__).parent}", **env})

    def wait(self) -> None:
        """Until the port accepts connections; a server that exits or takes over 30 s fails the run."""
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.label} server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


# -- load -----------------------------------------------------------------------------------------------------------

@dataclass
class Load:
    """What one timed run of one scenario against one server saw."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)  # HTTP status (0 = connection failed) -> count
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000


def run_load(port: int, method: str, path: str, token: str, body: Any, clients: int, seconds: float) -> Load:
    """`clients` threads, each with one keep-alive connection, sending requests for `seconds`."""
    load = Load()
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"token {token}", "Accept": "application/json"}
        mine: list[float] = []
        errors: dict[int, int] = {}
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            payload = None
            if body is not None:
                payload = json.dumps(body())
                headers["Content-Type"] = "application/json"
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - t0
            if status == 200:
                mine.append(elapsed)
            else:
                errors[status] = errors.get(status, 0) + 1
        conn.close()
        with lock:
            load.latencies.extend(mine)
            for status, count in errors.items():
                load.errors[status] = load.errors.get(status, 0) + count

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - began
    return load


def fetch(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    """One untimed request on its own connection: status and decoded JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    status, data = response.status, json.loads(response.read() or b"null")
    conn.close()
    return status, data


def new_note() -> dict[str, Any]:
    """A fresh body per request: `code` is unique, so a replayed body would be refused."""
    return {"title": "Booked through the API", "priority": 3, "code": uuid.uuid4().hex}


# -- the run --------------------------------------------------------------------------------------------------------

def measure(site: BenchSite, records: int, clients: int, seconds: float) -> dict[str, tuple[Load, Load]]:
    """Both servers on `site`, checked to answer alike, then each scenario timed on each (after a warm-up)."""
    tokens = setup(records)
    secrets_by_user = {email: tokens[email].split(":", 1)[1] for email in (STUDENT, CREATOR)}
    ours = Server("smooth", "smooth.asgi:app_from_env",
                  {"SMOOTH_SITES_PATH": str(site.sites_path), "SMOOTH_SITE": site.name})
    try:
        baseline = Server("baseline", "bench_api:baseline_app", {
            "BASELINE_DB_URL": site.db_url, "BASELINE_SECRETS": json.dumps(secrets_by_user)})
    except BaseException:
        ours.stop()
        raise
    try:
        ours.wait()
        baseline.wait()
        check_equivalent(ours.port, baseline.port, tokens)
        results: dict[str, tuple[Load, Load]] = {}
        scenarios = {"list": ("GET", LIST_PATH, tokens[STUDENT], None),
                     "insert": ("POST", NOTE_PATH, tokens[CREATOR], new_note)}
        for scenario, (method, path, token, body) in scenarios.items():
            pair = []
            for server in (ours, baseline):
                run_load(server.port, method, path, token, body, clients, min(1.0, seconds / 2))  # warm-up
                pair.append(run_load(server.port, method, path, token, body, clients, seconds))
            results[scenario] = (pair[0], pair[1])
        return results
    finally:
        ours.stop()
        baseline.stop()


def check_equivalent(ours: int, baseline: int, tokens: dict[str, str]) -> None:
    """Both servers answer the same list, and both inserts succeed, before anything is timed."""
    a = fetch(ours, "GET", LIST_PATH, tokens[STUDENT])
    b = fetch(baseline, "GET", LIST_PATH, tokens[STUDENT])
    assert a[0] == b[0] == 200, (a, b)
    assert a[1]["data"] == b[1]["data"] and len(a[1]["data"]) == PAGE, (a[1], b[1])
    for port in (ours, baseline):
        status, data = fetch(port, "POST", NOTE_PATH, tokens[CREATOR], new_note())
        assert status == 200 and data["data"]["name"].startswith("NOTE-"), (status, data)


def report(backend: str, clients: int, results: dict[str, tuple[Load, Load]]) -> None:
    """Per scenario: each server's throughput and latency, then the judged ratio line."""
    titles = {"list": "GET /api/resource/Test Record (record rule, 20 rows)",
              "insert": "POST /api/resource/Test Note (naming series insert)"}
    for scenario, (ours, base) in results.items():
        print(f"[{backend}] {titles[scenario]}, {clients} clients:")
        for label, load in (("smooth  ", ours), ("baseline", base)):
            errors = f", errors {load.errors}" if load.errors else ""
            print(f"    {label} {load.rps:8.1f} req/s   p50 {load.percentile(50):7.2f} ms   "
                  f"p95 {load.percentile(95):7.2f} ms   ({len(load.latencies)} requests{errors})")
        print(f"    [{backend}] {scenario} ratio ours/baseline: req/s {ours.rps / base.rps:.2f}   p50 "
              f"{ours.percentile(50) / base.percentile(50):.2f}   p95 {ours.percentile(95) / base.percentile(95):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, help="client threads (8; quick: 2)")
    parser.add_argument("--seconds", type=float, help="timed load per scenario and server (5; quick: 1)")
    parser.add_argument("--records", type=int, help=f"Test Records, 1 in 20 the student's (2000; quick: {20 * PAGE})")
    add_common_arguments(parser)
    args = parser.parse_args()
    clients = size(args.clients, full=8, quick=2, is_quick=args.quick)
    seconds = size(args.seconds, full=5.0, quick=1.0, is_quick=args.quick)
    records = size(args.records, full=2000, quick=20 * PAGE, is_quick=args.quick)  # the student fills one page

    def one(backend: str) -> None:
        with temporary_site(backend, [str(TEST_APP)], args.mariadb_url) as site:
            report(backend, clients, measure(site, records, clients, seconds))

    return each_backend(args.mariadb_url, one)


if __name__ == "__main__":
    sys.exit(main())
