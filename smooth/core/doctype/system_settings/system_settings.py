"""System Settings: site-wide preferences; the time zone every stored date and time is in."""

from __future__ import annotations

import zoneinfo

from smooth.context import db, local
from smooth.exceptions import ValidationError
from smooth.i18n import language
from smooth.messages import _
from smooth.model.document import Document


class SystemSettings(Document):
    language: str | None

    def validate(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.time_zone or "")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Time Zone {0!r} is not an IANA zone name", self.time_zone)) from None
        self.language = language.check(self.language) or None
        names = [line.strip() for line in (self.disabled_email_templates or "").splitlines() if line.strip()]
        unknown = [name for name in names if not db().exists("Email Template", name)]
        if unknown:
            raise ValidationError(_("Email Templates Not Sent: no Email Template named {0}",
                                    ', '.join(map(repr, unknown))))

    def on_update(self) -> None:
        local().site.set_time_zone(self.time_zone)
