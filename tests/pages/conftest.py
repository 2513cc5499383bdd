"""Page tests: the LMS site served per backend (fixtures `desk_server`, `desk`; see served.py)."""

from tests.pages.served import desk, desk_server, lms_site  # noqa: F401
