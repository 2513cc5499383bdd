"""A small app written the way Frappe apps are (controllers `import frappe`), for the compatibility layer's tests."""

app_name = "frappe_style_app"
app_title = "Frappe Style"
required_apps = ["frappe"]
