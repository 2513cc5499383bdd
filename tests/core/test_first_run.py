"""First run on a bare machine: `bash scripts/run` serves without wkhtmltopdf, Chromium or Redis, and
`bench doctor` tells errors (the site itself) from warnings (optional parts missing).

The machine is simulated with a PATH holding only symlinks to a whitelist of ordinary tools,
so the optional binaries cannot be found even where the test host has them installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

import smooth_hr.demo as hr_demo
import smooth_lms.demo as lms_demo
from smooth.cli import cli
from smooth.site import forget_site, read_config, write_config

pytestmark = pytest.mark.processes  # scripts/run and `bench` in new processes: left out by --quick

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "sh", "env", "dirname", "grep", "cat", "cut", "sha256sum", "python3", "ls", "mkdir", "rm")
OPTIONAL = ("wkhtmltopdf", "chromium", "chromium-browser", "redis-server", "redis-cli")


@pytest.fixture
def bare_path(tmp_path: Path) -> str:
    """A PATH with the whitelisted tools only (none of the optional parts)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    path = str(bin_dir)
    assert not [b for b in OPTIONAL if shutil.which(b, path=path)]
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def run_script(tmp_path: Path, bare_path: str) -> Iterator[tuple[subprocess.Popen[str], int, Path]]:
    """`bash scripts/run` on a fresh sites folder, a free port and the bare PATH (stopped afterwards)."""
    port = _free_port()
    sites = tmp_path / "sites"
    env = {"PATH": bare_path, "HOME": str(tmp_path), "LANG": "C.UTF-8", "SMOOTH_SITES_PATH": str(sites),
           "SMOOTH_PORT": str(port), "SMOOTH_SITE": "first-run.localhost"}
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(["bash", str(REPO_ROOT / "scripts" / "run")], cwd=tmp_path, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        yield process, port, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        forget_site("first-run.localhost", sites)


def test_run_script_serves_without_wkhtmltopdf_chromium_or_redis(
        run_script: tuple[subprocess.Popen[str], int, Path]) -> None:
    process, port, log = run_script
    deadline = time.monotonic() + 300
    answer = None
    while answer is None:
        if process.poll() is not None:
            pytest.fail(f"scripts/run exited with {process.returncode} before serving:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"scripts/run did not serve within 300 s:\n{log.read_text()}")
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/api/method/ping", timeout=5)
        except httpx.TransportError:
            time.sleep(0.5)
    assert answer.status_code == 200 and answer.json() == {"message": "pong"}
    output = log.read_text()
    assert "WARN pdf" in output and "wkhtmltopdf not found" in output
    assert "WARN chromium" in output
    assert "\nBAD" not in output
    # links in mails, PDFs and QR codes name the address the demo is served on
    assert read_config(log.parent / "sites", "first-run.localhost")["host_name"] == f"http://127.0.0.1:{port}"
    assert "WARN host_name" not in output
    login = httpx.post(f"http://127.0.0.1:{port}/api/method/login", timeout=10,
                       json={"usr": "lena.learner@example.com", "pwd": "demo1234"})
    assert login.status_code == 200, login.text
    banner = output[output.index("Demo logins"):]
    demo_users = ["Administrator", "moderator@example.com", *lms_demo.EVALUATORS, *lms_demo.LEARNERS,
                  hr_demo.HR_MANAGER, hr_demo.MANAGER]
    assert [user for user in demo_users if user not in banner] == []
    tick = log.parent / "sites" / "first-run.localhost" / "scheduler_tick.json"
    deadline = time.monotonic() + 60
    while not tick.exists():  # the scheduler runs beside the server, so reminders fire without Redis
        assert time.monotonic() < deadline, f"the scheduler never ticked:\n{log.read_text()}"
        time.sleep(0.5)


# -- doctor: errors and warnings ------------------------------------------------------------------


def _doctor(sites: Path, site: str) -> Result:
    return CliRunner().invoke(cli, ["--sites-path", str(sites), "--site", site, "doctor"])


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    for var in ("SMOOTH_SITE", "SMOOTH_SITES_PATH"):
        monkeypatch.delenv(var, raising=False)
    sites = tmp_path / "sites"
    result = CliRunner().invoke(cli, ["--sites-path", str(sites), "new-site", "doc.test", "--admin-password", "a"])
    assert result.exit_code == 0, result.output
    yield sites, "doc.test"
    forget_site("doc.test", sites)


def _lines(result: Result) -> dict[str, str]:
    """The doctor's lines by label: {"pdf": "WARN pdf  ..."}."""
    return {line.split()[1]: line for line in result.output.splitlines() if line.strip()}


def test_doctor_warns_about_missing_optional_parts_and_exits_0(site: tuple[Path, str], bare_path: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", bare_path)
    result = _doctor(*site)
    assert result.exit_code == 0, result.output
    lines = _lines(result)
    assert lines["pdf"].startswith("WARN") and "wkhtmltopdf not found" in lines["pdf"]
    assert lines["chromium"].startswith("WARN")
    assert lines["redis"].startswith("WARN") and "no redis_url" in lines["redis"]
    assert lines["smtp"].startswith("WARN") and "no mail_server" in lines["smtp"]
    assert lines["host_name"].startswith("WARN") and "http://doc.test" in lines["host_name"]
    for label in ("site", "database", "schema"):
        assert lines[label].startswith("ok "), lines[label]


def test_doctor_exits_1_on_an_error_even_with_warnings(site: tuple[Path, str], bare_path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", bare_path)
    sites, name = site
    write_config(sites, "broken.test", {"db_url": f"mariadb+pymysql://u:p@127.0.0.1:{_free_port()}/x", "apps": []})
    result = _doctor(sites, "broken.test")
    forget_site("broken.test", sites)
    assert result.exit_code == 1
    lines = _lines(result)
    assert lines["database"].startswith("BAD") and lines["pdf"].startswith("WARN")


def test_a_configured_redis_that_does_not_answer_is_an_error(site: tuple[Path, str]) -> None:
    sites, name = site
    config_path = sites / name / "site_config.json"
    config_path.write_text(config_path.read_text().replace("{", f'{{"redis_url": "redis://127.0.0.1:{_free_port()}",',
                                                           1))
    forget_site(name, sites)
    result = _doctor(sites, name)
    assert result.exit_code == 1
    assert _lines(result)["redis"].startswith("BAD") and "sessions" in _lines(result)["redis"]


def test_an_smtp_server_that_does_not_answer_is_a_warning(site: tuple[Path, str]) -> None:
    sites, name = site
    config_path = sites / name / "site_config.json"
    config_path.write_text(config_path.read_text().replace(
        "{", f'{{"mail_server": "127.0.0.1", "mail_port": {_free_port()},', 1))
    forget_site(name, sites)
    result = _doctor(sites, name)
    smtp = _lines(result)["smtp"]
    assert smtp.startswith("WARN") and "does not answer" in smtp and "emails stay queued" in smtp
