"""The product guide's LMS roles reference, phrase by phrase, against the rights each role holds.

    Course Creator  | Author courses, quizzes, assignments; view learner submissions for own content
    Batch Evaluator | Grade submissions, conduct certificate evaluations, manage cohort assessments
    LMS Student     | Access /lms portal; take quizzes; view own certificates and assignments

Here the role rights (DocPerms) each phrase needs; what "own" narrows them to is tested through REST
and the pages in test_course_authors.py (a creator's submissions), test_assignments.py (who reads and
grades a submission), test_cohort_grades.py (the cohort's evaluator and its grade sheet) and
test_quizzes.py (a learner's own attempts). SQLite only: metadata.
"""

from __future__ import annotations

import pytest

import smooth
from tests.conftest import SiteHandle

GUIDE = {
    "Course Creator": {
        "Author courses": [("LMS Course", "create"), ("LMS Course", "write")],
        "quizzes": [("LMS Quiz", "create"), ("LMS Quiz", "write"), ("LMS Question", "create")],
        "assignments": [("LMS Assignment", "create"), ("LMS Assignment", "write"),
                        ("Evaluation Rubric", "create")],
        "view learner submissions for own content": [("LMS Quiz Submission", "read"),
                                                     ("LMS Assignment Submission", "read")],
    },
    "Batch Evaluator": {
        "Grade submissions": [("LMS Assignment Submission", "write")],
        "conduct certificate evaluations": [("LMS Certificate Evaluation", "create"),
                                            ("LMS Certificate Evaluation", "write"),
                                            ("LMS Certificate Request", "write")],
        "manage cohort assessments": [("LMS Batch", "read"), ("LMS Quiz Submission", "read"),
                                      ("LMS Assignment Submission", "read")],
    },
    "LMS Student": {
        # a learner answers on the quiz page (smooth_lms.quizzes submits for them: test_quiz_page.py)
        "take quizzes": [("LMS Quiz Submission", "read")],
        "view own certificates": [("LMS Certificate", "read")],
        "and assignments": [("LMS Assignment", "read"), ("LMS Assignment Submission", "read")],
    },
}
NOT_GIVEN = {  # what a phrase leaves out: a Course Creator grades nothing, a learner reads only their own
    "Course Creator": [("LMS Assignment Submission", "write"), ("LMS Certificate Evaluation", "write")],
    "Batch Evaluator": [("LMS Course", "write"), ("LMS Quiz", "write")],
    "LMS Student": [("LMS Quiz Submission", "write"), ("LMS Assignment Submission", "write")],
}


def _rights(doctype: str, role: str) -> tuple[set[str], set[str]]:
    """(rights the role holds outright, rights it holds on what it owns only)."""
    outright, owned = set(), set()
    for perm in smooth.get_meta(doctype).permissions:
        if perm.get("role") == role and not int(perm.get("permlevel") or 0):
            rights = {key for key, value in perm.items() if value and key not in ("role", "permlevel", "if_owner")}
            (owned if perm.get("if_owner") else outright).update(rights)
    return outright, owned


@pytest.mark.parametrize("role", sorted(GUIDE))
def test_each_phrase_of_the_guide_is_a_right_the_role_holds(lms: SiteHandle, role: str) -> None:
    missing = [f"{phrase}: {right} on {doctype}" for phrase, needs in GUIDE[role].items()
               for doctype, right in needs if right not in set.union(*_rights(doctype, role))]
    assert missing == []
    extra = [f"{right} on {doctype}" for doctype, right in NOT_GIVEN[role]
             if right in set.union(*_rights(doctype, role))]
    assert extra == []


def test_a_learner_views_only_their_own(lms: SiteHandle) -> None:
    for doctype in ("LMS Certificate", "LMS Assignment Submission", "LMS Quiz Submission"):
        outright, owned = _rights(doctype, "LMS Student")
        assert "read" in owned and "read" not in outright, doctype
