"""/lms/programs: published programs and my own, with my progress in each."""

from __future__ import annotations

from typing import Any

from smooth_lms import programs


def get_context(context: Any) -> None:
    context.title = "Programs"
    context.programs = programs.visible_programs(context.user)
