"""Social Login Key (Frappe's doctype): one OpenID Connect provider for single sign-on (smooth.auth.oidc).

Named after its provider (`provider_name` scrubbed, as Frappe does), which is the key in its login
and callback paths."""

from __future__ import annotations

import re

from smooth.auth import oidc
from smooth.exceptions import ValidationError
from smooth.model.document import Document

PROVIDER_BASE_URLS = {"Google": "https://accounts.google.com"}


def callback_path(name: str) -> str:
    return f"/login/oidc/{name}/callback"


class SocialLoginKey(Document):
    provider_name: str
    social_login_provider: str
    enable_social_login: int
    client_id: str | None
    base_url: str | None
    redirect_url: str | None

    def autoname(self) -> None:
        self.name = re.sub(r"[^a-z0-9_]+", "_", (self.provider_name or "").strip().lower()).strip("_")
        if not self.name:
            raise ValidationError("Provider Name needs a letter or digit: it names the key and its login path")

    def validate(self) -> None:
        if not self.base_url and self.social_login_provider in PROVIDER_BASE_URLS:
            self.base_url = PROVIDER_BASE_URLS[self.social_login_provider]
        self.base_url = (self.base_url or "").strip().rstrip("/") or None
        if not self.redirect_url:
            self.redirect_url = callback_path(self.name)
        oidc.check_key_urls(self.as_dict())
        if self.enable_social_login and not self.client_id:
            raise ValidationError("Enter the Client ID the provider gave this site before enabling the key")
        if self.enable_social_login and not self.base_url:
            raise ValidationError("Enter the provider's Base URL (the issuer its ID tokens name) before enabling the "
                                  "key")
