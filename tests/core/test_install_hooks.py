"""before_install runs before the app's tables exist, after_install once the site is installed."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.conftest import TEST_APP, create_site, drop_site


def test_install_hooks_fire_in_order_once(tmp_path: Path) -> None:
    handle = create_site(tmp_path / "first", "sqlite", [str(TEST_APP)], prefix="hooks")
    drop_site(handle)
    request_hooks = importlib.import_module("smooth_tests.request_hooks")  # importable once the app loaded
    request_hooks.SEEN.clear()
    handle = create_site(tmp_path / "second", "sqlite", [str(TEST_APP)], prefix="hooks")
    try:
        assert [s for s in request_hooks.SEEN if s.endswith("_install")] == ["before_install", "after_install"]
    finally:
        drop_site(handle)
