"""Print Format: how a document prints (Jinja HTML + CSS, page size, orientation, margins).

The template is checked when saved, so a typo shows in the form rather than at print time, and
a DocType keeps at most one default format: marking one default clears the others.
"""

from __future__ import annotations

from smooth.exceptions import ValidationError
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.listing import get_all
from smooth.printing.render import check_template


class PrintFormat(Document):
    def validate(self) -> None:
        check_template(self.html or "", f"Print Format {str(self.name or '')!r}, {self.meta.get_label('html')}")
        for field in ("margin_top", "margin_bottom", "margin_left", "margin_right"):
            value = self.get(field)
            if value is not None and not 0 <= float(value) <= 100:
                raise ValidationError(f"{self.meta.get_label(field)} must be between 0 and 100 mm")

    def on_update(self) -> None:
        if self.is_default:
            for other in get_all("Print Format", filters={"doc_type": self.doc_type, "is_default": 1,
                                                          "name": ["!=", self.name]}, pluck="name"):
                document_db().set_value("Print Format", other, "is_default", 0)
