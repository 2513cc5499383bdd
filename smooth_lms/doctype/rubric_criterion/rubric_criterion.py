"""Rubric Criterion: a row of an Evaluation Rubric (checked with its rubric)."""

from smooth.model.document import Document


class RubricCriterion(Document):
    pass
