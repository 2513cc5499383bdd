"""Email Template: a mail's subject and body as Jinja.

The body is Frappe's: the rich-text `response`, or with `use_html` the `response_html` code
(`smooth.email.rendering.body_field`). A template without the chosen body, or that does not
compile, is refused when saved, naming the field and the line: saved, it would fail every mail
sent with it, seen only in the Error Log.
"""

from __future__ import annotations

from smooth.email.rendering import body_field, check_email_template
from smooth.exceptions import MandatoryError
from smooth.messages import _
from smooth.model.document import Document


class EmailTemplate(Document):
    def validate(self) -> None:
        values = self.as_dict()
        body, label = body_field(values)
        if not (values.get(body) or "").strip():
            raise MandatoryError(_("Email Template {0}: {1} is required (Use HTML is set)", self.name, _(label))
                                 if body == "response_html" else
                                 _("Email Template {0}: {1} is required", self.name, _(label)))
        check_email_template(str(self.name or ""), values)
