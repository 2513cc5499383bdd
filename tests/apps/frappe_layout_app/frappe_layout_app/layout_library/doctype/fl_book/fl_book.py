# Copyright (c) 2024, Smooth tests and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class FLBook(Document):
	def validate(self):
		if frappe.utils.cint(self.pages) < 1:
			frappe.throw(_("A book needs at least one page"))
		self.summary = _("{0} ({1} pages)").format(self.title, self.pages)
