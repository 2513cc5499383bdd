"""A controller that records every lifecycle method it sees, and can be told to fail in one."""

from __future__ import annotations

from smooth_tests.events import CALLS

from smooth.exceptions import ValidationError
from smooth.model.document import Document

EVENTS = ("before_insert", "before_naming", "before_validate", "validate", "before_save", "after_insert",
          "on_update", "on_change", "before_submit", "on_submit", "before_cancel", "on_cancel", "on_trash",
          "after_delete")


def _recorder(event: str):  # type: ignore[no-untyped-def]
    def method(self: TestHooked) -> None:
        CALLS.append(event)
        if self.fail_in == event:
            raise ValidationError(f"failing in {event} as asked")

    method.__name__ = event
    return method


class TestHooked(Document):
    pass


for _event in EVENTS:
    setattr(TestHooked, _event, _recorder(_event))
