"""The LMS site fixtures (one per backend) and the served site, for the printing and certificate tests."""

from tests.lms.conftest import clean, lms, lms_site  # noqa: F401
from tests.pages.served import served, served_site  # noqa: F401
