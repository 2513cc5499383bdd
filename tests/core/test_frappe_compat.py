"""Frappe-written code runs on Smooth: `import frappe` is the compatibility layer (smooth.frappe_compat).

The app under test (tests/apps/frappe_style_app) is written as Frappe apps are: controllers that
start with `import frappe` / `from frappe.model.document import Document`. The layer adapts
signatures in Python, so its tests run on SQLite; `frappe.db.sql`, which hands SQL to the
database, runs on both backends.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import smooth
from smooth.cli import cli
from smooth.frappe_compat import finder
from smooth.frappe_compat.database import is_read_only
from smooth.lint import lint_apps
from smooth.meta.doctype import scrub
from tests.api.serving import running_server
from tests.conftest import SiteHandle, create_site, drop_site
from tests.core._app_builder import ThrowawayApp, field

FRAPPE_APP = Path(__file__).parents[1] / "apps" / "frappe_style_app"


@pytest.fixture(scope="module", params=["sqlite", "mariadb"])
def any_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteHandle]:
    handle = create_site(tmp_path_factory.mktemp(request.param), request.param, [str(FRAPPE_APP)], prefix="fr")
    yield handle
    drop_site(handle)


@pytest.fixture(scope="module")
def frappe_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteHandle]:
    handle = create_site(tmp_path_factory.mktemp("frappe"), "sqlite", [str(FRAPPE_APP)], prefix="fr")
    yield handle
    drop_site(handle)


@pytest.fixture
def ctx(frappe_site: SiteHandle) -> Iterator[SiteHandle]:
    with frappe_site.context():
        yield frappe_site
        smooth.db.rollback()


def test_frappe_is_smooths_layer_never_another_package(ctx: SiteHandle) -> None:
    import frappe
    import frappe.model.document

    assert frappe is sys.modules["smooth.frappe_compat.frappe"]
    assert frappe.model.document.Document is smooth.model.document.Document
    assert frappe.ValidationError is smooth.ValidationError and frappe.db.get_value("User", "Guest", "name") == "Guest"


def test_installing_drops_a_frappe_imported_from_elsewhere(ctx: SiteHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, finder.FrappeFinder)])
    for name in [n for n in sys.modules if n == "frappe" or n.startswith("frappe.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "frappe", types.ModuleType("frappe"))  # as if PyPI's had been imported
    finder.install()
    assert importlib.import_module("frappe").get_doc is not None and sys.meta_path[0] is finder._FINDER


def test_frappe_controllers_run_as_in_frappe(ctx: SiteHandle) -> None:
    import frappe

    plain = smooth.get_doc({"doctype": "FS Plain", "title": "Alpha"}).insert()
    assert type(plain).__name__ == "FSPlain" and plain.name == "Alpha"
    task = smooth.get_doc({"doctype": "FS Task", "title": "Write", "plain": "Alpha", "days": "3",
                           "amount": 1.235}).insert()
    assert task.due_date == smooth.today() + dt.timedelta(days=3)
    assert task.created_by_name == "Administrator" and task.amount == 1.24
    assert frappe.flags.fs_task_updates == 1 and frappe.flags.never_set is None
    assert smooth.local.message_log[-1]["message"] == "Task Write saved, 1 open"

    with pytest.raises(smooth.DoesNotExistError, match="FS Plain Nope does not exist"):
        smooth.get_doc({"doctype": "FS Task", "title": "Lost", "plain": "Nope"}).insert()
    with pytest.raises(smooth.ValidationError, match="Due date 01-02-2020 is in the past"):
        smooth.get_doc({"doctype": "FS Task", "title": "Late", "due_date": "2020-02-01"}).insert()
    with pytest.raises(smooth.ValidationError, match="User nobody@example.com cannot take tasks"):
        smooth.get_doc({"doctype": "FS Task", "title": "Nobody's", "assigned_to": "nobody@example.com"}).insert()


def test_whitelist_session_local_and_form_dict(ctx: SiteHandle) -> None:
    import frappe
    from frappe_style.api import my_tasks

    smooth.get_doc({"doctype": "FS Task", "title": "Mine", "assigned_to": "Administrator"}).insert()
    assert smooth.is_whitelisted(my_tasks) and my_tasks() == ["Mine"]
    assert frappe.session.user == "Administrator" and "System Manager" in frappe.get_roles()
    assert frappe.has_permission("FS Task", "write")
    assert frappe.local.site == ctx.name and frappe.local.flags is frappe.flags
    frappe.local.cache_of_mine = {"a": 1}
    assert frappe.local.cache_of_mine == {"a": 1} and getattr(frappe.local, "never_set", None) is None
    assert dict(frappe.form_dict) == {} and frappe.form_dict.missing is None  # outside a request
    assert frappe._dict(a=1).a == 1 and frappe._dict().b is None
    assert frappe._("Row {0}: {1}", context="grid") == "Row {0}: {1}", "Frappe's _ never formats"
    fresh = frappe.new_doc("FS Task")
    fresh.title = "New"
    assert frappe.db.exists("FS Task", fresh.insert().name)
    with pytest.raises(frappe.PermissionError, match="^No entry$"):
        frappe.msgprint("No entry", raise_exception=frappe.PermissionError)
    assert frappe.get_doc("FS Task", {"title": "Mine"}).assigned_to == "Administrator"
    with pytest.raises(frappe.DoesNotExistError, match="No FS Task matches"):
        frappe.get_doc("FS Task", {"title": "Not mine"})
    assert frappe.get_list("FS Task", filters={"title": "Mine"}, fields=["title"], start=0, page_length=5) \
        == [{"title": "Mine"}]
    assert [row.title for row in frappe.get_all("FS Task", fields=["title"], order_by="title")] == ["Mine", "New"]
    assert frappe.db.get_value("FS Task", {"title": "Mine"}, ["title", "plain"], as_dict=True).title == "Mine"
    assert frappe.db.sql("select title from `tabFS Task` order by title", as_dict=True)[0].title == "Mine"


def test_a_whitelisted_frappe_method_reads_the_request_through_form_dict(frappe_site: SiteHandle) -> None:
    with running_server(frappe_site) as url:
        response = httpx.get(f"{url}/api/method/frappe_style.api.echo_form", params={"course": "Python 101"})
    assert response.status_code == 200, response.text
    assert response.json()["message"] == {"args": {"course": "Python 101", "seen": 1}, "user": "Guest",
                                          "site": frappe_site.name}


def test_enqueue_and_sendmail_take_frappes_arguments(ctx: SiteHandle) -> None:
    import frappe

    smooth.get_doc({"doctype": "FS Task", "title": "Queued"}).insert()
    assert frappe.enqueue("frappe_style.api.close_task", now=True, title="Queued") == "closed"
    with pytest.raises(smooth.SmoothError, match=r"frappe.enqueue\(on_success=...\) is not provided"):
        frappe.enqueue("frappe_style.api.close_task", on_success=print, title="Queued")
    queued = frappe.sendmail(recipients="ada@example.com", subject="Hello", message="<p>Welcome</p>",
                             reference_doctype="FS Task", reference_name="Queued", retry=3)
    assert frappe.db.get_value("Email Queue", queued, ["reference_doctype", "reference_name"]) == \
        ("FS Task", "Queued")
    with pytest.raises(smooth.SmoothError, match=r"frappe.sendmail\(bcc=...\) is not provided"):
        frappe.sendmail(recipients="ada@example.com", subject="Hello", message="x", bcc="eve@example.com")


def test_frappe_utils_return_frappe_types(ctx: SiteHandle) -> None:
    from frappe import utils

    assert utils.add_days("2024-01-31", 1) == "2024-02-01"
    assert utils.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert utils.add_days(dt.datetime(2024, 1, 1, 9, 30), 2) == dt.datetime(2024, 1, 3, 9, 30)
    assert utils.add_months("2024-01-31 09:30:00", 1) == "2024-02-29 09:30:00.000000"
    assert utils.date_diff("2024-03-01", "2024-02-01") == 29
    assert utils.getdate() == smooth.today() and utils.nowdate() == smooth.today().isoformat()
    assert utils.get_datetime("2024-01-02 03:04:05") == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert utils.format_date("2024-02-05") == "05-02-2024" and utils.format_date(None) == ""
    assert (utils.cint("3.7"), utils.cint("x"), utils.cint(None), utils.cint(True)) == (3, 0, 0, 1)
    assert (utils.flt("1,000.5"), utils.flt(None), utils.flt(2.675, 2)) == (1000.5, 0.0, 2.68)
    assert (utils.cstr(None), utils.cstr(b"\xc3\xa9"), utils.cstr(5)) == ("", "é", "5")


def test_a_name_not_provided_fails_with_a_message_naming_it(ctx: SiteHandle) -> None:
    import frappe

    with pytest.raises(smooth.SmoothError, match=r"^frappe.get_cached_doc is not provided by Smooth's Frappe "
                                                 r"compatibility layer; use frappe.get_doc"):
        frappe.get_cached_doc("User", "Administrator")
    with pytest.raises(smooth.SmoothError, match="frappe.get_cached_value is not provided"):
        exec("from frappe import get_cached_value", {})  # an import keeps the message too
    with pytest.raises(smooth.SmoothError, match="frappe.db.commit is not provided .* Smooth commits when"):
        frappe.db.commit()
    with pytest.raises(smooth.SmoothError, match="frappe.utils.get_fullname is not provided .* it provides add_days"):
        frappe.utils.get_fullname()
    with pytest.raises(smooth.SmoothError, match="frappe.session.sid is not provided"):
        _ = frappe.session.sid
    with pytest.raises(ModuleNotFoundError, match=r"frappe.utils.nestedset is not provided .* \(it provides frappe, "):
        importlib.import_module("frappe.utils.nestedset")
    assert not hasattr(frappe, "__wrapped__"), "dunder probes stay plain AttributeErrors"


@pytest.mark.parametrize("statement", [
    "update `tabFS Plain` set title = 'x'",
    "DELETE FROM `tabFS Plain`",
    "select name from `tabFS Plain`; delete from `tabFS Plain`",
    "with t as (select 1) delete from `tabFS Plain`",
    "/* read */ insert into `tabFS Plain` (name) values ('x')",
])
def test_db_sql_refuses_a_write(ctx: SiteHandle, statement: str) -> None:
    import frappe

    with pytest.raises(smooth.ValidationError, match="frappe.db.sql runs read-only statements .* allow_writes=True"):
        frappe.db.sql(statement)


def test_site_config_may_allow_sql_writes(ctx: SiteHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    import frappe

    monkeypatch.setitem(smooth.local.site.config, "allow_frappe_sql_writes", 1)
    frappe.db.sql("insert into `tabFS Plain` (name, title) values (%s, %s)", ("Raw", "Raw"))
    assert frappe.db.exists("FS Plain", "Raw")


def test_locking_reads_and_quoted_words_are_reads() -> None:
    assert is_read_only("SELECT name FROM `tabUser` WHERE name = 'drop' FOR UPDATE")
    assert is_read_only("(select `update` from t) -- delete")
    assert not is_read_only("select * into outfile '/tmp/x' from t")


def test_db_sql_reads_with_bound_values_and_writes_only_when_allowed(any_site: SiteHandle) -> None:
    import frappe
    from frappe_style.api import count_rows

    with any_site.context():
        smooth.get_doc({"doctype": "FS Plain", "title": "update; delete"}).insert()
        assert count_rows("FS Plain") == 1
        assert frappe.db.sql("select name from `tabFS Plain` where title = %(t)s", {"t": "update; delete"},
                             as_dict=True) == [{"name": "update; delete"}]
        assert frappe.db.sql("select title from `tabFS Plain`", pluck=True) == ["update; delete"]
        frappe.db.sql("update `tabFS Plain` set title = %s", ("renamed",), allow_writes=True)
        assert frappe.db.get_value("FS Plain", {"name": "update; delete"}, "title") == "renamed"
        assert frappe.db.count("FS Plain") == 1 and frappe.db.exists("FS Plain", "update; delete")
        smooth.db.rollback()


def _controller(app: ThrowawayApp, doctype: str, source: str) -> Path:
    app.doctype(doctype, [field("title")])
    path = app.package_path / "doctype" / scrub(doctype) / f"{scrub(doctype)}.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_bench_check_imports_every_controller_and_reads_frappe_names(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = ThrowawayApp(tmp_path, prefix="Frappe Check")
    _controller(app, "Check Fine", "from frappe.model.document import Document\n\nclass CheckFine(Document):\n"
                                   "    pass\n")
    unimportable = _controller(app, "Check Broken", """
        from frappe.utils.nestedset import NestedSet

        class CheckBroken(NestedSet):
            pass
    """)
    uses_missing = _controller(app, "Check Cached", """
        import frappe
        from frappe.model.document import Document

        class CheckCached(Document):
            def validate(self):
                self.title = frappe.get_cached_value("User", frappe.session.user, "first_name")
                frappe.db.set_value("User", "Administrator", "first_name", "x")
    """)
    typo = _controller(app, "Check Typo", "import frappe\n\nclass CheckTypos(frappe.model.document.Document):\n"
                                          "    pass\n")
    monkeypatch.setenv("SMOOTH_BENCH", str(app.path))
    result = CliRunner().invoke(cli, ["--sites-path", str(tmp_path / "sites"), "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(f"{unimportable}: code.E001 the controller of Check Broken does not import: ModuleNotFoundError: "
               "frappe.utils.nestedset is not provided" in line for line in lines), result.output
    assert f"{uses_missing}: code.E003 line 7: frappe.get_cached_value is not provided" in result.output
    assert f"{typo}: code.E002 the controller of Check Typo defines no class CheckTypo(Document)" in result.output
    assert "Check Fine" not in result.output and "frappe.db.set_value" not in result.output
    assert "4 error(s)" in result.output  # nestedset counted by the import and by the reading of names


def test_the_frappe_style_app_passes_bench_check(frappe_site: SiteHandle) -> None:
    issues = [i for i in lint_apps(frappe_site.sites_path, frappe_site.name) if i.level == "error"]
    assert issues == []
