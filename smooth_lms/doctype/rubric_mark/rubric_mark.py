"""Rubric Mark: the points for one criterion (checked with the evaluation or submission it belongs to)."""

from smooth.model.document import Document


class RubricMark(Document):
    pass
