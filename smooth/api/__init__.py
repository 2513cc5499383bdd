"""Smooth's HTTP face: Frappe's REST API v1 (`/api/resource`, `/api/method`) on Starlette.

`smooth.asgi.create_app(sites_path, default_site)` builds the ASGI application that
`bench serve` runs. Every request is one unit of work (see `context`); errors become
Frappe's status codes and JSON envelope (see `errors`).
"""
