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
from smooth.messages import _, msgprint
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
            raise ValidationError(_("Document Type: {0!r} is not a DocType of this site", self.dt))
        fieldname = str(self.fieldname or "")
        if not fieldname:
            raise ValidationError(_("Give the custom field a Label or a Fieldname"))
        if not FIELDNAME_RE.match(fieldname) or fieldname in RESERVED:
            raise ValidationError(_("Fieldname {0!r} must be lower case letters, digits and underscores, and not a "
                                    "standard column", fieldname))
        meta = registry.get(self.dt)
        existing = meta.get_field(fieldname)
        if existing is not None and not existing.raw.get("is_custom_field"):
            raise ValidationError(_("{0} already has a field {1!r}; choose another fieldname", _(self.dt), fieldname))
        if not self.is_new() and self.name != f"{self.dt}-{fieldname}":
            raise ValidationError(_("The doctype and the fieldname of a Custom Field cannot change: delete it and "
                                    "add a new one"))
        if self.insert_after and not meta.has_field(self.insert_after):
            msgprint(_("Insert After: {0} has no field {1!r}, so {2} is placed at the end of the form",
                       _(self.dt), self.insert_after, fieldname))
        if self.fieldtype not in fieldtypes.ALL:
            raise ValidationError(_("Field Type {0!r} is not a field type", self.fieldtype))
        target = (self.options or "").strip()
        if self.fieldtype in ("Link", "Table", "Table MultiSelect") and target not in registry:
            raise ValidationError(_("Options: a {0} field needs the name of a DocType, not {1!r}",
                                    self.fieldtype, target))
        if self.fieldtype in fieldtypes.TABLE and not registry.get(target).istable:
            raise ValidationError(_("Options: {0} is not a child table DocType", target))
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
