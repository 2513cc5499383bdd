"""Every benchmark runs once at its quick size, on MariaDB, so a benchmark that rots fails CI.

Benchmarks are manual tools nothing else imports: without this, a core refactor breaks them silently
(bench_api.py once died on an import of a private name that had been renamed). A quick run says
nothing about speed; it proves the script still runs every path and prints the ratios it is judged
by. A static check keeps the benchmarks on Smooth's public surface, the rule that makes them survive
refactors in the first place.

Only the MariaDB half runs here (SMOOTH_BENCH_BACKENDS=mariadb): both halves are the same script with another
database URL, and a site install per backend and benchmark made these runs 15% of the suite's time. MariaDB is
the half with a server and a URL to get wrong; the SQLite half is what `harness.each_backend` runs first in
every manual run (the benchmark's own command), and the harness's backend choice is checked below.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import mariadb_server_url

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
RATIO = r"([0-9]+\.[0-9]+)"

# each benchmark's judged lines; every pattern must match exactly once per backend, its groups are ratios (for the
# booking throughput, whose ratio needs a real Frappe LMS that CI does not have: bookings/s and statements per booking)
RATIO_LINES: dict[str, list[str]] = {
    "bench_documents.py": [r"^\[<backend>\] \d+ rows, medians: insert .* -> ratio <ratio> .*; get_all .* -> ratio "
                           r"<ratio> "],
    "bench_booking.py": [r"^\[<backend>\] availability, .* -> ratio <ratio> ",
                         r"^\[<backend>\] booking insert: .* -> ratio <ratio> "],
    "bench_desk.py": [r"^\[<backend>\] list view, one evaluator, .* -> ratio <ratio> ",
                      r"^\[<backend>\] form view, .* -> ratio <ratio> "],
    "bench_workflow.py": [r"^\[<backend>\] \d+ documents, medians: apply_workflow .* -> ratio <ratio> "],
    "bench_jobs.py": [r"^\[<backend>\] jobs: .* -> ratio <ratio> ", r"^\[<backend>\] mails: .* -> ratio <ratio> "],
    "bench_portal.py": [rf"^\[<backend>\] slot picker page, {what}, .* -> ratio <ratio> "
                        for what in ("pool of \\d+", "one evaluator")],
    "bench_api.py": [rf"^ +\[<backend>\] {scenario} ratio ours/baseline: req/s <ratio> +p50 <ratio> +p95 <ratio>$"
                     for scenario in ("list", "insert")],
    "bench_pdf.py": [r"^\[<backend>\] pdf: \d+ certificates, .* -> ratio <ratio> "],
    "bench_booking_throughput.py": [r"^\[<backend>\] booking throughput, pool of \d+, .*: median <ratio> bookings/s "
                                    r"\(rounds [^)]*\); <ratio> statements per booking$",
                                    r"^\[<backend>\] statements of one booking: <ratio> over its whole HTTP request, "
                                    r"<ratio> more in its after-response jobs; <ratio> for `book_evaluation` called "
                                    r"outside a request$"],
    "bench_compliance.py": [r"^\[<backend>\] \d+ rows, medians: status pass .* -> ratio <ratio> "],
    "bench_cli.py": [r"^\[<backend>\] bench --help: .*; no-op migrate: .* -> ratio <ratio> "],
    "bench_scale.py": [r"^\[<backend>\] scale: \d+ rows measured, \d+ within goal$"],
}

# what benchmarks may import from Smooth: the facade, site creation (the CLI cannot install apps), the bench
# CLI (drop-site), and the LMS app's whitelisted API
# the apps' entry points a benchmark may drive: the LMS's API, the HR daily job and its status rules; the ASGI
# app the server runs, to count a whole HTTP request's statements in-process
PUBLIC_MODULES = {"smooth", "smooth.install", "smooth.cli", "smooth.asgi", "smooth_lms.api", "smooth_hr.compliance_job",
                  "smooth_hr.compliance_reminders", "smooth_hr.compliance_status"}


def benchmark_files() -> list[Path]:
    """The scripts and the harness: every file that could reach into Smooth."""
    return sorted(BENCHMARKS.glob("*.py"))


def test_every_benchmark_is_run_here() -> None:
    """A new benchmark script must be added to RATIO_LINES, or it would escape the quick run."""
    scripts = {path.name for path in benchmark_files() if path.name.startswith("bench_")}
    assert scripts == set(RATIO_LINES), f"benchmarks/ holds {sorted(scripts)}, this test runs {sorted(RATIO_LINES)}"


@pytest.mark.mariadb
@pytest.mark.parametrize("script", sorted(RATIO_LINES))
def test_benchmark_quick_run(script: str) -> None:
    """Exit code 0, no failed requests, and each judged ratio printed once per backend as a positive number."""
    mariadb_url = mariadb_server_url()  # fails (never skips) without a server: MariaDB is half of what is judged
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick", "--mariadb-url", mariadb_url],
                            cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "SMOOTH_BENCH_BACKENDS": "mariadb"})
    shown = f"\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, f"{script} --quick exited {result.returncode}{shown}"
    assert ", errors {" not in result.stdout, f"{script}: requests failed under load{shown}"
    assert "[sqlite]" not in result.stdout, f"{script} ran SQLite too{shown}"
    for backend in ("mariadb",):
        for pattern in RATIO_LINES[script]:
            regex = pattern.replace("<backend>", backend).replace("<ratio>", RATIO)
            found = re.findall(regex, result.stdout, re.MULTILINE)
            assert len(found) == 1, f"{script}: expected one line matching {regex!r}{shown}"
            ratios = found[0] if isinstance(found[0], tuple) else (found[0],) if "<ratio>" in pattern else ()
            for ratio in ratios:
                assert math.isfinite(float(ratio)) and float(ratio) > 0, f"{script}: ratio {ratio}{shown}"


def test_quick_mode_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SMOOTH_BENCH_QUICK=1 means --quick (for runners that cannot add flags); 0 or unset means full size."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from harness import add_common_arguments

    def quick() -> bool:
        parser = argparse.ArgumentParser()
        add_common_arguments(parser)
        return bool(parser.parse_args([]).quick)

    monkeypatch.setenv("SMOOTH_BENCH_QUICK", "1")
    assert quick()
    monkeypatch.setenv("SMOOTH_BENCH_QUICK", "0")
    assert not quick()
    monkeypatch.delenv("SMOOTH_BENCH_QUICK")
    assert not quick()


def private_reaches(path: Path) -> list[str]:
    """Imports of non-public Smooth modules, and private names (leading underscore) taken from Smooth."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[str] = []
    smooth_names: set[str] = set()

    def is_smooth(module: str) -> bool:
        return module.split(".")[0] in ("smooth", "smooth_lms", "smooth_hr")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_smooth(alias.name):
                    smooth_names.add((alias.asname or alias.name).split(".")[0])
                    if alias.name not in PUBLIC_MODULES:
                        found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and is_smooth(node.module):
            if node.module not in PUBLIC_MODULES:
                found.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                smooth_names.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            root: ast.expr = node
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in smooth_names:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", benchmark_files(), ids=lambda p: p.name)
def test_benchmarks_use_public_api_only(path: Path) -> None:
    """The quick run catches a broken reach only once it breaks; this refuses the reach itself."""
    assert private_reaches(path) == [], f"{path.name} reaches past Smooth's public API"


def test_the_backends_a_run_measures_are_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite then MariaDB by default; SMOOTH_BENCH_BACKENDS names which (the quick runs above take MariaDB)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from harness import each_backend

    def measured(setting: str | None, url: str | None = "mariadb+pymysql://x") -> list[str]:
        if setting is None:
            monkeypatch.delenv("SMOOTH_BENCH_BACKENDS", raising=False)
        else:
            monkeypatch.setenv("SMOOTH_BENCH_BACKENDS", setting)
        seen: list[str] = []
        assert each_backend(url, seen.append) == 0
        return seen

    assert measured(None) == ["sqlite", "mariadb"]
    assert measured(None, url=None) == ["sqlite"]
    assert measured("mariadb") == ["mariadb"]
    assert measured("sqlite") == ["sqlite"]
