"""Background work: jobs through RQ and `bench worker`, and queued mails delivered over SMTP.

    .venv/bin/python benchmarks/bench_jobs.py [--jobs 10000] [--mails 1000] [--redis-url URL]
                                              [--mariadb-url URL] [--quick]

Jobs: `smooth.enqueue` N no-op jobs in one transaction, then drain them with `bench worker
--burst` (a forked work horse per job, each job its own unit of work on the site), against
the same N no-op jobs enqueued with plain RQ and drained by a plain RQ worker, and against
calling the function inline. Mails: `smooth.sendmail` N mails into the queue, then
`bench execute smooth.email.queue.flush` delivers them to a local SMTP sink (aiosmtpd),
against smtplib sending the same N messages to the same sink. Printed: throughputs and the
ratios (ours / baseline, in time). --quick: 30 jobs, 20 mails; every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import smtplib
import socket
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from harness import BenchSite, add_common_arguments, each_backend, size, temporary_site
from redis import Redis
from rq import Queue, Worker

import smooth
from smooth.cli import main as bench

REPO = Path(__file__).resolve().parents[1]
NOOP = "os.getpid"
QUEUE = "smooth:default"
BASELINE_QUEUE = "bench-baseline"


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bench(site: BenchSite, *args: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        bench(["--sites-path", str(site.sites_path), "--site", site.name, *args])


def jobs_ours(site: BenchSite, jobs: int) -> float:
    started = time.perf_counter()
    with smooth.unit_of_work():
        for _ in range(jobs):
            smooth.enqueue(NOOP)
    run_bench(site, "worker", "--burst", "--queue", "default")
    return time.perf_counter() - started


def jobs_baseline(redis: Redis, jobs: int) -> float:
    queue = Queue(BASELINE_QUEUE, connection=redis)
    started = time.perf_counter()
    for _ in range(jobs):
        queue.enqueue(os.getpid)
    Worker([queue], connection=redis).work(burst=True, logging_level="WARNING")
    return time.perf_counter() - started


def jobs_inline(jobs: int) -> float:
    started = time.perf_counter()
    for _ in range(jobs):
        os.getpid()
    return time.perf_counter() - started


def mails_ours(site: BenchSite, mails: int, port: int) -> float:
    with smooth.unit_of_work():
        for i in range(mails):
            smooth.sendmail(f"learner{i}@bench.example", subject=f"Evaluation {i}", message=f"<p>Booked {i}</p>")
    run_bench(site, "set-config", "mail_server", "127.0.0.1")
    run_bench(site, "set-config", "mail_port", str(port), "--parse")
    started = time.perf_counter()
    run_bench(site, "execute", "smooth.email.queue.flush")
    return time.perf_counter() - started


def mails_baseline(mails: int, port: int) -> float:
    started = time.perf_counter()
    for i in range(mails):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "bench@localhost", f"l{i}@bench.example", f"E {i}"
        message.set_content(f"Booked {i}")
        message.add_alternative(f"<p>Booked {i}</p>", subtype="html")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as connection:
            connection.send_message(message)
    return time.perf_counter() - started


def measure(backend: str, jobs: int, mails: int, redis_url: str, mariadb_url: str | None) -> None:
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with temporary_site(backend, [str(REPO)], mariadb_url) as site:
            run_bench(site, "set-config", "redis_queue", redis_url)
            smooth.local.site.config["redis_queue"] = redis_url
            ours = jobs_ours(site, jobs)
            leftover = Queue(QUEUE, connection=redis).count
            base = jobs_baseline(redis, jobs)
            inline = jobs_inline(jobs)
            print(f"[{backend}] jobs: {jobs} no-op jobs enqueued and run: smooth.enqueue + bench worker "
                  f"{jobs / ours:.0f} jobs/s, plain RQ {jobs / base:.0f} jobs/s, inline {jobs / inline:.0f} calls/s "
                  f"-> ratio {ours / base:.2f} (ours/RQ time); vs inline {ours / inline:.1f}; left in queue {leftover}")
            run_bench(site, "set-config", "redis_queue", "null", "--parse")
            smooth.local.site.config.pop("redis_queue", None)
            mail_time = mails_ours(site, mails, port)
            delivered = sink.count
            base_time = mails_baseline(mails, port)
            print(f"[{backend}] mails: {mails} queued mails delivered to the SMTP sink: ours {mails / mail_time:.0f} "
                  f"mails/s, smtplib alone {mails / base_time:.0f} mails/s -> ratio {mail_time / base_time:.2f} "
                  f"(ours/smtplib time); delivered {delivered}/{mails}")
    finally:
        controller.stop()
        redis.flushdb()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, help="no-op jobs per side (10,000; quick: 30)")
    parser.add_argument("--mails", type=int, help="mails per side (1,000; quick: 20)")
    parser.add_argument("--redis-url", default=os.environ.get("SMOOTH_TEST_REDIS_URL"),
                        help="a Redis the benchmark may flush (default $SMOOTH_TEST_REDIS_URL)")
    add_common_arguments(parser)
    args = parser.parse_args()
    if not args.redis_url:
        parser.error("a Redis is needed: pass --redis-url or set SMOOTH_TEST_REDIS_URL (it will be flushed)")
    jobs = size(args.jobs, full=10_000, quick=30, is_quick=args.quick)
    mails = size(args.mails, full=1_000, quick=20, is_quick=args.quick)
    return each_backend(args.mariadb_url, lambda backend: measure(backend, jobs, mails, args.redis_url,
                                                                  args.mariadb_url))


if __name__ == "__main__":
    sys.exit(main())
