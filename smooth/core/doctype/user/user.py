"""User: people who sign in. Passwords and API secrets are hashed into __Auth, never stored."""

from __future__ import annotations

import re
import secrets
import zoneinfo

from smooth.context import db
from smooth.exceptions import ValidationError
from smooth.i18n import language
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.passwords import set_password
from smooth.permissions import clear_role_cache

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STANDARD_USERS = ("Administrator", "Guest")
SYSTEM_USER, WEBSITE_USER = "System User", "Website User"


def desk_user_type(roles: list[str]) -> str:
    """Frappe's rule: a System User when any of the roles has desk access, else a Website User (no /app)."""
    roles = [r for r in roles if r]
    if roles and db().get_all("Role", pluck="name", filters=[["name", "in", roles], ["desk_access", "=", 1]],
                              limit_page_length=1, order_by=""):
        return SYSTEM_USER
    return WEBSITE_USER


class User(Document):
    email: str
    new_password: str | None
    language: str | None

    def autoname(self) -> None:
        if self.name not in STANDARD_USERS:
            self.name = (self.email or "").strip().lower()

    def validate(self) -> None:
        self.validate_email()
        self.validate_time_zone()
        self.language = language.check(self.language) or None
        self.full_name = " ".join(p for p in (self.first_name, self.last_name) if p) or self.name
        self.set_user_type()

    def set_user_type(self) -> None:
        if self.name in STANDARD_USERS:
            self.user_type = SYSTEM_USER if self.name == "Administrator" else WEBSITE_USER
        else:
            self.user_type = desk_user_type([row.role for row in self.roles or []])

    def validate_email(self) -> None:
        self.email = (self.email or "").strip().lower()
        if not EMAIL_RE.match(self.email):
            raise ValidationError(_("{0!r} is not a valid email address", self.email))

    def validate_time_zone(self) -> None:
        if not self.time_zone:
            return
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                _("Time Zone {0!r} is not an IANA zone name (for example Europe/Berlin)", self.time_zone)) from None

    def get_password_mode(self, fieldname: str) -> str:
        return "hash"

    def before_save(self) -> None:
        if self.new_password and set(self.new_password) != {"*"}:
            set_password("User", self.name, "password", self.new_password, mode="hash")
        self.new_password = None

    def on_update(self) -> None:
        clear_role_cache(self.name)

    def add_roles(self, *roles: str) -> None:
        current = {r.role for r in self.roles}
        for role in roles:
            if role not in current:
                self.append("roles", {"role": role})
        self.save()

    def generate_api_credentials(self) -> tuple[str, str]:
        """A fresh key pair; the secret is returned once and only its hash is kept."""
        self.api_key = secrets.token_hex(8)
        secret = secrets.token_hex(16)
        self.api_secret = secret
        self.save()
        return self.api_key, secret
