# Copyright (c) 2024, Smooth tests and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FLShelf(Document):
	def validate(self):
		self.shelf_name = frappe.utils.cstr(self.shelf_name).strip()
