"""`frappe.exceptions`: Smooth's typed errors under Frappe's names (the same classes, so either may be caught)."""

from __future__ import annotations

from smooth.exceptions import (
    AuthenticationError,
    CharacterLengthExceededError,
    CSRFTokenError,
    DataError,
    DocstatusTransitionError,
    DoesNotExistError,
    DuplicateEntryError,
    LinkExistsError,
    LinkValidationError,
    MandatoryError,
    PermissionError,
    TimestampMismatchError,
    TooManyRequestsError,
    UniqueValidationError,
    UpdateAfterSubmitError,
    ValidationError,
)
from smooth.frappe_compat.missing import module_getattr

__all__ = [
    "AuthenticationError", "CSRFTokenError", "CharacterLengthExceededError", "DataError", "DocstatusTransitionError",
    "DoesNotExistError", "DuplicateEntryError", "LinkExistsError", "LinkValidationError", "MandatoryError",
    "PermissionError", "TimestampMismatchError", "TooManyRequestsError", "UniqueValidationError",
    "UpdateAfterSubmitError", "ValidationError",
]
__getattr__ = module_getattr("frappe.exceptions", dict.fromkeys(__all__))
