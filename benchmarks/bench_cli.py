"""`bench` start-up: `bench --help` and a `bench migrate` with nothing to do, in wall time against the goal.

    .venv/bin/python benchmarks/bench_cli.py [--runs 7] [--mariadb-url URL] [--quick]

A site with the bench's apps (Smooth LMS and HR) is made once per backend; each command then runs
as a user runs it, in a new Python process (`python -c "from smooth.cli import main; main()"`, what
the `bench` console script calls), --runs times after one untimed warm-up. Bytecode is cached, as in
an installed bench, under a throwaway PYTHONPYCACHEPREFIX (never in the repository), even where
PYTHONDONTWRITEBYTECODE is set. Printed per backend: the median wall and CPU time of each command and
the judged ratio, no-op migrate median / the 2 s goal (below 1 meets it). --quick (or SMOOTH_BENCH_QUICK=1):
2 runs; every path, no meaningful number.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import add_common_arguments, each_backend, size, temporary_site

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 2.0
BENCH = [sys.executable, "-c", "from smooth.cli import main; main()"]


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of `bench argv` over `runs` processes, after one warm-up.

    The CPU time is what the command costs on a machine to itself; the wall time, what the goal is about,
    also holds the waits for a busy machine's cores.
    """
    walls, cpus = [], []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run([*BENCH, *argv], cwd=REPO, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise RuntimeError(f"bench {' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
        if run:
            walls.append(elapsed)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, help="timed runs of each command (7; quick: 2)")
    add_common_arguments(parser)
    args = parser.parse_args()
    runs = size(args.runs, full=7, quick=2, is_quick=args.quick)
    pycache = tempfile.mkdtemp(prefix="smooth-bench-pycache-")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache

    def one(backend: str) -> None:
        with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
            where = ["--sites-path", str(site.sites_path), "--site", site.name]
            help_wall, help_cpu = timed(["--help"], env, runs)
            migrate_wall, migrate_cpu = timed([*where, "migrate"], env, runs)
        print(f"[{backend}] bench --help: median {help_wall:.2f} s (CPU {help_cpu:.2f} s); no-op migrate: median "
              f"{migrate_wall:.2f} s (CPU {migrate_cpu:.2f} s) over {runs} runs -> ratio "
              f"{migrate_wall / GOAL_SECONDS:.2f} of the {GOAL_SECONDS:g} s goal")

    try:
        return each_backend(args.mariadb_url, one)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
