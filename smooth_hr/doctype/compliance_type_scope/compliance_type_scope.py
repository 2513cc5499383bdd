from __future__ import annotations

from smooth.model.document import Document


class ComplianceTypeScope(Document):
    pass
