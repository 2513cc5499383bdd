"""Booking throughput over HTTP: learners booking evaluation slots through a 20-evaluator pool, 4 clients at once.

    .venv/bin/python benchmarks/bench_booking_throughput.py [--clients 4] [--bookings 60] [--rounds 3]
        [--evaluators 20] [--requests 2000] [--mariadb-url URL] [--quick]
        [--frappe-url URL --frappe-auth KEY:SECRET [--frappe-db-url mysql+pymysql://root:root@127.0.0.1:3407]]
        [--redis-url redis://127.0.0.1:16379 [--redis-db 9]]

Data (setup is not judged): `--evaluators` evaluators working Monday to Friday 08:00-18:00, all mapped to
one course with 30-minute slots; `--requests` earlier requests (per history member nine past, one
coming); learners who completed the course. Shape shared with frappe_booking_data.py, which loads the
same into a real Frappe LMS.

Measured: Smooth's ASGI app in one Uvicorn process (`--workers N`: N processes) on loopback; `--clients` threads,
each with its own keep-alive connection, send `--bookings` bookings per round, each by a different learner logged in
beforehand (a session cookie and its CSRF token, as the portal's client holds them): `POST
/api/method/smooth_lms.api.book_evaluation` for a slot `get_available_slots` offered (the pool picks the
evaluator). bookings/s = bookings / wall time of the round; the median of `--rounds` is printed, with the SQL
statements of one booking over HTTP: the whole request (session, user and roles, CSRF, permissions, the insert),
as Frappe's figure counts it, and apart those of the jobs it leaves to run after its response (mails). They are
counted by a SQLAlchemy event on every engine while a few learners book through the same ASGI app in this
process, medians; the insert alone (`book_evaluation` called in this process) is printed too.

With --frappe-url (an Administrator's --frappe-auth), each Smooth round is followed by a round against
that Frappe LMS (v2.9.0 books through `frappe.client.insert` of an LMS Certificate Request, with the
batch whose course row names the evaluator; data from frappe_booking_data.py), its bookings deleted
again afterwards, and the ratio Smooth / Frappe of the median bookings/s is printed (aim >= 2). Compare like with
like: as many web processes on each side (Frappe's production server is gunicorn with sync workers: its development
server's threads break its mail CSS inliner, which is not thread-safe), and both sides queueing the booking's mails
(Frappe LMS queues one only when an outgoing Email Account is set; Smooth always queues two).
--frappe-db-url (that Frappe's own MariaDB server) adds its statements per booking, from the server's
Com_* counters over the round. Both sides run back to back, so a loaded machine slows both alike; for
MariaDB, give --mariadb-url that same server, so both sides share one (a server busy with other work
is not a comparison).
With --redis-url the server runs as production does: the site queues its jobs in that Redis (`redis_queue`, one
database the run flushes, --redis-db) and a `bench worker` process beside the web process runs them, so the
booking mails leave the web process; without it (the embedded default) they run after each response, inside it.
Reads, side by side (one client, keep-alive, `--reads` samples of each, Smooth and Frappe alternating so noise
hits both): the REST list (`GET /api/resource/LMS Certificate Request`, one evaluator's first 20 rows with five
fields, as Administrator), get one (`GET /api/resource/LMS Certificate Request/<name>`, as Administrator) and one
day's slots for a learner (Smooth: `get_available_slots` for one date, over the whole pool; Frappe LMS v2.9.0:
`course_evaluator.get_schedule`, its batch's one evaluator), medians in ms and ratios Frappe / Smooth (aim >= 2).
--quick (or SMOOTH_BENCH_QUICK=1): 3 evaluators, 40 requests, 2 clients, 4 bookings, 1 round, 5 reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import warnings
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import redis
from frappe_booking_data import (
    BATCH_TITLE,
    COURSE_TITLE,
    DAY_END,
    DAY_START,
    LEARNER_PASSWORD,
    WEEKDAYS,
    Frappe,
    evaluator_email,
    free_slots,
    history,
    learner_email,
)
from harness import BenchSite, add_common_arguments, each_backend, serve, set_config, size, temporary_site
from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import smooth
from smooth.asgi import create_app
from smooth_lms.api import book_evaluation, get_available_slots

with warnings.catch_warnings():  # Starlette would rather its test client ran on httpx2, which is not installed
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient

REPO = Path(__file__).resolve().parents[1]
BOOK_PATH = "/api/method/smooth_lms.api.book_evaluation"
FRAPPE_INSERT_PATH = "/api/method/frappe.client.insert"
WINDOW_DAYS = 180
COUNTED = ("Com_select", "Com_insert", "Com_update", "Com_delete")


@dataclass
class Booking:
    """One learner's prepared request: who they are (headers) and what they book (body)."""

    headers: dict[str, str]
    path: str
    body: dict[str, Any]


@dataclass
class Round:
    seconds: float = 0.0
    names: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    statements: float | None = None

    @property
    def rate(self) -> float:
        return len(self.names) / self.seconds


def drive(base_url: str, bookings: list[Booking], clients: int) -> Round:
    """`clients` threads with one keep-alive connection each take the next booking until none is left."""
    result = Round()
    lock = threading.Lock()
    counter = itertools.count()
    gate = threading.Barrier(clients + 1)

    def client() -> None:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            gate.wait()
            while (i := next(counter)) < len(bookings):
                booking = bookings[i]
                try:
                    response = http.post(booking.path, json=booking.body, headers=booking.headers)
                    http.cookies.clear()  # each booking carries its own learner's cookie
                    outcome, detail = str(response.status_code), response.text[:500]
                except httpx.HTTPError as exc:
                    outcome, detail = type(exc).__name__, str(exc)
                with lock:
                    if outcome == "200":
                        result.names.append(response.json()["message"]["name"])
                    else:
                        result.errors[outcome] = result.errors.get(outcome, 0) + 1
                        if result.errors[outcome] == 1:
                            print(f"    refused booking: {outcome} {detail}", file=sys.stderr)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def login(http: httpx.Client, email: str) -> tuple[str, str | None]:
    """The session cookie and CSRF token a learner's client holds after `POST /api/method/login`."""
    return login_as(http, email, LEARNER_PASSWORD)


def login_as(http: httpx.Client, email: str, password: str) -> tuple[str, str | None]:
    response = http.post("/api/method/login", json={"usr": email, "pwd": password})
    if response.status_code != 200:
        raise RuntimeError(f"login {email}: {response.status_code} {response.text[:500]}")
    sid = response.cookies["sid"]
    http.cookies.clear()
    return sid, response.json().get("csrf_token")


def session_headers(sid: str, csrf: str | None) -> dict[str, str]:
    return {"Cookie": f"sid={sid}", "Accept": "application/json",
            **({"X-Frappe-CSRF-Token": csrf} if csrf else {})}


# -- Smooth --------------------------------------------------------------------------------------------------------

def setup(evaluators: int, requests: int, learners: int) -> tuple[str, list[str]]:
    """The pool, the course, the earlier requests (bulk-inserted) and `learners` who completed the course."""
    course = smooth.get_doc({"doctype": "LMS Course", "title": COURSE_TITLE, "published": 1,
                             "evaluation_required": 1, "evaluation_slot_minutes": 30}).insert().name
    for i in range(evaluators):
        smooth.get_doc({"doctype": "User", "email": evaluator_email(i), "first_name": f"Eva {i:02d}"}).insert()
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": evaluator_email(i), "courses": [{"course": course}],
                        "schedule": [{"day": d, "start_time": DAY_START.isoformat(), "end_time": DAY_END.isoformat()}
                                     for d in WEEKDAYS]}).insert()
    zone = zoneinfo.ZoneInfo(smooth.local.site.time_zone)
    now = smooth.now_datetime()
    rows = []
    for i, past in enumerate(history(requests, evaluators, smooth.today())):
        start_utc = dt.datetime.combine(past.date, past.start, zone).astimezone(dt.UTC).replace(tzinfo=None)
        rows.append({"name": f"BENCH-{i:06d}", "owner": "Administrator", "creation": now, "modified": now,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "course": course,
                     "member": past.member, "evaluator": evaluator_email(past.evaluator), "date": past.date,
                     "day": past.date.strftime("%A"), "start_time": past.start, "end_time": past.end,
                     "start_utc": start_utc, "end_utc": start_utc + dt.timedelta(minutes=30),
                     "status": "Pending" if past.coming else "Completed", "timezone": "UTC"})
    if rows:
        smooth.db.execute(insert(smooth.db.table("LMS Certificate Request")), rows, write=True)
    emails = [learner_email(i) for i in range(learners)]
    for email in emails:
        smooth.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                        "new_password": LEARNER_PASSWORD, "roles": [{"role": "LMS Student"}]}).insert()
        smooth.get_doc({"doctype": "LMS Enrollment", "member": email, "course": course, "progress": 100}).insert()
    smooth.db.commit()
    return course, emails


def spread(groups: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Offered slots, each as often as evaluators are free at it, distinct times first (learners mostly differ)."""
    slots = [s for g in groups for s in g["slots"]]
    for turn in range(max((s["evaluators_free"] for s in slots), default=0)):
        yield from (s for s in slots if s["evaluators_free"] > turn)


def smooth_bookings(http: httpx.Client, course: str, learners: list[str]) -> list[Booking]:
    """Each learner logged in, and a slot for each from what the pool offers now."""
    sessions = [login(http, email) for email in learners]
    response = http.get("/api/method/smooth_lms.api.get_available_slots",
                        params={"course": course, "days": WINDOW_DAYS}, headers=session_headers(*sessions[0]))
    response.raise_for_status()
    slots = spread(response.json()["message"])
    return [Booking(session_headers(*session), BOOK_PATH,
                    {"course": course, "date": slot["local_date"], "start_time": slot["local_start_time"],
                     "utc_offset": slot["utc_offset"]})
            for session, slot in zip(sessions, slots, strict=False)]


@contextmanager
def counted_statements() -> Iterator[list[int]]:
    """A one-item list holding the SQL statements run so far by any engine of this process."""
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def statements_per_booking(course: str, learners: list[str]) -> float:
    """SQL statements of the booking insert alone (`book_evaluation` in this process), median over a few."""
    smooth.set_user(learners[0])
    slots = spread(get_available_slots(course, days=WINDOW_DAYS))
    smooth.db.commit()
    counts = []
    with counted_statements() as seen:
        try:
            for email, slot in zip(learners, slots, strict=False):
                smooth.set_user(email)
                before = seen[0]
                book_evaluation(course, slot["local_date"], slot["local_start_time"], utc_offset=slot["utc_offset"])
                smooth.db.commit()
                counts.append(seen[0] - before)
        finally:
            smooth.set_user("Administrator")
    return float(statistics.median(counts))


class ResponseSent:
    """ASGI wrapper noting the statement count when the last body chunk goes out: what ran before it is the
    request's, what runs after it (Starlette's background tasks) is the after-response jobs'."""

    def __init__(self, app: ASGIApp, seen: list[int]) -> None:
        self.app, self.seen, self.at = app, seen, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.at = self.seen[0]
            await send(message)

        await self.app(scope, receive, sending)


def statements_per_http_booking(site: BenchSite, course: str, learners: list[str]) -> tuple[float, float]:
    """(statements of one whole booking request, of its after-response jobs), medians over a few learners
    booking through the ASGI app the server runs, in this process."""
    requests, jobs = [], []
    with counted_statements() as seen:
        app = ResponseSent(create_app(site.sites_path, site.name), seen)
        with TestClient(app, base_url="http://127.0.0.1") as http:
            for booking in smooth_bookings(http, course, learners):
                before = seen[0]
                response = http.post(booking.path, json=booking.body, headers=booking.headers)
                http.cookies.clear()
                if response.status_code != 200:
                    raise RuntimeError(f"booking over HTTP: {response.status_code} {response.text[:500]}")
                requests.append(app.at - before)
                jobs.append(seen[0] - app.at)
    return float(statistics.median(requests)), float(statistics.median(jobs))


# -- Frappe LMS ----------------------------------------------------------------------------------------------------

class FrappeSide:
    """A real Frappe LMS loaded by frappe_booking_data.py: bookings prepared from its data, deleted after a round."""

    def __init__(self, url: str, auth: str, db_url: str | None) -> None:
        self.url = url.rstrip("/")
        self.admin = Frappe(url, auth)
        self.db = create_engine(db_url) if db_url else None
        self.course = self.admin.names("LMS Course", [["title", "=", COURSE_TITLE]])[0]["name"]
        batches = {b["title"]: b["name"] for b in self.admin.names("LMS Batch", [["title", "like", "Bench Booking%"]],
                                                                   ("name", "title"))}
        self.batches = [batches[BATCH_TITLE.format(i)] for i in range(len(batches))]
        self.sessions: dict[str, tuple[str, str | None]] = {}  # a learner stays logged in from round to round
        self.learners = sorted(e["member"] for e in self.admin.names(
            "LMS Enrollment", [["course", "=", self.course], ["member", "like", "learner%"]], ("member",)))

    def bookings(self, count: int) -> list[Booking]:
        """`count` learners without a coming request, logged in, each given a free slot of their batch's evaluator."""
        today = dt.date.today()
        coming = self.admin.names("LMS Certificate Request", [["date", ">=", today.isoformat()]],
                                  ("member", "evaluator", "date", "start_time"))
        busy = {c["member"] for c in coming}
        booked: dict[str, set[tuple[dt.date, dt.time]]] = {}
        for c in coming:
            hours, minutes, seconds = (int(float(p)) for p in str(c["start_time"]).split(":"))
            booked.setdefault(c["evaluator"], set()).add((dt.date.fromisoformat(c["date"]),
                                                          dt.time(hours, minutes, seconds)))
        slots = {i: free_slots(booked.get(evaluator_email(i), set()), today) for i in range(len(self.batches))}
        chosen = [email for email in self.learners if email not in busy][:count]
        if len(chosen) < count:
            raise RuntimeError(f"Frappe LMS has {len(chosen)} learners free to book, {count} wanted: "
                               f"load more with frappe_booking_data.py --learners")
        out = []
        with httpx.Client(base_url=self.url, timeout=120) as http:
            for email in chosen:
                b = int(email.removeprefix("learner").split("@")[0]) % len(self.batches)
                day, start = next(slots[b])
                end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=30)).time()
                if email not in self.sessions:
                    self.sessions[email] = login(http, email)
                out.append(Booking(session_headers(*self.sessions[email]), FRAPPE_INSERT_PATH, {"doc": {
                    "doctype": "LMS Certificate Request", "course": self.course, "member": email,
                    "batch_name": self.batches[b], "date": day.isoformat(), "day": day.strftime("%A"),
                    "start_time": start.isoformat(), "end_time": end.isoformat()}}))
        return out

    def counters(self) -> int:
        if self.db is None:
            return 0
        with self.db.connect() as conn:
            rows = conn.execute(text("SHOW GLOBAL STATUS WHERE Variable_name IN :names"),
                                {"names": COUNTED}).all()
        return sum(int(value) for _name, value in rows)

    def run(self, count: int, clients: int) -> Round:
        bookings = self.bookings(count)
        before = self.counters()
        result = drive(self.url, bookings, clients)
        if self.db is not None and result.names:
            result.statements = (self.counters() - before) / len(result.names)
        for name in result.names:
            self.admin.http.delete(f"/api/resource/{quote('LMS Certificate Request')}/{quote(name)}").raise_for_status()
        return result


# -- the run -------------------------------------------------------------------------------------------------------

def start_worker(site: BenchSite) -> subprocess.Popen[bytes]:
    """`bench --site S worker`, the production layout's job process: with --redis-url the booking mails run here,
    beside the web process, instead of after each response inside it."""
    here = Path(__file__).parent
    return subprocess.Popen([sys.executable, "-c", "from smooth.cli import main; main()", "--sites-path",
                             str(site.sites_path), "--site", site.name, "worker"],
                            cwd=here, env={**os.environ, "PYTHONPATH": f"{here.parent}:{here}"},
                            stdout=subprocess.DEVNULL)


def measure(site: BenchSite, args: argparse.Namespace, frappe: FrappeSide | None) -> dict[str, Any]:
    samples = 1 if args.quick else 5
    course, learners = setup(args.evaluators, args.requests,
                             args.clients + args.rounds * args.bookings + 2 * samples + 1)
    worker = None
    if args.redis_url:
        url = f"{args.redis_url.rstrip('/')}/{args.redis_db}"
        redis.Redis.from_url(url).flushdb()
        set_config(site, "redis_url", url)
        set_config(site, "redis_queue", url)
        worker = start_worker(site)
    process, port = serve(site, args.workers)
    base_url = f"http://127.0.0.1:{port}"
    queue = iter(learners)

    def take(count: int) -> list[str]:
        return list(itertools.islice(queue, count))

    ours: list[Round] = []
    theirs: list[Round] = []
    try:
        def prepared(count: int) -> list[Booking]:
            with httpx.Client(base_url=base_url, timeout=120) as http:
                return smooth_bookings(http, course, take(count))

        drive(base_url, prepared(args.clients), args.clients)  # warm-up
        if frappe:
            frappe.run(args.clients, args.clients)
        for _ in range(args.rounds):
            ours.append(drive(base_url, prepared(args.bookings), args.clients))
            if frappe:
                theirs.append(frappe.run(args.bookings, args.clients))
        with httpx.Client(base_url=base_url, timeout=120) as http:
            sides = [(base_url, smooth_reads(http, course, take(1)[0]))]
        if frappe:
            sides.append((frappe.url, frappe_reads(frappe)))
        reads = time_reads(sides, args.reads)
    finally:
        process.terminate()
        process.wait(timeout=15)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
            set_config(site, "redis_url", None)
            set_config(site, "redis_queue", None)
    request, jobs = statements_per_http_booking(site, course, take(samples))
    return {"ours": ours, "theirs": theirs, "request": request, "jobs": jobs,
            "insert": statements_per_booking(course, take(samples)), "reads": reads, "url": base_url}


LIST_FIELDS = ["name", "member", "evaluator", "date", "start_time"]  # Frappe LMS v2.9.0's request has no status
SCHEDULE_PATH = "/api/method/lms.lms.doctype.course_evaluator.course_evaluator.get_schedule"


@dataclass
class Reads:
    """The three reads one side is timed on: (path, query parameters, headers) each."""

    list: tuple[str, dict[str, Any], dict[str, str]]
    get_one: tuple[str, dict[str, Any], dict[str, str]]
    slots: tuple[str, dict[str, Any], dict[str, str]]


def list_read(headers: dict[str, str]) -> tuple[str, dict[str, Any], dict[str, str]]:
    return (f"/api/resource/{quote('LMS Certificate Request')}",
            {"fields": json.dumps(LIST_FIELDS), "filters": json.dumps([["evaluator", "=", evaluator_email(0)]]),
             "limit_page_length": 20}, headers)


def bookable_day() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=7)
    while day.strftime("%A") not in WEEKDAYS:
        day += dt.timedelta(days=1)
    return day


def smooth_reads(http: httpx.Client, course: str, learner: str) -> Reads:
    admin = session_headers(*login_as(http, "Administrator", "admin"))
    listed = list_read(admin)
    name = http.get(listed[0], params=listed[1], headers=admin).json()["data"][0]["name"]
    return Reads(listed, (f"/api/resource/{quote('LMS Certificate Request')}/{quote(name)}", {}, admin),
                 ("/api/method/smooth_lms.api.get_available_slots",
                  {"course": course, "from_date": bookable_day().isoformat(), "days": 1},
                  session_headers(*login(http, learner))))


def frappe_reads(frappe: FrappeSide) -> Reads:
    admin = {"Authorization": frappe.admin.http.headers["Authorization"], "Accept": "application/json"}
    name = frappe.admin.names("LMS Certificate Request", [["evaluator", "=", evaluator_email(0)]])[0]["name"]
    learner = frappe.learners[0]
    batch = frappe.batches[int(learner.removeprefix("learner").split("@")[0]) % len(frappe.batches)]
    with httpx.Client(base_url=frappe.url, timeout=120) as http:
        session = frappe.sessions.get(learner) or login(http, learner)
    return Reads(list_read(admin), (f"/api/resource/{quote('LMS Certificate Request')}/{quote(name)}", {}, admin),
                 (SCHEDULE_PATH, {"course": frappe.course, "date": bookable_day().isoformat(), "batch": batch},
                  session_headers(*session)))


def time_reads(sides: list[tuple[str, Reads]], samples: int) -> dict[str, dict[str, float]]:
    """Median ms of each read per side; the sides alternate request by request."""
    timings: dict[str, dict[str, list[float]]] = {url: {"list": [], "get_one": [], "slots": []} for url, _r in sides}
    clients = {url: httpx.Client(base_url=url, timeout=120) for url, _r in sides}
    try:
        for what in ("list", "get_one", "slots"):
            for sample in range(samples + 2):
                for url, reads in sides:
                    path, params, headers = getattr(reads, what)
                    started = time.perf_counter()
                    response = clients[url].get(path, params=params, headers=headers)
                    took = time.perf_counter() - started
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}{path}: {response.status_code} {response.text[:300]}")
                    if sample >= 2:  # the first two warm caches on both sides
                        timings[url][what].append(took * 1000)
    finally:
        for client in clients.values():
            client.close()
    return {url: {what: statistics.median(ms) for what, ms in found.items()} for url, found in timings.items()}


def rates(rounds: list[Round]) -> str:
    return " ".join(f"{r.rate:.1f}" for r in rounds)


def errors(rounds: list[Round]) -> str:
    seen: dict[str, int] = {}
    for r in rounds:
        for outcome, count in r.errors.items():
            seen[outcome] = seen.get(outcome, 0) + count
    return f", errors {seen}" if seen else ""


def processes(count: int) -> str:
    return "one web process" if count == 1 else f"{count} web processes"


def report(backend: str, args: argparse.Namespace, result: dict[str, Any], frappe_url: str | None) -> None:
    ours, theirs = result["ours"], result["theirs"]
    median = statistics.median(r.rate for r in ours)
    print(f"[{backend}] booking throughput, pool of {args.evaluators}, {args.requests} requests, {args.clients} "
          f"clients x {args.bookings} bookings, {args.rounds} rounds, "
          f"{processes(args.workers)}{' + a worker' if args.redis_url else ', jobs inline'}: "
          f"median {median:.2f} bookings/s "
          f"(rounds {rates(ours)}{errors(ours)}); {result['request']:.1f} statements per booking")
    print(f"[{backend}] statements of one booking: {result['request']:.1f} over its whole HTTP request, "
          f"{result['jobs']:.1f} more in its after-response jobs; {result['insert']:.1f} for `book_evaluation` "
          f"called outside a request")
    if frappe_url:
        their_median = statistics.median(r.rate for r in theirs)
        statements = [r.statements for r in theirs if r.statements is not None]
        counted = f"; {statistics.median(statements):.1f} statements per booking" if statements else ""
        print(f"[{backend}] vs Frappe LMS at {frappe_url}: {their_median:.2f} bookings/s (rounds {rates(theirs)}"
              f"{errors(theirs)}{counted}) -> ratio smooth/frappe {median / their_median:.2f} (aim >= 2)")
    mine = result["reads"][result["url"]]
    print(f"[{backend}] reads, one client, {args.reads} each, medians: REST list {mine['list']:.2f} ms, get one "
          f"{mine['get_one']:.2f} ms, one day's slots (pool of {args.evaluators}) {mine['slots']:.2f} ms")
    if frappe_url:
        theirs_ms = result["reads"][frappe_url.rstrip("/")]
        print(f"[{backend}] reads vs Frappe LMS: " + ", ".join(
            f"{label} {theirs_ms[what]:.2f} ms -> ratio frappe/smooth {theirs_ms[what] / mine[what]:.2f}"
            for what, label in (("list", "REST list"), ("get_one", "get one"), ("slots", "one day's slots")))
            + " (aim >= 2 each)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, help="concurrent clients (4; quick: 2)")
    parser.add_argument("--bookings", type=int, help="bookings per round, each by its own learner (60; quick: 4)")
    parser.add_argument("--rounds", type=int, help="timed rounds per side (3; quick: 1)")
    parser.add_argument("--evaluators", type=int, help="evaluators in the course's pool (20; quick: 3)")
    parser.add_argument("--requests", type=int, help="earlier certificate requests (2000; quick: 40)")
    parser.add_argument("--frappe-url", help="a Frappe LMS loaded by frappe_booking_data.py, to compare against")
    parser.add_argument("--frappe-auth", help="an Administrator's api_key:api_secret on --frappe-url")
    parser.add_argument("--frappe-db-url", help="that Frappe's MariaDB server (SQLAlchemy URL), to count statements")
    parser.add_argument("--redis-url", help="a Redis server: the site queues its jobs there and a `bench worker` "
                                            "process runs them (production's layout); without it they run inline")
    parser.add_argument("--redis-db", type=int, default=9, help="the Redis database the run may flush (9)")
    parser.add_argument("--reads", type=int, help="samples of each read, per side (100; quick: 5)")
    parser.add_argument("--workers", type=int, default=1,
                        help="Uvicorn worker processes serving Smooth (1), as `bench serve --workers N`")
    add_common_arguments(parser)
    args = parser.parse_args()
    args.clients = size(args.clients, full=4, quick=2, is_quick=args.quick)
    args.bookings = size(args.bookings, full=60, quick=4, is_quick=args.quick)
    args.rounds = size(args.rounds, full=3, quick=1, is_quick=args.quick)
    args.evaluators = size(args.evaluators, full=20, quick=3, is_quick=args.quick)
    args.requests = size(args.requests, full=2000, quick=40, is_quick=args.quick)
    args.reads = size(args.reads, full=100, quick=5, is_quick=args.quick)
    if bool(args.frappe_url) != bool(args.frappe_auth):
        parser.error("--frappe-url and --frappe-auth go together")
    frappe = FrappeSide(args.frappe_url, args.frappe_auth, args.frappe_db_url) if args.frappe_url else None
    def run(backend: str) -> None:
        with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
            report(backend, args, measure(site, args, frappe), args.frappe_url)

    return each_backend(args.mariadb_url, run)


if __name__ == "__main__":
    sys.exit(main())
