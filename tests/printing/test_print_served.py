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
