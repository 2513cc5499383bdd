"""Social Login Key (Frappe's doctype): one OpenID Connect provider for single sign-on (smooth.auth.oidc).

Named after its provider (`provider_name` scrubbed, as Frappe does), which is the key in its login
and callback paths. Codes and the client secret travel to its URLs, so each must be https (plain
http only on loopback, where tests run a provider)."""

from __future__ import annotations

import json
import re
from typing import Any

from smooth.exceptions import ValidationError
from smooth.integrations.google_calendar import check_endpoint
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.validation import validate_mandatory

PROVIDER_BASE_URLS = {"Google": "https://accounts.google.com"}
# the endpoints a key may set itself, else its provider's discovery says: (field, discovery key, label)
ENDPOINTS = (("authorize_url", "authorization_endpoint", "Authorize URL"),
             ("access_token_url", "token_endpoint", "Access Token URL"),
             ("api_endpoint", "userinfo_endpoint", "User Info URL"),
             ("jwks_uri", "jwks_uri", "JWKS URL"))


def callback_path(name: str) -> str:
    return f"/login/oidc/{name}/callback"


def extra_params(raw: Any) -> dict[str, str]:
    """Frappe's `auth_url_data`: a JSON object of extra authorization parameters (`scope`, `prompt`, `hd`...)."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ValidationError(_("Auth URL Data must be a JSON object, such as {\"scope\": \"openid email profile\"}"))
    return {str(k): str(v) for k, v in data.items()}


class SocialLoginKey(Document):
    provider_name: str
    social_login_provider: str
    enable_social_login: int
    client_id: str | None
    base_url: str | None
    redirect_url: str | None

    def autoname(self) -> None:
        if not (self.provider_name or "").strip():
            validate_mandatory(self)  # the name comes from it: say it is missing, with the others
        self.name = re.sub(r"[^a-z0-9_]+", "_", (self.provider_name or "").strip().lower()).strip("_")
        if not self.name:
            raise ValidationError(_("Provider Name needs a letter or digit: it names the key and its login path"))

    def validate(self) -> None:
        if not self.base_url and self.social_login_provider in PROVIDER_BASE_URLS:
            self.base_url = PROVIDER_BASE_URLS[self.social_login_provider]
        self.base_url = (self.base_url or "").strip().rstrip("/") or None
        if not self.redirect_url:
            self.redirect_url = callback_path(self.name)
        check_endpoint(self.base_url, "Base URL")
        for field, _path, label in ENDPOINTS:
            value = str(self.get(field) or "")
            if value and not value.startswith("/"):  # a path is on the Base URL
                check_endpoint(value, label)
        extra_params(self.get("auth_url_data"))
        if self.enable_social_login and not self.client_id:
            raise ValidationError(_("Enter the Client ID the provider gave this site before enabling the key"))
        if self.enable_social_login and not self.base_url:
            raise ValidationError(_("Enter the provider's Base URL (the issuer its ID tokens name) before enabling "
                                    "the key"))
