"""Employee Compliance rows written before they stored their next action date get one, so the daily job,
which now reads only the rows due, still finds them (those inside a reminder window are due at once)."""

from __future__ import annotations

import smooth
from smooth_hr.compliance_staging import stage_all


def execute() -> None:
    stage_all(smooth.today())
