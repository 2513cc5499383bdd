"""`bench backup` / `bench restore`: a busy site backs up consistently and comes back whole elsewhere.

Both backends: the dumps differ by backend (SQLite's online backup API, mariadb-dump, the logical
JSON-lines dump when mariadb-dump is missing). The busy site is the test app's: a writer thread
commits Test Notes and saves each one again and again (every save after the insert writes a
Version row and raises `priority` by one), so a restored note whose `priority` equals its count
of Version rows proves the dump was one snapshot, not tables copied at different moments.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import smooth
from smooth.backup_encryption import new_key
from smooth.backups import list_backups, restore_backup, scheduled_backup, take_backup
from smooth.cli import cli, main
from smooth.doctor import diagnose
from smooth.exceptions import ValidationError
from smooth.site import forget_site, read_config, update_site_config
from tests.api.s3_server import BUCKET, moto_server, s3_client, storage_config
from tests.conftest import BACKENDS, TEST_APP, SiteHandle, create_site, drop_site


@pytest.fixture(scope="module", params=BACKENDS)
def two_sites(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteHandle, SiteHandle]]:
    """A source and a restore target, shared by the module: each restore replaces the target's data whole."""
    root = tmp_path_factory.mktemp(f"backups-{request.param}")
    source = create_site(root, request.param, [str(TEST_APP)], prefix="bk")
    target = create_site(root, request.param, [str(TEST_APP)], prefix="rs")
    try:
        yield source, target
    finally:
        drop_site(source)
        drop_site(target)


class Writer(threading.Thread):
    """Commits notes and re-saves them until stopped; `committed` lists the notes whose insert has committed."""

    def __init__(self, handle: SiteHandle) -> None:
        super().__init__(daemon=True)
        self.handle, self.stop = handle, threading.Event()
        self.committed: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with smooth.unit_of_work(self.handle.name, sites_path=self.handle.sites_path):
                    name = smooth.get_doc({"doctype": "Test Note", "title": "busy", "priority": 0,
                                           "secret": "s3cret"}).insert().name
                self.committed.append(name)
                for _ in range(2):
                    with smooth.unit_of_work(self.handle.name, sites_path=self.handle.sites_path):
                        note = smooth.get_doc("Test Note", name)
                        note.priority = int(note.priority or 0) + 1
                        note.save()
        except BaseException as exc:
            self.error = exc


def attach(content: bytes, file_name: str, private: bool) -> str:
    file = smooth.get_doc({"doctype": "File", "file_name": file_name, "is_private": int(private)})
    file.content = content
    return str(file.insert().file_url)


def test_a_busy_site_backs_up_and_restores_whole_elsewhere(two_sites: tuple[SiteHandle, SiteHandle]) -> None:
    source, target = two_sites
    with source.context():
        public_url = attach(b"public bytes", "notice.txt", private=False)
        private_url = attach(b"private bytes", "payslip.txt", private=True)
        smooth.db.commit()
    writer = Writer(source)
    writer.start()
    while len(writer.committed) < 3 and writer.is_alive():
        writer.stop.wait(0.05)
    before = list(writer.committed)
    backup = take_backup(source.name, source.sites_path, with_files=True, compress=True, echo=lambda _m: None)
    writer.stop.set()
    writer.join(30)
    assert writer.error is None, writer.error
    after = set(writer.committed)

    restore_backup(target.name, target.sites_path, backup.parts["database"], public_files=backup.parts["files"],
                   private_files=backup.parts["private-files"], echo=lambda _m: None)
    with target.context():
        notes = {row["name"]: row for row in smooth.get_all("Test Note", filters={"title": "busy"},
                                                            fields=["name", "priority"])}
        assert set(before) <= set(notes) <= after, "every note committed before the backup, none never committed"
        for name, row in notes.items():
            versions = smooth.db.count("Version", {"ref_doctype": "Test Note", "docname": name})
            assert versions == row["priority"], f"{name}: {row['priority']} saves but {versions} Version rows"
        assert smooth.get_doc("Test Note", before[0]).get_password("secret") == "s3cret"
        files = {f["file_url"]: f for f in smooth.get_all("File", fields=["file_url", "is_private"])}
        assert {public_url, private_url} <= set(files)
    site_path = target.sites_path / target.name
    assert (site_path / "public" / public_url.lstrip("/")).read_bytes() == b"public bytes"
    assert (site_path / private_url.lstrip("/")).read_bytes() == b"private bytes"
    assert list_backups(source.name, source.sites_path)[0].stamp == backup.stamp
    assert oct(os.stat(backup.parts["config"]).st_mode & 0o777) == "0o600"


def test_the_logical_dump_restores_without_mariadb_dump(two_sites: tuple[SiteHandle, SiteHandle],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With no mariadb-dump on PATH a MariaDB site writes JSON lines, restored row by row into the target's own
    schema; types (decimals, dates, datetimes, non-ASCII text) come back as they were."""
    source, target = two_sites
    with source.context():
        name = smooth.get_doc({"doctype": "Test Note", "title": "ünïcode ✓", "amount": 12.5,
                               "due_date": "2026-12-31", "happened_at": "2026-12-06 10:30:00"}).insert().name
        smooth.db.commit()
    monkeypatch.setenv("PATH", "/nonexistent")
    messages: list[str] = []
    backup = take_backup(source.name, source.sites_path, echo=messages.append)
    expected = ".sqlite3" if source.backend == "sqlite" else ".jsonl"
    assert backup.parts["database"].name.endswith(expected)
    if source.backend == "mariadb":
        assert any("mariadb-dump is not on PATH" in m for m in messages)
    restore_backup(target.name, target.sites_path, backup.parts["database"], echo=lambda _m: None)
    with target.context():
        note = smooth.get_doc("Test Note", name)
        assert (note.title, float(note.amount), str(note.due_date)) == ("ünïcode ✓", 12.5, "2026-12-31")
        assert str(note.happened_at).startswith("2026-12-06 10:30:00")


def test_a_dump_from_newer_code_is_refused_unless_forced(two_sites: tuple[SiteHandle, SiteHandle]) -> None:
    source, target = two_sites
    backup = take_backup(source.name, source.sites_path, echo=lambda _m: None)
    manifest = backup.manifest
    manifest["patches"].append("smooth_tests.patches.v9_9.from_the_future")
    backup.parts["manifest"].write_text(json.dumps(manifest))
    with target.context():
        kept = smooth.get_doc({"doctype": "Test Note", "title": "still here"}).insert().name
        smooth.db.commit()
    with pytest.raises(ValidationError, match=r"taken by newer code: .*from_the_future.*Update the apps first"):
        restore_backup(target.name, target.sites_path, backup.parts["database"], echo=lambda _m: None)
    with target.context():
        assert smooth.db.exists("Test Note", kept), "a refused restore changes nothing"
    restore_backup(target.name, target.sites_path, backup.parts["database"], force=True, echo=lambda _m: None)
    with target.context():
        assert not smooth.db.exists("Test Note", kept)


def test_bench_backup_and_restore_commands(two_sites: tuple[SiteHandle, SiteHandle], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source, target = two_sites
    runner = CliRunner()
    out = tmp_path / "elsewhere"
    made = runner.invoke(cli, ["--sites-path", str(source.sites_path), "--site", source.name, "backup",
                               "--backup-path", str(out)])
    assert made.exit_code == 0, made.output
    assert "Database:" in made.output and f"Backup of {source.name} written" in made.output
    dump = next(p for p in out.iterdir() if "-database." in p.name)
    with pytest.raises(SystemExit) as wrong:
        main(["--sites-path", str(target.sites_path), "--site", target.name, "restore", str(out / "nothing.txt"),
              "--yes"])
    assert wrong.value.code == 1
    assert "Error: No backup file at" in capsys.readouterr().err
    done = runner.invoke(cli, ["--sites-path", str(target.sites_path), "--site", target.name, "restore", str(dump),
                               "--yes"])
    assert done.exit_code == 0, done.output
    assert f"Site {target.name} restored from {dump.name}" in done.output


def test_a_sqlite_backup_moves_the_site_onto_mariadb(two_sites: tuple[SiteHandle, SiteHandle],
                                                     tmp_path: Path) -> None:
    """The embedded default's backup restores onto a MariaDB site: the way from SQLite to a server."""
    _source, target = two_sites
    if target.backend != "mariadb":
        return  # the SQLite case is the busy test's; this one needs a MariaDB target
    embedded = create_site(tmp_path, "sqlite", [str(TEST_APP)], prefix="emb")
    try:
        with embedded.context():
            name = smooth.get_doc({"doctype": "Test Note", "title": "moved", "amount": 7.25, "is_done": 1,
                                   "due_date": "2027-01-02", "happened_at": "2026-12-06 23:59:58",
                                   "secret": "kept"}).insert().name
            smooth.db.commit()
        backup = take_backup(embedded.name, embedded.sites_path, compress=True, echo=lambda _m: None)
        restore_backup(target.name, target.sites_path, backup.parts["database"], echo=lambda _m: None)
        with target.context():
            note = smooth.get_doc("Test Note", name)
            assert (note.title, float(note.amount), note.is_done, str(note.due_date)) == ("moved", 7.25, 1,
                                                                                           "2027-01-02")
            assert str(note.happened_at).startswith("2026-12-06 23:59:58")
            assert note.get_password("secret") == "kept"
            assert smooth.db.exists("User", "Administrator")
    finally:
        drop_site(embedded)


def test_two_backups_in_one_second_are_two_sets(two_sites: tuple[SiteHandle, SiteHandle]) -> None:
    """A set is named to the second: the second set of a second waits for the next one instead of writing over
    the first's manifest."""
    source, _target = two_sites
    before = {b.stamp for b in list_backups(source.name, source.sites_path)}
    sets = [take_backup(source.name, source.sites_path, echo=lambda _line: None) for _ in range(3)]
    assert len({b.stamp for b in sets}) == 3
    assert {b.stamp for b in list_backups(source.name, source.sites_path)} - before == {b.stamp for b in sets}


def test_the_daily_backup_keeps_what_the_site_says_and_doctor_reports_it(
        two_sites: tuple[SiteHandle, SiteHandle]) -> None:
    """The core's daily scheduled job backs up (compressed) and drops sets older than keep_backups_for_hours."""
    source, _target = two_sites
    folder = source.sites_path / source.name / "private" / "backups"
    stamp = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)).strftime("%Y%m%d_%H%M%S")  # kept a week by default
    old = folder / f"{stamp}-{source.name}-manifest.json"
    old.write_text(json.dumps({"site": source.name, "parts": {"database": old.name.replace("manifest.json",
                                                                                              "database.sql")}}))
    (folder / old.name.replace("manifest.json", "database.sql")).write_text("-- old")
    update_site_config(source.sites_path, source.name, {"keep_backups_for_hours": 24})
    forget_site(source.name, source.sites_path)
    try:
        with source.context():
            assert ("smooth.backups.scheduled_backup", "daily") in {
                (event.method, event.frequency) for event in smooth.local.site.hooks.scheduled}
            scheduled_backup()
        kept = list_backups(source.name, source.sites_path)
        assert kept and all(b.stamp != stamp for b in kept)
        assert not (folder / old.name.replace("manifest.json", "database.sql")).exists()
        assert kept[0].parts["database"].name.endswith(".gz")
        checks = {label: (status, detail) for label, status, detail in diagnose(source.name, source.sites_path)}
        status, detail = checks["backups"]
        assert status == "ok" and detail.startswith("newest 0 h old") and "kept for 24 h" in detail
    finally:
        update_site_config(source.sites_path, source.name, {"keep_backups_for_hours": None})
        forget_site(source.name, source.sites_path)


def test_an_encrypted_backup_restores_only_with_the_key_of_the_site_that_took_it(
        two_sites: tuple[SiteHandle, SiteHandle], tmp_path: Path) -> None:
    source, target = two_sites
    with source.context():
        name = smooth.get_doc({"doctype": "Test Note", "title": "sealed-title-4711"}).insert().name
        attach(b"sealed public bytes", "sealed.txt", private=False)
        smooth.db.commit()
    backup = take_backup(source.name, source.sites_path, with_files=True, compress=False, encrypt=True,
                         echo=lambda _m: None)
    key = read_config(source.sites_path, source.name)["backup_encryption_key"]
    assert backup.manifest["encrypted"] is True
    for part in ("database", "files", "private-files", "config"):
        sealed = backup.parts[part].read_bytes()
        assert backup.parts[part].name.endswith(".enc") and sealed.startswith(b"SMOOTHE1"), part
        assert all(plain not in sealed for plain in (b"sealed-title-4711", b"sealed public bytes", key.encode()))
    with target.context():
        kept = smooth.get_doc({"doctype": "Test Note", "title": "kept while refused"}).insert().name
        smooth.db.commit()
    with pytest.raises(ValidationError, match="is encrypted: pass the backup_encryption_key"):
        restore_backup(target.name, target.sites_path, backup.parts["database"], echo=lambda _m: None)
    with pytest.raises(ValidationError, match="cannot be decrypted with this backup_encryption_key"):
        restore_backup(target.name, target.sites_path, backup.parts["database"], encryption_key=new_key(),
                       echo=lambda _m: None)
    with target.context():
        assert smooth.db.exists("Test Note", kept), "a refused restore changes nothing"
    done = CliRunner().invoke(cli, ["--sites-path", str(target.sites_path), "--site", target.name, "restore",
                                    str(backup.parts["database"]), "--with-public-files", str(backup.parts["files"]),
                                    "--encryption-key", key, "--yes"])
    assert done.exit_code == 0, done.output
    with target.context():
        assert smooth.get_doc("Test Note", name).title == "sealed-title-4711"
    assert (target.sites_path / target.name / "public" / "files" / "sealed.txt").read_bytes() == b"sealed public bytes"


def test_files_kept_in_s3_are_backed_up_and_restored_to_either_storage(
        two_sites: tuple[SiteHandle, SiteHandle], tmp_path: Path) -> None:
    """Storage does not depend on the SQL dialect: SQLite only. The source keeps its files in a bucket (moto's
    server); its archives hold them, restored to the target's folders and back into the emptied bucket."""
    source, target = two_sites
    if source.backend != "sqlite":
        return
    with moto_server(tmp_path) as endpoint:
        update_site_config(source.sites_path, source.name, {"file_storage": storage_config(endpoint)})
        forget_site(source.name, source.sites_path)
        try:
            with source.context():
                public_url = attach(b"bucket public", "in-bucket.txt", private=False)
                private_url = attach(b"bucket private", "in-bucket-private.txt", private=True)
                smooth.db.commit()
            bucket = s3_client(endpoint)
            keys = sorted(o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"])
            assert f"{source.name}/public/in-bucket.txt" in keys
            backup = take_backup(source.name, source.sites_path, with_files=True, compress=True, echo=lambda _m: None)
            assert backup.manifest["file_storage"] == "s3"
            restore_backup(target.name, target.sites_path, backup.parts["database"],
                           public_files=backup.parts["files"], private_files=backup.parts["private-files"],
                           echo=lambda _m: None)
            site_path = target.sites_path / target.name
            assert (site_path / "public" / public_url.lstrip("/")).read_bytes() == b"bucket public"
            assert (site_path / private_url.lstrip("/")).read_bytes() == b"bucket private"
            for key in keys:
                bucket.delete_object(Bucket=BUCKET, Key=key)
            restore_backup(source.name, source.sites_path, backup.parts["database"],
                           public_files=backup.parts["files"], private_files=backup.parts["private-files"],
                           echo=lambda _m: None)
            with source.context():
                assert smooth.read_file(public_url) == b"bucket public"
                assert smooth.read_file(private_url) == b"bucket private"
        finally:
            update_site_config(source.sites_path, source.name, {"file_storage": None})
            forget_site(source.name, source.sites_path)
