"""Email Template: a mail's subject and body as Jinja.

A template that does not compile is refused when saved, naming the field and the line: saved,
it would fail every mail sent with it, seen only in the Error Log.
"""

from __future__ import annotations

from smooth.email.rendering import check_email_template
from smooth.model.document import Document


class EmailTemplate(Document):
    def validate(self) -> None:
        check_email_template(str(self.name or ""), self.as_dict())
