"""The site's absolute URLs, for what leaves the browser: mails, PDFs and QR codes (Frappe's `get_url`).

Site config `host_name` (Frappe's key, e.g. "https://learn.example.com") is the public address.
Without it, a unit of work that serves an HTTP request uses that request's own scheme and host,
so a link made while the site is served on 127.0.0.1:8101 points there; a job or a command
outside any request falls back to http://<site name>, which `bench doctor` warns about.
"""

from __future__ import annotations

from smooth.context import local


def get_url(uri: str = "") -> str:
    """`uri` (a path such as "/verify/SMC-...") on the site's public address."""
    bound = local()
    base = str(bound.site.config.get("host_name") or bound.request_url or f"http://{bound.site.name}").rstrip("/")
    if not base.startswith(("http://", "https://")):
        base = "http://" + base
    if not uri:
        return base
    return base + (uri if uri.startswith("/") else "/" + uri)
