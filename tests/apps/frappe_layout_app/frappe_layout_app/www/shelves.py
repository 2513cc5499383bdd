import frappe


def get_context(context):
	context.shelves = frappe.get_all("FL Shelf", pluck="name", order_by="name asc")
