"""The desk at /app: workspaces and the list, form, calendar and report views of every doctype,
generated from its metadata (one template per kind of view, never a page per doctype)."""
