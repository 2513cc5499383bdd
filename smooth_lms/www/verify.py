"""/verify/<number>: anyone (no login) checks a certificate: valid, expired, revoked, or not found.

`/verify` alone (or `/verify?number=`) offers a lookup form; only a lookup counts against the limit.

Numbers are unguessable, and lookups are throttled per IP (`smooth.throttle_lookup`:
site config `lookups_per_ip`, `lookup_window_seconds`), so the page cannot be used to walk
through numbers. An unknown and a revoked number differ only in the words shown.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import certificates, programs


def get_context(context: Any) -> None:
    number = str(context.form_dict.get("number") or "").strip()[:32]
    context.number, context.result = number, None
    context.title = f"Certificate {number}" if number else "Verify a certificate"
    if not number:
        return
    smooth.throttle_lookup(context.client_ip)
    context.result = certificates.verification(number)
    if context.result["state"] == "Unknown":
        context.result = programs.verification(number) or context.result
