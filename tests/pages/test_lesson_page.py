"""The lesson page's players and their Content-Security-Policy, and a lesson video served in ranges.

A YouTube or Vimeo lesson embeds the host's player through its iframe API, so that page (and only that
page) allows the host's script and frames; every other page keeps the site's policy. Page behaviour over
the served site, no dialect differences: SQLite only.
"""

from __future__ import annotations

import pytest

import smooth
from smooth.pages.rendering import SECURITY_HEADERS, security_headers
from tests.api.helpers import Api
from tests.lms.conftest import make_course, make_learner
from tests.lms.content import add_lessons
from tests.lms.test_assignments import make_assignment

LEARNER = "leo@example.com"


def _directives(response: object) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {name: values.split() for name, _, values in (d.strip().partition(" ") for d in policy.split(";"))}


def test_a_video_host_is_allowed_on_its_lesson_page_only(served: Api) -> None:
    with served.handle.context():
        course = make_course("Embedded", evaluation_required=0)
        lessons = add_lessons(course, {"Films": ["On YouTube", "On Vimeo", "Plain"]})
        smooth.db.set_value("Course Lesson", lessons[0], "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3")
        smooth.db.set_value("Course Lesson", lessons[1], "vimeo", "https://vimeo.com/76979871")
        make_learner(LEARNER, course, progress=0)
        video = smooth.get_doc({"doctype": "File", "file_name": "clip.webm", "is_private": 1,
                                "attached_to_doctype": "Course Lesson", "attached_to_name": lessons[2]})
        video.content = bytes(range(256)) * 4
        url = video.insert().file_url
        smooth.db.commit()
    youtube = served.get(f"/lms/courses/{course}/learn/{lessons[0]}", user=LEARNER)
    assert youtube.status_code == 200
    assert 'data-kind="youtube" data-source="dQw4w9WgXcQ"' in youtube.text
    policy = _directives(youtube)
    assert policy["script-src"] == ["'self'", "https://www.youtube.com"]
    assert policy["frame-src"] == ["'self'", "https://www.youtube.com", "https://www.youtube-nocookie.com"]
    assert policy["frame-ancestors"] == ["'none'"]
    vimeo = served.get(f"/lms/courses/{course}/learn/{lessons[1]}", user=LEARNER)
    assert 'data-kind="vimeo" data-source="76979871"' in vimeo.text
    assert _directives(vimeo)["frame-src"] == ["'self'", "https://player.vimeo.com"]
    plain = served.get(f"/lms/courses/{course}/learn/{lessons[2]}", user=LEARNER)
    assert plain.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    part = served.get(url, user=LEARNER, headers={"Range": "bytes=10-19"})  # the player seeks in ranges
    assert part.status_code == 206 and part.content == bytes(range(10, 20))
    assert part.headers["content-range"] == "bytes 10-19/1024"


def test_a_page_may_add_only_https_hosts_to_a_source_directive() -> None:
    for bad in ({"script-src": ["'unsafe-inline'"]}, {"script-src": ["http://example.com"]},
                {"frame-ancestors": ["https://example.com"]}, {"script-src": ["https://a.com; object-src *"]}):
        with pytest.raises(ValueError, match="Not a Content-Security-Policy source"):
            security_headers(bad)
    assert security_headers(None) is SECURITY_HEADERS


def test_an_assignment_after_a_lesson_points_on_to_the_next_lesson_once_handed_in(served: Api) -> None:
    with served.handle.context():
        course = make_course("Handed in", evaluation_required=0)
        lessons = add_lessons(course, {"Work": ["Before", "After"]})
        task = make_assignment(course, "Report", lesson=lessons[0], grading="Mark", max_mark=10, pass_mark=5).name
        make_learner(LEARNER, course, progress=0)
        smooth.db.commit()
    first = served.get(f"/lms/courses/{course}/learn/{lessons[0]}", user=LEARNER).text
    assert f'href="/lms/courses/{course}/assignment/{task}" id="next-step">Next: assignment Report' in first
    page = f"/lms/courses/{course}/assignment/{task}"
    assert 'id="next-step"' not in served.get(page, user=LEARNER).text  # nothing handed in yet
    assert served.post(page, user=LEARNER, data={"answer": "Done."}).status_code in (200, 303)
    after = served.get(page, user=LEARNER).text
    assert f'href="/lms/courses/{course}/learn/{lessons[1]}" id="next-step">Next: 1.2 After' in after
    assert f'<a href="/lms/courses/{course}/assignment/{task}" aria-current="page">Assignment: Report</a>' in after
