"""Course Lesson: Markdown body (with its uploaded images), optional video or file, or a SCORM package; a new lesson
joins the end of its chapter."""

from __future__ import annotations

import smooth
from smooth.model.document import Document
from smooth_lms import progress
from smooth_lms.scorm import package as scorm_package


class CourseLesson(Document):
    course: str | None

    def validate(self) -> None:
        self.course = smooth.db.get_value("Course Chapter", self.chapter, "course") or self.course
        for row in self.get("images") or []:
            description = (row.description or "").replace("]", ")").replace("[", "(")
            row.markdown = f"![{description}]({row.image})" if row.image else ""
        scorm_package.attach(self)

    def after_insert(self) -> None:
        chapter = smooth.get_doc("Course Chapter", self.chapter)
        if self.name not in {row.lesson for row in chapter.lessons}:
            chapter.append("lessons", {"lesson": self.name})
            chapter.save(ignore_permissions=True)

    def on_trash(self) -> None:
        for row in smooth.get_all("Lesson Reference", fields=["name", "parent"],
                                  filters={"lesson": self.name, "parenttype": "Course Chapter"}):
            chapter = smooth.get_doc("Course Chapter", row["parent"])
            chapter.set("lessons", [r for r in chapter.lessons if r.lesson != self.name])
            chapter.save(ignore_permissions=True)
        for doctype in ("LMS Course Progress", "LMS SCORM Attempt"):
            for name in smooth.get_all(doctype, filters={"lesson": self.name}, pluck="name"):
                smooth.delete_doc(doctype, name, ignore_permissions=True)
        if self.course:
            progress.refresh_course(self.course)
