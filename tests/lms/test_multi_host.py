"""Several hosts, proved with separate processes on one MariaDB site and one Redis database.

Production runs N `bench serve` and M `bench worker` processes on several machines; here the
test starts 3 real `bench serve` processes on free loopback ports behind a round-robin TCP
proxy of its own (a load balancer hands each new connection to the next server), 2 `bench
worker`s and 2 `bench schedule`s (ticking every second, so they tick together), all for the
LMS site on MariaDB with `redis_url` / `redis_queue` on the test's Redis database and mail going
to the suite's SMTP sink (tests/mail/conftest.py), files in S3-compatible storage (moto_server, as
docs/deployment.md says several hosts need: a booking mail's calendar attachment stored by an app
process is read by a worker). Each process has a sites folder of its own
holding only a copy of the site's config, as each host of a deployment would. What one process
knows only in its memory or on its disk would show here as a second login, a throttle that never
trips, two bookings, a job or a mail twice, or a job run in another host's folder.

No network namespaces: `unshare -rn` works without root on this machine, but a process in its
own namespace reaches neither the shared MariaDB and Redis nor the proxy without a veth pair
(CAP_NET_ADMIN in the host namespace) or slirp4netns (not installed); separate processes share
nothing but the database, Redis and the site's config file, which is what several hosts share.

MariaDB only: the row locks and unique indexes that settle races across processes are the
production database's (the SQLite half of the suite covers one process).
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

import smooth
from smooth.auth.csrf import HEADER
from smooth.email.queue import flush
from smooth.site import COMMON_CONFIG, SITE_CONFIG
from tests.api.auth_fixtures import PASSWORD, redis_test_url
from tests.api.helpers import set_site_config
from tests.api.s3_server import moto_server, storage_config
from tests.conftest import SiteHandle
from tests.jobs.conftest import start_bench
from tests.lms.conftest import clean, make_course, make_evaluator, make_learner, next_weekday
from tests.lms.multi_host_jobs import MARKER_JOB
from tests.mail.conftest import SmtpServer, free_port

pytestmark = pytest.mark.parametrize("lms_site", ["mariadb"], indirect=True)

LEARNERS = 40
START_SECONDS = 180  # a deadline, not a wait: a loaded machine starts 7 processes slowly


class RoundRobinProxy:
    """A TCP proxy that hands each new connection to the next backend in turn, as a load balancer does."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.counts = [0] * len(ports)
        self._next = itertools.count()
        self._lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self._lock:
                index = next(self._next) % len(self.ports)
                self.counts[index] += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.ports[index]))
            except OSError:
                client.close()
                continue
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        """Copy one direction until its end, then pass the end on (the other direction closes both)."""
        try:
            while data := source.recv(65536):
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            source.close()
            target.close()

    def close(self) -> None:
        self.server.close()


@dataclass
class Cluster:
    handle: SiteHandle
    servers: list[str]
    proxy: RoundRobinProxy
    smtp: SmtpServer
    tmp: Path
    started: dt.datetime
    hosts: dict[str, SiteHandle]
    processes: dict[str, subprocess.Popen[str]] = field(default_factory=dict)

    def client(self, base: str | None = None) -> httpx.Client:
        """A client; through the proxy, each request on a new connection (so each may land on another server)."""
        limits = httpx.Limits(max_keepalive_connections=0)
        return httpx.Client(base_url=base or self.proxy.url, timeout=60, limits=limits)


def _wait_until_serving(urls: list[str], processes: dict[str, subprocess.Popen[str]], logs: Path) -> None:
    """Wait for every server to answer; a process that exited instead fails with its log."""
    deadline = time.monotonic() + START_SECONDS
    waiting = set(urls)
    while waiting:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {(logs / f'{name}.log').read_text()[-3000:]}")
        for url in list(waiting):
            try:
                if httpx.get(f"{url}/api/method/ping", timeout=2).status_code == 200:
                    waiting.discard(url)
            except httpx.HTTPError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"not serving after {START_SECONDS} s: {sorted(waiting)}")
        time.sleep(0.2)


def _host(handle: SiteHandle, root: Path) -> SiteHandle:
    """The site as a host of its own sees it: a sites folder with copies of the configs and nothing else."""
    folder = root / "sites" / handle.name
    folder.mkdir(parents=True)
    shutil.copy(handle.sites_path / handle.name / SITE_CONFIG, folder / SITE_CONFIG)
    if (handle.sites_path / COMMON_CONFIG).exists():
        shutil.copy(handle.sites_path / COMMON_CONFIG, folder.parent / COMMON_CONFIG)
    return SiteHandle(handle.name, folder.parent, handle.backend, handle.apps)


@pytest.fixture(scope="module")
def cluster(lms_site: SiteHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("multi-host")
    url = redis_test_url()
    redis.Redis.from_url(url).flushdb()
    smtp = SmtpServer()
    smtp.start()
    s3 = moto_server(tmp)
    clean(lms_site)
    set_site_config(lms_site, redis_url=url, redis_queue=url, mail_server="127.0.0.1", mail_port=smtp.port,
                    auto_email_id="noreply@smooth.test", login_attempts_per_user=3, scheduled_backups=False,
                    file_storage=storage_config(s3.__enter__()))
    with lms_site.context():
        started = smooth.now_datetime().replace(microsecond=0)
    hosts = {name: _host(lms_site, tmp / name) for name in ("serve0", "serve1", "serve2", "worker0", "worker1",
                                                            "schedule0", "schedule1", "asker")}
    ports = [free_port() for _ in range(3)]
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    processes: dict[str, subprocess.Popen[str]] = {}
    logs = {name: (tmp / f"{name}.log").open("w") for name in hosts}
    try:
        for index, port in enumerate(ports):
            name = f"serve{index}"
            processes[name] = start_bench(hosts[name], "serve", "--port", str(port), output=logs[name])
        for index in range(2):
            name = f"worker{index}"
            processes[name] = start_bench(hosts[name], "worker", output=logs[name])
            name = f"schedule{index}"
            processes[name] = start_bench(hosts[name], "schedule", "--interval", "1", output=logs[name])
        _wait_until_serving(servers, processes, tmp)
        proxy = RoundRobinProxy(ports)
        yield Cluster(lms_site, servers, proxy, smtp, tmp, started, hosts, processes)
        proxy.close()
        crashed = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        assert not crashed, f"processes died during the tests: {crashed}"
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
        smtp.stop()
        s3.__exit__(None, None, None)
        set_site_config(lms_site, redis_url=None, redis_queue=None, mail_server=None, mail_port=None,
                        auto_email_id=None, login_attempts_per_user=None, scheduled_backups=None, file_storage=None)
        redis.Redis.from_url(url).flushdb()
        clean(lms_site)


def _login(client: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/method/login", data={"usr": user, "pwd": password})


def _user_on(base: str, cookies: httpx.Cookies) -> str:
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
        response = client.get("/api/method/frappe.auth.get_logged_user")
    return str(response.json().get("message")) if response.status_code == 200 else f"HTTP {response.status_code}"


def test_a_login_on_one_process_is_a_session_on_the_others(cluster: Cluster) -> None:
    first, second, third = cluster.servers
    with cluster.client(first) as client:
        assert _login(client, "Administrator", "admin").status_code == 200
        cookies = client.cookies
    assert [_user_on(base, cookies) for base in (second, third)] == ["Administrator"] * 2
    with httpx.Client(base_url=third, cookies=cookies, timeout=30) as client:
        assert client.post("/api/method/logout").status_code == 200
    assert _user_on(first, cookies) != "Administrator"  # logged out on one process: out on every one


def test_a_csrf_token_one_process_issued_is_checked_by_the_others(cluster: Cluster) -> None:
    first, second, third = cluster.servers
    with cluster.client(first) as client:
        assert _login(client, "Administrator", "admin").status_code == 200
        token = client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
        cookies = client.cookies
    course = {"title": "Crane signals", "published": 1}
    with httpx.Client(base_url=second, cookies=cookies, timeout=30) as client:
        refused = client.post("/api/resource/LMS Course", json=course)
        wrong = client.post("/api/resource/LMS Course", json=course, headers={HEADER: token[::-1]})
    with httpx.Client(base_url=third, cookies=cookies, timeout=30) as client:
        accepted = client.post("/api/resource/LMS Course", json=course, headers={HEADER: token})
    assert (refused.status_code, wrong.status_code, accepted.status_code) == (400, 400, 200), accepted.text


def test_failed_logins_on_different_processes_count_together(cluster: Cluster) -> None:
    with cluster.handle.context():
        smooth.get_doc({"doctype": "User", "email": "throttled@example.com", "first_name": "T",
                        "new_password": PASSWORD}).insert(ignore_permissions=True)
        smooth.db.commit()
    for base in cluster.servers:  # one failure on each: 3, the site's login_attempts_per_user
        with cluster.client(base) as client:
            assert _login(client, "throttled@example.com", "wrong").status_code == 401
    with cluster.client(cluster.servers[0]) as client:
        response = _login(client, "throttled@example.com")
    assert response.status_code == 429, response.text


def test_forty_bookings_through_three_processes_for_one_slot_one_wins(cluster: Cluster) -> None:
    with cluster.handle.context():
        course = make_course("Rigging")
        make_evaluator("eva@example.com", [course])
        learners = [make_learner(f"racer{i}@example.com", course) for i in range(LEARNERS)]
        day = next_weekday(0)

    def logged_in(user: str) -> httpx.Cookies:
        with cluster.client() as client:
            assert _login(client, user).status_code == 200
            return client.cookies

    with ThreadPoolExecutor(8) as pool:
        jars = list(pool.map(logged_in, learners))
    before = list(cluster.proxy.counts)
    barrier = threading.Barrier(LEARNERS)

    def book(index: int) -> httpx.Response:
        body = {"course": course, "member": learners[index], "date": day.isoformat(), "start_time": "09:00"}
        with cluster.client() as client:
            client.cookies = jars[index]
            barrier.wait()
            return client.post("/api/resource/LMS Certificate Request", json=body)

    with ThreadPoolExecutor(LEARNERS) as pool:
        responses = list(pool.map(book, range(LEARNERS)))
    statuses = collections.Counter(r.status_code for r in responses)
    # a loser is told the slot is taken, or (a loaded machine) that the row lock stayed busy: retry, nothing written
    losers = [r for r in responses if r.status_code != 200]
    assert statuses[200] == 1, statuses
    assert all(("Slot already booked" in r.text and r.status_code == 417)
               or (r.status_code == 503 and "QueryLockError" in r.text) for r in losers), \
        [(r.status_code, r.text[:300]) for r in losers if r.status_code != 417]
    assert statuses[417] >= LEARNERS // 2, statuses
    spread = [after - was for after, was in zip(cluster.proxy.counts, before, strict=True)]
    assert min(spread) >= LEARNERS // 3 - 1, spread  # every server took its share of the race
    with cluster.handle.context():
        assert smooth.db.count("LMS Certificate Request", {"evaluator": "eva@example.com", "date": day}) == 1


def test_a_job_several_processes_ask_for_runs_once(cluster: Cluster) -> None:
    runs, release = cluster.tmp / "marker_runs.txt", cluster.tmp / "marker_release"
    kwargs = f'{{"runs_file": "{runs}", "release_file": "{release}"}}'
    method = "tests.lms.multi_host_jobs.enqueue_marker"
    askers = [start_bench(cluster.hosts["asker"], "execute", method, "--kwargs", kwargs) for _ in range(3)]
    outputs = [asker.communicate(timeout=120)[0] for asker in askers]
    assert all(asker.returncode == 0 for asker in askers), outputs
    deadline = time.monotonic() + 30
    while not runs.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    release.touch()
    time.sleep(1)  # a second run, had one been queued, would start now that the first is released
    ran = runs.read_text().splitlines()
    assert len(ran) == 1, ran
    assert ran[0].split()[1] in {str(cluster.hosts[f"worker{i}"].sites_path.resolve()) for i in range(2)}, ran
    assert len(set(outputs)) == 1 and MARKER_JOB in outputs[0], outputs  # each asked for the same job


def test_each_mail_is_sent_once(cluster: Cluster) -> None:
    with cluster.handle.context():
        names = [smooth.sendmail(f"reader{i}@example.com", subject=f"Notice {i}", message=f"<p>{i}</p>")
                 for i in range(12)]
        smooth.db.commit()  # each enqueues its send job; the workers race the flushes below for the rows
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: _flush(cluster.handle), range(2)))
    rows = _wait_for_mail(cluster.handle, cluster.started)
    sent = {r["name"]: r["message_id"] for r in rows if r["status"] == "Sent"}
    assert set(names) <= set(sent), rows
    received = collections.Counter(str(r.message["Message-ID"]) for r in cluster.smtp.sink.received)
    assert {received[message_id] for message_id in sent.values()} == {1}, received
    assert set(received.values()) == {1}, received  # nothing else went out twice either


def _flush(handle: SiteHandle) -> None:
    """What the scheduler's `all` event runs, here in the test's process while the workers send the same rows."""
    with handle.context():
        flush()


def _wait_for_mail(handle: SiteHandle, since: dt.datetime) -> list[dict[str, Any]]:
    """Every Email Queue row made during the tests, once none waits to be sent (Sent, or Error for good)."""
    deadline = time.monotonic() + 120
    while True:
        with handle.context():
            rows = smooth.get_all("Email Queue", filters={"creation": [">=", since]},
                                  fields=["name", "status", "message_id", "subject", "last_error"])
        if rows and all(r["status"] in ("Sent", "Error") for r in rows):
            return rows
        assert time.monotonic() < deadline, rows
        time.sleep(0.3)


def test_each_scheduled_event_runs_once_per_due_time(cluster: Cluster) -> None:
    with cluster.handle.context():
        events = {event.job_type for event in smooth.local.site.hooks.scheduled}
    deadline = time.monotonic() + 60
    while True:
        with cluster.handle.context():
            rows = smooth.get_all("Scheduled Job Log", filters={"creation": [">=", cluster.started]},
                                  fields=["scheduled_job_type", "due_at", "status"])
        if {r["scheduled_job_type"] for r in rows} >= events and all(r["status"] == "Complete" for r in rows):
            break
        assert time.monotonic() < deadline, rows
        time.sleep(0.5)
    claims = collections.Counter((r["scheduled_job_type"], r["due_at"]) for r in rows)
    assert set(claims.values()) == {1}, claims
    assert all(cluster.processes[f"schedule{i}"].poll() is None for i in range(2))  # both were ticking throughout
