"""Print Format: how a document prints (Jinja HTML + CSS, page size, orientation, margins).

The template is checked when saved, so a typo shows in the form rather than at print time, and
a DocType keeps at most one default format: marking one default clears the others. Frappe's
records load as exported: `standard` is "Yes"/"No" (an older 1/0 is read as such), and the
settings Smooth stores but does not act on (a JS or raw-printing format, the Print Format
Builder's layout, fonts, page numbers) are named in a message when set, never refused.
"""

from __future__ import annotations

from smooth.exceptions import ValidationError
from smooth.messages import _, msgprint
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.listing import get_all
from smooth.printing.render import check_template

# Frappe settings kept but not acted on, with the value that means "nothing to do"
UNIMPLEMENTED = {"print_format_type": "Jinja", "raw_printing": 0, "raw_commands": "", "print_format_builder": 0,
                 "print_format_builder_beta": 0, "format_data": "", "default_print_language": "", "font": "",
                 "page_number": "Hide", "align_labels_right": 0, "show_section_headings": 0, "line_breaks": 0,
                 "absolute_value": 0}


class PrintFormat(Document):
    def before_validate(self) -> None:
        standard = str(self.get("standard"))
        if standard in ("0", "1"):
            self.set("standard", "Yes" if standard == "1" else "No")

    def validate(self) -> None:
        check_template(self.html or "", f"Print Format {str(self.name or '')!r}, {self.meta.get_label('html')}")
        for field in ("margin_top", "margin_bottom", "margin_left", "margin_right"):
            value = self.get(field)
            if value is not None and not 0 <= float(value) <= 100:
                raise ValidationError(_("{0} must be between 0 and 100 mm", _(self.meta.get_label(field))))
        ignored = [self.meta.get_label(k) for k, idle in UNIMPLEMENTED.items() if self.get(k) not in (idle, None, "")]
        if ignored:
            msgprint(_("Print Format {0}: Smooth stores but does not use {1}; it prints the HTML template (the "
                       "standard layout when that is empty)", self.name, ', '.join(ignored)))

    def on_update(self) -> None:
        if self.is_default:
            for other in get_all("Print Format", filters={"doc_type": self.doc_type, "is_default": 1,
                                                          "name": ["!=", self.name]}, pluck="name"):
                document_db().set_value("Print Format", other, "is_default", 0)
