"""Shared fixtures: a real site per database backend (SQLite file and a MariaDB server).

MariaDB comes from $SMOOTH_TEST_MARIADB_URL (a server URL without a database), which
`bash scripts/test` sets after starting a private server. Without it the MariaDB half of the
suite fails with an explanation: it never silently skips.

Which tests run on which backend (the rule is applied here, in `pytest_generate_tests`):

- The core's tests (tests/core, tests/api, tests/jobs, tests/mail: the `backend`, `test_site` and
  `api_server` fixtures) run on SQLite and MariaDB, always: the core is what speaks the dialects.
- App tests (anything on the LMS + HR site, `lms_site`) run on SQLite only. Apps know nothing of
  SQL dialects; they reach the database through the core, whose own tests cover both. An app test
  that exercises a dialect difference (row locks and races, DST and time-zone arithmetic, patches
  rewriting data, queries whose ordering, grouping or paging the database decides) is marked
  `@pytest.mark.both_backends` (module-wide: `pytestmark = pytest.mark.both_backends`) and runs on
  both.

`pytest --quick` (what `bash scripts/test --quick` runs) is the inner loop: SQLite only, no browser,
no MariaDB, no test that starts `bench` processes (workers, schedulers, servers, scripts/run: marked
`processes`); it deselects the rest and says how many it left out.

Under pytest-xdist every worker is its own process with its own sites (temporary folders, random
database names, free ports); the one shared service with fixed names is Redis, whose database the
job tests flush, so each worker takes its own database number (the URL's number + worker index).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, delete, insert, select, text

import smooth
from smooth.db.engine import server_url
from smooth.install import new_site
from smooth.jobs.inline import wait_for_deferred_jobs
from smooth.model import passwords
from smooth.site import forget_site

TEST_APP = Path(__file__).parent / "apps" / "smooth_test_app"
BACKENDS = ("sqlite", "mariadb")
TEST_ROLES = ("Test Reader", "Test Writer", "Test Creator", "Test Student", "Test Evaluator")
APP_SITE = "lms_site"  # the fixture every app test's site comes from (tests/lms/conftest.py)
SQLITE_ONLY = pytest.mark.parametrize(APP_SITE, ["sqlite"], indirect=True)
T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--quick", action="store_true",
                     help="the inner loop: SQLite only, no browser, no MariaDB, no bench processes")
    parser.addoption("--store-durations", action="store_true",
                     help=f"write each file's time in this (full) run into tests/{DURATIONS.name}: files start by it")


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", {}).get("workerid")
    if config.getoption("--store-durations") and not worker:
        config.pluginmanager.register(DurationStore(), "smooth-duration-store")
    url = os.environ.get("SMOOTH_TEST_REDIS_URL")
    if worker and url:
        os.environ["SMOOTH_TEST_REDIS_URL"] = worker_redis_url(url, int(worker.removeprefix("gw")))


def worker_redis_url(url: str, index: int) -> str:
    """The Redis database of xdist worker `index`: the URL's database number plus the index."""
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit():
        base, number = url.rstrip("/"), "0"
    return f"{base}/{int(number) + index}"


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """App tests run on SQLite unless marked `both_backends` (see the module docstring)."""
    if APP_SITE not in metafunc.fixturenames or metafunc.definition.get_closest_marker("both_backends"):
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if APP_SITE in (names.replace(" ", "").split(",") if isinstance(names, str) else names):
            return
    metafunc.definition.add_marker(SQLITE_ONLY)


def _needs_mariadb(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    values = callspec.params.values() if callspec else ()
    return item.get_closest_marker("mariadb") is not None or any(
        v == "mariadb" or (isinstance(v, tuple) and "mariadb" in v) for v in values)


# Seconds each test file takes in the full run (both backends, one xdist worker's wall time; first seeded from
# per-file measurements on a loaded machine and estimates by test count), refreshed with
# `pytest --store-durations` on a full run (it rewrites the files the run ran). Files start longest first: with
# `-n 3 --dist loadfile --no-loadscope-reorder` (scripts/test) each worker takes the next file as it finishes one,
# so the last files to start are the short ones and the workers end together. A file not in the table is
# estimated from its number of tests.
DURATIONS = Path(__file__).parent / "durations.json"
SECONDS_PER_TEST = 0.8  # a new file's estimate per test, until the table has it


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _durations() -> dict[str, float]:
    try:
        return dict(json.loads(DURATIONS.read_text()))
    except (OSError, ValueError):
        return {}


def _longest_files_first(items: list[pytest.Item]) -> None:
    table = _durations()
    counts: dict[str, int] = {}
    for item in items:
        counts[_file_of(item.nodeid)] = counts.get(_file_of(item.nodeid), 0) + 1
    seconds = {f: float(table.get(f, n * SECONDS_PER_TEST)) for f, n in counts.items()}
    first_seen = {f: n for n, f in enumerate(counts)}
    # stable: each file's own order (pytest's, by fixture) is kept, and its tests stay together
    items.sort(key=lambda i: (-seconds[_file_of(i.nodeid)], first_seen[_file_of(i.nodeid)]))


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture, which it keeps within each file
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--quick leaves out what needs MariaDB or a browser or starts `bench` processes; long files go first."""
    if config.getoption("--quick"):
        left_out = [i for i in items if _needs_mariadb(i) or "chromium" in getattr(i, "fixturenames", ())
                    or i.get_closest_marker("processes")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            dropped = {id(i) for i in left_out}
            items[:] = [i for i in items if id(i) not in dropped]
    _longest_files_first(items)


class DurationStore:
    """`--store-durations`: add up each file's setup, call and teardown time and write them into DURATIONS
    (on the xdist controller, which sees every worker's reports)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        path = _file_of(report.nodeid)
        self.seconds[path] = self.seconds.get(path, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        table = _durations()
        table.update({path: round(s, 1) for path, s in self.seconds.items()})
        DURATIONS.write_text(json.dumps(dict(sorted(table.items())), indent=0) + "\n")


@pytest.fixture(scope="session", autouse=True)
def product_password_hasher() -> Iterator[PasswordHasher]:
    """Passwords hashed in a test process use argon2id at its smallest cost; the product's hasher is this
    fixture's value (checked in tests/core/test_document_values.py).

    The product's cost (argon2-cffi's defaults: 64 MiB and 3 passes, about 0.3 s of CPU a hash or a login) buys
    nothing here: the suite installs hundreds of sites (each hashes its Administrator's password) and logs in
    hundreds of times. Hashes stay real argon2 hashes, verified the real way, and the `bench` processes some tests
    start (first run, workers, `bench serve`) hash at the product's cost."""
    product = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield product
    passwords._hasher = product


class SessionPool:
    """Sites and servers built once per session (per xdist worker) and kept until it ends.

    pytest tears a parametrized session fixture down whenever a test wants its other parameter;
    a worker of `-n 3 --dist loadfile` gets SQLite and MariaDB tests interleaved file by file, so
    the fixtures build through the pool and a switch of backend is a lookup, not a new install."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._made: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], make: Callable[[], AbstractContextManager[T]]) -> T:
        if key not in self._made:
            self._made[key] = self._stack.enter_context(make())
        return self._made[key]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def pool() -> Iterator[SessionPool]:
    made = SessionPool()
    yield made
    made.close()


def mariadb_server_url() -> str:
    url = os.environ.get("SMOOTH_TEST_MARIADB_URL")
    if not url:
        pytest.fail("SMOOTH_TEST_MARIADB_URL is not set: run the suite with `bash scripts/test`, which starts "
                    "MariaDB (or export a server URL such as mariadb+pymysql://user:pw@127.0.0.1:3306)")
    return url.rstrip("/")


class SiteHandle:
    """A created site: its name, sites folder and backend."""

    def __init__(self, name: str, sites_path: Path, backend: str, apps: list[str]) -> None:
        self.name, self.sites_path, self.backend, self.apps = name, sites_path, backend, apps
        self.left_clean = False  # see cleaned_around

    def context(self, user: str = "Administrator"):  # type: ignore[no-untyped-def]
        return smooth.site_context(self.name, self.sites_path, user=user)


def create_site(tmp_root: Path, backend: str, apps: list[str], prefix: str = "t") -> SiteHandle:
    name = f"{prefix}-{backend}-{secrets.token_hex(3)}.test"
    sites_path = tmp_root / "sites"
    sites_path.mkdir(parents=True, exist_ok=True)
    db_url = None
    if backend == "mariadb":
        db_url = f"{mariadb_server_url()}/smooth_{prefix}_{secrets.token_hex(4)}"
    new_site(name, sites_path, db_type=backend, db_url=db_url, admin_password="admin", apps=apps,
             echo=lambda _msg: None)
    return SiteHandle(name, sites_path, backend, apps)


@contextmanager
def session_site(tmp_root: Path, backend: str, apps: list[str], prefix: str) -> Iterator[SiteHandle]:
    """create_site, dropped again when the block ends."""
    handle = create_site(tmp_root, backend, apps, prefix=prefix)
    try:
        yield handle
    finally:
        drop_site(handle)


def drop_site(handle: SiteHandle) -> None:
    with handle.context():
        url = smooth.local.site.engine.url
    forget_site(handle.name, handle.sites_path)
    if url.get_backend_name() != "sqlite":
        server = create_engine(server_url(url), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
        server.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """For tests that build their own site: run them once per database backend."""
    return request.param


@contextmanager
def test_app_site(tmp_root: Path, backend: str, prefix: str) -> Iterator[SiteHandle]:
    """A site with the framework's test app and its roles."""
    with session_site(tmp_root, backend, [str(TEST_APP)], prefix) as handle:
        with handle.context():
            for role in TEST_ROLES:
                smooth.get_doc({"doctype": "Role", "role_name": role}).insert()
            smooth.db.commit()
        yield handle


@pytest.fixture(scope="session", params=BACKENDS)
def test_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              pool: SessionPool) -> SiteHandle:
    """A site with the framework's test app installed, once per backend."""
    return pool.get(("test_site", request.param),
                    lambda: test_app_site(tmp_path_factory.mktemp(request.param), request.param, "t"))


def _clean(handle: SiteHandle) -> None:
    """Remove every row the test app's doctypes gained, and the users, versions and series tests made."""
    with handle.context():
        site = smooth.local.site
        database = smooth.db
        for meta in site.registry:
            if meta.app == "smooth_test_app" and not meta.issingle:
                database.execute(delete(site.table(meta.name)), write=True)
        for table in ("Version", "Series", "Patch Log", "User Permission", "Workflow", "Workflow Document State",
                      "Workflow Transition", "Workflow Action", "Workflow State", "Workflow Action Master"):
            database.execute(delete(site.table(table)), write=True)
        singles = site.table("Singles")
        test_singles = [m.name for m in site.registry if m.app == "smooth_test_app" and m.issingle]
        database.execute(delete(singles).where(singles.c.doctype.in_(test_singles)), write=True)
        users = database.get_all("User", filters={"name": ["not in", ["Administrator", "Guest"]]}, pluck="name")
        for user in users:
            smooth.delete_doc("User", user, force=True)
        database.commit()


@pytest.fixture
def site(test_site: SiteHandle) -> Iterator[SiteHandle]:
    """A clean test site (no context bound); tests open their own contexts."""
    with cleaned_around(test_site, _clean):
        yield test_site


@contextmanager
def cleaned_around(handle: SiteHandle, clean: Callable[[SiteHandle], None]) -> Iterator[None]:
    """Clean a shared site before and after a test; before only if something may have written since the last
    clean: a test of the site's cleaning fixture cleans after itself, so the next one's clean before it would
    delete nothing (on MariaDB it costs some 30 statements a test). A test that reaches the site past its
    cleaning fixture marks it unclean (pytest_runtest_setup below). Jobs a served request deferred past its
    response finish first, so none writes after the clean."""
    if not handle.left_clean:
        clean(handle)
    handle.left_clean = False
    yield
    wait_for_deferred_jobs()
    clean(handle)
    handle.left_clean = True


# shared site fixtures -> the fixture that cleans around each test using them (see cleaned_around)
CLEANED_BY = {"test_site": "site", "api_server": "api"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield
    values = getattr(item, "funcargs", {})
    for shared, cleaning in CLEANED_BY.items():
        if shared in values and cleaning not in getattr(item, "fixturenames", ()):
            value = values[shared]
            getattr(value, "handle", value).left_clean = False


@pytest.fixture
def ctx(site: SiteHandle) -> Iterator[SiteHandle]:
    """The clean test site, bound to this thread as Administrator; rolled back afterwards."""
    from smooth_tests.events import CALLS

    CALLS.clear()
    with site.context():
        yield site
        smooth.db.rollback()


# password -> its argon2 hash, as User.before_save stored it the first time (see make_user)
_PASSWORD_HASHES: dict[str, str] = {}


def make_user(email: str, *roles: str, password: str = "secret-pw") -> str:
    """Create and commit a user with the given roles (inside the current context).

    The suite makes thousands of users with the same few passwords; so only the first user of a password goes
    through `new_password`, and later ones get a copy of that stored hash (a real argon2 hash of the same
    password: logging in verifies it as usual). Storing passwords is tested in tests/core/test_document_values.py.
    """
    known = _PASSWORD_HASHES.get(password)
    user = smooth.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                           "new_password": None if known else password, "roles": [{"role": r} for r in roles]})
    user.insert(ignore_permissions=True)
    auth = smooth.local.site.table("__Auth")
    if known:  # the same row set_password writes, with the hash made once
        smooth.db.execute(insert(auth).values(doctype="User", name=user.name, fieldname="password", password=known,
                                              encrypted=0), write=True)
    elif password:
        stored = smooth.db.execute(select(auth.c.password).where(
            auth.c.doctype == "User", auth.c.name == user.name, auth.c.fieldname == "password")).scalar_one()
        _PASSWORD_HASHES[password] = str(stored)
    smooth.db.commit()
    return user.name
