"""LMS Quiz Submission Question: one asked question of an attempt (written by the submission's controller)."""

from smooth.model.document import Document


class LMSQuizSubmissionQuestion(Document):
    pass
