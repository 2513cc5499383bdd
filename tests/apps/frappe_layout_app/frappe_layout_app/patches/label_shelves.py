import frappe


def execute():
	for name in frappe.get_all("FL Shelf", pluck="name"):
		frappe.db.set_value("FL Shelf", name, "label", name.upper())
