"""Factories for course content: chapters and lessons, in order."""

from __future__ import annotations

import smooth


def add_lessons(course: str, chapters: dict[str, list[str]]) -> list[str]:
    """Create `{chapter title: [lesson titles]}` in order; returns the lesson names in outline order."""
    names = []
    for chapter_title, lesson_titles in chapters.items():
        chapter = smooth.get_doc({"doctype": "Course Chapter", "title": chapter_title, "course": course}).insert()
        for title in lesson_titles:
            lesson = smooth.get_doc({"doctype": "Course Lesson", "title": title, "chapter": chapter.name,
                                     "body": f"## {title}\n\nRead this."}).insert()
            names.append(lesson.name)
    smooth.db.commit()
    return names
