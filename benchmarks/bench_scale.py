"""Issue 27's table at scale: each row as a figure against its goal, with a ratio where it has a baseline.

    .venv/bin/python benchmarks/bench_scale.py [--rows N] [--only SECTION ...] [--mariadb-url URL] [--quick]

Sections live in `benchmarks/scale_<section>.py`; each makes its own site per backend and yields
`ScaleResult` rows (harness.py). A section module provides

    add_arguments(parser)          optional: its own flags
    run(backend, args) -> Iterable[ScaleResult]

`--rows` sets the large tables' size (the desk list's requests, the compliance rows); the full
size is 1,000,000 and takes a long time (the command is in the README); --quick runs every path
on a few thousand rows. Each backend ends with one summary line, `[backend] scale: N rows
measured, M within goal`, which the suite's quick run checks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

from harness import add_common_arguments, each_backend

SECTIONS = ("availability", "desk", "compliance")


def section_modules() -> dict[str, ModuleType]:
    """The sections present in benchmarks/ (a section is added by dropping its module in)."""
    here = Path(__file__).parent
    return {name: importlib.import_module(f"scale_{name}") for name in SECTIONS
            if (here / f"scale_{name}.py").exists()}


def main(argv: list[str] | None = None) -> int:
    sections = section_modules()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--rows", type=int, default=None,
                        help="size of the large tables (default 1,000,000; 4,000 under --quick)")
    parser.add_argument("--only", nargs="*", choices=sorted(sections), default=None, help="run these sections only")
    for module in sections.values():
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)
    args = parser.parse_args(argv)
    chosen = [sections[name] for name in (args.only or sections)]

    def measure(backend: str) -> None:
        measured = within = 0
        for module in chosen:
            for result in module.run(backend, args):
                print(result.line(backend), flush=True)
                measured += 1
                within += result.within_goal
        print(f"[{backend}] scale: {measured} rows measured, {within} within goal", flush=True)

    return each_backend(args.mariadb_url, measure)


if __name__ == "__main__":
    sys.exit(main())
