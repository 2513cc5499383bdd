"""Manifest of the app the framework's own tests run against."""

app_name = "smooth_test_app"

doc_events = {
    "Test Hooked": {
        event: "smooth_tests.events.record"
        for event in ("before_insert", "before_validate", "validate", "before_save", "after_insert", "on_update",
                      "on_change", "before_submit", "on_submit", "before_cancel", "on_cancel", "on_trash",
                      "after_delete")
    },
    "Test Renamable": {
        event: "smooth_tests.doctype.test_renamable.test_renamable.record_rename"
        for event in ("before_rename", "after_rename")
    },
}

permission_query_conditions = {"Test Record": "smooth_tests.rules.test_record_conditions"}
has_permission = {"Test Record": "smooth_tests.rules.test_record_permission"}

fixtures = [{"dt": "Test Category", "filters": [["category_name", "like", "Fixture%"]]}]

before_request = "smooth_tests.request_hooks.before_request"
after_request = ["smooth_tests.request_hooks.after_request"]
auth_hooks = ["smooth_tests.request_hooks.deny_marked_requests"]
before_install = "smooth_tests.request_hooks.before_install"
after_install = "smooth_tests.request_hooks.after_install"

scheduler_events = {"cron": {"*/5 * * * *": ["smooth_tests.jobs.scheduled_marker"]}}

website_route_rules = [{"from_route": "/things/<thing>", "to_route": "things/thing"}]
