"""The LMS site fixtures (one per backend) and the served site, for the printing and certificate tests.

Print Formats are core records the LMS clean-up leaves alone: the ones a test made (not standard)
are removed after it, so names and defaults never leak between tests.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

import smooth
from tests.lms.conftest import clean, lms, lms_site  # noqa: F401
from tests.pages.served import served, served_site  # noqa: F401


@pytest.fixture(autouse=True)
def drop_test_print_formats(lms_site) -> Iterator[None]:  # noqa: F811
    yield
    with lms_site.context():
        table = smooth.local.site.table("Print Format")
        smooth.db.execute(delete(table).where(table.c.standard != "Yes"), write=True)
        smooth.db.commit()
