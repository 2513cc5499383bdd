"""Fixtures: records an app ships in fixtures/*.json, upserted by migrate, written by export_fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import smooth
from smooth import fixtures
from smooth.fixtures import export_fixtures, reset_fixture
from tests.conftest import create_site, drop_site
from tests.core._mini_app import MiniApp, data_field, mini_site, run_migrate

CATEGORY = [
    data_field("category_name", reqd=1, unique=1), data_field("description", "Small Text"),
    data_field("rank", "Int"), data_field("active", "Check"), data_field("starts", "Date"),
    data_field("weight", "Float"), data_field("kind", "Select", options="\nPhysical\nDigital"),
    data_field("aliases", "Table", options="Mig Alias"),
]
ALIAS = [data_field("alias", reqd=1), data_field("weight", "Int")]
HOOKS = 'fixtures = [{"dt": "Mig Category", "filters": [["category_name", "like", "Ship%"]]}]\n'


@pytest.fixture
def app(tmp_path: Path) -> MiniApp:
    mini = MiniApp(tmp_path, hooks=HOOKS)
    mini.doctype("Mig Category", CATEGORY, autoname="field:category_name", track_changes=1)
    mini.doctype("Mig Alias", ALIAS, istable=1)
    mini.doctype("Mig Settings", [data_field("greeting"), data_field("retries", "Int")], issingle=1)
    return mini


SHIPPING = {"doctype": "Mig Category", "name": "Shipping", "category_name": "Shipping",
            "description": "Boxes", "rank": 1, "active": 1, "starts": "2026-01-05", "weight": 2.5,
            "kind": "Physical", "aliases": [{"alias": "post", "weight": 1}, {"alias": "mail", "weight": 2}]}
LICENCES = {"doctype": "Mig Category", "name": "Licences", "category_name": "Licences", "rank": 2,
            "active": 0,             "kind": "", "aliases": []}


def snapshot(handle) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    with handle.context():
        return {name: smooth.get_doc("Mig Category", name).as_dict(convert_dates_to_str=True)
                for name in smooth.db.get_all("Mig Category", pluck="name")}


def test_migrate_inserts_fixture_records(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        app.fixture("Mig Category", [SHIPPING, LICENCES])
        report, lines = run_migrate(handle)
        assert report.fixtures == {"inserted": 2, "updated": 0, "unchanged": 0, "kept": 0}
        assert any(line.startswith("Syncing fixtures") and "mig_category.json" in line for line in lines)
        with handle.context():
            doc = smooth.get_doc("Mig Category", "Shipping")
            assert (doc.description, doc.rank, doc.active, str(doc.starts), doc.weight, doc.kind) == \
                ("Boxes", 1, 1, "2026-01-05", 2.5, "Physical")
            assert [(r.alias, r.weight, r.idx) for r in doc.aliases] == [("post", 1, 1), ("mail", 2, 2)]
            assert smooth.get_doc("Mig Category", "Licences").aliases == []


def test_new_site_installs_fixtures(tmp_path: Path, backend: str, app: MiniApp) -> None:
    app.fixture("Mig Category", [SHIPPING])
    with mini_site(tmp_path, backend, app) as handle, handle.context():
        assert smooth.db.get_all("Mig Category", pluck="name") == ["Shipping"]


def test_second_migrate_leaves_fixtures_untouched(tmp_path: Path, backend: str, app: MiniApp,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        app.fixture("Mig Category", [SHIPPING, LICENCES])
        run_migrate(handle)
        before = snapshot(handle)
        with handle.context():
            versions = smooth.db.count("Version")
        loaded: list[object] = []
        real_get_doc = fixtures.get_doc
        monkeypatch.setattr(fixtures, "get_doc", lambda *args, **kwargs: loaded.append(args) or real_get_doc(
            *args, **kwargs))
        report, _ = run_migrate(handle)
        assert report.fixtures == {"inserted": 0, "updated": 0, "unchanged": 2, "kept": 0}
        assert loaded == [], "a record synced to the shipped version and not saved since is not even loaded"
        assert snapshot(handle) == before, "modified and every child row must stay as they were"
        with handle.context():
            assert smooth.db.count("Version") == versions


def test_changed_fixture_updates_the_record(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        app.fixture("Mig Category", [SHIPPING, LICENCES])
        run_migrate(handle)
        before = snapshot(handle)
        changed = {**SHIPPING, "description": "Crates", "aliases": [{"alias": "post", "weight": 5}]}
        app.fixture("Mig Category", [changed, LICENCES])
        report, _ = run_migrate(handle)
        assert report.fixtures == {"inserted": 0, "updated": 1, "unchanged": 1, "kept": 0}
        after = snapshot(handle)
        assert after["Shipping"]["description"] == "Crates"
        assert [(r["alias"], r["weight"]) for r in after["Shipping"]["aliases"]] == [("post", 5)]
        assert after["Shipping"]["modified"] > before["Shipping"]["modified"]
        assert after["Licences"] == before["Licences"]
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 2, "kept": 0}


def test_edits_made_on_the_site_are_kept(tmp_path: Path, backend: str, app: MiniApp) -> None:
    lines: list[str] = []
    with mini_site(tmp_path, backend, app) as handle:
        app.fixture("Mig Category", [SHIPPING, LICENCES])
        run_migrate(handle)
        with handle.context():
            doc = smooth.get_doc("Mig Category", "Shipping")
            doc.description = "Pallets, as our warehouse says"
            doc.append("aliases", {"alias": "freight", "weight": 3})
            doc.save()
            smooth.db.commit()
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 1, "kept": 1}
        app.fixture("Mig Category", [{**SHIPPING, "description": "Crates"}, {**LICENCES, "rank": 7}])
        report, lines = run_migrate(handle)
        assert report.fixtures == {"inserted": 0, "updated": 1, "unchanged": 0, "kept": 1}
        assert any('kept the site\'s edits to Mig Category Shipping' in line
                   and 'bench reset-fixture "Mig Category" "Shipping"' in line for line in lines)
        after = snapshot(handle)
        assert after["Shipping"]["description"] == "Pallets, as our warehouse says"
        assert len(after["Shipping"]["aliases"]) == 3
        assert after["Licences"]["rank"] == 7  # not edited on the site: the new shipped version lands
        with handle.context():
            assert reset_fixture(smooth.local.site.apps, "Mig Category", "Shipping") == "updated"
            smooth.db.commit()
            assert smooth.db.get_value("Mig Category", "Shipping", "description") == "Crates"
            with pytest.raises(smooth.DoesNotExistError, match="No app ships Mig Category Parcels"):
                reset_fixture(smooth.local.site.apps, "Mig Category", "Parcels")
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 2, "kept": 0}


def test_single_doctype_fixture(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        app.fixture("Mig Settings", [{"doctype": "Mig Settings", "greeting": "Hello", "retries": 3}])
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 1, "unchanged": 0, "kept": 0}
        with handle.context():
            assert smooth.db.get_value("Mig Settings", None, "greeting") == "Hello"
            assert smooth.db.get_value("Mig Settings", None, "retries") == 3
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 1, "kept": 0}


def test_malformed_fixture_file_names_the_file(tmp_path: Path, backend: str, app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        path = app.fixture("Mig Category", [])
        path.write_text('[\n {"doctype": "Mig Category",\n}\n]')
        with pytest.raises(smooth.ValidationError, match="malformed JSON at line 3") as failure:
            run_migrate(handle)
        assert str(path) in str(failure.value)


def test_export_writes_the_hooked_records_and_reimports_on_a_fresh_site(tmp_path: Path, backend: str,
                                                                         app: MiniApp) -> None:
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            shipfast = {**SHIPPING, "name": "Shipfast", "category_name": "Shipfast", "aliases": []}
            for record in (SHIPPING, shipfast, LICENCES):
                smooth.get_doc({k: v for k, v in record.items() if k != "name"}).insert()
            smooth.db.commit()
            written = export_fixtures()
        target = app.path / "fixtures" / "mig_category.json"
        assert written == [target]
        records = json.loads(target.read_text())
        assert [r["name"] for r in records] == ["Shipfast", "Shipping"], "only the hook's filters match"
        shipping = records[1]
        assert not {"creation", "modified", "modified_by", "owner", "docstatus", "idx"} & set(shipping)
        assert shipping["doctype"] == "Mig Category" and shipping["starts"] == "2026-01-05"
        assert shipping["aliases"] == [{"alias": "post", "weight": 1}, {"alias": "mail", "weight": 2}]
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 2, "kept": 0}

        fresh = create_site(tmp_path, backend, [str(app.path)], prefix="m")
        try:
            with fresh.context():
                assert sorted(smooth.db.get_all("Mig Category", pluck="name")) == ["Shipfast", "Shipping"]
                doc = smooth.get_doc("Mig Category", "Shipping")
                assert (doc.description, doc.weight, str(doc.starts)) == ("Boxes", 2.5, "2026-01-05")
                assert [(r.alias, r.weight) for r in doc.aliases] == [("post", 1), ("mail", 2)]
            assert run_migrate(fresh)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 2, "kept": 0}
        finally:
            drop_site(fresh)


def test_export_of_a_single_doctype_round_trips(tmp_path: Path, backend: str) -> None:
    app = MiniApp(tmp_path, hooks='fixtures = ["Mig Settings"]\n')
    app.doctype("Mig Settings", [data_field("greeting"), data_field("api_secret", "Password")], issingle=1)
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            settings = smooth.get_doc("Mig Settings")
            settings.greeting = "Hi"
            settings.api_secret = "s3cret"
            settings.save()
            smooth.db.commit()
            export_fixtures()
        records = json.loads((app.path / "fixtures" / "mig_settings.json").read_text())
        assert records == [{"doctype": "Mig Settings", "name": "Mig Settings", "greeting": "Hi"}], \
            "a masked password must never be shipped"
        assert run_migrate(handle)[0].fixtures == {"inserted": 0, "updated": 0, "unchanged": 1, "kept": 0}


def test_fixtures_are_synced_after_the_records_they_link_to(tmp_path: Path, backend: str) -> None:
    """`a_*.json` sorts before `zone.json`, yet its Link to a Zone must validate."""
    app = MiniApp(tmp_path)
    app.doctype("Mig Zone", [data_field("zone_name")], autoname="field:zone_name")
    app.doctype("Mig Area", [data_field("area_name"), data_field("zone", "Link", options="Mig Zone"),
                             data_field("stops", "Table", options="Mig Stop")], autoname="field:area_name")
    app.doctype("Mig Stop", [data_field("zone", "Link", options="Mig Zone")], istable=1)
    app.fixture("Mig Area", [{"doctype": "Mig Area", "name": "Docks", "area_name": "Docks", "zone": "North",
                              "stops": [{"zone": "South"}]}])
    app.fixture("Mig Zone", [{"doctype": "Mig Zone", "name": z, "zone_name": z} for z in ("North", "South")])
    with mini_site(tmp_path, backend, app) as handle:
        with handle.context():
            doc = smooth.get_doc("Mig Area", "Docks")
            assert (doc.zone, [s.zone for s in doc.stops]) == ("North", ["South"])
        report, lines = run_migrate(handle)
        assert report.fixtures == {"inserted": 0, "updated": 0, "unchanged": 3, "kept": 0}
        synced = [line for line in lines if line.startswith("Syncing fixtures")]
        assert synced[0].endswith("mig_zone.json") and synced[1].endswith("mig_area.json")
