# Copyright (c) 2024, Smooth tests and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class FSPlain(Document):
	pass
