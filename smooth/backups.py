"""Site backups and restores: a consistent database dump, the site's files, its config, and a manifest.

A backup set shares one stamp, `<YYYYmmdd_HHMMSS>-<site>-`, in `sites/<site>/private/backups` (or
`--backup-path`), as Frappe names its files:

- `database.sqlite3[.gz]`: SQLite's online backup API, a consistent copy while writers go on;
- `database.sql[.gz]`: `mariadb-dump --single-transaction` when the client is on PATH;
- `database.jsonl[.gz]`: otherwise a logical dump through SQLAlchemy, one consistent snapshot,
  one JSON line per row (a format any backend restores, so it also moves a site between them);
- `files.tar[.gz]`, `private-files.tar[.gz]` with `--with-files`: every file of the site's storage, its
  folders or its S3 bucket alike (`smooth.file_storage`), so a restore can move files between them;
- `site_config_backup.json` (0600: it holds the encryption key Password fields need);
- `manifest.json`: the site, backend, apps and the patches its database has run.

With `--encrypt` (or site config `encrypt_backup`) every part but the manifest is sealed with the site's
`backup_encryption_key` (`smooth.backup_encryption`) and named `*.enc`; a restore opens them with the
target's key or `--encryption-key`, and refuses, changing nothing, without the right one.

A restore refuses a dump whose site ran patches this code does not know (it was taken by newer
code; update the apps first) or needs an app the target lacks, then replaces the target's data and
runs `migrate`, so a dump from older code comes up to date. It adopts the backup's encryption key
when the two differ, or stored secrets could not be read back.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, Table, create_engine, delete, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from smooth.backup_encryption import (
    CHUNK,
    KEY_SETTING,
    DecryptingReader,
    EncryptingWriter,
    check_key,
    is_encrypted,
    new_key,
)
from smooth.context import local, site_context
from smooth.db.engine import server_url, site_db_url
from smooth.exceptions import ValidationError
from smooth.file_storage import FileStorage, storage_for
from smooth.messages import _
from smooth.migrate import migrate
from smooth.patches import FINAL, POST, PRE, all_patches
from smooth.site import Site, forget_site, get_site, read_config, update_site_config
from smooth.version import VERSION

Echo = Callable[[str], None]
Stream = IO[bytes] | gzip.GzipFile | io.RawIOBase | io.BufferedReader
FORMAT = 1
DEFAULT_KEEP_HOURS = 168  # a week of daily sets
STALE_AFTER_HOURS = 48
STALE_JOB_HOURS = 6
JOB_STATUS = "backup-job.json"
STAMP = "%Y%m%d_%H%M%S"
INSERT_BATCH = 500


@dataclass
class Backup:
    """One backup set: where its parts are, and what its manifest says."""

    stamp: str
    site: str
    folder: Path
    parts: dict[str, Path] = field(default_factory=dict)  # database, files, private-files, config, manifest

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.parts["manifest"].read_text())

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.parts.values() if path.exists())


def backups_folder(site_path: Path) -> Path:
    return site_path / "private" / "backups"


def encrypts(config: dict[str, Any]) -> bool:
    """Site config `encrypt_backup` (Frappe's name): every backup of the site is encrypted."""
    return config.get("encrypt_backup") not in (None, False, 0, "0", "false", "")


def backup_key(name: str, sites_path: Path) -> str:
    """The site's `backup_encryption_key`, made and kept in its site config the first time one is needed."""
    key = read_config(sites_path, name).get(KEY_SETTING)
    if not key:
        key = new_key()
        update_site_config(sites_path, name, {KEY_SETTING: key})
    return str(key)


def _free_stamp(folder: Path, name: str) -> str:
    """This second's stamp, or the next free one: a set is named to the second, and a second set taken in the
    same second (two commands, a test) would otherwise overwrite the first's manifest."""
    while True:
        stamp = dt.datetime.now(dt.UTC).strftime(STAMP)
        if not any(folder.glob(f"{stamp}-{name}-*")):
            return stamp
        time.sleep(0.1)


def take_backup(name: str, sites_path: Path, *, with_files: bool = False, compress: bool = False,
                backup_path: Path | None = None, encrypt: bool | None = None, echo: Echo = print) -> Backup:
    """Write a backup set of site `name` (see the module docstring); the site stays open for writes meanwhile.
    `encrypt` None follows site config `encrypt_backup`."""
    site_path = sites_path / name
    config = read_config(sites_path, name)
    key = backup_key(name, sites_path) if (encrypts(config) if encrypt is None else encrypt) else None
    url = make_url(site_db_url(config, site_path))
    folder = Path(backup_path) if backup_path else backups_folder(site_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _free_stamp(folder, name)
    backup = Backup(stamp, name, folder)
    prefix = folder / f"{stamp}-{name}-"
    suffix = (".gz" if compress else "") + (".enc" if key else "")
    if url.get_backend_name() == "sqlite":
        backup.parts["database"] = _dump_sqlite(Path(url.database or ""), Path(f"{prefix}database.sqlite3{suffix}"),
                                                key)
    elif shutil.which("mariadb-dump"):
        backup.parts["database"] = _dump_mariadb(url, Path(f"{prefix}database.sql{suffix}"), key)
    else:
        echo("mariadb-dump is not on PATH: writing a logical dump instead")
        backup.parts["database"] = _dump_logical(get_site(name, sites_path).engine,
                                                 Path(f"{prefix}database.jsonl{suffix}"), key)
    echo(f"Database: {backup.parts['database']} ({_human(backup.parts['database'].stat().st_size)})")
    store = storage_for(name, site_path, config)
    if with_files:
        for part, private in (("files", False), ("private-files", True)):
            backup.parts[part], count = _tar(store, private, Path(f"{prefix}{part}.tar{suffix}"), key)
            echo(f"{'Private' if private else 'Public'} files: {backup.parts[part]} ({count} files)")
    config_path = Path(f"{prefix}site_config_backup.json{'.enc' if key else ''}")
    with _writer(config_path, key) as out:
        out.write(json.dumps(config, indent=1, sort_keys=True).encode())
    backup.parts["config"] = config_path
    if key:
        echo(f"Encrypted with the site's {KEY_SETTING}: keep a copy of it apart from the backups")
    site = get_site(name, sites_path)
    manifest = {"format": FORMAT, "site": name, "db_type": url.get_backend_name(), "smooth": VERSION,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "apps": [app.name for app in site.apps], "patches": _patches_run(site), "encrypted": bool(key),
                "file_storage": (config.get("file_storage") or {}).get("type", "local"),
                "parts": {part: path.name for part, path in backup.parts.items()}}
    manifest_path = Path(f"{prefix}manifest.json")
    manifest_path.write_text(json.dumps(manifest, indent=1))
    backup.parts["manifest"] = manifest_path
    return backup


def _patches_run(site: Site) -> list[str]:
    """The Patch Log, read on a connection of its own: a backup may run inside a scheduled job's unit of work."""
    log = site.table("Patch Log")
    with site.engine.connect() as conn:
        return sorted(str(patch) for (patch,) in conn.execute(select(log.c.patch)))


def scheduled_backup() -> None:
    """The daily backup (database and config, compressed), then the sets older than `keep_backups_for_hours`
    removed. Site config `scheduled_backups: false` turns it off (say, where the host backs up the server)."""
    site = local().site
    if site.config.get("scheduled_backups", True) in (False, 0, "0", "false"):
        return
    take_backup(site.name, site.sites_path, compress=True, echo=lambda _m: None)  # encrypted if encrypt_backup
    delete_old_backups(site.name, site.sites_path, keep_hours(site.config))


def job_status_path(site_path: Path) -> Path:
    return backups_folder(site_path) / JOB_STATUS


def job_status(site_path: Path) -> dict[str, Any] | None:
    """What the last "Back up now" job said: state (queued, running, done, failed), step, stamp or message; a job
    queued or running for over STALE_JOB_HOURS is reported failed (its worker went away)."""
    try:
        status = json.loads(job_status_path(site_path).read_text())
    except (OSError, ValueError):
        return None
    if status.get("state") in ("queued", "running"):
        started = dt.datetime.fromisoformat(str(status.get("started")))
        if dt.datetime.now(dt.UTC) - started > dt.timedelta(hours=STALE_JOB_HOURS):
            status.update(state="failed", message=_("The backup job did not finish (its worker stopped?)"))
    return dict(status)


def set_job_status(site_path: Path, **values: Any) -> None:
    """Merge `values` into the job status file, replaced whole so a reader never sees half of it."""
    path = job_status_path(site_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    status = (job_status(site_path) or {}) if values.get("state") != "queued" else {}
    status.update(values, updated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(status))
    os.replace(partial, path)


def background_backup(with_files: bool = True) -> None:
    """The job "Back up now" enqueues (compressed, encrypted when the site says so), its progress in the status
    file the Backups page polls."""
    site = local().site
    set_job_status(site.path, state="running", step="Starting")
    try:
        made = take_backup(site.name, site.sites_path, with_files=bool(with_files), compress=True,
                           echo=lambda message: set_job_status(site.path, step=message.split(":", 1)[0]))
    except Exception as exc:
        set_job_status(site.path, state="failed", message=str(exc) or type(exc).__name__)
        raise
    set_job_status(site.path, state="done", stamp=made.stamp, step="")


def keep_hours(config: dict[str, Any]) -> float:
    value = config.get("keep_backups_for_hours", DEFAULT_KEEP_HOURS)
    try:
        return max(float(value), 1.0)
    except (TypeError, ValueError):
        raise ValidationError(_("site_config keep_backups_for_hours must be a number of hours, not {0!r}",
                                value)) from None


def backups_check(site: Site) -> tuple[str, bool, str]:
    """For `bench doctor`: (label, healthy, detail): the newest backup and what is kept."""
    found = list_backups(site.name, site.sites_path)
    off = site.config.get("scheduled_backups", True) in (False, 0, "0", "false")
    if not found:
        return "backups", False, ("none taken; scheduled backups are off (scheduled_backups: false)" if off else
                                  "none taken yet: the scheduler takes one daily, or run bench backup")
    newest = dt.datetime.strptime(found[0].stamp, STAMP).replace(tzinfo=dt.UTC)
    age = dt.datetime.now(dt.UTC) - newest
    hours = age.total_seconds() / 3600
    detail = (f"newest {hours:.0f} h old ({found[0].stamp}), {len(found)} kept in "
              f"{backups_folder(site.path)} ({_human(sum(b.size for b in found))}), kept for "
              f"{keep_hours(site.config):.0f} h{'; scheduled backups are off' if off else ''}")
    return "backups", hours <= STALE_AFTER_HOURS, detail


def list_backups(name: str, sites_path: Path, backup_path: Path | None = None) -> list[Backup]:
    """The site's backup sets, newest first (a set is known by its manifest)."""
    folder = Path(backup_path) if backup_path else backups_folder(sites_path / name)
    found = []
    for manifest_path in sorted(folder.glob(f"*-{name}-manifest.json"), reverse=True):
        backup = backup_from_manifest(manifest_path)
        if backup is not None:
            found.append(backup)
    return found


def backup_from_manifest(manifest_path: Path) -> Backup | None:
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return None
    backup = Backup(manifest_path.name.split("-", 1)[0], manifest.get("site", ""), manifest_path.parent)
    backup.parts = {part: manifest_path.parent / file for part, file in (manifest.get("parts") or {}).items()}
    backup.parts["manifest"] = manifest_path
    return backup


def delete_old_backups(name: str, sites_path: Path, keep_hours: float) -> list[Path]:
    """Remove backup sets older than `keep_hours` (site config `keep_backups_for_hours`)."""
    limit = dt.datetime.now(dt.UTC) - dt.timedelta(hours=keep_hours)
    removed = []
    for backup in list_backups(name, sites_path):
        taken = dt.datetime.strptime(backup.stamp, STAMP).replace(tzinfo=dt.UTC)
        if taken < limit:
            for path in backup.parts.values():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


# -- restore ----------------------------------------------------------------------------------------------

def restore_backup(name: str, sites_path: Path, database: Path, *, public_files: Path | None = None,
                   private_files: Path | None = None, force: bool = False, encryption_key: str | None = None,
                   echo: Echo = print) -> None:
    """Replace site `name`'s data with a dump (and files), then migrate it to this code's schema. Encrypted parts
    open with `encryption_key`, else the target's own `backup_encryption_key`."""
    database = Path(database)
    if not database.is_file():
        raise ValidationError(_("No backup file at {0}", database))
    site_path = sites_path / name
    config = read_config(sites_path, name)
    key = _restore_key(name, [database, *(Path(p) for p in (public_files, private_files) if p is not None)],
                       encryption_key or config.get(KEY_SETTING))
    manifest = _manifest_beside(database)
    if manifest is not None:
        _check_compatible(name, sites_path, manifest, force)
        _adopt_encryption_key(name, sites_path, database, config, key, echo)
    url = make_url(site_db_url(config, site_path))
    kind = _dump_kind(database)
    forget_site(name, sites_path)  # no pooled connection may outlive the data it was opened on
    echo(f"Restoring {database.name} onto {name}")
    if kind == "sqlite3" and url.get_backend_name() == "sqlite":
        _replace_sqlite(database, Path(url.database or ""), key)
    elif kind == "sql":
        if url.get_backend_name() == "sqlite":
            raise ValidationError(_("{0} is a MariaDB dump; restore it onto a MariaDB site (a SQLite site restores "
                                    ".sqlite3 and .jsonl backups)", database.name))
        _restore_mariadb(url, database, key)
    else:
        target = create_engine(url)
        try:
            _restore_logical(target, _rows_of(database, kind, key), echo)
        finally:
            target.dispose()
    forget_site(name, sites_path)
    store = storage_for(name, site_path, read_config(sites_path, name))
    for part, archive in (("public", public_files), ("private", private_files)):
        if archive is not None:
            _untar(Path(archive), store, part == "private", key)
            echo(f"{part.title()} files restored from {Path(archive).name}")
    with site_context(name, sites_path):  # each migrate step is a unit of its own
        migrate(compare_all=True, echo=echo)  # the restored tables, not the sync record, say what the schema is
    echo(f"Site {name} restored from {database.name}")


def _restore_key(name: str, paths: list[Path], key: Any) -> str | None:
    """The key the encrypted ones of `paths` open with, tried on each before anything is replaced."""
    sealed = [path for path in paths if is_encrypted(path) and path.is_file()]
    if not sealed:
        return None
    if not key:
        raise ValidationError(_("{0} is encrypted: pass the {1} of the site that took it with --encryption-key, or "
                                "set it in the site config of {2}", sealed[0].name, KEY_SETTING, name))
    for path in sealed:
        check_key(path, str(key))
    return str(key)


def _manifest_beside(database: Path) -> dict[str, Any] | None:
    stem = database.name.split("-database.", 1)[0]
    path = database.parent / f"{stem}-manifest.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _check_compatible(name: str, sites_path: Path, manifest: dict[str, Any], force: bool) -> None:
    if int(manifest.get("format", 0)) > FORMAT:
        raise ValidationError(_("This backup was written by a newer Smooth; update Smooth to restore it"))
    site = get_site(name, sites_path)
    missing = [app for app in manifest.get("apps", []) if app not in {a.name for a in site.apps}]
    if missing:
        raise ValidationError(_("The backup's site had {0}, which {1} does not: install them on {1} first",
                                ", ".join(missing), name) if len(missing) > 1 else
                              _("The backup's site had {0}, which {1} does not: install it on {1} first",
                                missing[0], name))
    known = {p.line for section in (PRE, POST, FINAL) for p in all_patches(site.apps, section)}
    newer = sorted(set(manifest.get("patches", [])) - known)
    if newer and not force:
        raise ValidationError(_("The backup was taken by newer code: its site ran {0} patches this code does not "
                                "have ({1}). Update the apps first, or pass --force to restore it anyway",
                                len(newer), ", ".join(newer[:3])) if len(newer) > 1 else
                              _("The backup was taken by newer code: its site ran 1 patch this code does not "
                                "have ({0}). Update the apps first, or pass --force to restore it anyway", newer[0]))


def _adopt_encryption_key(name: str, sites_path: Path, database: Path, config: dict[str, Any],
                          backup_key: str | None, echo: Echo) -> None:
    stem = database.parent / (database.name.split("-database.", 1)[0] + "-site_config_backup.json")
    saved = next((p for p in (stem, Path(f"{stem}.enc")) if p.is_file()), None)
    if saved is None or (is_encrypted(saved) and not backup_key):
        return
    with _opened(saved, backup_key) as stream:
        key = json.loads(stream.read()).get("encryption_key")
    if key and key != config.get("encryption_key"):
        update_site_config(sites_path, name, {"encryption_key": key})
        echo("The site now uses the backup's encryption_key, so the secrets stored in it can be read")


def _dump_kind(path: Path) -> str:
    plain = path.name.removesuffix(".enc")
    for kind in ("sqlite3", "sql", "jsonl"):
        if plain.endswith(f".{kind}") or plain.endswith(f".{kind}.gz"):
            return kind
    raise ValidationError(_("{0} is not a Smooth database backup (.sqlite3, .sql or .jsonl, optionally .gz and "
                            ".enc)", path.name))


# -- SQLite -----------------------------------------------------------------------------------------------

def _dump_sqlite(source: Path, target: Path, key: str | None) -> Path:
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        copy = Path(work) / "copy.sqlite3"
        src, dst = sqlite3.connect(source), sqlite3.connect(copy)
        try:
            src.backup(dst)  # one step: a consistent snapshot even while other connections write
        finally:
            dst.close()
            src.close()
        with copy.open("rb") as plain, _writer(target, key) as out:
            shutil.copyfileobj(plain, out, CHUNK)
    return target


def _replace_sqlite(dump: Path, db_path: Path, key: str | None) -> None:
    with tempfile.TemporaryDirectory(dir=db_path.parent) as work:
        plain = Path(work) / "restored.sqlite3"
        with _opened(dump, key) as stream, plain.open("wb") as out:
            shutil.copyfileobj(stream, out)
        check = sqlite3.connect(plain)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ValidationError(_("{0} is damaged: SQLite's integrity check failed", dump.name))
        except sqlite3.DatabaseError as exc:
            raise ValidationError(_("{0} is not a SQLite database: {1}", dump.name, exc)) from None
        finally:
            check.close()
        for stale in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(plain, db_path)


# -- MariaDB ----------------------------------------------------------------------------------------------

@contextmanager
def _client_options(url: URL) -> Iterator[list[str]]:
    """mariadb client options for `url`; the password goes in a private options file, never on a command line."""
    with tempfile.NamedTemporaryFile("w", suffix=".cnf", delete=True) as options:
        os.chmod(options.name, 0o600)
        options.write(f"[client]\nuser={url.username or 'root'}\npassword={url.password or ''}\n"
                      f"host={url.host or '127.0.0.1'}\nport={url.port or 3306}\n")
        if url.query.get("unix_socket"):
            options.write(f"socket={url.query['unix_socket']}\n")
        options.flush()
        yield [f"--defaults-extra-file={options.name}"]


def _dump_mariadb(url: URL, target: Path, key: str | None) -> Path:
    with _client_options(url) as options, _writer(target, key) as out:
        process = subprocess.Popen(["mariadb-dump", *options, "--single-transaction", "--quick", "--skip-lock-tables",
                                    "--no-tablespaces", url.database or ""], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert process.stdout is not None
        shutil.copyfileobj(process.stdout, out)
        _output, error = process.communicate()
    if process.returncode:
        target.unlink(missing_ok=True)
        raise ValidationError(_("mariadb-dump failed: {0}", error.decode(errors='replace').strip()))
    return target


def _restore_mariadb(url: URL, dump: Path, key: str | None) -> None:
    if not shutil.which("mariadb"):
        raise ValidationError(_("Restoring a .sql dump needs the `mariadb` client on PATH"))
    server = create_engine(server_url(url), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
            conn.execute(text(f"CREATE DATABASE `{url.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    finally:
        server.dispose()
    with _client_options(url) as options, _opened(dump, key) as stream:
        process = subprocess.Popen(["mariadb", *options, url.database or ""], stdin=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert process.stdin is not None
        shutil.copyfileobj(stream, process.stdin)
        process.stdin.close()
        error = process.stderr.read() if process.stderr else b""
        process.wait()
    if process.returncode:
        raise ValidationError(_("Loading {0} failed: {1}", dump.name, error.decode(errors='replace').strip()))


# -- logical dumps (any backend) --------------------------------------------------------------------------

def _dump_logical(engine: Engine, target: Path, key: str | None) -> Path:
    with engine.connect() as conn, _writer(target, key) as raw:
        if engine.dialect.name != "sqlite":
            conn.exec_driver_sql("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            conn.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        else:
            conn.exec_driver_sql("BEGIN")
        for table in _tables(conn):
            raw.write(_line({"table": table.name, "columns": [c.name for c in table.columns]}))
            for row in conn.execute(select(table)).yield_per(1000):
                raw.write(_line([_encoded(value) for value in row]))
        conn.rollback()
    return target


def _tables(conn: Connection) -> list[Table]:
    metadata = MetaData()
    metadata.reflect(conn)
    return [metadata.tables[name] for name in sorted(metadata.tables)]


Batches = Iterator[tuple[str, list[str], list[list[Any]]]]


def _rows_of(dump: Path, kind: str, key: str | None) -> Batches:
    """(table, columns, a batch of rows) from a .jsonl dump or a SQLite file."""
    return _sqlite_rows(dump, key) if kind == "sqlite3" else _jsonl_rows(dump, key)


def _sqlite_rows(dump: Path, key: str | None) -> Batches:
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "source.sqlite3"
        with _opened(dump, key) as stream, plain.open("wb") as out:
            shutil.copyfileobj(stream, out)
        source = create_engine(f"sqlite:///{plain}")
        try:
            with source.connect() as conn:
                for table in _tables(conn):
                    columns = [c.name for c in table.columns]
                    batch: list[list[Any]] = []
                    for row in conn.execute(select(table)):
                        batch.append(list(row))
                        if len(batch) >= INSERT_BATCH:
                            yield table.name, columns, batch
                            batch = []
                    yield table.name, columns, batch
        finally:
            source.dispose()


def _jsonl_rows(dump: Path, key: str | None) -> Batches:
    table_name: str = ""
    columns: list[str] = []
    rows: list[list[Any]] = []
    with _opened(dump, key) as raw:
        for line in _lines(raw):
            item = json.loads(line)
            if isinstance(item, dict):
                if table_name:
                    yield table_name, columns, rows
                table_name, columns, rows = item["table"], item["columns"], []
                continue
            rows.append([_decoded(value) for value in item])
            if len(rows) >= INSERT_BATCH:
                yield table_name, columns, rows
                rows = []
    if table_name:
        yield table_name, columns, rows


def _restore_logical(engine: Engine, batches: Batches, echo: Echo) -> None:
    """Every row of the dump into the tables the target already has (its schema: migrate brings the rest)."""
    with engine.begin() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        emptied: set[str] = set()
        skipped: set[str] = set()
        counts: dict[str, int] = {}
        for name, columns, rows in batches:
            table = metadata.tables.get(name)
            if table is None:
                skipped.add(name)
                continue
            if name not in emptied:
                conn.execute(delete(table))
                emptied.add(name)
            kept = [i for i, column in enumerate(columns) if column in table.c]
            if rows:
                conn.execute(table.insert(), [{columns[i]: row[i] for i in kept} for row in rows])
                counts[name] = counts.get(name, 0) + len(rows)
        for name in sorted(set(metadata.tables) - emptied):
            conn.execute(delete(metadata.tables[name]))  # a table the dump had empty or lacked: empty too
    echo(f"{sum(counts.values())} rows in {len(counts)} tables restored")
    if skipped:
        echo(f"Tables in the backup this site does not have (left out): {', '.join(sorted(skipped))}")


def _encoded(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    return value


def _decoded(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        return value
    (tag, raw), = value.items()
    decoders: dict[str, Callable[[Any], Any]] = {
        "$dt": dt.datetime.fromisoformat, "$d": dt.date.fromisoformat, "$t": dt.time.fromisoformat,
        "$td": lambda s: dt.timedelta(seconds=s), "$dec": decimal.Decimal, "$b": base64.b64decode}
    return decoders[tag](raw) if tag in decoders else value


# -- files ------------------------------------------------------------------------------------------------

def _tar(store: FileStorage, private: bool, target: Path, key: str | None) -> tuple[Path, int]:
    """Every file of the storage's public or private side, streamed one by one into a tar archive."""
    count = 0
    with _writer(target, key) as out, tarfile.open(fileobj=out, mode="w|") as archive:
        for name in store.names(private):
            stream, size = store.opened(private, name)
            with stream:
                member = tarfile.TarInfo(name)
                member.size, member.mode, member.mtime = size, 0o640, int(dt.datetime.now(dt.UTC).timestamp())
                archive.addfile(member, stream)
            count += 1
    return target, count


def _untar(archive: Path, store: FileStorage, private: bool, key: str | None) -> None:
    """Each file of the archive into the target's storage; a name out of the files folder is refused."""
    if not archive.is_file():
        raise ValidationError(_("No files archive at {0}", archive))
    with _opened(archive, key) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            parts = Path(member.name).parts
            if member.name.startswith("/") or ".." in parts or not parts:
                raise ValidationError(_("{0} holds {1!r}, a path out of the files folder", archive.name, member.name))
            content = tar.extractfile(member)
            if content is not None:
                store.put(private, member.name, content)


# -- streams ----------------------------------------------------------------------------------------------

def _zipped(path: Path) -> bool:
    return path.name.removesuffix(".enc").endswith(".gz")


@contextmanager
def _writer(target: Path, key: str | None = None) -> Iterator[Stream]:
    """A binary stream to `target` (mode 0600): gzip'd when named .gz, then sealed when named .enc; a failed
    write leaves no half file."""
    partial = target.with_name(target.name + ".partial")
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw, \
                ExitStack() as layers:
            out: Stream = raw
            if is_encrypted(target):
                out = layers.enter_context(EncryptingWriter(raw, _needed(key, target)))
            if _zipped(target):
                out = layers.enter_context(gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6))
            yield out
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _opened(path: Path, key: str | None = None) -> Iterator[Stream]:
    with path.open("rb") as raw, ExitStack() as layers:
        stream: Stream = raw
        if is_encrypted(path):
            stream = layers.enter_context(io.BufferedReader(DecryptingReader(raw, _needed(key, path), path.name),
                                                            CHUNK))
        if _zipped(path):
            stream = layers.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
        yield stream


def _needed(key: str | None, path: Path) -> str:
    if not key:
        raise ValidationError(_("{0} is encrypted: the site's {1} is needed", path.name, KEY_SETTING))
    return key


def _line(item: Any) -> bytes:
    return (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")


def _lines(raw: Stream) -> Iterator[str]:
    for line in raw:
        stripped = line.strip()
        if stripped:
            yield stripped.decode("utf-8")


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    scaled = float(size)
    for unit in ("KB", "MB", "GB"):
        scaled /= 1024
        if scaled < 1024 or unit == "GB":
            break
    return f"{scaled:.1f} {unit}"
