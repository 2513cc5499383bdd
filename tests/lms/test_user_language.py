"""Which language a unit of work speaks, and what changes with it (SQLite only: nothing here is dialect-specific)."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.i18n import language
from smooth_lms import certificates, learning, quizzes
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course, make_learner


def test_the_user_s_language_else_the_site_s_else_english(lms: SiteHandle) -> None:
    make_user("de@example.com")
    smooth.db.set_value("User", "de@example.com", "language", "de")
    make_user("plain@example.com")
    smooth.db.commit()
    smooth.set_user("plain@example.com")
    assert smooth.get_lang() == "en" and smooth._("Save") == "Save"
    smooth.set_user("de@example.com")
    assert smooth.get_lang() == "de"
    assert smooth._("Save") == "Speichern"
    assert smooth._("Hello {0}", "Greta") == "Guten Tag Greta"  # formatted after translation
    assert smooth._("A string no catalog has {0}", 1) == "A string no catalog has 1"
    with smooth.in_language("en"):
        assert smooth._("Save") == "Save"
    assert smooth._("Save") == "Speichern"
    smooth.set_user("Administrator")
    smooth.db.set_single_value("System Settings", "language", "de")
    smooth.db.commit()
    try:
        smooth.set_user("plain@example.com")
        assert smooth.get_lang() == "de"
        smooth.set_user("Guest")
        assert smooth._("Log in") == "Anmelden"
    finally:
        smooth.set_user("Administrator")
        smooth.db.set_single_value("System Settings", "language", None)
        smooth.db.commit()


def test_a_booking_refusal_and_dates_reach_a_german_learner_in_german(lms: SiteHandle) -> None:
    course = make_course("Kranführung", certificate_validity_months=0)
    learner = make_learner("greta@example.com", course, language="de")
    cert = certificates.issue_certificate(learner, course)
    smooth.db.commit()
    smooth.set_user(learner)
    assert language.current() == "de"
    why = certificates.why_no_booking(learner, course)
    assert why == (f"Sie besitzen ein gültiges Zertifikat für diesen Kurs ({cert.certificate_number}); es läuft nicht "
                   "ab, daher ist keine Prüfung zu buchen")
    assert smooth.strftime(dt.date(2026, 3, 2), "%a %d %b %Y") == "Mo. 2. März 2026"
    smooth.set_user("Administrator")
    assert smooth.strftime(dt.date(2026, 3, 2), "%a %d %b %Y") == "Mon 02 Mar 2026"


def test_quiz_and_enrolment_refusals_reach_a_german_learner_in_german(lms: SiteHandle) -> None:
    course = make_course("Kranführung")
    learner = make_learner("jonas@example.com", course, language="de")
    quiz = smooth.get_doc({"doctype": "LMS Quiz", "title": "Grundlagen", "course": course, "max_attempts": 1,
                           "questions": [{"question": "2 + 2?", "type": "Single Choice", "options": "3\n4",
                                          "correct_answers": "4", "marks": 1}]}).insert().name
    closed = make_course("Stapler", published=0, upcoming=1)
    smooth.db.commit()
    smooth.set_user(learner)
    with pytest.raises(smooth.ValidationError, match="^Frage 1 ist unbeantwortet. Beantworten Sie sie"):
        quizzes.submit_quiz(quiz, {}, submit_unanswered=False)
    quizzes.submit_quiz(quiz, {"1": ["4"]})
    with pytest.raises(smooth.ValidationError, match="^Sie haben 1 von 1 Versuch bei Grundlagen verbraucht$"):
        quizzes.submit_quiz(quiz, {"1": ["4"]})
    with pytest.raises(smooth.ValidationError, match="^Stapler ist noch nicht zur Einschreibung geöffnet; bitten Sie"):
        learning.enroll(closed)
    smooth.set_user("Administrator")


def test_a_user_s_language_must_be_a_language_code(lms: SiteHandle) -> None:
    make_user("lang@example.com")
    user = smooth.get_doc("User", "lang@example.com")
    user.language = "de_de"
    user.save()
    assert smooth.db.get_value("User", "lang@example.com", "language") == "de-DE"
    user.language = "klingonish"
    with pytest.raises(smooth.ValidationError, match="not a language code"):
        user.save()
