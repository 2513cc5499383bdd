"""Every error Smooth raises on purpose.

Each class carries the HTTP status Frappe clients expect (`http_status_code`) and the exit
code the `bench` CLI uses, so the API and the CLI translate any of them without special cases;
a class Frappe names differently says so in `wire_name` (the API's `exc_type`)::

    SmoothError (500)
    ├── ValidationError (417)
    │   ├── MandatoryError
    │   ├── DataError                  a value that cannot be coerced to its field type
    │   │   └── FilterError            a filter, field or order that metadata does not allow
    │   ├── LinkValidationError
    │   ├── UniqueValidationError
    │   ├── TimestampMismatchError     a save based on a stale `modified`
    │   ├── DocstatusTransitionError
    │   ├── UpdateAfterSubmitError
│   ├── WorkflowTransitionError    an action or state change the workflow does not offer
    │   ├── LinkExistsError
    │   ├── CharacterLengthExceededError  a value longer than its column holds
    │   ├── MetaError                  a doctype JSON that cannot be loaded
    │   └── HookError                  a hooks.py entry that cannot be resolved
    ├── PermissionError (403)
    │   └── WorkflowPermissionError
    ├── DoesNotExistError (404)
    │   └── SiteNotFoundError
    ├── DuplicateEntryError (409)
    ├── AuthenticationError (401)
    ├── CSRFTokenError (400)
    ├── BadRequestError (400)          a request that cannot be read (e.g. multipart without a boundary)
    ├── RequestTooLargeError (413)     a body over the site's size cap
    ├── TooManyRequestsError (429)
    ├── QueryLockError (503)          the database stayed busy or locked; retry
    │   └── QueryDeadlockError         the database stopped this unit to break a deadlock (run again once)
    ├── DatabaseUnavailableError (503) the database cannot be reached; retry
    ├── PatchError                     a data patch raised during migrate
    └── NestedUnitOfWorkError          a committing unit of work opened inside another (use savepoint)
"""

from __future__ import annotations


class SmoothError(Exception):
    http_status_code = 500
    exit_code = 1

    def __init__(self, message: str = "", *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class ValidationError(SmoothError):
    http_status_code = 417


class MandatoryError(ValidationError):
    pass


class DataError(ValidationError):
    pass


class LinkValidationError(ValidationError):
    """A Link naming a record that does not exist; `doctype` and `value` name it, so a page can offer
    to create it."""

    def __init__(self, message: str = "", *, title: str | None = None, doctype: str | None = None,
                 value: str | None = None) -> None:
        super().__init__(message, title=title)
        self.doctype, self.value = doctype, value


class UniqueValidationError(ValidationError):
    pass


class TimestampMismatchError(ValidationError):
    pass


class DocstatusTransitionError(ValidationError):
    pass


class UpdateAfterSubmitError(ValidationError):
    pass


class WorkflowTransitionError(ValidationError):
    """An action or state change the document's workflow does not offer from its current state."""


class LinkExistsError(ValidationError):
    pass


class FilterError(DataError):
    """A filter, field or order that metadata does not allow; on the wire it is Frappe's DataError."""

    wire_name = "DataError"


class CharacterLengthExceededError(ValidationError):
    pass


class MetaError(ValidationError):
    pass


class HookError(ValidationError):
    check_id = "hooks.E002"  # the `bench check` id: an entry that cannot be resolved
    path = ""  # the hooks.py it was found in

    def __init__(self, message: str = "", *, title: str | None = None, check_id: str | None = None) -> None:
        super().__init__(message, title=title)
        if check_id:
            self.check_id = check_id


class PermissionError(SmoothError):
    http_status_code = 403


class WorkflowPermissionError(PermissionError):
    """The workflow does not let this user take the transition (or edit in this state)."""


class DoesNotExistError(SmoothError):
    http_status_code = 404


class SiteNotFoundError(DoesNotExistError):
    exit_code = 2  # a --site that names no site is a usage error, as Click counts them


class DuplicateEntryError(SmoothError):
    http_status_code = 409


class AuthenticationError(SmoothError):
    http_status_code = 401


class CSRFTokenError(SmoothError):
    http_status_code = 400


class BadRequestError(SmoothError):
    http_status_code = 400


class RequestTooLargeError(SmoothError):
    http_status_code = 413


class TooManyRequestsError(SmoothError):
    http_status_code = 429


class QueryLockError(SmoothError):
    http_status_code = 503


class QueryDeadlockError(QueryLockError):
    """The server rolled this unit's whole transaction back to break a deadlock: running it again is safe
    (`smooth.context.rerun_on_deadlock`), unlike a lock wait that timed out, which undid one statement."""


class DatabaseUnavailableError(SmoothError):
    http_status_code = 503


class PatchError(SmoothError):
    pass


class NestedUnitOfWorkError(SmoothError):
    """A committing unit of work was opened while another is open on the same context.

    Only the entry point (request, job, command, scheduler tick, migrate step) commits; code inside
    it isolates a step with `smooth.savepoint()`."""
