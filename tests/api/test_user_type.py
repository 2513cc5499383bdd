"""A user's type follows their roles' desk access, so a learner cannot open the desk (issue 29, item 7).

App-level rules with no dialect difference: SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import smooth
from smooth_lms.demo import make_demo_data
from smooth_lms.patches.v0_1 import derive_user_types
from tests.api.serving import running_server
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import clean, lms_site  # noqa: F401

LEARNER = "lea.type@example.com"


@pytest.fixture(scope="module")
def served(lms_site: SiteHandle) -> Iterator[tuple[SiteHandle, str]]:  # noqa: F811
    clean(lms_site)
    with running_server(lms_site) as url:
        yield lms_site, url
    clean(lms_site)


def _user_type(handle: SiteHandle, user: str) -> str:
    with handle.context():
        return smooth.db.get_value("User", user, "user_type")


def test_a_learner_is_a_website_user_kept_off_the_desk_until_a_desk_role_is_given(
        served: tuple[SiteHandle, str]) -> None:
    handle, url = served
    with handle.context():
        user = smooth.get_doc({"doctype": "User", "email": LEARNER, "first_name": "Lea",
                               "user_type": "System User", "roles": [{"role": "LMS Student"}]}).insert()
        key, secret = user.generate_api_credentials()
        smooth.db.commit()
    assert _user_type(handle, LEARNER) == "Website User"
    auth = {"Authorization": f"token {key}:{secret}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
        desk = http.get("/app", follow_redirects=False)
        assert desk.status_code in (302, 303) and desk.headers["location"].startswith("/lms"), desk.status_code
        assert http.get("/app/lms-course", follow_redirects=False).status_code in (302, 303)
        with handle.context():
            smooth.get_doc("User", LEARNER).add_roles("Moderator")
            smooth.db.commit()
        assert _user_type(handle, LEARNER) == "System User"
        assert http.get("/app/lms-course").status_code == 200
        with handle.context():  # a role losing desk access retypes its holders
            role = smooth.get_doc("Role", "Moderator")
            role.desk_access = 0
            role.save()
            smooth.db.commit()
        try:
            assert _user_type(handle, LEARNER) == "Website User"
            assert http.get("/app/lms-course", follow_redirects=False).status_code in (302, 303)
        finally:
            with handle.context():
                role = smooth.get_doc("Role", "Moderator")
                role.desk_access = 1
                role.save()
                smooth.db.commit()
    assert _user_type(handle, LEARNER) == "System User"


def test_the_demo_learners_are_website_users_and_staff_system_users(served: tuple[SiteHandle, str]) -> None:
    handle, _ = served
    with handle.context():
        make_demo_data()
        smooth.db.commit()
        types = dict(smooth.get_all("User", fields=["name", "user_type"], as_list=True))
    assert types["tom.learner@example.com"] == "Website User"
    assert types["ben.evaluator@example.com"] == types["moderator@example.com"] == "System User"


def test_the_patch_retypes_users_stored_before_the_rule(served: tuple[SiteHandle, str]) -> None:
    handle, _ = served
    with handle.context():
        make_user("old.learner@example.com", "LMS Student")
        smooth.db.set_value("User", "old.learner@example.com", "user_type", "System User")
        derive_user_types.execute()
        smooth.db.commit()
    assert _user_type(handle, "old.learner@example.com") == "Website User"
