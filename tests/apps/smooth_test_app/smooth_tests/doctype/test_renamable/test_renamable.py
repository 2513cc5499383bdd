"""A renamable record whose controller and doc_events record the rename events they see."""

from __future__ import annotations

from typing import Any

from smooth_tests.events import CALLS

from smooth.exceptions import ValidationError
from smooth.model.document import Document


class TestRenamable(Document):
    def before_rename(self, old: str, new: str, merge: bool) -> str | None:
        CALLS.append(f"before_rename:{old}->{new}:{merge}")
        if self.fail_in == "before_rename":
            raise ValidationError("failing in before_rename as asked")
        if self.fail_in == "suggest":
            return new.upper()
        return None

    def after_rename(self, old: str, new: str, merge: bool) -> None:
        CALLS.append(f"after_rename:{old}->{self.name}:{merge}")
        if self.fail_in == "after_rename":
            raise ValidationError("failing in after_rename as asked")


def record_rename(doc: Any, method: str, old: str, new: str, merge: bool) -> None:
    """doc_events handler (hooks.py): runs after the controller method."""
    CALLS.append(f"hook:{method}:{old}->{new}")
