"""App manifest of Smooth LMS and Smooth HR (modules listed in modules.txt).

Plain data: every dotted path here is imported when a site loads, so a typo fails loudly.
"""

app_name = "smooth_apps"
app_title = "Smooth LMS & HR"
app_publisher = "Smooth"
app_description = "Evaluator-led certification (LMS) and training compliance (HR)"
app_license = "MIT"

required_apps = ["smooth"]

# where portal-only users land after login
website_user_home_page = "/lms"

fixtures = [
    # System Manager and All are standard roles, shipped too: the Users workspace is for System Manager, the
    # request workflow lets All edit a Pending request, and a new site syncs fixtures before it makes the
    # standard roles (an existing role is left as it is)
    {"dt": "Role", "filters": [["role_name", "in", ["System Manager", "All", "Moderator", "Course Creator",
                                                 "Batch Evaluator", "LMS Student", "HR Manager", "HR User", "Employee"]]]},
    {"dt": "Workspace", "filters": [["name", "in", ["Learning", "Users", "HR"]]]},
    {"dt": "Email Template", "filters": [["name", "in", ["Evaluation Booked", "Evaluation Assigned",
                                                         "Evaluation Rescheduled", "Evaluation Cancelled",
                                                         "Evaluation Reminder", "Evaluator Daily Digest",
                                                         "Evaluation Meet Link", "Onboarding Welcome",
                                                         "Compliance Reminder", "Overdue Training Digest",
                                                         "Document Expiry Reminder",
                                                         # live classes (smooth_lms/live_class_mails.py)
                                                         "Live Class Invitation", "Live Class Updated",
                                                         "Live Class Cancelled", "Live Class Reminder"]]]},
    {"dt": "Print Format", "filters": [["name", "in", ["LMS Certificate", "Quiz Submission Report",
                                                       "LMS Program Certificate"]]]},
    # the certificate request workflow (Pending -> Completed / Cancelled / No Show; Completed -> Issue Certificate): admins
    # edit it in the desk
    {"dt": "Workflow State", "filters": [["name", "in", ["Pending", "Completed", "Cancelled", "No Show"]]]},
    {"dt": "Workflow Action Master", "filters": [["name", "in", ["Complete", "Cancel", "Mark No Show", "Issue Certificate"]]]},
    {"dt": "Workflow", "filters": [["name", "in", ["LMS Certificate Request"]]]},
    {"dt": "Print Format", "filters": [["name", "in", ["Policy Acknowledgment", "Training Transcript"]]]},
]

# bench commands (Frappe keeps an app's in <app>/commands/__init__.py): `bench --site S migrate-from-frappe-lms URL`
commands = ["smooth_lms.frappe_migration.command.migrate_from_frappe_lms"]

doc_events = {
    "LMS Certificate Request": {
        "before_insert": "smooth_lms.meet_links.prepare_request",
        "after_insert": ["smooth_lms.meet_links.on_request_booked", "smooth_lms.notifications.request_booked"],
        "on_update": ["smooth_lms.meet_links.on_request_changed", "smooth_lms.notifications.request_changed"],
    },
    # programs (smooth_lms/programs.py): cohort members join, finished courses may complete a program, locked
    # courses refuse a learner's own work; members who join a cohort also get its upcoming live sessions
    # (smooth_lms/live_class_mails.py)
    "LMS Batch": {"on_update": ["smooth_lms.programs.cohort_changed",
                                "smooth_lms.live_class_mails.invite_new_members"]},
    "LMS Enrollment": {"on_update": "smooth_lms.programs.course_finished"},
    "LMS Certificate": {"after_insert": "smooth_lms.programs.course_finished"},
    "LMS Course Progress": {"validate": "smooth_lms.programs.refuse_locked_work"},
    "LMS Quiz Submission": {"validate": "smooth_lms.programs.refuse_locked_work"},
    "LMS Assignment Submission": {"validate": "smooth_lms.programs.refuse_locked_work"},
    "LMS Lesson Engagement": {"validate": "smooth_lms.programs.refuse_locked_work"},
    # the linked user gets the Employee role, which the manager scope (smooth_hr/permissions.py) narrows
    "Employee": {"on_update": "smooth_hr.permissions.grant_employee_role"},
}
scheduler_events = {
    "cron": {"*/5 * * * *": ["smooth_lms.reminders.send_due_reminders",
                             "smooth_lms.live_class_mails.send_live_class_reminders"]},
    "hourly": ["smooth_lms.reminders.send_evaluator_digests"],
    "daily": ["smooth_lms.stale_requests.cancel_stale_requests", "smooth_lms.training_assignments.mark_overdue",
              "smooth_hr.compliance_job.run_daily_compliance", "smooth_hr.training_digest.send_overdue_digests",
              "smooth_hr.document_reminders.send_document_reminders"],
}
permission_query_conditions = {
    "LMS Certificate Request": "smooth_lms.permissions.certificate_request_conditions",
    "Course Evaluator": "smooth_lms.permissions.course_evaluator_conditions",
    "LMS Certificate Evaluation": "smooth_lms.permissions.certificate_evaluation_conditions",
    "Evaluator Schedule": "smooth_lms.permissions.evaluator_child_conditions",
    "Evaluator Unavailability": "smooth_lms.permissions.evaluator_child_conditions",
    "Evaluator Course": "smooth_lms.permissions.evaluator_child_conditions",
    "LMS Assignment Submission": "smooth_lms.permissions.assignment_submission_conditions",
    # the manager scope: own records and the whole reporting subtree
    "Employee": "smooth_hr.permissions.employee_conditions",
    "Employee Compliance": "smooth_hr.permissions.employee_compliance_conditions",
    "LMS Quiz Submission": ["smooth_hr.permissions.quiz_submission_conditions",
                            "smooth_lms.authorship.quiz_submission_conditions"],
    # course authors own their content (smooth_lms/authorship.py)
    "LMS Quiz": "smooth_lms.authorship.quiz_conditions",
    "LMS Assignment": "smooth_lms.authorship.assignment_conditions",
}
has_permission: dict = {
    "LMS Course": "smooth_lms.authorship.content_permission",
    "Course Chapter": "smooth_lms.authorship.content_permission",
    # a learner reads (and so downloads the private files of) only the lessons the portal shows them
    "Course Lesson": ["smooth_lms.authorship.content_permission", "smooth_lms.lesson_access.lesson_permission"],
    "LMS Quiz": "smooth_lms.authorship.content_permission",
    "LMS Assignment": "smooth_lms.authorship.content_permission",
    "LMS Question": "smooth_lms.question_bank.bank_permission",
    "LMS Live Class": "smooth_lms.doctype.lms_live_class.lms_live_class.host_permission",
}

# the records that name a person (Frappe's key): a personal data download holds them all; a deletion deletes those
# without `partial` and keeps the others with `redact_fields` blanked (the person's User, which every Link to
# User names, is renamed to an anonymous id by the core). docs/personal-data.md says why each is kept.
_CERTIFIED = "certification evidence: a certificate stays verifiable by its number"
_PERSONNEL = "personnel file kept for compliance; its files stay"
user_data_fields = [
    {"doctype": "LMS Certificate", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "rewrite_fields": ["valid_key"], "reason": _CERTIFIED, "pdf": 1},
    {"doctype": "LMS Certificate Evaluation", "filter_by": "member", "partial": 1,
     "redact_fields": ["member_name", "private_notes"], "reason": _CERTIFIED},
    {"doctype": "LMS Certificate Evaluation", "filter_by": "evaluator", "partial": 1,
     "reason": "the evaluation is the learner's evidence; the evaluator's name goes"},
    {"doctype": "LMS Certificate Request", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "reason": _CERTIFIED},
    {"doctype": "LMS Certificate Request", "filter_by": "evaluator", "partial": 1,
     "redact_fields": ["evaluator_name"], "reason": "the learner's booking stays; the evaluator's name goes"},
    {"doctype": "LMS Program Member", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "reason": "a program's certificate stays verifiable by its number"},
    {"doctype": "LMS Training Assignment", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "reason": "training compliance history"},
    {"doctype": "LMS Live Class", "filter_by": "host", "partial": 1, "redact_fields": ["host_name"],
     "reason": "the cohort's session stays; its host's name goes"},
    {"doctype": "LMS Live Class Attendance", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "reason": "attendance of a training session, kept as training records are"},
    {"doctype": "LMS Lesson Engagement", "filter_by": "member", "partial": 1, "redact_fields": ["member_name"],
     "reason": "evidence of a training video watched, which compliance may rest on"},
    {"doctype": "LMS SCORM Attempt", "filter_by": "member", "partial": 1,
     "redact_fields": ["member_name", "cmi", "suspend_data", "location", "session_id"],
     "reason": "a training result (transcript, audit export); the package's run-time data, which names the learner, "
               "goes"},
    {"doctype": "LMS Enrollment", "filter_by": "member"},
    {"doctype": "LMS Course Progress", "filter_by": "member"},
    {"doctype": "LMS Quiz Submission", "filter_by": "member"},
    {"doctype": "LMS Assignment Submission", "filter_by": "member"},
    {"doctype": "LMS Assignment Submission", "filter_by": "graded_by", "partial": 1,
     "reason": "another learner's graded work"},
    {"doctype": "LMS Evaluation Feedback", "filter_by": "member"},
    {"doctype": "LMS Evaluation Feedback", "filter_by": "evaluator", "partial": 1,
     "reason": "another learner's feedback"},
    {"doctype": "Batch Member", "filter_by": "member"},
    {"doctype": "Course Evaluator", "filter_by": "evaluator"},
    {"doctype": "Course Instructor", "filter_by": "instructor", "partial": 1,
     "reason": "the course stays; its instructor's name goes"},
    {"doctype": "LMS Evaluator Gap", "filter_by": "first_asked_by", "partial": 1,
     "reason": "a course's evaluator shortage, not the person's"},
    {"doctype": "Employee", "filter_by": "user_id", "partial": 1,
     "redact_fields": ["first_name", "last_name", "employee_name", "company_email"], "reason": _PERSONNEL},
    {"doctype": "Employee Document", "filter_by": "employee", "partial": 1, "redact_fields": ["employee_name"],
     "reason": _PERSONNEL},
    {"doctype": "Employee Compliance", "filter_by": "employee", "partial": 1, "redact_fields": ["employee_name"],
     "reason": _PERSONNEL},
    {"doctype": "Employee Onboarding", "filter_by": "employee", "partial": 1, "redact_fields": ["employee_name"],
     "reason": _PERSONNEL},
    {"doctype": "Employee Separation", "filter_by": "employee", "partial": 1, "redact_fields": ["employee_name"],
     "reason": _PERSONNEL},
    # the assignee of another employee's boarding task (a signature on a row is the onboarded employee's own
    # acknowledgment, kept as the evidence the filed PDF also holds)
    {"doctype": "Employee Boarding Activity", "filter_by": "user", "partial": 1,
     "reason": "another employee's onboarding; the assignee's link goes"},
    {"doctype": "HR Notification Log", "filter_by": "employee"},
]

# the layout of a portal path's error pages (a 404 under /lms keeps the learner's nav); paths without the leading /
base_template_map = {r"lms(/.*)?$": "lms/layout.html", r"onboarding(/.*)?$": "onboarding/layout.html"}

# the learner portal (smooth_lms/www/lms/*): paths with a part in them, mapped onto their pages
website_route_rules = [
    {"from_route": "/lms/courses/<course>", "to_route": "lms/course"},
    {"from_route": "/lms/courses/<course>/learn/<lesson>", "to_route": "lms/lesson"},
    {"from_route": "/lms/scorm/<token>/<path:file>", "to_route": "lms/scorm_file"},
    {"from_route": "/lms/courses/<course>/certification", "to_route": "lms/certification"},
    {"from_route": "/lms/courses/<course>/quiz/<quiz>", "to_route": "lms/quiz"},
    {"from_route": "/lms/courses/<course>/assignment/<assignment>", "to_route": "lms/assignment"},
    {"from_route": "/lms/evaluations/<request>", "to_route": "lms/evaluation"},
    {"from_route": "/lms/evaluations/<request>/ics", "to_route": "lms/evaluation_ics"},
    {"from_route": "/lms/cohorts/<cohort>", "to_route": "lms/cohort"},
    {"from_route": "/lms/programs/<program>", "to_route": "lms/program"},
    {"from_route": "/lms/live/<live_class>/ics", "to_route": "lms/live_class_ics"},
    {"from_route": "/verify/<number>", "to_route": "verify"},
    # the core's personal data page (account menu's "My data") in the learner portal's chrome
    {"from_route": "/lms/my-data", "to_route": "personal_data"},
    {"from_route": "/statistics/learning", "to_route": "learning_statistics"},
    {"from_route": "/onboarding/<onboarding>", "to_route": "onboarding"},
    {"from_route": "/onboarding/<onboarding>/<activity>", "to_route": "onboarding/activity"},
]

# read on every booking and availability page, changed rarely: kept in the site cache (smooth_lms/evaluators.py)
site_cache_doctypes = ["Course Evaluator", "Evaluator Course", "Evaluator Schedule", "Evaluator Unavailability",
                       "LMS Course"]
