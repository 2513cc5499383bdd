"""/printview and download_pdf over HTTP: the chosen format, the read check, both method names."""

from __future__ import annotations

from tests.api.helpers import Api, add_user, insert


def test_printview_and_pdf(served: Api) -> None:
    course = insert(served, {"doctype": "LMS Course", "title": "Printed Course", "published": 1})
    insert(served, {"doctype": "Print Format", "name": "Course Sheet", "doc_type": "LMS Course",
                    "html": "<h1>Sheet: {{ doc.title }}</h1>"})
    page = served.get("/printview", params={"doctype": "LMS Course", "name": course, "format": "Course Sheet"})
    assert page.status_code == 200, page.text
    assert "Sheet: Printed Course" in page.text and "Download PDF" in page.text
    for method in ("frappe.utils.print_format.download_pdf", "smooth.utils.print_format.download_pdf"):
        response = served.get(f"/api/method/{method}", params={"doctype": "LMS Course", "name": course,
                                                                "format": "Course Sheet"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f'filename="{course}.pdf"' in response.headers["content-disposition"]


def test_printing_is_reading(served: Api) -> None:
    enrollment_owner = add_user(served, "owner@example.com", "LMS Student")
    other = add_user(served, "other@example.com", "LMS Student")
    course = insert(served, {"doctype": "LMS Course", "title": "Private Course", "published": 1})
    enrollment = insert(served, {"doctype": "LMS Enrollment", "member": enrollment_owner, "course": course})
    args = {"doctype": "LMS Enrollment", "name": enrollment}
    assert served.get("/api/method/frappe.utils.print_format.download_pdf", params=args,
                      user=other).status_code == 403
    assert served.get("/printview", params=args, user=other).status_code == 403
    assert served.get("/printview", params=args, user=None).status_code in (303, 403)
    assert served.get("/printview", params=args, user=enrollment_owner).status_code == 200


FAILING_FORMATS = {
    "Divides By Zero": ("<p>fine</p>\n{{ 1/0 }}", "line 2: ZeroDivisionError"),
    "Huge Number": ("{{ 10**100000 }}", "line 1: a number is too large"),
    "Bad Format String": ("{{ '{}{}'.format(doc.title) }}", "line 1: IndexError"),
    "Wide Format": ("{{ '%0999999999d' % 1 }}", "line 1: a format width"),
    "Recursive Macro": ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n\n{{ m(1) }}", "calls nest deeper"),
}


def test_a_format_that_fails_at_print_time_answers_417_naming_it_and_the_line(served: Api) -> None:
    """Each failure of a saved format is a 417 that names the format and the line, never a 500."""
    course = insert(served, {"doctype": "LMS Course", "title": "Failing Prints", "published": 1})
    for name, (html, reason) in FAILING_FORMATS.items():
        insert(served, {"doctype": "Print Format", "name": name, "doc_type": "LMS Course", "html": html})
        args = {"doctype": "LMS Course", "name": course, "format": name}
        page = served.get("/printview", params=args)
        assert page.status_code == 417, (name, page.status_code, page.text[:300])
        assert f"Print Format &#39;{name}&#39;, HTML" in page.text and reason in page.text, (name, page.text)
        pdf = served.get("/api/method/frappe.utils.print_format.download_pdf", params=args)
        assert pdf.status_code == 417, (name, pdf.status_code, pdf.text[:300])
        assert f"Print Format '{name}', HTML" in pdf.text and reason in pdf.text, (name, pdf.text)
