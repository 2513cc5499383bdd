"""Manifest of the framework's built-in app (module Core)."""

app_name = "smooth"
app_title = "Smooth"
app_publisher = "Smooth"
app_description = "Framework core: users, roles, versions, settings, files"
app_license = "MIT"

doc_events = {
    "*": {"on_trash": "smooth.core.doctype.file.file.delete_attachments"},
}
