"""Courses with their outline (chapters, lessons in order), and quizzes with their questions."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import smooth
from smooth_lms.frappe_migration import people
from smooth_lms.frappe_migration.mapping import Migration, Row, Skip, Target
from smooth_lms.question_bank import MULTIPLE, SHORT, SINGLE

OPTIONS = 10  # LMS Question's option_1 .. option_10


def course(m: Migration, row: Row) -> Target:
    evaluator = m.state.target("Course Evaluator", row.get("evaluator"))
    if row.get("evaluator") and not evaluator:
        m.report.note(f"Course {row['name']}: its evaluator {row['evaluator']} was not migrated; it has none here.")
    instructors = [m.state.target("User", r.get("instructor")) for r in row.get("instructors") or []]
    doc = smooth.get_doc({
        "doctype": "LMS Course", "title": row.get("title") or row["name"],
        "short_introduction": row.get("short_introduction"), "description": text_of(row.get("description")),
        "tags": row.get("tags"), "published": int(row.get("published") or 0), "upcoming": int(row.get("upcoming") or 0),
        "evaluation_required": int(bool(evaluator)), "evaluator": evaluator,
        "instructors": [{"instructor": name} for name in dict.fromkeys(i for i in instructors if i)]})
    doc.insert(ignore_permissions=True)
    if row.get("image"):
        m.report.note("Course images and lesson files stay on the source site: upload them again here.")
    people.evaluator_courses(doc.name, evaluator)
    return "LMS Course", doc.name


def outline(m: Migration, row: Row) -> None:
    """A course's chapters and their lessons in the source's order: each joins the end of its course (chapter)."""
    for ref in row.get("chapters") or []:
        m.carry("Course Chapter", ref.get("chapter"), chapter, then=chapter_lessons)


def chapter_lessons(m: Migration, row: Row) -> None:
    for ref in row.get("lessons") or []:
        m.carry("Course Lesson", ref.get("lesson"), lesson)


def chapter(m: Migration, row: Row) -> Target:
    target_course = m.need("LMS Course", row.get("course"), "course")
    doc = smooth.get_doc({"doctype": "Course Chapter", "title": row.get("title") or row["name"],
                          "course": target_course})
    doc.insert(ignore_permissions=True)
    return "Course Chapter", doc.name


def lesson(m: Migration, row: Row) -> Target:
    target_chapter = m.need("Course Chapter", row.get("chapter"), "chapter")
    body = row.get("body") or blocks_to_markdown(m, row["name"], row.get("content"))
    doc = smooth.get_doc({"doctype": "Course Lesson", "title": row.get("title") or row["name"],
                          "chapter": target_chapter, "include_in_preview": int(row.get("include_in_preview") or 0),
                          "body": body, "youtube": row.get("youtube")})
    doc.insert(ignore_permissions=True)
    return "Course Lesson", doc.name


def quiz(m: Migration, row: Row) -> Target:
    target_course = m.need("LMS Course", row.get("course"), "course")
    questions = []
    for ref in row.get("questions") or []:
        question = m.source.get_doc("LMS Question", ref["question"]) if ref.get("question") else {}
        try:
            questions.append({**question_row(question), "marks": int(ref.get("marks") or 1)})
        except Skip as skip:
            m.report.add_skipped("LMS Question", ref.get("question") or "(empty)", skip.reason)
        else:
            m.report.add_created("LMS Question")
    if not questions:
        raise Skip("none of its questions could be carried")
    doc = smooth.get_doc({"doctype": "LMS Quiz", "title": row.get("title") or row["name"], "course": target_course,
                          "passing_percentage": int(row.get("passing_percentage") or 0),
                          "max_attempts": int(row.get("max_attempts") or 0),
                          "show_answers": "Always" if row.get("show_answers") else "Never", "questions": questions})
    doc.insert(ignore_permissions=True)
    m.report.note("Quiz attempts (LMS Quiz Submission) are not carried: learners take migrated quizzes again, "
                  "and a course's progress here counts its quizzes.")
    return "LMS Quiz", doc.name


def question_row(question: Row) -> dict[str, Any]:
    """An LMS Question (option_N / is_correct_N, or possibility_N for typed answers) as a quiz row here."""
    text = text_of(question.get("question"))
    if not text:
        raise Skip("the question has no text")
    kind = question.get("type") or "Choices"
    if kind == "User Input":
        accepted = [question.get(f"possibility_{i}") for i in range(1, OPTIONS + 1)]
        answers = [a.strip() for a in accepted if a and a.strip()]
        if not answers:
            raise Skip("a typed-answer question without accepted answers")
        return {"question": text, "type": SHORT, "correct_answers": "\n".join(answers)}
    if kind != "Choices":
        raise Skip(f"{kind} questions are marked by hand; Smooth LMS quizzes are marked automatically")
    options = [(question.get(f"option_{i}") or "").strip() for i in range(1, OPTIONS + 1)]
    correct = [options[i - 1] for i in range(1, OPTIONS + 1) if question.get(f"is_correct_{i}") and options[i - 1]]
    if not correct:
        raise Skip("a choice question without a correct option")
    multiple = int(question.get("multiple") or 0) or len(correct) > 1
    return {"question": text, "type": MULTIPLE if multiple else SINGLE,
            "options": "\n".join(o for o in options if o), "correct_answers": "\n".join(correct)}


def text_of(value: Any) -> str:
    """Frappe's Text Editor HTML as the plain text Smooth's fields take (paragraphs kept)."""
    if not value:
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h[1-6]>", "\n", str(value))
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def blocks_to_markdown(m: Migration, name: str, content: Any) -> str:
    """A lesson's `content` (Editor.js JSON, newer Frappe LMS) as Markdown: text blocks kept, others reported."""
    if not content:
        return ""
    try:
        blocks = json.loads(content).get("blocks") or [] if isinstance(content, str) else content.get("blocks") or []
    except (ValueError, AttributeError):
        return text_of(content)
    parts = []
    for block in blocks:
        kind, data = block.get("type"), block.get("data") or {}
        if kind == "paragraph":
            parts.append(text_of(data.get("text")))
        elif kind == "header":
            parts.append("#" * int(data.get("level") or 2) + " " + text_of(data.get("text")))
        elif kind == "list":
            parts.extend(f"- {text_of(item if isinstance(item, str) else item.get('content'))}"
                         for item in data.get("items") or [])
        else:
            m.report.note(f"Lesson {name}: a {kind} block was left out (only text, headings and lists are carried).")
    return "\n\n".join(p for p in parts if p)
