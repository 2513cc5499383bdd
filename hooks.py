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
    {"dt": "Role", "filters": [["role_name", "in", ["Moderator", "Course Creator", "Batch Evaluator", "LMS Student",
                                                 "HR Manager", "HR User"]]]},
]

doc_events: dict = {}
scheduler_events: dict = {}
permission_query_conditions = {
    "LMS Certificate Request": "smooth_lms.permissions.certificate_request_conditions",
    "Course Evaluator": "smooth_lms.permissions.course_evaluator_conditions",
    "Evaluator Schedule": "smooth_lms.permissions.evaluator_child_conditions",
    "Evaluator Unavailability": "smooth_lms.permissions.evaluator_child_conditions",
    "Evaluator Course": "smooth_lms.permissions.evaluator_child_conditions",
}
has_permission: dict = {}

# the learner portal (smooth_lms/www/lms/*): paths with a part in them, mapped onto their pages
website_route_rules = [
    {"from_route": "/lms/courses/<course>", "to_route": "lms/course"},
    {"from_route": "/lms/courses/<course>/learn/<lesson>", "to_route": "lms/lesson"},
    {"from_route": "/lms/courses/<course>/certification", "to_route": "lms/certification"},
    {"from_route": "/lms/evaluations/<request>", "to_route": "lms/evaluation"},
    {"from_route": "/lms/evaluations/<request>/ics", "to_route": "lms/evaluation_ics"},
    {"from_route": "/lms/cohorts/<cohort>", "to_route": "lms/cohort"},
]
