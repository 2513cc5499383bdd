"""`bench`, run as a user would: sites, migrate, execute, users, fixtures, doctor, and its errors."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import smooth
from smooth.cli import COMMANDS, cli, main
from smooth.db.engine import server_url
from smooth.exceptions import AuthenticationError
from smooth.model.passwords import check_user_password
from smooth.site import forget_site, list_sites, write_config
from tests.conftest import BACKENDS, mariadb_server_url
from tests.core._app_builder import ThrowawayApp, field

API = """
import smooth

def add(a, b, scale=1):
    return {"sum": (a + b) * scale}

def make_role(name):
    smooth.get_doc({"doctype": "Role", "role_name": name}).insert()
    return name

def count_notes():
    return smooth.db.count("CLI Note")
"""


# a command the app adds to bench (hooks.py `commands`): each note its own unit of work
APP_COMMANDS = """
import click
import smooth

@click.command("add-notes")
@click.argument("titles", nargs=-1)
def add_notes(titles):
    \"\"\"Add CLI Notes, each kept once added.\"\"\"
    for title in titles:
        with smooth.unit_of_work():
            smooth.get_doc({"doctype": "CLI Note", "title": title}).insert()
        click.echo(f"added {title} on {smooth.local.site.name}")
"""


class Bench:
    """A bench folder (its app is the default app of every site) and its sites folder."""

    def __init__(self, root: Path) -> None:
        self.app = ThrowawayApp(root, prefix="CLI Test")
        self.app.python("api", API)
        self.app.python("commands", APP_COMMANDS)
        self.app.hooks('fixtures = [{"dt": "Role", "filters": [["role_name", "like", "Fixture%"]]}]\n'
                       f'commands = ["{self.app.package}.commands.add_notes"]\n')
        self.app.doctype("CLI Note", [field("title", reqd=1)], autoname="field:title")
        self.sites = root / "sites"
        self.sites.mkdir()
        self.created: list[str] = []

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--sites-path", str(self.sites), *args], input=input)

    def ok(self, *args: str, input: str | None = None) -> str:
        result = self.run(*args, input=input)
        assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
        return result.output

    def new_site(self, *extra: str, backend: str = "sqlite") -> str:
        name = f"cli-{secrets.token_hex(3)}.test"
        if backend == "mariadb":
            extra = ("--db-type", "mariadb", "--db-url", mariadb_server_url(), *extra)
        self.ok("new-site", name, "--admin-password", "admin", *extra)
        self.created.append(name)
        return name

    def cleanup(self) -> None:
        for name in self.created:
            if (self.sites / name).is_dir():
                self.ok("drop-site", name, "--yes")

    def context(self, site: str):  # type: ignore[no-untyped-def]
        return smooth.site_context(site, self.sites)


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bench]:
    for var in ("SMOOTH_SITE", "SMOOTH_SITES_PATH"):
        monkeypatch.delenv(var, raising=False)
    handle = Bench(tmp_path)
    monkeypatch.setenv("SMOOTH_BENCH", str(handle.app.path))
    yield handle
    handle.cleanup()


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the real entry point; return its exit code and everything it printed."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return int(exited.value.code or 0), output


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


# -- new-site / drop-site / use / list-sites ---------------------------------------------------------


def test_new_site_sqlite_installs_core_and_the_bench_app(bench: Bench) -> None:
    name = bench.new_site()
    config = json.loads((bench.sites / name / "site_config.json").read_text())
    assert config["db_path"] == "site.sqlite3"
    assert (bench.sites / name / "site.sqlite3").is_file()
    with bench.context(name):
        assert check_user_password("Administrator", "admin") == "Administrator"
        assert {"Administrator", "System Manager", "Guest", "All"} <= set(smooth.get_all("Role", pluck="name"))
        assert [a.name for a in smooth.local.site.apps] == ["smooth", bench.app.name]
        assert smooth.db.count("CLI Note") == 0


def test_new_site_prints_a_generated_admin_password(bench: Bench) -> None:
    name = f"gen-{secrets.token_hex(3)}.test"
    output = bench.ok("new-site", name)
    bench.created.append(name)
    (line,) = [line for line in output.splitlines() if line.startswith("Administrator password: ")]
    password = line.split(": ", 1)[1]
    with bench.context(name):
        assert check_user_password("Administrator", password) == "Administrator"


@pytest.mark.mariadb
def test_new_site_mariadb_then_drop_site_removes_the_database(bench: Bench) -> None:
    name = f"cli-{secrets.token_hex(3)}.test"
    output = bench.ok("new-site", name, "--db-type", "mariadb", "--db-url", mariadb_server_url(),
                      "--admin-password", "admin")
    assert f"Site {name} created (mariadb)" in output
    url = make_url(json.loads((bench.sites / name / "site_config.json").read_text())["db_url"])
    assert url.database == "_" + name.replace("-", "_").replace(".", "_")
    with bench.context(name):
        assert smooth.local.site.db_type == "mariadb"
        assert check_user_password("Administrator", "admin") == "Administrator"
    assert _database_exists(url.database)

    bench.ok("--site", name, "add-role", "Temporary Role")
    bench.ok("new-site", name, "--db-type", "mariadb", "--db-url", mariadb_server_url(), "--admin-password", "new",
             "--force")
    with bench.context(name):
        assert not smooth.db.exists("Role", "Temporary Role")
        assert check_user_password("Administrator", "new") == "Administrator"

    assert f"Site {name} deleted" in bench.ok("drop-site", name, "--yes")
    assert not _database_exists(url.database)
    assert not (bench.sites / name).exists()
    assert name not in list_sites(bench.sites)


def _database_exists(database: str) -> bool:
    engine = create_engine(server_url(make_url(mariadb_server_url())))
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :n"),
                                 {"n": database}).first()
    finally:
        engine.dispose()
    return found is not None


def test_drop_site_sqlite_asks_first(bench: Bench) -> None:
    name = bench.new_site()
    refused = bench.run("drop-site", name, input="n\n")
    assert refused.exit_code == 1
    assert name in list_sites(bench.sites)
    bench.ok("drop-site", name, input="y\n")
    assert not (bench.sites / name).exists()


def test_new_site_twice_without_force_is_a_clear_error(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    name = bench.new_site()
    code, output = _fails(["--sites-path", str(bench.sites), "new-site", name, "--admin-password", "other"], capsys)
    assert code == 1
    assert _error_lines(output) == [f"Error: Site {name} already exists; pass --force to reinstall it"]
    with bench.context(name):
        assert check_user_password("Administrator", "admin") == "Administrator"


def test_new_site_force_reinstalls(bench: Bench) -> None:
    name = bench.new_site()
    bench.ok("--site", name, "add-role", "Temporary Role")
    bench.ok("new-site", name, "--admin-password", "fresh", "--force")
    with bench.context(name):
        assert not smooth.db.exists("Role", "Temporary Role")
        assert check_user_password("Administrator", "fresh") == "Administrator"
        with pytest.raises(AuthenticationError):
            check_user_password("Administrator", "admin")


def test_use_and_list_sites_mark_the_current_site(bench: Bench) -> None:
    first, second = sorted([bench.new_site(), bench.new_site()])
    assert f"Current site is now {second}" in bench.ok("use", second)
    assert bench.ok("list-sites").splitlines() == [f"  {first}", f"* {second}"]
    assert (bench.sites / "currentsite.txt").read_text().strip() == second
    assert "database and metadata agree" in bench.ok("migrate", "--check")


def test_new_site_set_default(bench: Bench) -> None:
    name = bench.new_site("--set-default")
    assert bench.ok("list-sites").splitlines() == [f"* {name}"]


def test_list_sites_on_an_empty_bench(bench: Bench) -> None:
    assert "No sites in" in bench.ok("list-sites")


def test_use_of_a_missing_site(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    existing = bench.new_site()
    code, output = _fails(["--sites-path", str(bench.sites), "use", "ghost.test"], capsys)
    assert code == 2  # a site that does not exist is a usage error, as Click counts them
    (line,) = _error_lines(output)
    assert line.startswith("Error: Site 'ghost.test' does not exist")
    assert f"(sites: {existing})" in line
    assert not (bench.sites / "currentsite.txt").exists()


# -- migrate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrate_twice_issues_no_ddl(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    output = bench.ok("--site", name, "migrate")
    assert "schema is up to date: no DDL issued" in output
    assert f"Migrated {name}" in output


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrate_check_on_a_fresh_site_exits_0(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    assert f"{name}: database and metadata agree" in bench.ok("--site", name, "migrate", "--check")


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrate_check_reports_a_new_field_and_migrate_adds_it(bench: Bench, capsys: pytest.CaptureFixture[str],
                                                               backend: str) -> None:
    name = bench.new_site(backend=backend)
    bench.app.doctype("CLI Note", [field("title", reqd=1), field("body", "Text")], autoname="field:title")
    pending = bench.run("--site", name, "migrate", "--check")
    assert pending.exit_code == 1
    assert "pending:" in pending.output and "body" in pending.output
    code, _ = _fails(["--sites-path", str(bench.sites), "--site", name, "migrate", "--check"], capsys)
    assert code == 1

    bench.ok("--site", name, "migrate")
    assert "agree" in bench.ok("--site", name, "migrate", "--check")
    with bench.context(name):
        smooth.get_doc({"doctype": "CLI Note", "title": "T", "body": "text"}).insert()
        assert smooth.db.get_value("CLI Note", "T", "body") == "text"


# -- execute ------------------------------------------------------------------------------------


def test_execute_prints_the_result_as_json(bench: Bench) -> None:
    name = bench.new_site()
    output = bench.ok("--site", name, "execute", f"{bench.app.package}.api.add", "--args", "[1, 2]",
                      "--kwargs", '{"scale": 10}')
    assert json.loads(output) == {"sum": 30}


@pytest.mark.parametrize("backend", BACKENDS)
def test_execute_commits(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    output = bench.ok("--site", name, "execute", f"{bench.app.package}.api.make_role", "--args", '["Executed Role"]')
    assert json.loads(output) == "Executed Role"
    with bench.context(name):
        assert smooth.db.exists("Role", "Executed Role")


def test_an_app_adds_a_command_run_on_the_chosen_site(bench: Bench) -> None:
    name = bench.new_site()
    result = bench.run("--site", name, "add-notes", "first", "second", "first")
    assert "added first on " + name in result.output and "added second" in result.output
    assert result.exit_code == 1  # the duplicate: the notes added before it stay, each in its own unit
    with bench.context(name):
        assert smooth.get_all("CLI Note", pluck="name", order_by="name") == ["first", "second"]
    unknown = bench.run("--site", name, "add-nothing")
    assert unknown.exit_code == 2 and "No such command 'add-nothing'" in unknown.output


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--args", "[1, 2", "not valid JSON"),
    ("--kwargs", "{scale: 1}", "not valid JSON"),
    ("--args", '{"a": 1}', "must be a JSON list"),
    ("--kwargs", "[1]", "must be a JSON object"),
])
def test_execute_bad_json_is_a_usage_error(bench: Bench, capsys: pytest.CaptureFixture[str], option: str,
                                           value: str, words: str) -> None:
    name = bench.new_site()
    code, output = _fails(["--sites-path", str(bench.sites), "--site", name, "execute",
                           f"{bench.app.package}.api.add", option, value], capsys)
    assert code == 2
    assert option in output
    assert words in output


def test_execute_unknown_path_is_one_error_line_in_the_user_s_language(bench: Bench,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    name = bench.new_site()
    argv = ["--sites-path", str(bench.sites), "--site", name, "execute", f"{bench.app.package}.api.subtract"]
    code, output = _fails(argv, capsys)
    assert code == 1
    (line,) = _error_lines(output)
    assert f"{bench.app.package}.api.subtract" in line
    assert "no attribute 'subtract'" in line
    with bench.context(name):  # the low layer's message (smooth.hooks) is translated where bench prints it
        smooth.db.set_value("User", "Administrator", "language", "de")
        smooth.db.commit()
    code, output = _fails(argv, capsys)
    (line,) = _error_lines(output)
    assert code == 1 and "hat kein Attribut 'subtract'" in line, line


# -- users and roles ----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_user_with_roles_and_password(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    bench.ok("--site", name, "add-role", "Librarian")
    output = bench.ok("--site", name, "add-user", "Ada@Example.com", "--role", "Librarian", "--role",
                      "System Manager", "--password", "s3cret-pw")
    assert "Added user ada@example.com with roles Librarian, System Manager" in output
    with bench.context(name):
        assert check_user_password("ada@example.com", "s3cret-pw") == "ada@example.com"
        assert {"Librarian", "System Manager"} <= set(smooth.get_roles("ada@example.com"))
        assert smooth.db.get_value("User", "ada@example.com", "first_name") == "Ada"


def test_add_user_with_a_missing_role_is_an_error(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    name = bench.new_site()
    code, output = _fails(["--sites-path", str(bench.sites), "--site", name, "add-user", "bob@example.com",
                           "--role", "Nonexistent Role"], capsys)
    assert code == 1
    assert len(_error_lines(output)) == 1
    assert "Nonexistent Role" in output
    with bench.context(name):
        assert not smooth.db.exists("User", "bob@example.com")


def test_add_role(bench: Bench) -> None:
    name = bench.new_site()
    assert "Added role Reviewer" in bench.ok("--site", name, "add-role", "Reviewer")
    bench.ok("--site", name, "add-role", "Portal Member", "--no-desk-access")
    with bench.context(name):
        assert smooth.db.get_value("Role", "Reviewer", "desk_access") == 1
        assert smooth.db.get_value("Role", "Portal Member", "desk_access") == 0


def test_add_role_twice_is_an_error(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    name = bench.new_site()
    bench.ok("--site", name, "add-role", "Reviewer")
    code, output = _fails(["--sites-path", str(bench.sites), "--site", name, "add-role", "Reviewer"], capsys)
    assert code != 0
    assert len(_error_lines(output)) == 1
    assert "Reviewer" in output


@pytest.mark.parametrize("backend", BACKENDS)
def test_set_password(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    bench.ok("--site", name, "add-user", "cy@example.com", "--password", "first-pw")
    assert "Password of cy@example.com updated" in bench.ok("--site", name, "set-password", "cy@example.com",
                                                            "second-pw")
    with bench.context(name):
        assert check_user_password("cy@example.com", "second-pw") == "cy@example.com"
        with pytest.raises(AuthenticationError):
            check_user_password("cy@example.com", "first-pw")


def test_set_password_prompts_when_omitted(bench: Bench) -> None:
    name = bench.new_site()
    bench.ok("--site", name, "set-password", "Administrator", input="typed-pw\ntyped-pw\n")
    with bench.context(name):
        assert check_user_password("Administrator", "typed-pw") == "Administrator"


# -- fixtures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_export_fixtures_then_a_new_site_gets_them(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    bench.ok("--site", name, "add-role", "Fixture Alpha")
    bench.ok("--site", name, "add-role", "Not Exported")
    output = bench.ok("--site", name, "export-fixtures")
    target = bench.app.path / "fixtures" / "role.json"
    assert f"wrote {target}" in output
    records = json.loads(target.read_text())
    assert [(r["doctype"], r["name"]) for r in records] == [("Role", "Fixture Alpha")]

    other = bench.new_site(backend=backend)
    with bench.context(other):
        assert smooth.db.exists("Role", "Fixture Alpha")
        assert not smooth.db.exists("Role", "Not Exported")


# -- doctor -------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_doctor_on_a_healthy_site(bench: Bench, backend: str) -> None:
    name = bench.new_site(backend=backend)
    lines = bench.ok("--site", name, "doctor").splitlines()
    assert lines and all(line.startswith(("ok ", "WARN")) for line in lines), lines  # warnings: optional parts
    assert any("database" in line and backend in line for line in lines)
    assert any("schema" in line and "up to date" in line for line in lines)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_doctor_fails_when_the_database_is_unreachable(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"mariadb+pymysql://smooth:smooth@127.0.0.1:{_closed_port()}/_nowhere"
    write_config(bench.sites, "down.test", {"db_url": url, "apps": []})
    code, output = _fails(["--sites-path", str(bench.sites), "--site", "down.test", "doctor"], capsys)
    forget_site("down.test", bench.sites)
    assert code == 1
    (bad,) = [line for line in output.splitlines() if line.startswith("BAD")]
    assert "database" in bad and "unreachable" in bad
    assert "smooth:smooth@" not in output  # the password is hidden


def test_doctor_reports_broken_metadata(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    name = bench.new_site()
    bench.app.doctype("CLI Note", [field("title", "Nope")], autoname="field:title")
    forget_site(name, bench.sites)
    code, output = _fails(["--sites-path", str(bench.sites), "--site", name, "doctor"], capsys)
    assert code == 1
    (bad,) = [line for line in output.splitlines() if line.startswith("BAD")]
    assert "site" in bad and "unknown fieldtype 'Nope'" in output


def test_drop_site_works_when_the_apps_metadata_is_broken(bench: Bench) -> None:
    name = bench.new_site()
    bench.app.raw_doctype("cli_note", "{ not json")
    forget_site(name, bench.sites)
    bench.ok("drop-site", name, "--yes")
    assert not (bench.sites / name).exists()


# -- errors -------------------------------------------------------------------------------------


def test_new_site_on_an_unreachable_mariadb(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"mariadb+pymysql://smooth:hidden-pw@127.0.0.1:{_closed_port()}"
    code, output = _fails(["--sites-path", str(bench.sites), "new-site", "down.test", "--db-type", "mariadb",
                           "--db-url", url], capsys)
    assert code == 1
    (line,) = _error_lines(output)
    assert "Cannot connect to the MariaDB server at" in line
    assert "hidden-pw" not in output
    assert list_sites(bench.sites) == []


@pytest.mark.parametrize(("argv", "words"), [
    (["new-site", "bad name!"], "not a valid site name"),
    (["new-site", "maria.test", "--db-type", "mariadb"], "--db-url is required"),
    (["new-site", "maria.test", "--db-type", "mariadb", "--db-url", "not a url"], "is not a database URL"),
])
def test_new_site_refuses_bad_input(bench: Bench, capsys: pytest.CaptureFixture[str], argv: list[str],
                                    words: str) -> None:
    code, output = _fails(["--sites-path", str(bench.sites), *argv], capsys)
    assert code == 1
    (line,) = _error_lines(output)
    assert words in line
    assert list_sites(bench.sites) == []




@pytest.mark.parametrize("command", [["migrate"], ["migrate", "--check"], ["doctor"], ["add-role", "R"],
                                     ["execute", "json.dumps"], ["export-fixtures"], ["drop-site", "ghost.test"]])
def test_missing_site_is_one_error_line(bench: Bench, capsys: pytest.CaptureFixture[str],
                                        command: list[str]) -> None:
    bench.new_site()
    code, output = _fails(["--sites-path", str(bench.sites), "--site", "ghost.test", *command], capsys)
    assert code == 2  # a site that does not exist is a usage error, as Click counts them
    (line,) = _error_lines(output)
    assert line.startswith(f"Error: Site 'ghost.test' does not exist in {bench.sites}")
    assert "bench new-site ghost.test" in line


@pytest.mark.parametrize("command", [["migrate"], ["doctor"], ["add-role", "R"], ["execute", "json.dumps"],
                                     ["set-password", "Administrator", "x"]])
def test_command_without_a_site_is_a_usage_error(bench: Bench, capsys: pytest.CaptureFixture[str],
                                                 command: list[str]) -> None:
    code, output = _fails(["--sites-path", str(bench.sites), *command], capsys)
    assert code == 2
    assert "No site given" in output
    assert "bench use" in output


# -- lazy commands ------------------------------------------------------------------------------

# what `bench --help` must not import: the web server, the job queue, templates, the browser, and the database layer
HEAVY = ("uvicorn", "starlette", "jinja2", "rq", "redis", "playwright", "sqlalchemy", "alembic")


def test_help_imports_no_command_and_no_heavy_library() -> None:
    probe = ("import sys\nfrom smooth.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m.startswith('smooth.cli.')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    *help_lines, imported = result.stdout.strip().splitlines()
    assert imported == "[]"
    assert any(line.strip().startswith("migrate ") for line in help_lines)


def test_the_registry_summaries_are_the_commands_own() -> None:
    for name, entry in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name
        assert entry.summary == (command.help or "").split("\n\n")[0], name
