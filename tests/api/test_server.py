"""The server itself: `bench serve` (Uvicorn, several workers) and choosing the site by Host header."""

from __future__ import annotations

import gc
import logging
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import smooth
from smooth.asgi import SERVER_GC_THRESHOLDS, app_from_env
from smooth.site import forget_site
from tests.api.helpers import USER_HEADER, Api, insert, set_site_config
from tests.conftest import create_site

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.processes
def test_bench_serve_with_two_workers_answers_requests(api: Api) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "Served"})
    port = _free_port()
    bench = [sys.executable, "-c", "from smooth.cli import main; main()"]
    proc = subprocess.Popen(
        [*bench, "--sites-path", str(api.handle.sites_path), "--site", api.handle.name, "serve", "--port", str(port),
         "--workers", "2"], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 90  # two workers each import the framework: slow on a loaded machine
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/method/ping", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()  # reading its output waits for the end of the stream: a live server never ends it
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    raise AssertionError(f"bench serve did not come up:\n{output}") from None
                time.sleep(0.1)
        assert response.json() == {"message": "pong"}
        listed = httpx.get(f"http://127.0.0.1:{port}/api/resource/Test Category",
                           headers={USER_HEADER: "Administrator"}, timeout=10)
        assert listed.json() == {"data": [{"name": "Served"}]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert f"Serving {api.handle.name} on http://127.0.0.1:{port} (2 workers)" in output


@pytest.mark.processes
def test_bench_serve_refuses_a_missing_site(api: Api) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from smooth.cli import main; main()", "--sites-path", str(api.handle.sites_path),
         "--site", "missing.test", "serve", "--port", str(_free_port())],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Site 'missing.test' does not exist" in result.stderr


def test_host_header_picks_the_site_and_unknown_hosts_get_the_default(api: Api) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "Default site row"})
    other = create_site(api.handle.sites_path.parent, "sqlite", api.handle.apps, prefix="host")
    try:
        with other.context():
            smooth.get_doc({"doctype": "Test Category", "category_name": "Other site row"}).insert()
            smooth.db.commit()
        set_site_config(other, allow_test_user_header=True)
        on_other = api.get("/api/resource/Test Category", headers={"Host": f"{other.name}:8000"})
        assert on_other.json() == {"data": [{"name": "Other site row"}]}
        on_default = api.get("/api/resource/Test Category", headers={"Host": "unknown.example.com"})
        assert on_default.json() == {"data": [{"name": "Default site row"}]}
        traversal = api.get("/api/resource/Test Category", headers={"Host": ".."})
        assert traversal.json() == {"data": [{"name": "Default site row"}]}
    finally:
        forget_site(other.name, other.sites_path)


def test_each_request_logs_one_line_with_its_request_id(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="smooth.api")
    response = api.get("/api/resource/Test Category", headers={"X-Request-Id": "trace-me-42"})
    assert response.status_code == 200
    deadline = time.monotonic() + 5
    while not any("trace-me-42" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
        time.sleep(0.02)
    lines = [r.getMessage() for r in caplog.records if "trace-me-42" in r.getMessage()]
    assert len(lines) == 1
    assert "GET /api/resource/Test Category 200" in lines[0] and "user=Administrator" in lines[0]


def test_concurrent_writes_each_get_their_own_transaction(api: Api) -> None:
    def create(number: int) -> int:
        return api.post("/api/resource/Test Category", json={"category_name": f"Parallel {number}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(16)))
    assert statuses == [200] * 16
    assert len(api.list("Test Category", limit_page_length=0).json()["data"]) == 16


def test_the_server_factory_collects_garbage_less_often_than_a_script(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Uvicorn's factory (the benchmark's and `bench serve --workers N`'s) tunes the collector for serving:
    at Python's default a booking paid ~2 ms in ~8 collections."""
    before = gc.get_threshold()
    monkeypatch.setenv("SMOOTH_SITES_PATH", str(tmp_path))
    try:
        app_from_env()
        assert gc.get_threshold() == SERVER_GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
