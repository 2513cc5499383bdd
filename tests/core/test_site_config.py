"""Site configuration: common defaults under site_config.json, the apps list, where SQLite lives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import smooth
from smooth.exceptions import SiteNotFoundError, SmoothError
from smooth.install import new_site
from smooth.site import Site, forget_site, get_site, read_config, write_config
from tests.core._app_builder import ThrowawayApp, field


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty sites folder in a bench whose root (for relative app paths) is tmp_path."""
    monkeypatch.setenv("SMOOTH_BENCH", str(tmp_path))
    path = tmp_path / "sites"
    path.mkdir()
    yield path
    for site in path.iterdir():
        forget_site(site.name, path)


def _common(sites: Path, config: dict[str, object]) -> None:
    (sites / "common_site_config.json").write_text(json.dumps(config))


def test_common_config_provides_defaults_and_site_config_wins(sites: Path) -> None:
    _common(sites, {"time_zone": "Asia/Kolkata", "redis_url": "redis://127.0.0.1:1/0", "mail_sender": "a@b.c"})
    write_config(sites, "one.test", {"db_path": "site.sqlite3", "time_zone": "Europe/Berlin", "apps": []})
    config = read_config(sites, "one.test")
    assert config["time_zone"] == "Europe/Berlin"
    assert config["redis_url"] == "redis://127.0.0.1:1/0"
    assert config["mail_sender"] == "a@b.c"
    site = Site("one.test", sites)
    assert site.time_zone == "Europe/Berlin"
    assert site.config["mail_sender"] == "a@b.c"


def test_without_common_config_only_the_site_config_counts(sites: Path) -> None:
    write_config(sites, "one.test", {"db_path": "x.sqlite3", "apps": []})
    assert read_config(sites, "one.test") == {"db_path": "x.sqlite3", "apps": []}


def test_missing_site_config_is_site_not_found(sites: Path) -> None:
    write_config(sites, "other.test", {"apps": []})
    with pytest.raises(SiteNotFoundError) as raised:
        read_config(sites, "ghost.test")
    assert "Site 'ghost.test' does not exist" in str(raised.value)
    assert "other.test" in str(raised.value)


def test_apps_list_names_the_installed_apps_after_core(sites: Path, tmp_path: Path) -> None:
    first, second = ThrowawayApp(tmp_path, prefix="Config Test"), ThrowawayApp(tmp_path, prefix="Config Test")
    first.doctype("Config First", [field("title")])
    second.doctype("Config Second", [field("title")])
    write_config(sites, "apps.test", {"apps": [str(first.path), second.name]})  # the second relative to the bench
    site = Site("apps.test", sites)
    assert [a.name for a in site.apps] == ["smooth", first.name, second.name]
    assert site.get_meta("Config First").app == first.name
    assert site.get_meta("Config Second").app == second.name


def test_empty_apps_list_means_core_only(sites: Path) -> None:
    write_config(sites, "core.test", {"apps": []})
    site = Site("core.test", sites)
    assert [a.name for a in site.apps] == ["smooth"]
    assert {"User", "Role", "Has Role", "Version", "Patch Log", "System Settings"} <= set(site.registry.metas)


def test_apps_from_common_config_apply_to_every_site(sites: Path, tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path, prefix="Config Test")
    _common(sites, {"apps": [str(app.path)]})
    write_config(sites, "a.test", {})
    write_config(sites, "b.test", {"apps": []})
    assert [a.name for a in Site("a.test", sites).apps] == ["smooth", app.name]
    assert [a.name for a in Site("b.test", sites).apps] == ["smooth"]


def test_sqlite_db_path_is_relative_to_the_site_folder(sites: Path) -> None:
    _common(sites, {"db_path": "data/common.sqlite3", "apps": []})
    write_config(sites, "rel.test", {})
    write_config(sites, "own.test", {"db_path": "mine.sqlite3"})
    assert Site("rel.test", sites).engine.url.database == str(sites / "rel.test" / "data" / "common.sqlite3")
    assert Site("own.test", sites).engine.url.database == str(sites / "own.test" / "mine.sqlite3")


def test_absolute_sqlite_db_path_is_kept(sites: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "db.sqlite3"
    write_config(sites, "abs.test", {"db_path": str(target), "apps": []})
    assert Site("abs.test", sites).engine.url.database == str(target)


def test_db_url_wins_over_db_path(sites: Path, tmp_path: Path) -> None:
    write_config(sites, "url.test", {"db_path": "ignored.sqlite3", "db_url": f"sqlite:///{tmp_path}/u.db",
                                     "apps": []})
    assert Site("url.test", sites).engine.url.database == f"{tmp_path}/u.db"


def test_sqlite_site_without_db_path_uses_site_sqlite3(sites: Path) -> None:
    write_config(sites, "plain.test", {"apps": []})
    assert Site("plain.test", sites).engine.url.database == str(sites / "plain.test" / "site.sqlite3")


def test_new_site_uses_common_config(sites: Path, tmp_path: Path) -> None:
    app = ThrowawayApp(tmp_path, prefix="Config Test")
    app.doctype("Config Note", [field("title")], autoname="field:title")
    _common(sites, {"apps": [str(app.path)], "time_zone": "America/New_York"})
    new_site("common.test", sites, admin_password="admin", echo=lambda _msg: None)
    config = json.loads((sites / "common.test" / "site_config.json").read_text())
    assert "apps" not in config and "time_zone" not in config
    with smooth.site_context("common.test", sites):
        smooth.get_doc({"doctype": "Config Note", "title": "Hello"}).insert()
        assert smooth.db.exists("Config Note", "Hello")
        assert smooth.local.site.time_zone == "America/New_York"
    assert (sites / "common.test" / "site.sqlite3").is_file()
    assert get_site("common.test", sites).engine.url.database == str(sites.resolve() / "common.test" / "site.sqlite3")


def test_system_settings_time_zone_survives_a_restart(sites: Path) -> None:
    new_site("tz.test", sites, admin_password="admin", apps=[], echo=lambda _msg: None)
    with smooth.site_context("tz.test", sites):
        settings = smooth.get_doc("System Settings")
        settings.time_zone = "Asia/Tokyo"
        settings.save()
        smooth.db.commit()
    forget_site("tz.test", sites)  # as a new process would see it
    with smooth.site_context("tz.test", sites):
        assert smooth.db.get_value("System Settings", None, "time_zone") == "Asia/Tokyo"
        assert smooth.local.site.time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("filename", ["site_config.json", "common_site_config.json"])
def test_malformed_config_is_a_clear_error(sites: Path, filename: str) -> None:
    write_config(sites, "broken.test", {"apps": []})
    target = sites / "broken.test" / filename if filename == "site_config.json" else sites / filename
    target.write_text('{\n "apps": [],\n}\n')
    with pytest.raises(SmoothError) as raised:
        read_config(sites, "broken.test")
    assert str(target) in str(raised.value)
    assert "line 3" in str(raised.value)
