"""A German desk user sees doctype names, field and section labels and Select options in German, and Smooth HR's
pages too; the stored values (an option's `value`) stay English. SQLite only: nothing here is dialect-specific."""

from __future__ import annotations

import re

import pytest

import smooth
from tests.api.helpers import Api, add_user, insert
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

GERMAN = "desk-de@example.com"
ENGLISH = "desk-en@example.com"


@pytest.fixture
def users(served: Api) -> Api:  # noqa: F811
    for email in (GERMAN, ENGLISH):
        add_user(served, email, "System Manager", "HR Manager")
    with served.handle.context():
        smooth.db.set_value("User", GERMAN, "language", "de")
        smooth.db.commit()
    return served


def test_the_certificate_request_form_and_list_in_german(users: Api) -> None:
    form = users.get("/app/lms-certificate-request/new", user=GERMAN)
    assert form.status_code == 200, form.text[:500]
    text = form.text
    assert "<h1>LMS-Zertifikatsanfrage neu anlegen</h1>" in text
    assert ">Kurs</label>" in text and ">Kurstitel</span>" in text and ">Zeitzone des Lernenden</span>" in text
    assert '<h2 class="section-label">Termin</h2>' in text
    assert 'data-value="Monday">Montag</span>' in text  # a Select option shown in German, stored in English
    assert "Course Title" not in text
    listing = users.get("/app/lms-certificate-request", user=GERMAN).text
    assert "<h1>LMS-Zertifikatsanfrage</h1>" in listing
    english = users.get("/app/lms-certificate-request/new", user=ENGLISH).text
    assert "<h1>New LMS Certificate Request</h1>" in english and ">Course Title</span>" in english
    assert 'data-value="Monday">Monday</span>' in english
    # the scripts' words are drawn once per language and kept: each reader still gets theirs, page after page
    for _round in range(2):
        german = users.get("/app/lms-certificate-request/new", user=GERMAN).text
        english = users.get("/app/lms-certificate-request/new", user=ENGLISH).text
        assert '"The request failed": "Die Anfrage ist fehlgeschlagen"' in german
        assert '"Division by zero in a condition": "Division durch null in einer Bedingung"' in german
        assert '"The request failed": "The request failed"' in english
        assert '"Division by zero in a condition": "Division by zero in a condition"' in english


def test_smooth_hr_pages_in_german(users: Api) -> None:
    matrix = users.get("/app/compliance-matrix", user=GERMAN)
    assert matrix.status_code == 200, matrix.text[:500]
    assert "<h1>Compliance-Matrix</h1>" in matrix.text and ">Anzeigen</button>" in matrix.text
    assert '<option value="">Alle Abteilungen</option>' in matrix.text
    transcript = users.get("/app/training-transcript", user=GERMAN).text
    assert "Wählen Sie einen Mitarbeiter: Öffnen Sie sein Formular" in transcript
    assert '<option value="">All departments</option>' in users.get("/app/compliance-matrix", user=ENGLISH).text


def test_a_select_column_of_a_list_shows_its_options_in_german(users: Api) -> None:
    insert(users, {"doctype": "Employee", "first_name": "Greta", "last_name": "Listed", "status": "Active",
                   "date_of_joining": "2026-01-05"})
    german = users.get("/app/employee", user=GERMAN)
    assert german.status_code == 200, german.text[:500]
    assert "<h1>Mitarbeiter</h1>" in german.text and ">Aktiv<" in german.text and ">Active<" not in german.text
    assert ">Active<" in users.get("/app/employee", user=ENGLISH).text



def test_a_list_s_filter_placeholder_and_any_link_in_german(users: Api) -> None:
    """A Link filter's placeholder is the linked doctype's name, a group-by's "Any ..." link its label, in German."""
    insert(users, {"doctype": "Employee", "first_name": "Greta", "last_name": "Listed", "status": "Active",
                   "date_of_joining": "2026-01-05"})
    german = users.get("/app/employee", params={"status": "Active"}, user=GERMAN).text
    assert 'placeholder="Abteilung"' in german and '"Bold": "Fett"' in german  # the scripts' words: the dictionary
    counts = users.get("/app/employee/view/counts", params={"status": "Active"}, user=GERMAN).text
    assert ">Status: beliebig<" in counts
    english = users.get("/app/employee", params={"status": "Active"}, user=ENGLISH).text
    assert 'placeholder="Department"' in english
    assert ">Any status<" in users.get("/app/employee/view/counts", params={"status": "Active"}, user=ENGLISH).text


def test_core_doctypes_their_descriptions_and_workspaces_in_german(users: Api) -> None:
    """The core's doctypes (User), their fields' descriptions and the Users workspace come from the core's catalog."""
    form = users.get("/app/user/new", user=GERMAN).text
    assert "<h1>Benutzer neu anlegen</h1>" in form and ">Zeitzone</label>" in form and ">Benutzertyp<" in form
    assert "Ihre Zeitzone, z. B. Europe/Berlin; leer verwendet die der Organisation (Systemeinstellungen)" in form
    assert "Time Zone" not in form and "Your time zone" not in form
    assert 'aria-label="Zeile zu Rollen hinzufügen">Zeile hinzufügen<' in form  # the grid's own words too
    assert 'placeholder="Leer lassen, um es zu behalten"' in form and 'aria-label="Rolle (Zeile von Rollen)"' in form
    workspace = users.get("/app/users", user=GERMAN).text
    assert "<h1>Benutzer und Einstellungen</h1>" in workspace and ">Desk-Benutzer<" in workspace
    assert re.search(r">\d+ aktiv<", workspace)  # a shortcut's count format


def test_a_list_s_filter_chips_quick_filters_and_sort_choices_in_german(users: Api) -> None:
    page = users.get("/app/lms-course?published=1&order_by=modified%20desc", user=GERMAN)
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert ">Veröffentlicht gleich Ja<" in text and ">Von mir erstellt<" in text
    assert ">Zuletzt aktualisiert am (absteigend)<" in text and '<option value="like">wie</option>' in text
    english = users.get("/app/lms-course?published=1", user=ENGLISH).text
    assert ">Published equals Yes<" in english and ">Last Updated On (descending)<" in english
    assert "Noch keine Einträge vom Typ LMS-Programm." in users.get("/app/lms-program", user=GERMAN).text
