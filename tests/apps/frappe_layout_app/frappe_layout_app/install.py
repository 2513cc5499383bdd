import frappe


def after_install():
	if not frappe.db.exists("FL Shelf", "Returns"):
		frappe.get_doc({"doctype": "FL Shelf", "shelf_name": "Returns"}).insert(ignore_permissions=True)
