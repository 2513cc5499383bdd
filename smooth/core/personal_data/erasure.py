"""Erasing a person: each declared record is deleted (no `partial`) or kept with its `redact_fields` blanked
(`partial`), then the person's User is renamed to an anonymous id everywhere (every Link to User, every
`owner` and `modified_by`), disabled, stripped of roles, password, API secret, second factor and sessions.

A kept record keeps its name, its files and what makes it evidence (a certificate's number, dates and
course); what named the person now says `Deleted User <id>`. Each step is returned for the request's
record of what was done. All of it is one transaction: a failure leaves the person as they were.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update

from smooth.context import db, local
from smooth.exceptions import SmoothError
from smooth.meta.doctype import DocField
from smooth.meta.fieldtypes import TEXT
from smooth.model.database_api import document_db
from smooth.model.document import load_document
from smooth.model.rename import rewrite_references

from .declarations import Declaration, Finder, contains, declarations

DELETED, ANONYMISED = "Deleted", "Anonymised"
ANONYMOUS_DOMAIN = "deleted.invalid"  # RFC 2606: never a real mailbox
USER_TABLES = ("__Two Factor", "__Sessions")  # the framework's tables keyed by a user's name


def _names_a_person(fieldname: str) -> bool:
    """A field for a whole or first name (member_name, full_name, comment_by): it gets the label, so a kept
    record still reads as someone's. A surname or middle name is blanked (the label is whole already)."""
    if fieldname in ("last_name", "middle_name"):
        return False
    return fieldname.endswith(("name", "_by"))


@dataclass(frozen=True)
class Anonymous:
    """Who the person becomes: a label for names and an address for emails and the User's name."""

    token: str

    @classmethod
    def new(cls) -> Anonymous:
        return cls(secrets.token_hex(4))

    @property
    def label(self) -> str:
        return f"Deleted User {self.token}"

    @property
    def user(self) -> str:
        return f"deleted-{self.token}@{ANONYMOUS_DOMAIN}"

    def value_for(self, field: DocField) -> Any:
        """What replaces `field`'s value: the address in an email or a Link to User, the label in a field
        holding a name, nothing in any other text (a comment's words, an IP address), a number or a date."""
        if (field.fieldtype == "Data" and (field.options == "Email" or "email" in field.fieldname)) \
                or (field.fieldtype == "Link" and field.options == "User"):
            return self.user
        if field.fieldtype in TEXT and _names_a_person(field.fieldname):
            return self.label
        return "" if field.fieldtype in TEXT else None


@dataclass
class Step:
    document_type: str
    document_name: str
    action: str
    fields: str = ""
    reason: str = ""

    def as_row(self) -> dict[str, str]:
        return {"document_type": self.document_type, "document_name": self.document_name[:140],
                "action": self.action, "fields": self.fields, "reason": self.reason}


class Erasure:
    def __init__(self, user: str, anonymous: Anonymous) -> None:
        self.user, self.anonymous = user, anonymous
        self.steps: list[Step] = []
        self.done: set[tuple[str, str]] = set()

    def shown(self, name: str) -> str:
        """A record's name for the record of steps: a name that is the person's email (a Course Evaluator's)
        is written as the anonymous id."""
        return name.replace(self.user, self.anonymous.user)

    def run(self) -> list[Step]:
        full_name = str(db().get_value("User", self.user, "full_name") or "").strip()  # before it is redacted
        found = Finder(self.user, declarations()).found()
        for entry, names in found:
            if not entry.partial:
                for name in names:
                    self.delete(entry, name)
        for entry, names in found:
            if entry.partial:
                for name in names:
                    self.redact(entry, name, entry.reason)
        self.drop_history(full_name)
        self.rename_user()
        return self.steps

    def drop_history(self, full_name: str) -> None:
        """Versions whose changes name the person (their email, or their full name of two words or more)
        go: a kept record's history would otherwise still say who they were."""
        database = db()
        versions = database.table("Version")
        mentions = [contains(versions.c.data, self.user)]
        if " " in full_name:
            mentions.append(contains(versions.c.data, full_name))
        names = [r[0] for r in database.execute(select(versions.c.name).where(or_(*mentions))).fetchall()]
        if names:
            database.execute(delete(versions).where(versions.c.name.in_(names)), write=True)
            self.steps.append(Step("Version", f"{len(names)} change records", DELETED,
                                   reason="change history that named the person"))

    def delete(self, entry: Declaration, name: str) -> None:
        key = (entry.doctype, name)
        if key in self.done:
            return
        self.done.add(key)
        database = db()
        if entry.meta.istable:
            table = database.table(entry.doctype)
            database.execute(delete(table).where(table.c.name == name), write=True)
        else:
            try:
                with database.savepoint():
                    doc = load_document(entry.doctype, name, for_update=True)
                    doc.delete(ignore_permissions=True, force=True)
            except SmoothError as exc:  # a submitted record, a controller that keeps it: kept, anonymised
                self.done.discard(key)
                self.redact(entry, name, f"could not be deleted ({exc.message}); kept anonymised")
                return
        self.steps.append(Step(entry.doctype, self.shown(name), DELETED, reason=entry.reason))

    def redact(self, entry: Declaration, name: str, reason: str) -> None:
        key = (entry.doctype, name)
        if key in self.done:
            return
        self.done.add(key)
        fields = [f for f in (entry.meta.get_field(n) for n in entry.redact_fields) if f is not None]
        values = {f.fieldname: self.anonymous.value_for(f) for f in fields}
        if entry.rewrite_fields:
            keys = db().get_value(entry.doctype, name, list(entry.rewrite_fields), as_dict=True, order_by="") or {}
            values.update({k: str(v).replace(self.user, self.anonymous.user) for k, v in keys.items() if v})
        if values:
            document_db().set_value(entry.doctype, name, values, update_modified=False)
        named_by = entry.filter_by if entry.filter_by not in values else ""
        shown = ", ".join([*values, *([named_by] if named_by else [])])
        self.steps.append(Step(entry.doctype, self.shown(name), ANONYMISED, shown, reason))

    def rename_user(self) -> None:
        """The User becomes the anonymous id in every Link, `owner` and `modified_by`; it stays, disabled, so
        kept records still link to a user; its roles and every secret go."""
        site, database, old, new = local().site, db(), self.user, self.anonymous.user
        user_meta = site.get_meta("User")
        rewrite_references(user_meta, old, new)
        for meta in site.registry:
            if meta.issingle:
                continue
            table = database.table(meta.name)
            for column in ("owner", "modified_by"):
                database.execute(update(table).where(table.c[column] == old).values({column: new}), write=True)
        roles = database.table("Has Role")
        database.execute(delete(roles).where((roles.c.parent == new) & (roles.c.parenttype == "User")), write=True)
        auth = database.table("__Auth")
        database.execute(delete(auth).where((auth.c.doctype == "User") & (auth.c.name == new)), write=True)
        for table_name in USER_TABLES:
            table = database.table(table_name)
            database.execute(delete(table).where(table.c.user == old), write=True)
        document_db().set_value("User", new, {"email": new, "first_name": self.anonymous.label, "last_name": None,
                                         "full_name": self.anonymous.label, "enabled": 0, "api_key": None,
                                         "time_zone": None, "last_login": None, "user_type": "Website User"},
                           update_modified=False)
        self.steps = [step for step in self.steps if step.document_type != "User"]  # one step says it all
        self.steps.append(Step("User", new, ANONYMISED, "name, email, first_name, last_name, full_name, enabled, "
                                                         "roles, password, api_key, api_secret, two-factor, sessions",
                               "the user stays, disabled and renamed everywhere, so kept records still link to it"))


def erase(user: str) -> tuple[Anonymous, list[Step]]:
    """Erase `user` (see the module's docstring); the anonymous id and each step taken."""
    anonymous = Anonymous.new()
    return anonymous, Erasure(user, anonymous).run()
