"""A Frappe app repository, laid out as Frappe lays it out, installs on a new site with no edits.

The app under test (tests/apps/frappe_layout_app) is a repository folder holding the package
`frappe_layout_app/` with hooks.py, modules.txt, patches.txt, fixtures/, www/, templates/,
public/ and the module `layout_library/doctype/...` and `layout_library/print_format/...`, as
Frappe has them; its fixtures add a Custom Field to the core User doctype, as Frappe apps extend
core doctypes. Only where the app's files are found changes with the layout, never SQL, so these
tests run on SQLite only.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import smooth
from smooth.apps import core_app, load_app
from smooth.code_checks import code_issues
from smooth.meta.registry import MetaRegistry
from smooth.patches import executed
from tests.api.serving import running_server
from tests.conftest import SiteHandle
from tests.core.test_cli_apps import Bench

REPOSITORY = Path(__file__).parents[1] / "apps" / "frappe_layout_app"
PACKAGE = REPOSITORY / "frappe_layout_app"


class LibraryBench(Bench):
    """A bench whose `apps/` folder holds the repository, as `bench get-app` leaves it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites = root / "sites"
        self.sites.mkdir(parents=True)
        (root / "apps").mkdir()
        (root / "apps" / "frappe_layout_app").symlink_to(REPOSITORY)


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LibraryBench]:
    for var in ("SMOOTH_SITE", "SMOOTH_SITES_PATH"):
        monkeypatch.delenv(var, raising=False)
    handle = LibraryBench(tmp_path / "bench")
    monkeypatch.setenv("SMOOTH_BENCH", str(handle.root))
    yield handle


def test_the_repository_and_its_app_package_are_one_app_imported_as_frappe_imports_it() -> None:
    app = load_app(REPOSITORY)
    assert load_app(PACKAGE) is app and app.name == "frappe_layout_app" and app.path == PACKAGE.resolve()
    assert [(m.name, m.package) for m in app.modules] == [("Layout Library", "frappe_layout_app.layout_library")]
    assert app.patches_file == PACKAGE.resolve() / "patches.txt" and app.fixtures_path.is_dir()
    assert [path.name for _, path in app.doctype_files()] == ["fl_book.json", "fl_shelf.json"]


def test_bench_check_reads_all_of_a_frappe_apps_code_not_only_its_modules(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the copy's package never shadows the real one later
    copy = tmp_path / "frappe_layout_app"
    shutil.copytree(REPOSITORY, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "frappe_layout_app" / "api.py").write_text("import frappe\n\n\ndef shelves():\n"
                                                       "\treturn frappe.get_shelves_somehow()\n")
    issues = code_issues([load_app(copy)], MetaRegistry([core_app()], strict=False))
    assert [(i.id, Path(i.path).name) for i in issues] == [("code.E003", "api.py")]
    assert "frappe.get_shelves_somehow is not provided" in issues[0].message


def test_a_frappe_app_repository_installs_migrates_serves_and_uninstalls(bench: LibraryBench) -> None:
    bench.ok("new-site", "library.test", "--admin-password", "admin")
    site = ("--site", "library.test")
    assert "Installed frappe_layout_app on library.test" in bench.ok(*site, "install-app", str(REPOSITORY))
    listed = [line.split() for line in bench.ok(*site, "list-apps").splitlines()]
    assert listed[1] == ["frappe_layout_app", str(PACKAGE.resolve())]
    bench.ok(*site, "migrate")
    checked = bench.ok(*site, "check")
    assert "0 error(s)" in checked, checked
    warned = [line for line in checked.splitlines() if "hooks.W001" in line]
    assert len(warned) == 2 and "app_include_css is a Frappe hook Smooth does not act on" in warned[0]

    with smooth.site_context("library.test", bench.sites):
        assert smooth.db.exists("FL Shelf", "Returns"), "after_install ran"
        assert smooth.db.exists("Role", "Librarian"), "fixtures/role.json was loaded"
        assert smooth.get_meta("User").has_field("custom_library_card"), "the Custom Field fixture extended User"
        smooth.db.set_value("User", "Administrator", "custom_library_card", "LC-1")
        assert smooth.db.get_value("User", "Administrator", "custom_library_card") == "LC-1"
        assert "frappe_layout_app.patches.label_shelves" in executed(), "patches.txt was read and marked done"
        book = smooth.get_doc({"doctype": "FL Book", "title": "Dune", "shelf": "Returns", "pages": 412}).insert()
        assert type(book).__module__ == "frappe_layout_app.layout_library.doctype.fl_book.fl_book"
        assert book.summary == "Dune (412 pages)", "the controller's validate ran"
        assert "Book card: Dune, 412 pages" in smooth.get_print(doc=book, print_format="Book Card"), \
            "the module's print_format/ folder was synced"
        with pytest.raises(smooth.ValidationError, match="at least one page"):
            smooth.get_doc({"doctype": "FL Book", "title": "Blank", "pages": 0}).insert()
        smooth.db.commit()

    with running_server(SiteHandle("library.test", bench.sites, "sqlite", [])) as url:
        page = httpx.get(f"{url}/shelves")
        style = httpx.get(f"{url}/assets/frappe_layout_app/css/shelf.css")
    assert page.status_code == 200 and "Shelves of the layout library" in page.text, page.text[:500]
    assert "<li>Returns</li>" in page.text, "www/shelves.py get_context ran, templates/ extended"
    assert style.status_code == 200 and ".fl-shelf" in style.text

    assert "its tables and records were kept" in bench.ok(*site, "uninstall-app", str(REPOSITORY), "--yes")
    assert [line.split()[0] for line in bench.ok(*site, "list-apps").splitlines()] == ["smooth"]
    assert "Installed frappe_layout_app" in bench.ok(*site, "install-app", "frappe_layout_app"), \
        "found by name in the bench's apps/ folder, as Frappe's bench keeps it"
