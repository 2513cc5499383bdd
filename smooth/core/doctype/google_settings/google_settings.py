"""Google Settings: how Smooth reaches Google Calendar. Codes, secrets and tokens travel to the
endpoint URLs, so each must be https (plain http only on loopback, where tests run a fake)."""

from __future__ import annotations

from smooth.integrations.google_calendar import ENDPOINTS, check_endpoint
from smooth.model.document import Document


class GoogleSettings(Document):
    def validate(self) -> None:
        for field, label in ENDPOINTS:
            check_endpoint(self.get(field), label)
