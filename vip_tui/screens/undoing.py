"""`u` on the boards and in old business: undo the last change made on that screen.

A screen wraps each write in :meth:`UndoLast.recording`; ``u`` reverts the
last one recorded (services/undo.py) and says what was undone; pressed again,
the one before (an attempt, then the status it led to). Changes act at
once instead of asking first: a slip costs one key, not a question per change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from ..services.guard import ReviewError
from ..services.undo import Change, recording, undo
from ..widgets import text as shown

if TYPE_CHECKING:
    from textual.screen import Screen

    _Screen = Screen
else:
    _Screen = object

UNDO_BINDING = Binding("u", "undo", "Undo", id="undo.last", show=False,
                       tooltip="Undo the last change made on this screen")


class UndoLast(_Screen):
    """A mixin: the screen provides ``load()`` (reload its rows); ``u`` undoes its last change."""

    _changes: list[Change] | None = None
    KEEP = 20  # changes remembered per screen

    def load(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    @contextmanager
    def recording(self, what: str) -> Iterator[Change]:
        """Record the writes of the block as this screen's last change (a refused write changes nothing)."""
        with recording(what) as change:
            yield change
        if change.steps:
            self._changes = [*(self._changes or [])[-(self.KEEP - 1):], change]

    def action_undo(self) -> None:
        if not self._changes:
            self.notify("Nothing to undo: no change was made on this screen since it opened", severity="warning")
            return
        change = self._changes.pop()
        try:
            undo(self.app.db, change)  # type: ignore[attr-defined]
        except ReviewError as exc:
            self.notify(f"Not undone: {shown.safe(exc)}", severity="error", markup=False)
            self.load()
            return
        self.notify(f"Undone: {shown.safe(change.what)}", markup=False)
        self.load()
