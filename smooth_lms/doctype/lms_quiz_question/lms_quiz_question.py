"""LMS Quiz Question: a row of a quiz (checked with its quiz)."""

from smooth.model.document import Document


class LMSQuizQuestion(Document):
    pass
