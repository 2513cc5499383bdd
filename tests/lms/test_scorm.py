"""SCORM packages as lessons: the zip and manifest checks, the run-time data model, commits, progress, tokens.

SQLite only: nothing here differs by dialect (the attempts are plain rows). The browser half, the package
actually running in Chromium, is tests/e2e/test_scorm_lesson.py.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest

import smooth
from smooth.pages.portal import PageContext
from smooth_lms import certification, learning, progress
from smooth_lms.scorm import datamodel, manifest, package, player, runtime, serving, tokens
from smooth_lms.www.lms import scorm_file
from tests.conftest import SiteHandle, make_user
from tests.lms import scorm_packages as pk
from tests.lms.conftest import lms  # noqa: F401

LEARNER = "sco.learner@example.com"


def refused(content: bytes, *words: str) -> str:
    with pytest.raises(smooth.ValidationError) as caught:
        manifest.read_package(content)
    for word in words:
        assert word in caught.value.message, caught.value.message
    return str(caught.value.message)


def test_the_two_authored_packages_are_read() -> None:
    old = manifest.read_package(pk.package_12())
    assert (old.version, old.launch, old.title) == ("1.2", "content/index.html", "Fire safety")
    assert old.settings["mastery_score"] == 80
    new = manifest.read_package(pk.package_2004())
    assert (new.version, new.launch) == ("2004", "sco.html")


def test_bad_zips_are_refused_with_what_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    refused(b"not a zip at all", "not a zip")
    refused(pk.zipped({"index.html": "x"}), "no imsmanifest.xml")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "../evil.html": "x"}),
            "climbs out")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "/etc/cron.d/x": "x"}),
            "absolute path")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "C:/win.ini": "x"}),
            "absolute path")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "a\\..\\b": "x"}),
            "backslash")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12}), "launch page", "not a file of the package")
    refused(pk.zipped({"imsmanifest.xml": "<manifest><unclosed>", "a.html": "x"}), "not valid XML")
    bomb = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<manifest>&b;</manifest>")
    refused(pk.zipped({"imsmanifest.xml": bomb}), "not valid XML")
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12.replace("<schemaversion>1.2</schemaversion>", "")
                      .replace("adlcp_rootv1p2", "other").replace("imscp_rootv1p1p2", "other"),
                       "content/index.html": "x"}), "names no SCORM version")
    link = zipfile.ZipInfo("content/link.html")
    link.external_attr = (0o120777 << 16)
    buffer = pk.io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", pk.MANIFEST_12)
        archive.writestr("content/index.html", "x")
        archive.writestr(link, "/etc/passwd")
    refused(buffer.getvalue(), "symbolic link")
    monkeypatch.setattr(manifest, "MAX_FILES", 2)
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x", "b": "x"}), "at most 2")
    monkeypatch.setattr(manifest, "MAX_FILES", 5000)
    monkeypatch.setattr(manifest, "MAX_TOTAL_BYTES", 1000)
    refused(pk.zipped({"imsmanifest.xml": pk.MANIFEST_12, "content/index.html": "x" * 5000}), "unpacks to")


@pytest.mark.parametrize(("version", "name", "value", "code"), [
    ("1.2", "cmi.core.lesson_status", "passed", 0),
    ("1.2", "cmi.core.lesson_status", "finished", 405),
    ("1.2", "cmi.core.lesson_status", "not attempted", 405),
    ("1.2", "cmi.core.score.raw", "100.5", 405),
    ("1.2", "cmi.core.score.raw", "", 0),
    ("1.2", "cmi.core.student_id", "me", 403),
    ("1.2", "cmi.core._children", "x", 402),
    ("1.2", "cmi.core.nothing", "x", 201),
    ("1.2", "cmi.core.session_time", "0001:02:03.5", 0),
    ("1.2", "cmi.core.session_time", "PT1M", 405),
    ("1.2", "cmi.suspend_data", "x" * 4096, 0),
    ("1.2", "cmi.suspend_data", "x" * 4097, 405),
    ("1.2", "cmi.core.lesson_location", "x" * 256, 405),
    ("1.2", "cmi.objectives.0.status", "passed", 201),  # before its id
    ("1.2", "cmi.objectives.1.id", "q1", 201),  # a gap
    ("1.2", "cmi.objectives.0.id", "has space", 405),
    ("2004", "cmi.score.scaled", "-1", 0),
    ("2004", "cmi.score.scaled", "1.01", 407),
    ("2004", "cmi.progress_measure", "abc", 406),
    ("2004", "cmi.completion_status", "done", 406),
    ("2004", "cmi.learner_name", "x", 404),
    ("2004", "cmi.nothing", "x", 401),
    ("2004", "cmi.session_time", "PT1H2M3.25S", 0),
    ("2004", "cmi.session_time", "01:02:03", 406),
    ("2004", "cmi.objectives.0.success_status", "passed", 408),
    ("2004", "cmi.objectives._count", "1", 404),
    ("2004", "cmi.suspend_data", "x" * 64001, 406),
    ("2004", "adl.nav.request", "{target=intro}choice", 0),
    ("2004", "cmi.interactions.0.id", "i 1", 406),
])
def test_the_data_model_refuses_with_the_version_error_code(version: str, name: str, value: str, code: int) -> None:
    assert datamodel.code(version, datamodel.problem_with_set(version, name, value, {})) == code


def test_arrays_grow_one_item_at_a_time_and_items_start_with_their_id() -> None:
    state = datamodel.apply("2004", {"cmi.interactions.0.id": "q1", "cmi.interactions.0.objectives.0.id": "o1",
                                     "cmi.interactions.0.result": "correct"}, {})
    assert datamodel.count(state, "cmi.interactions") == 1
    assert datamodel.count(state, "cmi.interactions.0.objectives") == 1
    assert datamodel.problem_with_set("2004", "cmi.interactions.0.objectives.2.id", "o", state) == "index"
    with pytest.raises(ValueError, match="Undefined Data Model Element"):
        datamodel.apply("2004", {"cmi.location": "a", "cmi.nope": "b"}, {})
    comments = datamodel.apply("1.2", {"cmi.comments": "one "}, {})
    assert datamodel.apply("1.2", {"cmi.comments": "two"}, comments)["cmi.comments"] == "one two"


def test_times_are_read_and_written_in_each_versions_format() -> None:
    assert datamodel.seconds("1.2", "0001:02:03.50") == 3723.5
    assert datamodel.seconds("2004", "P1DT1H") == 90000
    assert datamodel.timespan("1.2", 3723.5) == "0001:02:03.50"
    assert datamodel.timespan("2004", 65) == "PT0H1M5.00S"


@pytest.fixture
def course(lms: SiteHandle) -> Iterator[str]:  # noqa: F811
    name = smooth.get_doc({"doctype": "LMS Course", "title": "Compliance SCORM", "published": 1}).insert().name
    make_user(LEARNER, "LMS Student")
    smooth.set_user(LEARNER)
    learning.enroll(name)
    smooth.set_user("Administrator")
    yield str(name)


def _commit(lesson: str, session: str, changes: dict[str, str], attempt: int = 1) -> dict:
    smooth.set_user(LEARNER)
    try:
        return runtime.commit(lesson, attempt, session, changes)
    finally:
        smooth.set_user("Administrator")


def test_a_saved_package_is_unpacked_privately_and_a_public_upload_is_refused(course: str) -> None:
    lesson = smooth.get_doc("Course Lesson", pk.scorm_lesson(course, pk.package_12()))
    assert (lesson.scorm_version, lesson.scorm_launch) == ("1.2", "content/index.html")
    assert lesson.scorm_folder.startswith("scorm/")
    assert b"findApi" in (package.read(lesson.scorm_folder, "content/probe.js") or b"")
    assert package.read(lesson.scorm_folder, "../imsmanifest.xml") is None
    assert smooth.read_file("/private/files/" + lesson.scorm_folder + "/imsmanifest.xml") is None  # no File route
    public = smooth.get_doc({"doctype": "File", "file_name": "open.zip", "is_private": 0})
    public.content = pk.package_12()
    public.insert()
    lesson.scorm_package = public.file_url
    with pytest.raises(smooth.ValidationError, match="private file"):
        lesson.save()


def test_commits_complete_the_lesson_and_sessions_add_up(course: str) -> None:
    lesson = pk.scorm_lesson(course, pk.package_12())
    smooth.set_user(LEARNER)
    with pytest.raises(smooth.ValidationError, match="SCORM package"):
        learning.save_progress(lesson)  # no marking it complete by hand
    smooth.set_user("Administrator")
    first = _commit(lesson, "sessionaaaa1", {"cmi.core.lesson_status": "incomplete",
                                             "cmi.core.session_time": "0000:01:00", "cmi.suspend_data": "p=1"})
    assert (first["completed"], first["progress"]) == (0, 0)
    values = smooth.db.get_value("LMS Course", course, ["name", "title", "evaluation_required"], as_dict=True)
    gate = certification.status(LEARNER, {**values, "evaluation_required": 1})
    assert not gate.content_complete and [x.name for x in gate.lessons_left] == [lesson]
    _commit(lesson, "sessionaaaa1", {"cmi.core.session_time": "0000:02:00"})  # the same session, set again
    done = _commit(lesson, "sessionbbbb2", {"cmi.core.score.raw": "90", "cmi.core.lesson_status": "completed",
                                            "cmi.core.session_time": "0000:00:30", "cmi.core.exit": "suspend"})
    assert (done["completion_status"], done["success_status"], done["completed"]) == ("passed", "passed", 1)
    assert done["total_time"] == "0000:02:30.00" and done["progress"] == 100
    assert lesson in progress.completed_lessons(LEARNER, course)
    assert certification.status(LEARNER, {**values, "evaluation_required": 1}).content_complete
    state = runtime.launch_state(runtime.lesson_of(lesson), LEARNER, 1, "sessioncccc3")
    assert (state["cmi.suspend_data"], state["cmi.core.entry"], state["cmi.core.total_time"]) == \
        ("p=1", "resume", "0000:02:30.00")
    assert "cmi.core.session_time" not in state and "cmi.core.exit" not in state
    # a failed second attempt leaves the lesson complete
    smooth.set_user(LEARNER)
    player.new_attempt(LEARNER, lesson)
    smooth.set_user("Administrator")
    failed = _commit(lesson, "sessiondddd4", {"cmi.core.score.raw": "40", "cmi.core.lesson_status": "completed"},
                     attempt=2)
    assert (failed["success_status"], failed["completed"], failed["progress"]) == ("failed", 0, 100)
    assert [r["attempt"] for r in runtime.results(LEARNER, course)] == [2, 1]


def test_a_refused_value_stores_nothing_and_strangers_cannot_commit(course: str) -> None:
    lesson = pk.scorm_lesson(course, pk.package_2004())
    with pytest.raises(smooth.ValidationError, match="Out Of Range"):
        _commit(lesson, "sessionaaaa1", {"cmi.location": "x", "cmi.score.scaled": "3"})
    assert not smooth.get_all("LMS SCORM Attempt", filters={"lesson": lesson})
    for bad in ({"cmi.location": 3}, ["cmi.location"], "not json"):
        with pytest.raises(smooth.ValidationError, match="changes"):
            _commit(lesson, "sessionaaaa1", bad)  # type: ignore[arg-type]
    with pytest.raises(smooth.ValidationError, match="Attempt"):
        _commit(lesson, "sessionaaaa1", {}, attempt=7)
    make_user("stranger@example.com", "LMS Student")
    smooth.set_user("stranger@example.com")
    with pytest.raises(smooth.PermissionError):
        runtime.commit(lesson, 1, "sessionaaaa1", {"cmi.location": "x"})
    smooth.set_user("Administrator")
    done = _commit(lesson, "sessionaaaa1", {"cmi.score.scaled": "0.95", "cmi.success_status": "passed",
                                            "cmi.completion_status": "completed"})
    assert done["completed"] == 1


def test_package_files_need_a_valid_token_and_html_gets_the_shim(course: str) -> None:
    lesson = pk.scorm_lesson(course, pk.package_2004())
    token = tokens.issue(LEARNER, lesson, 1, "sessionaaaa1")
    page = serving.package_file(token, "sco.html")
    assert page["sandboxed"] and page["content_type"] == "text/html"
    html = page["content"].decode()
    assert html.index("window.SmoothScorm=") < html.index("findApi") and '"cmi.learner_id": "' + LEARNER in html
    other = serving.package_file(token, "imsmanifest.xml")  # not a page: sent from disk, in chunks
    assert other["sandboxed"] and b"<schemaversion>" in other["path"].read_bytes() and "content" not in other
    xhtml = serving.with_shim(b'<html xmlns="http://www.w3.org/1999/xhtml"><head></head><body/></html>',
                              {"state": {}}, xml=True)  # still well-formed XML with the shim's `<` and `&&` in it
    assert ElementTree.fromstring(xhtml).find(".//{http://www.w3.org/1999/xhtml}head/*").tag.endswith("script")
    with pytest.raises(smooth.DoesNotExistError):
        serving.package_file(token, "missing.html")
    with pytest.raises(smooth.DoesNotExistError):
        serving.package_file(token, "../sco.html")
    with pytest.raises(smooth.PermissionError, match="not valid"):
        serving.package_file(token[:-2] + "xx", "sco.html")
    with pytest.raises(smooth.PermissionError, match="expired"):
        serving.package_file(tokens.issue(LEARNER, lesson, 1, "s", now=time.time() - tokens.LIFETIME_SECONDS - 1),
                             "sco.html")
    with pytest.raises(smooth.PermissionError, match="no longer enrolled"):
        serving.package_file(tokens.issue("stranger@example.com", lesson, 1, "s"), "sco.html")
    context = PageContext(form_dict={"token": token[:-2] + "xx", "file": "sco.html"})
    scorm_file.get_context(context)  # a page of the frame: the refusal is shown in the frame
    assert context.download["status"] == 403 and "open the lesson again" in context.download["content"]
    with pytest.raises(smooth.PermissionError):
        scorm_file.get_context(PageContext(form_dict={"token": token[:-2] + "xx", "file": "logo.png"}))


def test_the_manifest_thresholds_decide_completion_and_success() -> None:
    sequenced = pk.MANIFEST_2004.replace(
        '<item identifier="item1" identifierref="res1"><title>Data protection</title></item>',
        '<item identifier="item1" identifierref="res1" parameters="?lang=en"><title>Data protection</title>'
        '<adlcp:completionThreshold minProgressMeasure="0.8"/>'
        '<imsss:sequencing xmlns:imsss="http://www.imsglobal.org/xsd/imsss"><imsss:objectives>'
        '<imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">'
        '<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure></imsss:primaryObjective>'
        '</imsss:objectives></imsss:sequencing></item>')
    found = manifest.read_package(pk.zipped({"imsmanifest.xml": sequenced, "sco.html": "x"}))
    assert found.launch == "sco.html?lang=en"
    assert found.settings == {"launch_data": "", "time_limit_action": "", "completion_threshold": 0.8,
                              "scaled_passing_score": 0.7}
    judged = runtime.outcome("2004", {"cmi.progress_measure": "0.9", "cmi.completion_status": "incomplete",
                                      "cmi.score.scaled": "0.65", "cmi.success_status": "passed"}, found.settings)
    assert (judged["completion_status"], judged["success_status"], judged["completed"]) == ("completed", "failed", 0)
    judged = runtime.outcome("2004", {"cmi.progress_measure": "0.5", "cmi.score.scaled": "0.7"}, found.settings)
    assert (judged["completion_status"], judged["success_status"], judged["completed"]) == ("incomplete", "passed", 1)
    assert runtime.outcome("1.2", {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "79"},
                           {"mastery_score": 80})["completion_status"] == "failed"


def test_the_file_page_without_its_route_parts_is_not_found() -> None:
    with pytest.raises(smooth.DoesNotExistError):
        scorm_file.get_context(PageContext(form_dict={"token": ["x"]}))
