# Copyright (c) 2024, Smooth tests and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cint, date_diff, nowdate
from frappe.utils.data import flt


class FSTask(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Float
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		if self.plain and not frappe.db.exists("FS Plain", self.plain):
			frappe.throw(_("FS Plain {0} does not exist").format(self.plain), frappe.DoesNotExistError)
		if self.assigned_to and not frappe.db.get_value("User", self.assigned_to, "enabled"):
			frappe.throw(_("User {0} cannot take tasks").format(self.assigned_to))
		if not self.due_date:
			self.due_date = add_days(nowdate(), cint(self.days) or 7)
		if date_diff(self.due_date, frappe.utils.getdate()) < 0:
			frappe.throw(_("Due date {0} is in the past").format(frappe.utils.format_date(self.due_date)))
		self.created_by_name = frappe.db.get_value("User", frappe.session.user, "first_name")
		self.amount = flt(self.amount, 2)

	def on_update(self):
		frappe.flags.fs_task_updates = (frappe.flags.fs_task_updates or 0) + 1
		frappe.msgprint(_("Task {0} saved, {1} open").format(self.title, frappe.db.count("FS Task")))
