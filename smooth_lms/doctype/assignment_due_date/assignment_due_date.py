"""Assignment Due Date: a cohort's due date for an assignment (checked with its assignment)."""

from smooth.model.document import Document


class AssignmentDueDate(Document):
    pass
