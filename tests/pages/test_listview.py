"""The desk list view over HTTP, as each role sees it, on SQLite and MariaDB.

Rows and counts go through the permission-checked queries: an evaluator sees only the
requests assigned to them, a learner only their own; filters, order and paging live in the
URL; bulk actions run each record through its lifecycle and report each refusal.
"""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest

import smooth
from smooth.model import user_queries
from tests.core._mini_app import recorded_sql
from tests.pages.desk_data import EVA1, EVA2, LEA1, MODERATOR
from tests.pages.desk_data import DeskData as Data

pytestmark = pytest.mark.both_backends  # filters, order and paging the database decides

LIST = "/app/lms-certificate-request"


def listed(page: str) -> list[str]:
    """Record names of the list's rows, in order."""
    return re.findall(r'name="select:([^"]+)"', page)


def text(page: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def sidebar_count(page: str, value: str) -> int:
    found = re.search(rf'<span class="group-value">{re.escape(value)}</span><span class="count">(\d+)</span>', page)
    assert found, f"no sidebar entry {value}"
    return int(found.group(1))


def status_of(handle, name: str) -> str:
    with handle.context():
        return smooth.db.get_value("LMS Certificate Request", name, "status")


def test_an_evaluator_sees_only_the_requests_assigned_to_them(desk, desk_data: Data) -> None:
    page = desk(EVA1).get(LIST).text
    assert sorted(listed(page)) == sorted([desk_data.r1, desk_data.r2])
    assert desk_data.r3 not in page
    assert "1–2 of 2" in page
    other = desk(EVA2).get(LIST).text
    assert listed(other) == [desk_data.r3]


def test_a_learner_sees_only_their_own_requests(desk, desk_data: Data) -> None:
    page = desk(LEA1).get(LIST).text
    assert listed(page) == [desk_data.r1]
    assert "New LMS Certificate Request" in page  # learners may book (create)


def test_filters_in_the_url_narrow_the_list_and_show_as_chips(desk, desk_data: Data) -> None:
    client = desk(EVA1)
    page = client.get(LIST, status="Pending").text
    assert listed(page) == [desk_data.r1]
    assert "Status equals Pending" in page
    by_operator = client.get(LIST, status=json.dumps(["in", ["Completed", "Cancelled"]])).text
    assert listed(by_operator) == [desk_data.r2]
    assert "Status in Completed, Cancelled" in by_operator
    not_set = client.get(LIST, batch_name=json.dumps(["is", "set"])).text
    assert listed(not_set) == []


def test_the_add_filter_form_becomes_a_filter_in_the_url(desk, desk_data: Data) -> None:
    moved = desk(MODERATOR).get(LIST, order_by="date asc", add_field="member", add_op="like", add_value="lea1%")
    assert moved.status_code == 303
    assert moved.headers["location"] == f"{LIST}?member=%5B%22like%22%2C%22lea1%25%22%5D&order_by=date+asc"
    page = desk(MODERATOR).get(moved.headers["location"]).text
    assert listed(page) == [desk_data.r1]
    assert "Member like lea1%" in page
    # every link on the page carries the filter in its canonical form, not the add_* fields
    assert "add_field" not in page.split('class="add-filter-form"')[0]
    assert "member=%5B%22like%22%2C%22lea1%25%22%5D" in page


def test_htmx_requests_get_the_canonical_url_to_push(desk, desk_data: Data) -> None:
    response = desk(MODERATOR).http.get(LIST, params={"status": "Pending", "order_by": "date asc"},
                                        headers={"HX-Request": "true"})
    assert response.headers["HX-Push-Url"] == f"{LIST}?status=Pending&order_by=date+asc"


def test_quick_filters_assigned_to_me_and_created_by_me(desk, desk_data: Data) -> None:
    client = desk(EVA1)
    assert sorted(listed(client.get(LIST, assigned_to_me=1).text)) == sorted([desk_data.r1, desk_data.r2])
    assert listed(client.get(LIST, created_by_me=1).text) == []  # the learners booked them
    assert listed(desk(LEA1).get(LIST, created_by_me=1).text) == [desk_data.r1]
    assert listed(desk(MODERATOR).get(LIST, assigned_to_me=1).text) == []


def test_default_filters_and_order_give_the_evaluators_upcoming_requests_first(desk, desk_data: Data) -> None:
    page = desk(MODERATOR).get(LIST).text
    assert "Date &gt;= today" in page
    assert listed(page) == [desk_data.r1, desk_data.r2, desk_data.r3]  # date, then start time
    with_past = desk(MODERATOR).get(LIST, order_by="start_time desc").text  # any state: no default filter
    assert "Date &gt;= today" not in with_past
    assert listed(with_past) == [desk_data.r3, desk_data.r2, desk_data.r1]


def test_sort_links_toggle_the_direction(desk, desk_data: Data) -> None:
    page = desk(MODERATOR).get(LIST, order_by="start_utc asc").text
    assert 'aria-sort="ascending"' in page
    assert "order_by=start_utc+desc" in page


def test_group_by_sidebar_counts_what_the_user_may_read(desk, desk_data: Data) -> None:
    """The page sends its rows and loads the counts from view/counts (htmx); without scripts
    `?counts=1` draws them in the page."""
    page = desk(MODERATOR).get(LIST, order_by="date asc").text
    assert 'hx-get="/app/lms-certificate-request/view/counts?order_by=date+asc' in page
    assert "Counting…" in page and 'class="count"' not in page
    moderator = desk(MODERATOR).get(f"{LIST}/view/counts", order_by="date asc").text
    assert sidebar_count(moderator, "Pending") == 2
    assert sidebar_count(moderator, "Completed") == 1
    assert sidebar_count(moderator, "eva1") == 2  # a User is shown by its full name (show_title_field_in_link)
    assert sidebar_count(moderator, "eva2") == 1
    assert "<!doctype" not in moderator  # a fragment, not a page
    inline = desk(MODERATOR).get(LIST, order_by="date asc", counts="1").text
    assert sidebar_count(inline, "Pending") == 2 and "Counting…" not in inline
    evaluator = desk(EVA1).get(f"{LIST}/view/counts", order_by="date asc").text
    assert sidebar_count(evaluator, "Pending") == 1
    assert EVA2 not in evaluator and "eva2%40" not in evaluator


def test_the_sidebar_counts_the_facets_its_filters_leave_alone_in_one_query(desk, desk_data: Data,
                                                                            desk_server) -> None:
    """Each count reads every matching row, so the facets that share their filters are one GROUP BY added up per
    field; a filtered facet (status here) still leaves its own filter out, and both agree with counting alone."""
    with recorded_sql(desk_server[1]) as statements:
        page = desk(MODERATOR).get(f"{LIST}/view/counts", order_by="date asc", status="Pending").text
    counted = [s for s in statements if "tabLMS Certificate Request" in s and "count(" in s.lower()]
    assert len(counted) == 3, counted  # the total, the shared facets, the status facet
    assert sidebar_count(page, "Completed") == 1 and sidebar_count(page, "Pending") == 2
    with desk_server[1].context(user=MODERATOR):
        filters = [["LMS Certificate Request", "status", "=", "Pending"]]
        fields = ["course", "member", "evaluator", "batch_name", "meet_status"]
        together = user_queries.facet_counts("LMS Certificate Request", fields, filters, limit=10)
        alone = {f: user_queries.group_counts("LMS Certificate Request", f, filters, limit=10) for f in fields}
        assert {f: sorted(c, key=str) for f, c in together.items()} == {f: sorted(c, key=str) for f, c in alone.items()}
        assert sum(n for _, n in together["evaluator"]) == 2


def test_the_page_sends_its_rows_without_counting_and_reads_the_viewer_once(desk, desk_data: Data,
                                                                           desk_server) -> None:
    """The total and the group-by counts follow from view/counts; the viewer's name and zone are one read at most
    (none while the site cache holds the viewer's row: their login no longer clears it)."""
    client = desk(EVA1)
    with recorded_sql(desk_server[1]) as statements:
        page = client.get(LIST, order_by="date asc").text
    assert sorted(listed(page)) == sorted([desk_data.r1, desk_data.r2])
    on_requests = [s for s in statements if "tabLMS Certificate Request" in s]
    assert len(on_requests) == 1 and "count(" not in on_requests[0].lower(), on_requests
    zone_reads = [s for s in statements if '"tabUser".time_zone' in s or "`tabUser`.time_zone" in s]
    assert len(zone_reads) <= 1 and all("full_name" in s for s in zone_reads), zone_reads


def test_links_render_as_desk_links_and_status_as_an_indicator(desk, desk_data: Data) -> None:
    page = desk(MODERATOR).get(LIST, order_by="date asc").text
    assert f'href="/app/lms-course/{desk_data.course_a}"' in page
    assert f'href="{LIST}/{desk_data.r1}"' in page
    assert '<span class="indicator orange">Pending</span>' in page
    assert '<span class="indicator green">Completed</span>' in page


def test_paging_with_a_total_count(desk, desk_data: Data, desk_server) -> None:
    with desk_server[1].context():
        for i in range(23):
            smooth.get_doc({"doctype": "LMS Course", "title": f"Course {i:02d}"}).insert()
        smooth.db.commit()
    client = desk(MODERATOR)
    first = client.get("/app/lms-course", order_by="title asc").text
    assert "1–20 of …" in first  # the total follows from view/counts
    assert "1–20 of 25" in client.get("/app/lms-course/view/counts", order_by="title asc").text
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/app/lms-course", order_by="title asc", page=2).text
    assert "21–25 of 25" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert len(listed(second)) == 5
    assert len(listed(client.get("/app/lms-course", order_by="title asc", page_length=100).text)) == 25


@pytest.mark.parametrize("query, message", [
    ({"active_key": "x"}, "You cannot filter on 'active_key'"),
    ({"nope": "x"}, "You cannot filter on 'nope'"),
    ({"status": '["drop table", 1]'}, "Operator 'drop table' is not allowed"),
    ({"order_by": "notes desc"}, "Cannot sort by Notes"),
    ({"page_length": "7"}, "page_length must be one of 20, 100, 500"),
    ({"date": '[">=", "not a date"]'}, "not a date"),
])
def test_bad_view_state_is_a_417_page_with_the_reason(desk, desk_data: Data, query, message) -> None:
    response = desk(MODERATOR).get(LIST, **query)
    assert response.status_code == 417
    assert message in text(response.text)


def test_pages_are_for_desk_users_only(desk, desk_data: Data, desk_server) -> None:
    guest = httpx.get(desk_server[0] + LIST, follow_redirects=False)
    assert guest.status_code == 303 and guest.headers["location"].startswith("/login?redirect-to=")
    assert desk(MODERATOR).get("/app/no-such-doctype").status_code == 404


def test_a_single_doctype_has_no_list_its_url_opens_its_form(desk, desk_data: Data) -> None:
    response = desk(MODERATOR).get("/app/lms-settings")
    assert response.status_code == 303
    assert response.headers["location"] == "/app/lms-settings/LMS%20Settings"


def test_new_button_only_with_create_right(desk, desk_data: Data) -> None:
    assert 'href="/app/lms-certificate-request/new"' in desk(MODERATOR).get(LIST).text
    assert 'href="/app/lms-certificate-request/new"' not in desk(EVA1).get(LIST).text


# -- bulk actions -----------------------------------------------------------------------------------------


def test_a_moderator_sets_the_status_of_several_requests(desk, desk_data: Data, desk_server) -> None:
    client = desk(MODERATOR)
    response = client.post(f"{LIST}?order_by=date+asc", {
        f"select:{desk_data.r1}": "1", f"select:{desk_data.r3}": "1",
        "bulk_action": "set", "set_to": "status:Cancelled"})  # (Completed waits for the slot: the workflow)
    assert response.status_code == 200
    assert "Status set to Cancelled on 2 records." in response.text
    assert status_of(desk_server[1], desk_data.r1) == "Cancelled"
    assert status_of(desk_server[1], desk_data.r3) == "Cancelled"


def test_bulk_reports_each_refusal_with_its_message_and_keeps_the_rest(desk, desk_data: Data, desk_server) -> None:
    response = desk(EVA1).post(LIST + "?order_by=date+asc", {
        f"select:{desk_data.r1}": "1", f"select:{desk_data.r2}": "1", f"select:{desk_data.r3}": "1",
        "bulk_action": "set", "set_to": "status:Cancelled"})
    page = text(response.text)
    assert "Status set to Cancelled on 1 record." in page
    assert "2 records could not be changed" in page
    assert f"{desk_data.r2}: a change of status from Completed to Cancelled is not a workflow action" in page
    assert f"{desk_data.r3}: Not permitted" in page
    assert status_of(desk_server[1], desk_data.r1) == "Cancelled"
    assert status_of(desk_server[1], desk_data.r2) == "Completed"
    assert status_of(desk_server[1], desk_data.r3) == "Pending"


def test_bulk_set_accepts_only_options_of_settable_fields(desk, desk_data: Data, desk_server) -> None:
    client = desk(MODERATOR)
    bad_option = client.post(LIST, {f"select:{desk_data.r1}": "1", "bulk_action": "set", "set_to": "status:Lost"})
    assert bad_option.status_code == 417
    assert "is not an option of Status" in html.unescape(bad_option.text)
    read_only = client.post(LIST, {f"select:{desk_data.r1}": "1", "bulk_action": "set", "set_to": "day:Friday"})
    assert read_only.status_code == 417
    assert status_of(desk_server[1], desk_data.r1) == "Pending"


def test_bulk_delete_needs_the_delete_right(desk, desk_data: Data, desk_server) -> None:
    refused = desk(EVA1).post(LIST, {f"select:{desk_data.r1}": "1", "bulk_action": "delete"})
    assert "1 record could not be changed" in refused.text
    assert "Not permitted" in refused.text
    deleted = desk(MODERATOR).post(LIST, {f"select:{desk_data.r1}": "1", f"select:{desk_data.r2}": "1",
                                          "bulk_action": "delete"})
    assert "Deleted 2 records." in deleted.text
    with desk_server[1].context():
        assert smooth.db.get_all("LMS Certificate Request", pluck="name") == [desk_data.r3]


def test_bulk_actions_need_the_csrf_token(desk, desk_data: Data, desk_server) -> None:
    response = desk(MODERATOR).post(LIST, {f"select:{desk_data.r1}": "1", "bulk_action": "delete"}, csrf=False)
    assert response.status_code in (400, 403)
    assert status_of(desk_server[1], desk_data.r1) == "Pending"


def test_record_values_are_escaped(desk, desk_data: Data, desk_server) -> None:
    with desk_server[1].context():
        smooth.db.set_value("LMS Certificate Request", desk_data.r1, "member_name", '<img src=x onerror="alert(1)">')
        smooth.db.commit()
    page = desk(MODERATOR).get(LIST, order_by="date asc").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page


def test_bulk_set_a_check_field(desk, desk_data: Data, desk_server) -> None:
    response = desk(MODERATOR).post("/app/lms-course", {
        f"select:{desk_data.course_a}": "1", f"select:{desk_data.course_b}": "1",
        "bulk_action": "set", "set_to": "published:0"})
    assert "Published set to No on 2 records." in text(response.text)
    with desk_server[1].context():
        assert smooth.db.get_all("LMS Course", filters={"published": 1}, pluck="name") == []
    bad = desk(MODERATOR).post("/app/lms-course", {f"select:{desk_data.course_a}": "1", "bulk_action": "set",
                                                   "set_to": "published:maybe"})
    assert bad.status_code == 417 and "Published takes Yes (1) or No (0)" in text(bad.text)
