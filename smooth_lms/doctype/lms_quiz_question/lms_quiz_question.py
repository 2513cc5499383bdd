"""LMS Quiz Question: a row of a quiz pointing at a bank question (checked and filled with its quiz)."""

from smooth.model.document import Document


class LMSQuizQuestion(Document):
    pass
