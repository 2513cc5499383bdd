"""/lms/certificates: my certificates, each with its PDF and a link anyone can open to verify it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import smooth
from smooth import _
from smooth_lms import certificates, learning


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to see your certificates"))
    context.title = smooth._("My certificates")
    rows = certificates.my_certificates(user)
    for row in rows:
        row["pdf_url"] = "/api/method/frappe.utils.print_format.download_pdf?" + urlencode(
            {"doctype": "LMS Certificate", "name": row["name"]})
        row["verify_path"] = f"/verify/{row['certificate_number']}"
        row["share_url"] = smooth.get_url(row["verify_path"])
    context.certificates = rows
