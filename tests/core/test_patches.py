"""patches.txt: sections, once-per-site execution recorded in Patch Log, failures that stop migrate."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import smooth
from smooth.exceptions import PatchError
from tests.core._mini_app import MiniApp, columns, data_field, mini_site, run_migrate

ITEM = [data_field("title", reqd=1), data_field("old_status")]
RENAMED = [data_field("title", reqd=1), data_field("status")]
LOG = [data_field("entry"), data_field("seq", "Int")]

TRACE = """
import smooth


def log(entry: str) -> None:
    smooth.get_doc({"doctype": "Mig Log", "entry": entry, "seq": smooth.db.count("Mig Log") + 1}).insert()


def live_columns(doctype: str) -> list[str]:
    from sqlalchemy import inspect

    return [c["name"] for c in inspect(smooth.db.connection()).get_columns(f"tab{doctype}")]
"""


@pytest.fixture
def app(tmp_path: Path) -> MiniApp:
    mini = MiniApp(tmp_path)
    mini.doctype("Mig Item", ITEM, autoname="field:title")
    mini.doctype("Mig Log", LOG)
    mini.python_module("trace", TRACE)
    return mini


def entries(handle) -> list[str]:  # type: ignore[no-untyped-def]
    with handle.context():
        return smooth.db.get_all("Mig Log", pluck="entry", order_by="seq asc")


def patch_log(handle) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with handle.context():
        return {row["patch"]: row["app"] for row in smooth.db.get_all("Patch Log", fields=["patch", "app"])}


def logging_patch(app: MiniApp, name: str, entry: str) -> str:
    return app.python_module(f"patches/{name}", f"""
        from {app.package}.trace import log


        def execute():
            log({entry!r})
    """)


def test_sections_run_in_order_around_the_schema_sync(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            for title, status in (("A", "open"), ("B", "closed")):
                smooth.get_doc({"doctype": "Mig Item", "title": title, "old_status": status}).insert()
            smooth.db.commit()
        pre = app.python_module("patches/rename_status", f"""
            import smooth
            from sqlalchemy import text
            from {app.package}.trace import live_columns, log

            SEEN = []


            def execute():
                SEEN.extend(live_columns("Mig Item"))
                rename = "ALTER TABLE `tabMig Item` RENAME COLUMN old_status TO status"
                smooth.db.execute(text(rename), write=True)
                log("pre")
        """)
        post = app.python_module("patches/upper_status", f"""
            import smooth
            from {app.package}.trace import log


            def execute():
                for name, status in smooth.db.get_all("Mig Item", fields=["name", "status"], as_list=True):
                    smooth.db.set_value("Mig Item", name, "status", status.upper())
                log("post")
        """)
        final = logging_patch(app, "final_touch", "finally")
        one_liner = ('execute:smooth.get_doc({"doctype": "Mig Log", "entry": "execute", '
                     '"seq": smooth.db.count("Mig Log") + 1}).insert()')
        app.patches(f"""
            [pre_model_sync]
            finally:{final}  # listed first, runs last
            {pre}  # 2026-01-10
            [post_model_sync]
            {post}
            {one_liner}
        """)
        app.doctype("Mig Item", RENAMED, autoname="field:title")

        report, lines = run_migrate(handle)

        assert report.patches_run == [f"{pre}  # 2026-01-10", post, one_liner,
                                      f"finally:{final}  # listed first, runs last"]
        assert sys.modules[pre].SEEN[-2:] == ["title", "old_status"], "a pre patch sees the old schema"
        assert entries(handle) == ["pre", "post", "execute", "finally"]
        assert report.schema_changes == [], "the pre patch already renamed the column"
        assert "old_status" not in columns(handle, "tabMig Item")
        with handle.context():
            assert dict(smooth.db.get_all("Mig Item", fields=["name", "status"], as_list=True)) == \
                {"A": "OPEN", "B": "CLOSED"}
        sync_line = next(i for i, line in enumerate(lines) if line.startswith("Syncing schema"))
        assert lines.index(f"Running pre_model_sync patch 1/1: {pre}  # 2026-01-10") < sync_line
        assert lines.index(f"Running post_model_sync patch 1/2: {post}") > sync_line


def test_each_patch_runs_once_and_is_logged_with_its_full_line(tmp_path: Path, backend: str,
                                                                app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        post = logging_patch(app, "fill", "post")
        text = f"""
            [pre_model_sync]
            execute:smooth.db.set_value("System Settings", None, "time_zone", "Europe/Berlin")  # tz
            [post_model_sync]  # data fixes after the schema sync
            {post}  # 2026-03-01
            finally:{post}
        """
        app.patches(text)
        first, _ = run_migrate(handle)
        assert len(first.patches_run) == 3
        assert entries(handle) == ["post", "post"]
        one_liner = 'execute:smooth.db.set_value("System Settings", None, "time_zone", "Europe/Berlin")  # tz'
        assert patch_log(handle) == {
            one_liner: app.name,
            f"{post}  # 2026-03-01": app.name,
            f"finally:{post}": app.name,
        }
        with handle.context():
            assert smooth.db.get_value("System Settings", None, "time_zone") == "Europe/Berlin"

        second, lines = run_migrate(handle)
        assert second.patches_run == []
        assert not any(line.startswith("Running") for line in lines)
        assert entries(handle) == ["post", "post"]
        assert len(patch_log(handle)) == 3


def test_editing_the_trailing_comment_runs_a_patch_again(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        post = logging_patch(app, "fill", "post")
        app.patches(f"[post_model_sync]\n{post}  # 2026-03-01\n")
        run_migrate(handle)
        app.patches(f"[post_model_sync]\n{post}  # 2026-03-02 run again\n")
        report, _ = run_migrate(handle)
        assert report.patches_run == [f"{post}  # 2026-03-02 run again"]
        assert entries(handle) == ["post", "post"]
        assert set(patch_log(handle)) == {f"{post}  # 2026-03-01", f"{post}  # 2026-03-02 run again"}


def test_failing_patch_stops_migrate_and_is_retried_once_fixed(tmp_path: Path, backend: str,
                                                                app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        good = logging_patch(app, "good", "good")
        bad = app.python_module("patches/bad", f"""
            from {app.package}.trace import log


            def execute():
                log("bad, half done")
                raise ValueError("the ledger does not balance")
        """)
        later = logging_patch(app, "later", "later")
        bad_line = f"{bad}  # v2"
        app.patches(f"[pre_model_sync]\n{good}\n{bad_line}\n[post_model_sync]\n{later}\n")
        app.doctype("Mig Item", [*ITEM, data_field("added")], autoname="field:title")

        with pytest.raises(PatchError) as failure:
            run_migrate(handle)
        message = str(failure.value)
        assert bad_line in message and app.name in message
        assert "ValueError" in message and "the ledger does not balance" in message
        assert entries(handle) == ["good"], "the failing patch's own writes are rolled back"
        assert set(patch_log(handle)) == {good}
        assert "added" not in columns(handle, "tabMig Item"), "migrate stopped before the schema sync"

        logging_patch(app, "bad", "bad, fixed")
        report, _ = run_migrate(handle)
        assert report.patches_run == [bad_line, later]
        assert entries(handle) == ["good", "bad, fixed", "later"]
        assert set(patch_log(handle)) == {good, bad_line, later}
        assert "added" in columns(handle, "tabMig Item")


def test_failing_execute_line_names_the_line(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        line = 'execute:smooth.db.set_value("Mig Nope", None, "x", 1)'
        app.patches(f"[post_model_sync]\n{line}\n")
        with pytest.raises(PatchError, match="Mig Nope") as failure:
            run_migrate(handle)
        assert line in str(failure.value)
        assert patch_log(handle) == {}


def test_patch_module_without_execute_is_an_error(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        dotted = app.python_module("patches/empty", "VALUE = 1\n")
        app.patches(f"{dotted}\n")
        with pytest.raises(PatchError, match="has no execute"):
            run_migrate(handle)
        assert patch_log(handle) == {}


def test_new_site_marks_existing_patches_done_without_running_them(tmp_path: Path, backend: str,
                                                                    app: MiniApp) -> None:
    exploding = app.python_module("patches/explode", """
        def execute():
            raise RuntimeError("a patch must never run on a new site")
    """)
    logged = logging_patch(app, "fill", "post")
    app.patches(f"""
        {exploding}
        [post_model_sync]
        {logged}  # 2026-01-01
        finally:{logged}
    """)
    with mini_site(tmp_path, backend, app) as handle:
        assert patch_log(handle) == {exploding: app.name, f"{logged}  # 2026-01-01": app.name,
                                     f"finally:{logged}": app.name}
        assert entries(handle) == []
        report, _ = run_migrate(handle)
        assert report.patches_run == []


def test_unknown_section_header_is_a_clear_error(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        post = logging_patch(app, "fill", "post")
        app.patches(f"[post_model_synk]\n{post}\n")
        with pytest.raises(PatchError) as failure:
            run_migrate(handle)
        message = str(failure.value)
        assert "line 1: unknown section [post_model_synk]" in message
        assert str(app.path / "patches.txt") in message
        assert "[pre_model_sync]" in message and "[post_model_sync]" in message
        assert entries(handle) == []
