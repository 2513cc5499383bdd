"""Custom Field: a field a site adds to any doctype, core or app, without editing its JSON (Frappe's).

Named `<DocType>-<fieldname>` as Frappe names it, so Frappe's fixture exports load as they are.
A fieldname left empty is made from the label with Frappe's `custom_` prefix. Checked when saved
(the doctype exists, the fieldname is free and well formed, the `insert_after` field exists, a
Link or Table names a doctype), so a broken one never reaches the metadata. After the commit the
column is added (`smooth.core.customizations`); deleting the record hides the field but keeps
its column and data, as a removed field's column is kept by migrate.
"""

from __future__ import annotations

import re

from smooth.context import local
from smooth.core.customizations import changed
from smooth.exceptions import ValidationError
from smooth.messages import msgprint
from smooth.meta import fieldtypes
from smooth.meta.checks import FIELDNAME_RE, RESERVED
from smooth.meta.customization import refusal
from smooth.meta.doctype import Meta
from smooth.model.document import Document

_NOT_WORD = re.compile(r"[^a-z0-9_]+")


def fieldname_from(label: str) -> str:
    """`Preferred Shirt Size` -> `custom_preferred_shirt_size`."""
    return "custom_" + _NOT_WORD.sub("_", label.strip().lower()).strip("_")


class CustomField(Document):
    def autoname(self) -> None:
        self.set_fieldname()
        self.name = f"{self.dt}-{self.fieldname}"

    def set_fieldname(self) -> None:
        label, fieldname = str(self.get("label") or ""), str(self.get("fieldname") or "")
        if not fieldname and label:
            self.set("fieldname", fieldname_from(label))
        if not label and fieldname:
            self.set("label", fieldname.removeprefix("custom_").replace("_", " ").title())

    def validate(self) -> None:
        self.set_fieldname()
        if not self.dt or not self.fieldtype:
            return  # the mandatory check that follows names what is missing
        registry = local().site.registry
        if self.dt not in registry:
            raise ValidationError(f"Document Type: {self.dt!r} is not a DocType of this site")
        fieldname = str(self.fieldname or "")
        if not fieldname:
            raise ValidationError("Give the custom field a Label or a Fieldname")
        if not FIELDNAME_RE.match(fieldname) or fieldname in RESERVED:
            raise ValidationError(f"Fieldname {fieldname!r} must be lower case letters, digits and underscores, "
                                  "and not a standard column")
        meta = registry.get(self.dt)
        existing = meta.get_field(fieldname)
        if existing is not None and not existing.raw.get("is_custom_field"):
            raise ValidationError(f"{self.dt} already has a field {fieldname!r}; choose another fieldname")
        if not self.is_new() and self.name != f"{self.dt}-{fieldname}":
            raise ValidationError("The doctype and the fieldname of a Custom Field cannot change: delete it and "
                                  "add a new one")
        if self.insert_after and not meta.has_field(self.insert_after):
            msgprint(f"Insert After: {self.dt} has no field {self.insert_after!r}, so {fieldname} is placed at the "
                     "end of the form")
        if self.fieldtype not in fieldtypes.ALL:
            raise ValidationError(f"Field Type {self.fieldtype!r} is not a field type")
        target = (self.options or "").strip()
        if self.fieldtype in ("Link", "Table", "Table MultiSelect") and target not in registry:
            raise ValidationError(f"Options: a {self.fieldtype} field needs the name of a DocType, not {target!r}")
        if self.fieldtype in fieldtypes.TABLE and not registry.get(target).istable:
            raise ValidationError(f"Options: {target} is not a child table DocType")
        base = registry.get(self.dt)
        if existing is not None:  # editing a custom field: try it in place of its current version
            kept = [f for f in base.raw.get("fields") or [] if f.get("fieldname") != fieldname]
            base = Meta({**base.raw, "fields": kept}, path=base.path, app=base.app)
        problem = refusal(base, [self.as_dict()])
        if problem:
            raise ValidationError(problem)

    def on_update(self) -> None:
        changed(self.dt)

    def on_trash(self) -> None:
        changed(self.dt)
