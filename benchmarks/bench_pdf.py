"""Certificate PDFs: seconds per PDF and PDFs per minute, one job at a time and four in parallel.

    .venv/bin/python benchmarks/bench_pdf.py [--certificates 200] [--mariadb-url URL] [--quick]

Data: one course and `--certificates` learners, each with an issued LMS Certificate (shipped
landscape format: QR code, number, dates). Measured: `GET /api/method/frappe.utils.print_format.
download_pdf` for every certificate on a Uvicorn server of Smooth (render, wkhtmltopdf, response),
first one request at a time, then from 4 client threads at once. Printed: the median seconds per
PDF (sequential), PDFs per minute with 1 and with 4 jobs, and the ratio (4 jobs / 1 job): how
well the server overlaps wkhtmltopdf processes (aim > 1.5 on a machine with 2 free cores).
--quick (or SMOOTH_BENCH_QUICK=1): 8 certificates; every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from harness import BenchSite, add_common_arguments, each_backend, serve, size, temporary_site

import smooth

REPO = Path(__file__).resolve().parents[1]
PDF = "/api/method/frappe.utils.print_format.download_pdf"


def setup(count: int) -> tuple[list[str], str]:
    """`count` certificates of one course (issued by Administrator), and an API token to fetch them."""
    course = smooth.get_doc({"doctype": "LMS Course", "title": "Working at Height", "published": 1,
                             "evaluation_required": 1, "certificate_validity_months": 24}).insert().name
    names = []
    for i in range(count):
        email = f"learner{i:04d}@bench.example"
        smooth.get_doc({"doctype": "User", "email": email, "first_name": f"Learner {i}",
                        "roles": [{"role": "LMS Student"}]}).insert()
        names.append(smooth.get_doc({"doctype": "LMS Certificate", "member": email, "course": course,
                                     "issue_date": smooth.today()}).insert().name)
    admin = smooth.get_doc("User", "Administrator")
    key, secret = admin.generate_api_credentials()
    smooth.db.commit()
    return names, f"{key}:{secret}"


def fetch(port: int, name: str, token: str) -> float:
    """One certificate PDF; the answer must be a PDF."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", f"{PDF}?{urlencode({'doctype': 'LMS Certificate', 'name': name})}",
                 headers={"Authorization": f"token {token}"})
    response = conn.getresponse()
    body = response.read()
    took = time.perf_counter() - start
    conn.close()
    if response.status != 200 or not body.startswith(b"%PDF"):
        raise RuntimeError(f"PDF of {name}: {response.status}\n{body[:1000].decode(errors='replace')}")
    return took


def measure(site: BenchSite, count: int) -> dict[str, float]:
    names, token = setup(count)
    process, port = serve(site)
    try:
        fetch(port, names[0], token)  # warm-up: imports, templates
        start = time.perf_counter()
        each = [fetch(port, name, token) for name in names]
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda name: fetch(port, name, token), names))
        parallel = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=15)
    return {"median": statistics.median(each), "per_minute_1": 60 * count / sequential,
            "per_minute_4": 60 * count / parallel}


def report(backend: str, count: int, result: dict[str, float]) -> None:
    ratio = result["per_minute_4"] / result["per_minute_1"]
    print(f"[{backend}] pdf: {count} certificates, median {result['median']:.3f} s per PDF; "
          f"{result['per_minute_1']:.0f} PDFs/min with 1 job, {result['per_minute_4']:.0f} PDFs/min with 4 jobs "
          f"-> ratio {ratio:.2f} (aim > 1.5 with 2 free cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--certificates", type=int, help="certificates rendered per pass (200; quick: 8)")
    add_common_arguments(parser)
    args = parser.parse_args()
    count = size(args.certificates, full=200, quick=8, is_quick=args.quick)

    def one(backend: str) -> None:
        with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
            report(backend, count, measure(site, count))

    return each_backend(args.mariadb_url, one)


if __name__ == "__main__":
    sys.exit(main())
