"""A real S3 protocol server for the tests: moto's `moto_server` as a process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.mail.conftest import free_port

BUCKET = "smooth-files"


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def storage_config(endpoint: str, **values: Any) -> dict[str, Any]:
    """Site config `file_storage` for the bucket on `endpoint`."""
    return {"type": "s3", "bucket": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
            "access_key_id": "test", "secret_access_key": "test", **values}


@contextmanager
def moto_server(log_folder: Path) -> Iterator[str]:
    """Run moto_server with the bucket made; yields its endpoint URL."""
    port = free_port()
    with (log_folder / "moto.log").open("w") as log:
        server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p",
                                   str(port)], stdout=log, stderr=subprocess.STDOUT)
        endpoint = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(endpoint, timeout=1)
                    break
                except httpx.HTTPError:
                    assert server.poll() is None and time.monotonic() < deadline, "moto_server did not start"
                    time.sleep(0.1)
            s3_client(endpoint).create_bucket(Bucket=BUCKET)
            yield endpoint
        finally:
            server.terminate()
            server.wait(timeout=10)
