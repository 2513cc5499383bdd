"""The desk pages served in-process (a real Uvicorn on the LMS site), called with httpx.

The site allows the test-user header, so a test picks who asks per request (no header =
Guest); CSRF does not apply to that header, as for the API tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.helpers import Api, set_site_config
from tests.api.serving import running_server
from tests.conftest import SiteHandle
from tests.lms.conftest import clean, lms_site  # noqa: F401  (the LMS site fixture, one per backend)


@pytest.fixture(scope="session")
def pages_server(lms_site: SiteHandle) -> Iterator[Api]:  # noqa: F811
    set_site_config(lms_site, allow_test_user_header=True)
    with running_server(lms_site) as base_url:
        yield Api(base_url, lms_site)


@pytest.fixture
def pages(pages_server: Api) -> Iterator[Api]:
    """The served LMS site, emptied of records before and after the test."""
    clean(pages_server.handle)
    yield pages_server
    clean(pages_server.handle)
