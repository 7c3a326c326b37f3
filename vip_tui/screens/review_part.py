"""What the incident review's halves share: the item on screen and whether its meeting is closed."""

from __future__ import annotations

from ..enums import MeetingStatus
from ..services import items
from ..widgets.persons_panel import PersonsPanel
from .base import MeetingStageScreen


class ReviewPart(MeetingStageScreen):
    """Base of the review's halves (screens/review_notes.py, review_decisions.py) and of the review itself."""

    detail: items.ItemDetail | None
    persons: PersonsPanel
    _meeting = None  # the meeting as last loaded (services.meetings.get_meeting)

    @property
    def read_only_now(self) -> bool:
        return self._meeting is not None and self._meeting.status == MeetingStatus.closed

    def _say_closed(self) -> bool:
        """In a closed meeting, tell why a key that would change it does nothing (True), instead of silence."""
        return self.say_closed(self.read_only_now)

    def _reload_item(self) -> None:
        """Load the current item again (the review's own)."""
        raise NotImplementedError
