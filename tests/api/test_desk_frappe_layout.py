"""The desk form of a doctype written as Frappe apps write them (Test Frappe Form): laid out by
`field_order`, its Section / Column / Tab Breaks shown or hidden by their `depends_on`, as the
server renders it (the browser re-evaluates the same conditions as values change). SQLite only:
nothing here depends on the database dialect."""

from __future__ import annotations

import html
import json
import re

import pytest

import smooth
from tests.api.helpers import Api

pytestmark = pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)
FORM = "/app/test-frappe-form"


def _page(api: Api, path: str) -> str:
    response = api.get(path)
    assert response.status_code == 200, response.text[:800]
    return html.unescape(response.text)


def _tag(page: str, needle: str) -> str:
    """The opening tag that carries `needle`."""
    at = page.index(needle)
    return page[page.rindex("<", 0, at):page.index(">", at) + 1]


def _saved(api: Api, status: str) -> str:
    with api.handle.context():
        if not smooth.db.exists("Test Category", "Cat"):
            smooth.get_doc({"doctype": "Test Category", "category_name": "Cat", "description": "d"}).insert()
        name = smooth.get_doc({"doctype": "Test Frappe Form", "title": "T", "category": "Cat", "status": status,
                               "closing_note": "n"}).insert().name
        smooth.db.commit()
    return str(name)


def test_a_new_form_follows_field_order_and_hides_what_its_breaks_hide(api: Api) -> None:
    page = _page(api, f"{FORM}/new")
    order = [page.index(f'data-fieldname="{name}"') for name in ("title", "status", "category", "closing_note",
                                                                  "review_note", "score", "remarks")]
    assert order == sorted(order)  # `fields` lists the closing section first; field_order puts title first
    closing = _tag(page, "data-depends-on=\"eval:doc.status=='Closed';\"")
    assert closing.startswith("<section") and " hidden" in closing  # status is Open
    review = _tag(page, 'data-depends-on="eval:!doc.__islocal"')
    assert review.startswith('<div class="form-column"') and " hidden" in review  # a new document
    scores = _tag(page, 'id="tab-scores_tab"')
    assert "data-depends-on=\"eval:doc.status!='Lost'\"" in scores and " hidden" not in scores
    values = json.loads(re.search(r'id="form-doc-values">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert values["__islocal"] == 1


def test_a_saved_form_shows_the_column_and_section_its_values_call_for(api: Api) -> None:
    page = _page(api, f"{FORM}/{_saved(api, 'Closed')}")
    assert " hidden" not in _tag(page, "data-depends-on=\"eval:doc.status=='Closed';\"")
    assert " hidden" not in _tag(page, 'data-depends-on="eval:!doc.__islocal"')
    values = json.loads(re.search(r'id="form-doc-values">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert "__islocal" not in values


def test_a_tab_break_condition_hides_its_tab(api: Api) -> None:
    page = _page(api, f"{FORM}/{_saved(api, 'Lost')}")
    assert " hidden" in _tag(page, 'id="tab-scores_tab"')
    assert " hidden" in _tag(page, 'id="panel-scores_tab"')


def test_an_autoincrement_document_opens_and_saves_in_the_desk(api: Api) -> None:
    created = api.post("/app/test-autoincrement/new", data={"subject": "From the desk"}, follow_redirects=False)
    assert created.status_code == 303
    name = created.headers["location"].split("/")[-1].split("?")[0]
    assert name.isdigit()
    page = _page(api, f"/app/test-autoincrement/{name}")
    assert "From the desk" in page and f"duplicate={name}" in page
