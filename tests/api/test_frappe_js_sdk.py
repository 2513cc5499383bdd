"""The real `frappe-js-sdk` (installed from npm, pinned by tests/api/js/package-lock.json) against the server.

A Node script (tests/api/js/sdk_roundtrip.js) authenticates with `Authorization: token key:secret`
from `User.generate_api_credentials()`, logs in with a password, then creates, lists with filters,
reads, updates, counts, reads a value, calls whitelisted methods, uploads a private file attached to
the note's Attach field (then downloads it with the token, and is refused without one) and deletes
the note (its attached file goes with it), all through the SDK's own calls. Node and npm are
required: without them this test fails, it never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import smooth
from tests.api.helpers import Api, add_user

JS_DIR = Path(__file__).parent / "js"
SCRIPT = JS_DIR / "sdk_roundtrip.js"
SDK_USER = "sdk.manager@example.com"
SDK_PASSWORD = "sdk-password-1"
STEPS = ("login", "get_logged_user", "create", "list with filters", "get", "update", "get_count", "get_value",
         "call whitelisted method", "validation error envelope", "upload_file", "fetch uploaded file", "delete")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: the frappe-js-sdk compatibility test needs Node.js 18+ and npm "
                    f"(e.g. apt-get install nodejs npm)")
    return path


@pytest.fixture(scope="module")
def node_with_sdk() -> str:
    """The node binary, with tests/api/js/node_modules installed from the lock file when missing."""
    node = _tool("node")
    npm = _tool("npm")
    if not (JS_DIR / "node_modules" / "frappe-js-sdk" / "package.json").is_file():
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            pytest.fail(f"npm ci in {JS_DIR} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return node


def _api_token(api: Api) -> str:
    add_user(api, SDK_USER, "System Manager")
    with api.handle.context():
        user = smooth.get_doc("User", SDK_USER)
        user.new_password = SDK_PASSWORD
        user.save()
        key, secret = user.generate_api_credentials()
        smooth.db.commit()
    return f"{key}:{secret}"


def test_frappe_js_sdk_round_trip_against_the_server(api: Api, node_with_sdk: str) -> None:
    env = {**os.environ, "SMOOTH_URL": api.base_url, "SMOOTH_API_TOKEN": _api_token(api),
           "SMOOTH_USER": SDK_USER, "SMOOTH_PASSWORD": SDK_PASSWORD}
    result = subprocess.run([node_with_sdk, str(SCRIPT)], cwd=JS_DIR, env=env, capture_output=True, text=True,
                            timeout=120)
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    for step in STEPS:
        assert f"ok {step}" in lines, f"step {step!r} did not pass:\n{output}"
    assert lines[-1] == "done", output
