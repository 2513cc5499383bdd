"""Course Chapter: a titled, ordered group of lessons; a new chapter joins the end of its course's outline."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import progress


class CourseChapter(Document):
    def validate(self) -> None:
        seen: set[str] = set()
        for row in self.get("lessons") or []:
            if row.lesson and row.lesson in seen:
                raise smooth.ValidationError(_("Row #{0}: lesson {1} is listed twice", row.idx, row.lesson))
            seen.add(row.lesson)

    def after_insert(self) -> None:
        course = smooth.get_doc("LMS Course", self.course)
        if self.name not in {row.chapter for row in course.chapters}:
            course.append("chapters", {"chapter": self.name})
            course.save(ignore_permissions=True)

    def on_update(self) -> None:
        if not self.is_new():
            progress.refresh_course(self.course)
