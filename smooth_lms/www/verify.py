"""/verify/<number>: anyone (no login) checks a certificate: valid, expired, revoked, or not found.

`/verify` alone (or `/verify?number=`) offers a lookup form; only a lookup counts against the limit.

Numbers are unguessable, and lookups are throttled per IP (`smooth.auth.rate_limit.LOOKUP`:
site config `lookups_per_ip`, `lookup_window_seconds`), so the page cannot be used to walk
through numbers. An unknown and a revoked number differ only in the words shown.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth.auth import rate_limit
from smooth_lms import certificates


def get_context(context: Any) -> None:
    number = str(context.form_dict.get("number") or "").strip()[:32]
    context.number, context.result = number, None
    context.title = f"Certificate {number}" if number else "Verify a certificate"
    if not number:
        return
    site = smooth.local.site
    rate_limit.check(site, "", context.client_ip, rate_limit.LOOKUP)
    rate_limit.record_failure(site, "", context.client_ip, rate_limit.LOOKUP)
    context.result = certificates.verification(number)
