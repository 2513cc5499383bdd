"""Video watch evidence, lesson rules, the lesson path and who reads a lesson's files: server side.

SQLite only: the rules are Python over plain reads and writes, nothing here differs between dialects.
Elapsed time is simulated by moving the stored start of a page view (or its last report) back: the
server compares those with its own clock, which is what a learner cannot move.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
from smooth.core.doctype.file.file import can_read
from smooth_lms import learning, lesson_flow, lesson_rules, next_step, programs, progress, video_evidence
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course
from tests.lms.content import add_lessons
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit

LEARNER = "watcher@example.com"
VIEW = "view-0001"


def _as(user: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    smooth.set_user(user)
    try:
        return fn(*args, **kwargs)
    finally:
        smooth.set_user("Administrator")


def _video_course(**rules: Any) -> tuple[str, list[str]]:
    course = make_course("Watching", evaluation_required=0, **rules)
    lessons = add_lessons(course, {"Film": ["Clip", "Reading"]})
    smooth.db.set_value("Course Lesson", lessons[0], {"youtube": "https://youtu.be/dQw4w9WgXcQ", "video_duration": 55})
    make_user(LEARNER, "LMS Student")
    _as(LEARNER, learning.enroll, course)
    smooth.db.commit()
    return course, lessons


def _report(lesson: str, segments: str = "", view: str = VIEW, **kwargs: Any) -> dict[str, Any]:
    return _as(LEARNER, video_evidence.record_engagement, lesson, view, segments, **kwargs)


def _age(lesson: str, seconds: float, field: str = "view_started") -> None:
    """Real time passes: the page view began (or last reported) `seconds` ago."""
    name = smooth.db.get_value(lesson_rules.ENGAGEMENT, {"member": LEARNER, "lesson": lesson}, "name")
    smooth.db.set_value(lesson_rules.ENGAGEMENT, name, field, smooth.now_datetime() - dt.timedelta(seconds=seconds))


def test_watched_seconds_never_exceed_real_time_and_reports_are_idempotent(lms: SiteHandle) -> None:
    _, lessons = _video_course(prevent_skipping=0, video_completion_percent=90)
    assert _report(lessons[0])["segments"] == []
    assert _report(lessons[0], "0,1,2,3,4,5")["segments"] == []  # the view began just now: nothing watched yet
    _age(lessons[0], 12)  # 12 s at up to 2x and 2 s of slack: 26 s of video, two segments
    assert _report(lessons[0], "0,1,2,3,4,5")["segments"] == [0, 1]
    again = _report(lessons[0], "0,1,2,3,4,5")  # the same report again credits nothing more
    assert again["segments"] == [0, 1] and again["watched_percent"] == pytest.approx(36.4, abs=0.1)
    _age(lessons[0], 13)  # one more second of real time is not another segment
    assert _report(lessons[0], "0,1,2")["segments"] == [0, 1]
    # a new page view starts its own clock: reloading buys no time
    assert _report(lessons[0], "0,1,2,3,4,5", view="view-0002")["segments"] == [0, 1]
    row = lesson_rules.engagement(LEARNER, lessons[0])
    assert row is not None and row["watched_segments"] == "0-20" and row["duration"] == 55
    with pytest.raises(smooth.ValidationError, match="numbers"):
        _report(lessons[0], "0,1;DROP")
    with pytest.raises(smooth.ValidationError, match="page view"):
        _report(lessons[0], "0", view="x")


def test_skip_prevention_credits_only_the_unbroken_run_and_the_share_completes(lms: SiteHandle) -> None:
    course, lessons = _video_course(prevent_skipping=1, video_completion_percent=80)
    _report(lessons[0])
    _age(lessons[0], 100)
    assert _report(lessons[0], "3,4")["segments"] == []  # segments past a gap are refused
    with pytest.raises(smooth.ValidationError, match="Watch at least 80% of the video"):
        _as(LEARNER, learning.save_progress, lessons[0])
    partial = _report(lessons[0], "0,1,3")
    assert partial["segments"] == [0, 1] and partial["furthest"] == 20 and not partial["completed"]
    done = _report(lessons[0], "0,1,2,3,4")  # 50 of 55 s: 90.9%
    assert done["completed"] and done["progress"] == 50 and done["why_not"] is None
    assert lessons[0] in progress.completed_lessons(LEARNER, course)
    assert smooth.db.get_value(lesson_rules.ENGAGEMENT, {"member": LEARNER}, "completed_on")
    # the last, shorter segment is the video's end
    assert _report(lessons[0], "0,1,2,3,4,5")["watched_percent"] == 100


def test_minimum_time_on_a_lesson_counts_reports_of_one_view_in_view(lms: SiteHandle) -> None:
    _, lessons = _video_course(minimum_lesson_seconds=45)
    reading = lessons[1]
    _report(reading)
    with pytest.raises(smooth.ValidationError, match="Spend at least 45 s on this lesson"):
        _as(LEARNER, learning.save_progress, reading)
    _age(reading, 300, "last_seen")  # a page left open for five minutes counts one report's cap
    assert _report(reading)["time_on_lesson"] == video_evidence.BEAT_CAP
    _age(reading, 20, "last_seen")
    assert _report(reading, visible=0)["time_on_lesson"] == 30  # hidden: not counted
    _age(reading, 20, "last_seen")
    assert _report(reading)["time_on_lesson"] == 50
    assert _as(LEARNER, learning.save_progress, reading)["progress"] == 50  # the video has no rule: 1 of 2


def test_the_authors_player_sets_the_length_a_learners_cannot(lms: SiteHandle) -> None:
    course, lessons = _video_course()
    smooth.db.set_value("Course Lesson", lessons[0], "video_duration", 0)
    author = make_user("author@example.com", "Course Creator")
    course_doc = smooth.get_doc("LMS Course", course)
    course_doc.append("instructors", {"instructor": author})
    course_doc.save()
    assert _as(author, video_evidence.record_engagement, lessons[0], VIEW, "", duration="61.5") == {"recorded": False}
    assert smooth.db.get_value("Course Lesson", lessons[0], "video_duration") == 61.5
    outsider = make_user("other@example.com", "LMS Student")
    smooth.db.set_value("Course Lesson", lessons[0], "video_duration", 0)
    with pytest.raises(smooth.DoesNotExistError):
        _as(outsider, video_evidence.record_engagement, "no-such-lesson", VIEW)
    # a learner's own first length is pinned on their record: reporting a shorter one later changes nothing
    assert _report(lessons[0], duration="40")["recorded"]
    _age(lessons[0], 100)
    assert _report(lessons[0], "0,1,2,3", duration="10")["watched_percent"] == 100
    assert lesson_rules.engagement(LEARNER, lessons[0])["duration"] == 40  # type: ignore[index]
    assert not smooth.db.get_value("Course Lesson", lessons[0], "video_duration")


def test_the_path_runs_lesson_quiz_next_lesson_and_resumes_at_the_first_left(lms: SiteHandle) -> None:
    course = make_course("Path", evaluation_required=0)
    lessons = add_lessons(course, {"One": ["First", "Second"], "Two": ["Third"]})
    quiz = make_quiz(course, "After first", lesson=lessons[0])
    closing = make_quiz(course, "Closing")
    make_user(LEARNER, "LMS Student")
    _as(LEARNER, learning.enroll, course)
    flow = lesson_flow.course_flow(LEARNER, course)
    assert [(i.kind, i.title) for i in flow.items] == [("lesson", "First"), ("quiz", "After first"),
                                                      ("lesson", "Second"), ("lesson", "Third"),
                                                      ("quiz", "Closing")]
    assert [g.title for g in flow.groups] == ["1. One", "2. Two", "Quizzes and assignments"]
    assert flow.after("lesson", lessons[0]).href.endswith(f"/quiz/{quiz}")  # type: ignore[union-attr]
    assert flow.before("lesson", lessons[1]).name == quiz  # type: ignore[union-attr]
    _as(LEARNER, learning.save_progress, lessons[0])
    assert lesson_flow.course_flow(LEARNER, course).resume().name == quiz  # type: ignore[union-attr]
    submit(LEARNER, quiz, ALL_RIGHT)
    flow = lesson_flow.course_flow(LEARNER, course)
    assert flow.resume().name == lessons[1] and [i.done for i in flow.items][:2] == [True, True]  # type: ignore[union-attr]
    values = smooth.db.get_value("LMS Course", course, ["name", "evaluation_required"], as_dict=True)
    step = next_step.after_item(LEARNER, values, flow, "quiz", quiz, False)
    assert step.label == "Next: 2.1 Third" or step.href.endswith(lessons[1])
    assert next_step.after_item(LEARNER, values, flow, "quiz", closing, False).href.endswith(f"/quiz/{closing}")


def test_a_lessons_private_files_are_read_by_its_learners_only(lms: SiteHandle) -> None:
    course, lessons = _video_course()
    unpublished = make_course("Hidden", published=0, evaluation_required=0)
    hidden = add_lessons(unpublished, {"Secret": ["Plans"]})[0]
    files = {}
    for lesson in (lessons[0], hidden):
        image = smooth.get_doc({"doctype": "File", "file_name": f"{lesson}.png", "is_private": 1,
                                "attached_to_doctype": "Course Lesson", "attached_to_name": lesson})
        image.content = b"\x89PNG\r\n\x1a\n"
        files[lesson] = image.insert().file_url
    stranger = make_user("stranger@example.com", "LMS Student")
    smooth.db.commit()
    assert can_read(files[lessons[0]], LEARNER)  # enrolled
    assert not can_read(files[hidden], LEARNER)  # another, unpublished course's lesson
    assert not can_read(files[lessons[0]], stranger)  # not enrolled, not a preview
    smooth.db.set_value("Course Lesson", lessons[0], "include_in_preview", 1)
    assert can_read(files[lessons[0]], stranger)  # a preview lesson of a published course
    assert can_read(files[hidden], "Administrator")


def test_no_watching_is_recorded_in_a_course_a_program_keeps_locked(lms: SiteHandle) -> None:
    first, _ = _video_course()
    second = make_course("Later", evaluation_required=0)
    film = add_lessons(second, {"Later": ["Later film"]})[0]
    smooth.db.set_value("Course Lesson", film, {"youtube": "dQw4w9WgXcQ", "video_duration": 30})
    program = smooth.get_doc({"doctype": "LMS Program", "title": "In order", "published": 1, "enforce_course_order": 1,
                              "program_courses": [{"course": first}, {"course": second}]}).insert().name
    programs.enrol(program, {LEARNER: None})
    with pytest.raises(smooth.PermissionError, match="Complete Watching first"):
        _report(film)
    assert lesson_rules.engagement(LEARNER, film) is None
