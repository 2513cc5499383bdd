app_name = "frappe_layout_app"
app_title = "Frappe Layout App"
app_publisher = "Smooth tests"
app_description = "A synthetic app laid out as a Frappe app repository"
app_email = "tests@example.com"
app_license = "mit"
required_apps = ["frappe"]

fixtures = ["Role", "Custom Field"]

after_install = "frappe_layout_app.install.after_install"

app_include_css = "/assets/frappe_layout_app/css/shelf.css"
export_python_type_annotations = True
