"""Property Setter: one property of a doctype or of one of its fields, overridden on this site (Frappe's).

Named as Frappe names it (`<DocType>-<field>-<property>`, `<DocType>-main-<property>` for the
doctype itself), so Frappe's exports load unchanged and a second setter of the same property
updates the first. Properties that change how a table is stored (fieldtype, fieldname, istable...)
are refused here; the metadata layer (`smooth.meta.customization`) applies the rest.
"""

from __future__ import annotations

from smooth.context import local
from smooth.core.customizations import changed
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.meta.customization import DOCTYPE_LOCKED, FIELD_LOCKED, refusal
from smooth.model.document import Document


class PropertySetter(Document):
    def autoname(self) -> None:
        self.name = f"{self.doc_type}-{self.field_name or 'main'}-{self.property}"

    def validate(self) -> None:
        if not self.doc_type or not self.property:
            return  # the mandatory check that follows names what is missing
        registry = local().site.registry
        if self.doc_type not in registry:
            raise ValidationError(_("DocType: {0!r} is not a DocType of this site", self.doc_type))
        if not self.get("doctype_or_field"):
            self.set("doctype_or_field", "DocField" if self.field_name else "DocType")
        prop = str(self.property or "").strip()
        if self.doctype_or_field == "DocField":
            if not registry.get(self.doc_type).has_field(self.field_name or ""):
                raise ValidationError(_("Field Name: {0} has no field {1!r}", _(self.doc_type), self.field_name))
            if prop in FIELD_LOCKED:
                raise ValidationError(_("Property {0!r} changes the column; add a new field instead", prop))
        elif self.doctype_or_field == "DocType" and prop in DOCTYPE_LOCKED:
            raise ValidationError(_("Property {0!r} of a DocType cannot be overridden on a site", prop))
        if self.doctype_or_field in ("DocField", "DocType"):
            problem = refusal(registry.get(self.doc_type), property_setters=[self.as_dict()])
            if problem:
                raise ValidationError(problem)

    def on_update(self) -> None:
        changed(self.doc_type)

    def on_trash(self) -> None:
        changed(self.doc_type)
