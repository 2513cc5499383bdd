"""Apps' portal pages: `www/` folders, `website_route_rules`, get_context / handle_post (core, no LMS)."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.responses import FileResponse

import smooth
from smooth.pages.portal import download_response, match_rules, rule_pattern
from tests.api.helpers import Api


def test_route_rules_name_the_parts_of_the_path() -> None:
    assert rule_pattern("/lms/courses/<course>").match("/lms/courses/safety-1").groupdict() == {"course": "safety-1"}
    assert rule_pattern("/lms/courses/<course>").match("/lms/courses/a/b") is None
    assert rule_pattern("/docs/<path:rest>").match("/docs/a/b").groupdict() == {"rest": "a/b"}
    rules = [{"from_route": "/x/<a>/y", "to_route": "x/y"}]
    assert match_rules("/x/1/y", rules) == ("x/y", {"a": "1"})
    assert match_rules("/x/1/z", rules) == ("x/1/z", {})


def test_an_index_page_and_a_routed_page_render_with_their_context(api: Api) -> None:
    index = api.get("/things")
    assert index.status_code == 200 and "All things" in index.text and "Administrator" in index.text
    assert index.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in index.headers["content-security-policy"]
    page = api.get("/things/alpha")
    assert page.status_code == 200 and "<h1>Thing alpha</h1>" in page.text


def test_query_arguments_reach_the_page_escaped(api: Api) -> None:
    page = api.get("/plain", params={"q": "<b>x</b>"})
    assert page.status_code == 200 and "plain &lt;b&gt;x&lt;/b&gt;" in page.text


def test_a_post_runs_handle_post_then_redirects_or_rerenders_with_the_message(api: Api) -> None:
    refused = api.post("/things/beta", data={"note": ""})
    assert refused.status_code == 417 and "A note is required" in refused.text
    saved = api.post("/things/beta", data={"note": "hello <there>"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/things/beta?saved=1"
    assert "hello &lt;there&gt;" in api.get("/things/beta").text


def test_a_refused_post_is_rolled_back_and_drawn_again_with_the_message_and_the_posted_value(api: Api) -> None:
    """`context.refused_post()`: the Test Note the post inserted before the refusal is not kept."""
    refused = api.post("/things/beta", data={"action": "file", "note": "refuse <this>"})
    assert refused.status_code == 417
    assert "refuse &lt;this&gt; is refused" in refused.text and 'value="refuse &lt;this&gt;"' in refused.text
    filed = api.post("/things/beta", data={"action": "file", "note": "keep"}, follow_redirects=False)
    assert filed.status_code == 303 and filed.headers["location"] == "/things/beta?filed=1"
    with api.handle.context():
        assert smooth.get_all("Test Note", pluck="title") == ["keep"]


def test_a_page_without_handle_post_refuses_posts(api: Api) -> None:
    assert api.post("/things", data={}).status_code == 405


def test_a_download_is_a_file_not_a_page(api: Api) -> None:
    file = api.get("/things/calendar")
    assert file.status_code == 200 and file.text == "BEGIN:VCALENDAR"
    assert file.headers["content-type"].startswith("text/calendar")
    assert file.headers["content-disposition"] == 'attachment; filename="thing.ics"'


def test_unknown_or_unsafe_paths_are_not_found(api: Api) -> None:
    for path in ("/nothing-here", "/things/../hooks", "/things/alpha/deeper", "/_private", "/smooth_tests/rules"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "text/html" in response.headers["content-type"]


def test_a_guest_refused_by_a_page_is_sent_to_log_in(api: Api) -> None:
    response = api.get("/things/secret", user=None, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?redirect-to=")


def test_a_guests_refused_post_gets_a_login_form_that_returns_with_the_choice_kept(api: Api) -> None:
    """A session that ended before a form was posted: not a 403 that loses the choice, but a login form."""
    response = api.post("/things/secret?tab=2", user=None, follow_redirects=False,
                        data={"note": "", "slot": "2026-12-07T09:00:00Z", "csrf_token": "old", "pwd": "x"})
    assert response.status_code == 401 and "Your session has ended" in response.text
    assert "Log in as someone else" not in response.text and 'action="/login"' in response.text
    kept = html.unescape(response.text.split('name="redirect-to" value="')[1].split('"')[0])
    assert kept == "/things/secret?tab=2&note=&slot=2026-12-07T09%3A00%3A00Z"  # no token, no password
    logged_in = api.post("/login", user=None, follow_redirects=False,
                         data={"usr": "Administrator", "pwd": "admin", "redirect-to": kept})
    api.http.cookies.clear()  # the shared client must not stay logged in: user=None means Guest for later tests
    assert logged_in.status_code == 303 and logged_in.headers["location"] == kept


def test_a_page_of_code_only_sends_its_file_or_is_not_found(api: Api) -> None:
    file = api.get("/code_only", params={"file": "1"})
    assert file.status_code == 200 and file.content == b"bytes"
    assert file.headers["content-disposition"] == 'attachment; filename="a_b.txt"'
    assert api.get("/code_only").status_code == 404


def test_a_sandboxed_download_is_shown_inline_in_an_opaque_origin_only_the_site_may_frame(tmp_path: Path) -> None:
    """Uploaded content shown in the browser (a SCORM package) runs its scripts without the site's origin; a file
    on disk is sent from there (chunks and ranges), with the same headers."""
    shown = download_response({"filename": "index.html", "content": "<p>hi</p>", "content_type": "text/html",
                               "sandboxed": True})
    policy = shown.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts") and "allow-same-origin" not in policy
    assert "frame-ancestors 'self'" in policy and "x-frame-options" not in shown.headers
    assert shown.headers["content-disposition"] == 'inline; filename="index.html"' and shown.status_code == 200
    assert download_response({"content": "<p>no</p>", "sandboxed": True, "status": 403}).status_code == 403
    saved = download_response({"filename": "index.html", "content": "<p>hi</p>", "content_type": "text/html"})
    assert saved.headers["content-disposition"].startswith("attachment") and saved.headers["x-frame-options"] == "DENY"
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 64)
    streamed = download_response({"filename": "clip.mp4", "path": video, "content_type": "video/mp4",
                                  "sandboxed": True})
    assert isinstance(streamed, FileResponse) and streamed.headers["content-security-policy"] == policy
    assert streamed.headers["content-disposition"] == 'inline; filename="clip.mp4"'
