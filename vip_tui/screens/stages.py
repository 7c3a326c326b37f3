"""Which screen shows which stage of a meeting (imported when first shown: start-up stays light)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .base import MeetingStageScreen

SCREENS = {
    "attendance": ("attendance", "AttendanceScreen"),
    "old_business": ("old_business", "OldBusinessScreen"),
    "review": ("review", "ReviewScreen"),
    "wrap_up": ("wrap_up", "WrapUpScreen"),
}


def stage_screen(stage: str, meeting_id: int, **kwargs: Any) -> MeetingStageScreen:
    module, name = SCREENS[stage]
    cls: type[MeetingStageScreen] = getattr(import_module(f"{__package__}.{module}"), name)
    return cls(meeting_id, **kwargs)
