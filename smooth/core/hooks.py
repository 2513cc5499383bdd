"""Manifest of the framework's built-in app (module Core)."""

app_name = "smooth"
app_title = "Smooth"
app_publisher = "Smooth"
app_description = "Framework core: users, roles, versions, settings, files"
app_license = "MIT"

# The framework's short method names (Frappe serves these from frappe.handler); an app's
# override_whitelisted_methods entry for the same name wins, as apps load after the core.
override_whitelisted_methods = {
    "ping": "smooth.api.method.ping",
    "login": "smooth.auth.login.login",
    "logout": "smooth.auth.login.logout",
    "frappe.auth.get_logged_user": "smooth.auth.login.get_logged_user",
    "smooth.auth.get_logged_user": "smooth.auth.login.get_logged_user",
    "smooth.auth.get_csrf_token": "smooth.auth.login.get_csrf_token",
    "upload_file": "smooth.api.files.upload_file",
    "frappe.desk.search.search_link": "smooth.core.search.search_link",
    "smooth.desk.search.search_link": "smooth.core.search.search_link",
    "smooth.desk.search.fetch_link_values": "smooth.core.search.fetch_link_values",
    "frappe.utils.print_format.download_pdf": "smooth.api.printing.download_pdf",
    "smooth.utils.print_format.download_pdf": "smooth.api.printing.download_pdf",
    "frappe.desk.form.utils.add_comment": "smooth.core.doctype.comment.comment.add_comment",
    "frappe.desk.form.utils.update_comment": "smooth.core.doctype.comment.comment.update_comment",
    "smooth.desk.form.utils.add_comment": "smooth.core.doctype.comment.comment.add_comment",
    "smooth.desk.form.utils.update_comment": "smooth.core.doctype.comment.comment.update_comment",
    "smooth.desk.form.utils.delete_comment": "smooth.core.doctype.comment.comment.delete_comment",
    "frappe.model.workflow.get_transitions": "smooth.model.workflow.get_transitions_api",
    "frappe.model.workflow.apply_workflow": "smooth.model.workflow.apply_workflow_api",
    "smooth.model.workflow.get_transitions": "smooth.model.workflow.get_transitions_api",
    "smooth.model.workflow.apply_workflow": "smooth.model.workflow.apply_workflow_api",
}

# the records of the core that name a person (Frappe's key; the apps declare theirs): what a personal data download
# contains and what a deletion does to each (docs/personal-data.md). `partial` keeps the record, its
# `redact_fields` blanked; without it the record is deleted. The User itself is renamed and disabled, not deleted.
_KEPT_LOG = "a security record: who signed in and who read personnel files stays, without the address and browser"
user_data_fields = [
    {"doctype": "User", "filter_by": "name", "partial": 1, "redact_fields": ["first_name", "last_name", "full_name"],
     "reason": "kept records link to it: it stays, disabled, under an anonymous id"},
    {"doctype": "Activity Log", "filter_by": "user", "partial": 1, "redact_fields": ["ip_address", "user_agent"],
     "reason": _KEPT_LOG},
    {"doctype": "Access Log", "filter_by": "user", "partial": 1, "redact_fields": ["ip_address", "user_agent"],
     "reason": _KEPT_LOG},
    {"doctype": "Comment", "filter_by": "comment_email", "partial": 1,
     "redact_fields": ["comment_email", "comment_by", "content"],
     "reason": "a record's timeline keeps its entries; the words and the author go"},
    {"doctype": "Email Queue", "filter_by": "recipients.recipient"},
    {"doctype": "File", "filter_by": "owner", "partial": 1,
     "reason": "a file of a kept record stays with it (a file of a deleted record went with the record)"},
    {"doctype": "Notification Log", "filter_by": "for_user"},
    {"doctype": "Workflow Action", "filter_by": "user"},
    {"doctype": "User Permission", "filter_by": "user"},
    {"doctype": "Google Calendar", "filter_by": "user"},
    {"doctype": "Workspace", "filter_by": "for_user"},
    {"doctype": "Personal Data Download Request", "filter_by": "user"},
    {"doctype": "Personal Data Deletion Request", "filter_by": "email", "partial": 1,
     "reason": "the record of the erasure itself; it names only the anonymous id"},
]

# the personal data page (account menu) and the link a deletion request mails
website_route_rules = [
    {"from_route": "/personal-data", "to_route": "personal_data"},
    {"from_route": "/personal-data/confirm", "to_route": "personal_data_confirm"},
]

# the logs name users and records without keeping them from being deleted (Frappe's key)
ignore_links_on_delete = ["Access Log", "Activity Log"]

# the record rule that makes Workflow Action a personal to-do list
permission_query_conditions = {
    "Workflow Action": "smooth.core.doctype.workflow_action.workflow_action.own_actions",
    "Notification Log": "smooth.core.doctype.notification_log.notification_log.own_notices",
}

# every save of a document under an active workflow: state changes only by transitions, allow_edit per
# state; after it, the users who can act on the new state get their Workflow Action
_VALIDATE_WORKFLOW = "smooth.model.workflow.validate_workflow"
_UPDATE_ACTIONS = ["smooth.model.workflow.run_transition_method",
                   "smooth.core.doctype.workflow_action.workflow_action.update_actions"]
# the Notifications admins define (smooth/core/doctype/notification)
_NOTIFY = "smooth.core.doctype.notification.notification.run_notifications"
doc_events = {
    # a deleted user's second factor goes with them (a new user of the same name enrols afresh)
    "User": {"on_trash": "smooth.auth.two_factor.forget_user"},
    "*": {"on_trash": "smooth.core.doctype.file.file.delete_attachments",
          "before_save": _VALIDATE_WORKFLOW, "before_submit": _VALIDATE_WORKFLOW,
          "before_cancel": _VALIDATE_WORKFLOW, "before_update_after_submit": _VALIDATE_WORKFLOW,
          "on_update": [*_UPDATE_ACTIONS, _NOTIFY], "on_cancel": [*_UPDATE_ACTIONS, _NOTIFY],
          "on_update_after_submit": _UPDATE_ACTIONS, "after_insert": _NOTIFY, "on_submit": _NOTIFY},
}

# the Email Queue is flushed every few minutes: new mails without a worker, retries after a backoff; a
# backup of the database every day (docs/backups.md); the Days Before / Days After Notifications; Access and
# Activity Log rows past their retention go daily
scheduler_events = {
    "all": ["smooth.email.queue.flush"],
    "daily": ["smooth.backups.scheduled_backup",
              "smooth.core.doctype.notification.notification.send_date_notifications",
              "smooth.core.doctype.access_log.access_log.delete_expired_logs"],
}
