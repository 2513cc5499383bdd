"""Catalogs, their lookup chain, locale formatting and the shipped German catalogs (no site: SQLite-free units).

The German test extracts the strings of the shipped sources (Python, Jinja pages, fixture Print Formats and Email
Templates) as `bench update-po-files` does, and fails on any that the German catalogs leave empty or fuzzy.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from smooth.apps import core_app, load_app
from smooth.exceptions import FilterError
from smooth.i18n import catalogs, deferred, extraction, formatting, language
from smooth.i18n.fragments import PerLanguage
from smooth.messages import _lazy, translate, translate_message
from smooth.meta.coerce import CoercionError, to_int

REPO_ROOT = Path(__file__).resolve().parents[2]


def _po(folder: Path, lang: str, entries: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    catalog = Catalog(locale=lang.replace("-", "_"))
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    path = catalogs.po_path(folder, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    path.write_bytes(buffer.getvalue())


def test_the_first_catalog_of_the_chain_wins_a_region_falls_back_to_its_language(tmp_path: Path) -> None:
    app, core = tmp_path / "app", tmp_path / "core"
    _po(core, "de", {"Save": "Speichern", "Course": "Kurs", "Hello {0}": "Hallo {0}"})
    _po(app, "de", {"Course": "Lehrgang"})
    _po(app, "de-AT", {"Save": "Sichern"})
    catalogs.clear()
    chain = (app, core)
    assert catalogs.translations(chain, "de") == {"Save": "Speichern", "Course": "Lehrgang", "Hello {0}": "Hallo {0}"}
    assert catalogs.translations(chain, "de-AT")["Save"] == "Sichern"
    assert catalogs.translations(chain, "de-AT")["Course"] == "Lehrgang"
    assert catalogs.language_codes(chain) == ["de", "de-AT"]
    catalogs.clear()


def test_empty_and_fuzzy_entries_are_not_used(tmp_path: Path) -> None:
    _po(tmp_path, "de", {"Save": "Speichern?", "Delete": ""}, fuzzy=("Save",))
    catalogs.clear()
    assert catalogs.translations((tmp_path,), "de") == {}
    catalogs.clear()


def test_outside_a_site_strings_stay_english_and_lazy_ones_translate_when_shown() -> None:
    assert translate("Save") == "Save"
    assert translate("Save", language.PSEUDO_RTL) == "[Save]"
    label = _lazy("Save")
    assert str(label) == "Save" and label.format() == "Save" and label == "Save"


def test_a_low_layer_message_is_its_english_text_and_keeps_its_msgid() -> None:
    """What logs, `str(exc)` and callers that glue text read does not change; the msgid survives a pickle (a job's
    exception) for the translation where the message is shown (tests/api/test_errors.py shows it in German)."""
    message = deferred._("Field {0} does not exist on {1}", "'x'", deferred._("Course"))
    assert message == "Field 'x' does not exist on Course" and str(ValueError(message)) == message
    assert (message.msgid, message.args[0]) == ("Field {0} does not exist on {1}", "'x'")
    assert pickle.loads(pickle.dumps(message)).args == message.args
    assert translate_message(message) == message and translate_message(7) == 7  # English outside a site
    refusal = FilterError(message)
    assert translate_message(refusal) == message  # a refusal passed to _() as an argument stands for its message
    with pytest.raises(CoercionError) as refused:
        to_int("lots")
    assert str(refused.value) == "is not a whole number"  # the predicate, for code that adds its own subject
    assert refused.value.about("'lots'") == "'lots' is not a whole number"
    assert refused.value.about("'lots'").msgid == "{0} is not a whole number"


def test_language_codes_are_normalised_and_directions_known() -> None:
    assert language.normalize("de_de") == "de-DE" and language.normalize(" DE ") == "de"
    assert language.normalize(None) == "" and language.normalize("x-rtl") == "x-rtl"
    assert language.direction("ar") == "rtl" and language.direction("x-rtl") == "rtl"
    assert language.direction("de") == "ltr" and language.direction("en") == "ltr"


def test_dates_keep_english_as_strftime_and_use_the_language_s_names_otherwise() -> None:
    moment = dt.datetime(2026, 12, 7, 14, 5)
    for pattern in ("%d %B %Y", "%a %-d %b %Y, %H:%M", "%A, %d %B %Y", "%b %y", "%H:%M"):
        assert formatting.strftime(moment, pattern, "en") == moment.strftime(pattern)
    assert formatting.strftime(moment, "%d %B %Y", "de") == "7. Dezember 2026"
    assert formatting.strftime(moment, "%A, %d %B %Y", "de") == "Montag, 7. Dezember 2026"
    assert formatting.strftime(moment.date(), "%a %d %b", "fr") == "lun. 07 déc."
    assert formatting.strftime(moment.time(), "%H:%M o'clock", "de") == "14:05 o'clock"
    assert formatting.cldr_pattern("%d %B %Y, %H:%M") == "dd MMMM yyyy, HH:mm"


def test_numbers_use_the_language_s_separators() -> None:
    assert formatting.format_number(1234.5, 2, "en") == "1,234.50"
    assert formatting.format_number(1234.5, 2, "de") == "1.234,50"
    assert formatting.format_number(3, None, "de") == "3"
    assert formatting.format_number(None) == ""


@pytest.fixture(scope="module")
def shipped() -> list[tuple[extraction.Owner, Catalog]]:
    owners = extraction.owners([core_app(), load_app(REPO_ROOT)])
    return [(owner, extraction.extract_catalog(owner)) for owner in owners]


def test_extraction_reads_python_jinja_pages_and_fixture_templates(shipped: list) -> None:
    found = {owner.name: {str(m.id) for m in catalog if m.id} for owner, catalog in shipped}
    assert {"Invalid login credentials", "Log in to Smooth", "Save", "Rows per page"} <= found["smooth"]
    assert {"Pick a time slot", "My learning", "Certificate of Completion", "Evaluation booked: {0}, {1}",
            "Hello {0}", "Pending"} <= found["smooth_lms"]
    # the core's doctypes and the Core module's workspace go to the core's catalog, an app's workspace to its module's
    assert {"User", "Role Name", "Users and Settings", "Desk users"} <= found["smooth"]
    assert "Question Bank" in found["smooth_lms"] and "Users and Settings" not in found["smooth_lms"]
    assert "Follows the roles: a System User when any role has desk access, else a Website User (portal only)" in \
        found["smooth"]  # a field's description (User.user_type)
    welcome = "Welcome aboard, {0}: your onboarding checklist"  # an Email Template of module Smooth HR
    assert welcome in found["smooth_hr"] and welcome not in found["smooth_lms"]


def test_the_german_catalogs_translate_every_shipped_string(shipped: list) -> None:
    missing = []
    for owner, catalog in shipped:
        path = catalogs.po_path(owner.locale, "de")
        if not len(catalog):
            continue
        assert path.is_file(), f"{owner.name} has strings but no German catalog: run `bench update-po-files`"
        german = extraction.read_catalog(path)
        gaps = set(extraction.missing(german))
        have = {str(m.id) for m in german if m.id}
        missing += [f"{owner.name}: {m.id!r}" for m in catalog
                    if m.id and (str(m.id) not in have or str(m.id) in gaps)]
    assert not missing, "untranslated in German (run `bench update-po-files --locale de`, then translate):\n" + \
        "\n".join(missing)


def test_a_per_language_fragment_is_drawn_once_per_language_until_the_catalogs_are_read_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`{% per_language %}` (the words a page's scripts show) keeps what it drew per language; a catalog read again
    (`catalogs.clear`) draws it anew, and an environment reloading edited templates keeps nothing."""
    drawn: list[str] = []
    reader = ["en"]
    monkeypatch.setattr(language, "current", lambda: reader[0])

    def word() -> str:
        drawn.append(reader[0])
        return f"{reader[0]} #{len(drawn)} <b>"

    def template(auto_reload: bool) -> jinja2.Template:
        env = jinja2.Environment(extensions=[PerLanguage], autoescape=True, auto_reload=auto_reload)
        env.globals["word"] = word
        return env.from_string("<p>{% per_language %}{{ word() }}{% endper_language %}</p>")

    kept, other = template(auto_reload=False), template(auto_reload=False)
    assert kept.render() == kept.render() == "<p>en #1 &lt;b&gt;</p>"
    reader[0] = "de"
    assert kept.render() == kept.render() == "<p>de #2 &lt;b&gt;</p>"
    reader[0] = "en"
    assert kept.render() == "<p>en #1 &lt;b&gt;</p>"
    assert other.render() == "<p>en #3 &lt;b&gt;</p>"  # another template's fragment is its own
    catalogs.clear()
    assert kept.render() == "<p>en #4 &lt;b&gt;</p>"
    reloading = template(auto_reload=True)
    assert reloading.render() == "<p>en #5 &lt;b&gt;</p>" and reloading.render() == "<p>en #6 &lt;b&gt;</p>"
