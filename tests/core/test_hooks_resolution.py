"""hooks.py dotted paths are resolved when an app's hooks load, so a typo fails early and clearly."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from smooth.apps import core_app, load_app
from smooth.core.doctype.notification.notification import run_notifications
from smooth.core.doctype.workflow_action.workflow_action import update_actions
from smooth.exceptions import HookError
from smooth.hooks import Hooks
from smooth.model.workflow import run_transition_method
from tests.core._app_builder import ThrowawayApp

HANDLERS = """
def validate(doc, method=None):
    pass

def on_update(doc, method=None):
    pass

def every_hour():
    pass

def conditions(user=None):
    return {}

NOT_A_FUNCTION = 42
"""


def _app_with_handlers(tmp_path: Path) -> ThrowawayApp:
    app = ThrowawayApp(tmp_path, prefix="Hook Test")
    app.python("handlers", HANDLERS)
    return app


def _hook_error(app: ThrowawayApp) -> str:
    with pytest.raises(HookError) as raised:
        Hooks([core_app(), app.load()])
    return str(raised.value)


def test_valid_hooks_resolve_to_the_real_functions(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f"""
        doc_events = {{"Note": {{"validate": "{app.package}.handlers.validate",
                                 "on_update": ["{app.package}.handlers.on_update"]}}}}
        permission_query_conditions = {{"Note": "{app.package}.handlers.conditions"}}
        after_install = "{app.package}.handlers.every_hour"
    """)
    hooks = Hooks([core_app(), app.load()])
    handlers = importlib.import_module(f"{app.package}.handlers")

    assert hooks.events_for("Note", "validate") == (handlers.validate,)
    # the core app's "*" handlers (workflow to-dos, Notifications) run after the doctype's own
    assert hooks.events_for("Note", "on_update") == (handlers.on_update, run_transition_method, update_actions,
                                                     run_notifications)
    assert hooks.events_for("Other", "validate") == ()
    assert hooks.mapped_for("permission_query_conditions", "Note") == [handlers.conditions]
    assert hooks.lists["after_install"] == [handlers.every_hour]


def test_handlers_of_several_apps_run_in_install_order(tmp_path: Path) -> None:
    first, second = _app_with_handlers(tmp_path), _app_with_handlers(tmp_path)
    first.hooks(f'doc_events = {{"Note": {{"validate": "{first.package}.handlers.validate"}}}}\n')
    second.hooks(f'doc_events = {{"Note": {{"validate": "{second.package}.handlers.validate"}},\n'
                 f'              "*": {{"validate": "{second.package}.handlers.on_update"}}}}\n')

    hooks = Hooks([core_app(), first.load(), second.load()])
    names = [(fn.__module__, fn.__name__) for fn in hooks.events_for("Note", "validate")]
    assert names == [(f"{first.package}.handlers", "validate"), (f"{second.package}.handlers", "validate"),
                     (f"{second.package}.handlers", "on_update")]

    reversed_order = Hooks([core_app(), second.load(), first.load()])
    assert [fn.__module__ for fn in reversed_order.events_for("Note", "validate")][:2] == [
        f"{second.package}.handlers", f"{first.package}.handlers"]


def test_missing_module_is_a_hook_error_naming_app_key_and_path(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'doc_events = {{"X": {{"validate": "{app.package}.handlerz.validate"}}}}\n')
    message = _hook_error(app)
    assert f"app {app.name!r}" in message
    assert "doc_events['X']['validate']" in message
    assert f"{app.package}.handlerz.validate" in message


def test_missing_attribute_is_a_hook_error_naming_app_key_and_path(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'doc_events = {{"X": {{"validate": "{app.package}.handlers.validat"}}}}\n')
    message = _hook_error(app)
    assert f"app {app.name!r}" in message
    assert "doc_events['X']['validate']" in message
    assert f"{app.package}.handlers.validat" in message
    assert "no attribute 'validat'" in message


def test_attribute_that_is_not_callable_is_a_hook_error(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'doc_events = {{"X": {{"on_update": "{app.package}.handlers.NOT_A_FUNCTION"}}}}\n')
    message = _hook_error(app)
    assert "doc_events['X']['on_update']" in message
    assert f"{app.package}.handlers.NOT_A_FUNCTION' is not callable" in message


def test_module_that_fails_to_import_is_a_hook_error(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.python("exploding", "raise RuntimeError('boom at import')\n")
    app.hooks(f'on_login = "{app.package}.exploding.handler"\n')
    message = _hook_error(app)
    assert "on_login" in message
    assert "RuntimeError: boom at import" in message


def test_path_without_a_dot_is_a_hook_error(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks('has_permission = {"Note": "validate"}\n')
    message = _hook_error(app)
    assert "has_permission['Note']" in message
    assert "'validate' is not a dotted path" in message


def test_the_error_comes_when_hooks_load_not_when_the_hook_fires(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'on_logout = ["{app.package}.handlers.nightly"]\n')
    loaded = app.load()
    with pytest.raises(HookError, match=r"on_logout: .*has no attribute 'nightly'"):
        Hooks([core_app(), loaded])


@pytest.mark.parametrize(("key", "hint"), [
    ("before_tests", "pytest fixtures"),
])
def test_keys_smooth_does_not_dispatch_yet_are_refused_with_a_hint(tmp_path: Path, key: str, hint: str) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'{key} = {{"daily": ["{app.package}.handlers.every_hour"]}}\n')
    message = _hook_error(app)
    assert f"{key} is not supported yet" in message and hint in message


def test_scheduler_events_load_with_their_frequency_cron_and_queue(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'scheduler_events = {{"daily_long": ["{app.package}.handlers.every_hour"], '
              f'"cron": {{"*/15 * * * *": ["{app.package}.handlers.every_hour"]}}}}\n')
    events = Hooks([core_app(), app.load()]).scheduled
    mine = [(e.frequency, e.cron, e.queue) for e in events if e.method.startswith(app.package)]
    assert mine == [("daily_long", "0 0 * * *", "long"), ("cron:*/15 * * * *", "*/15 * * * *", "default")]


@pytest.mark.parametrize(("value", "expected"), [
    ('{"fortnightly": ["PKG.handlers.every_hour"]}', "unknown frequency 'fortnightly'"),
    ('{"cron": {"every day": ["PKG.handlers.every_hour"]}}', "'every day' is not a valid cron string"),
    ('{"daily": ["PKG.handlers.nightly"]}', "has no attribute 'nightly'"),
])
def test_a_bad_scheduler_event_fails_when_the_site_loads(tmp_path: Path, value: str, expected: str) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f"scheduler_events = {value.replace('PKG', app.package)}\n")
    assert expected in _hook_error(app)


def test_an_empty_key_that_is_not_supported_yet_is_harmless(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks("scheduler_events: dict = {}\nbefore_tests = []\n")
    assert Hooks.check([core_app(), app.load()]) == []


def test_an_unknown_key_is_refused_naming_the_keys_smooth_dispatches(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f'after_instal = "{app.package}.handlers.every_hour"\n')
    message = _hook_error(app)
    assert "unknown key 'after_instal'" in message and "before_request" in message


def test_a_frappe_key_smooth_does_not_act_on_is_a_warning_naming_it(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks('app_include_js = "/assets/x.js"\n')
    warnings = Hooks([core_app(), app.load()]).warnings
    assert [(w.check_id, "app_include_js is a Frappe hook" in w.message) for w in warnings] == [("hooks.W001", True)]


@pytest.mark.parametrize("body, expected", [
    ('user_data_fields = {"doctype": "Note"}\n', "must be a list of dicts"),
    ('user_data_fields = ["Note"]\n', "each entry is a dict"),
    ('user_data_fields = [{"filter_by": "owner"}]\n', 'needs "doctype"'),
    ('user_data_fields = [{"doctype": "Note", "partial": "yes"}]\n', "'partial' of 'Note' must be"),
    ('user_data_fields = [{"doctype": "Note", "redact_fields": ["title", 3]}]\n', "redact_fields of 'Note'"),
    ('user_data_fields = [{"doctype": "Note", "redacted": ["title"]}]\n', "unknown key(s) 'redacted'"),
])
def test_a_malformed_user_data_fields_entry_is_a_hook_error(tmp_path: Path, body: str, expected: str) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(body)
    message = _hook_error(app)
    assert "user_data_fields" in message and expected in message, message


def test_frappe_shaped_user_data_fields_load(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks('user_data_fields = [{"doctype": "Note", "filter_by": "owner", "redact_fields": ["title"], '
              '"partial": 1}, {"doctype": "Task", "strict": False}, {"doctype": "Log"}]\n')
    assert Hooks.check([core_app(), app.load()]) == []


@pytest.mark.parametrize("body", [
    'doc_events = ["X"]\n',
    'doc_events = {"X": "pkg.mod.fn"}\n',
    'has_permission = "pkg.mod.fn"\n',
    'fixtures = [{"filters": []}]\n',
])
def test_malformed_hook_values_are_hook_errors(tmp_path: Path, body: str) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(body)
    assert f"app {app.name!r}" in _hook_error(app)


def test_check_collects_every_broken_entry(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks(f"""
        doc_events = {{"X": {{"validate": "{app.package}.handlers.nope_one"}}}}
        on_logout = "{app.package}.missing.fn"
        app_colour = "blue"
    """)
    errors = Hooks.check([core_app(), app.load()])
    messages = "\n".join(str(e) for e in errors)
    assert len(errors) == 3
    assert "nope_one" in messages and f"{app.package}.missing.fn" in messages and "'app_colour'" in messages


def test_hooks_file_that_cannot_load_is_a_hook_error(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    (app.path / "hooks.py").write_text("doc_events = {\n")
    with pytest.raises(HookError, match="hooks.py failed to load: SyntaxError"):
        load_app(app.path)


def test_folder_without_hooks_is_not_an_app(tmp_path: Path) -> None:
    with pytest.raises(HookError, match="is not an app: it has no hooks.py"):
        load_app(tmp_path)


def test_required_apps_must_be_installed_before_the_app(tmp_path: Path) -> None:
    app = _app_with_handlers(tmp_path)
    app.hooks('required_apps = ["smooth", "hrms"]\n')
    message = _hook_error(app)
    assert "required_apps names 'hrms', which is not installed" in message
    satisfied = ThrowawayApp(tmp_path, prefix="Hook Needs Core").hooks('required_apps = ["smooth"]\n')
    assert Hooks.check([core_app(), satisfied.load()]) == []
