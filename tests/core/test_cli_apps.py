"""`bench install-app`, `uninstall-app` and `list-apps`, and a new site that says which apps it has."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect

import smooth
from smooth.cli import cli
from smooth.patches import executed
from tests.conftest import SiteHandle, drop_site, mariadb_server_url
from tests.core._app_builder import ThrowawayApp, field

INSTALL_HOOK = """
import smooth

def mark():
    if not smooth.db.exists("Role", "Installed Marker"):
        smooth.get_doc({"doctype": "Role", "role_name": "Installed Marker"}).insert(ignore_permissions=True)
"""


class Bench:
    """A bench folder with no app of its own (as when bench runs outside the repository)."""

    def __init__(self, root: Path) -> None:
        self.root = root / "bench"
        self.root.mkdir()
        self.sites = self.root / "sites"
        self.sites.mkdir()
        self.app = ThrowawayApp(root / "elsewhere", prefix="Installable")
        self.app.hooks(f'after_install = "{self.app.package}.install.mark"\n')
        self.app.python("install", INSTALL_HOOK)
        self.app.doctype("Installable Note", [field("title", reqd=1)], autoname="field:title")

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--sites-path", str(self.sites), *args], input=input)

    def refused(self, *args: str) -> str:
        """The refusal's message (the console script prints it as one `Error:` line and exits 1)."""
        result = self.run(*args)
        assert result.exit_code == 1 and isinstance(result.exception, smooth.SmoothError), result.output
        return str(result.exception)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
        return result.output


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bench]:
    for var in ("SMOOTH_SITE", "SMOOTH_SITES_PATH"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "elsewhere").mkdir()
    handle = Bench(tmp_path)
    monkeypatch.setenv("SMOOTH_BENCH", str(handle.root))
    yield handle


def test_a_site_created_outside_an_app_says_it_has_only_the_core(bench: Bench) -> None:
    output = bench.ok("new-site", "plain.test", "--admin-password", "admin")
    assert "with apps: smooth." in output
    assert bench.ok("--site", "plain.test", "list-apps").split()[0] == "smooth"


def test_install_list_and_uninstall_an_app(bench: Bench) -> None:
    bench.ok("new-site", "apps.test", "--admin-password", "admin")
    output = bench.ok("--site", "apps.test", "install-app", str(bench.app.path))
    assert f"Installed {bench.app.name} on apps.test" in output
    listed = bench.ok("--site", "apps.test", "list-apps")
    assert [line.split()[0] for line in listed.splitlines()] == ["smooth", bench.app.name]
    with smooth.site_context("apps.test", bench.sites):
        assert smooth.db.exists("Role", "Installed Marker"), "after_install of the new app ran"
        smooth.get_doc({"doctype": "Installable Note", "title": "kept"}).insert()
        smooth.db.commit()

    assert "already installed" in bench.refused("--site", "apps.test", "install-app", str(bench.app.path))

    assert "its tables and records were kept" in bench.ok("--site", "apps.test", "uninstall-app", bench.app.name,
                                                          "--yes")
    assert bench.ok("--site", "apps.test", "list-apps").split()[0::2] == ["smooth"]
    reinstalled = bench.ok("--site", "apps.test", "install-app", str(bench.app.path))
    assert "Installed" in reinstalled
    with smooth.site_context("apps.test", bench.sites):
        assert smooth.db.exists("Installable Note", "kept"), "uninstalling kept the records"


def test_unknown_apps_are_refused_with_where_they_were_looked_for(bench: Bench) -> None:
    bench.ok("new-site", "refuse.test", "--admin-password", "admin")
    missing = bench.refused("--site", "refuse.test", "install-app", "no_such_app")
    assert "No app 'no_such_app'" in missing and str(bench.root / "apps" / "no_such_app") in missing
    assert "is not installed on refuse.test" in bench.refused("--site", "refuse.test", "uninstall-app",
                                                               "no_such_app", "--yes")


FAILING_INSTALL = """
import smooth

def fail():
    smooth.get_doc({"doctype": "Role", "role_name": "Half Installed"}).insert(ignore_permissions=True)
    smooth.throw("the licence server said no")
"""


@pytest.fixture
def failing_site(bench: Bench, backend: str) -> Iterator[str]:
    """A new site on `backend` (install-app's undo drops tables: DDL differs by backend)."""
    extra = ["--db-type", "mariadb", "--db-url", f"{mariadb_server_url()}/smooth_fi_{secrets.token_hex(4)}"] \
        if backend == "mariadb" else []
    bench.ok("new-site", "failed.test", "--admin-password", "admin", *extra)
    yield "failed.test"
    drop_site(SiteHandle("failed.test", bench.sites, backend, []))


def test_a_failed_install_changes_nothing(bench: Bench, failing_site: str, tmp_path: Path) -> None:
    config = (bench.sites / "failed.test" / "site_config.json").read_text()
    broken = ThrowawayApp(tmp_path / "elsewhere", prefix="Broken Install")
    broken.hooks(f'after_install = "{broken.package}.install.fail"\n')
    broken.python("install", FAILING_INSTALL)
    broken.doctype("Broken Note", [field("title")])
    broken.fixture("role.json", '[{"doctype": "Role", "role_name": "Shipped By Broken"}]')

    assert "the licence server said no" in bench.refused("--site", "failed.test", "install-app", str(broken.path))
    assert (bench.sites / "failed.test" / "site_config.json").read_text() == config
    misspelt = ThrowawayApp(tmp_path / "elsewhere", prefix="Misspelt")
    misspelt.doctype("Misspelt Note", [field("amount", "Currancy")])
    assert "Currancy" in bench.refused("--site", "failed.test", "install-app", str(misspelt.path))
    assert (bench.sites / "failed.test" / "site_config.json").read_text() == config
    assert bench.ok("--site", "failed.test", "list-apps").split()[0::2] == ["smooth"], "later commands still work"
    with smooth.site_context("failed.test", bench.sites):
        assert "tabBroken Note" not in inspect(smooth.local.site.engine).get_table_names()
        assert not smooth.db.exists("Role", "Half Installed") and not smooth.db.exists("Role", "Shipped By Broken")
    assert "Installed" in bench.ok("--site", "failed.test", "install-app", str(bench.app.path))


def test_an_app_that_requires_the_core_installs(bench: Bench, tmp_path: Path) -> None:
    bench.ok("new-site", "needs-core.test", "--admin-password", "admin")
    needy = ThrowawayApp(tmp_path / "elsewhere", prefix="Needs Core").hooks('required_apps = ["smooth"]\n')
    patch = 'execute:smooth.get_doc({"doctype": "Role", "role_name": "Patched"}).insert()'
    needy.patches(f"[post_model_sync]\n{patch}\n")
    assert f"Installed {needy.name}" in bench.ok("--site", "needs-core.test", "install-app", str(needy.path))
    with smooth.site_context("needs-core.test", bench.sites):
        assert patch in executed() and not smooth.db.exists("Role", "Patched"), "a new app's patches are marked done"
