"""The review's notes editor: the note being typed on the current item, and who may read it.

The editor holds the note it edits (:class:`NoteSlot`: the item, the note's
id and version once written, its readers) and knows whether what it shows
was typed here or loaded (then a reload may show a newer version). It never
writes: at most ``SAVE_DELAY`` after the first unsaved key it posts
:class:`NotesEditor.SaveDue`, and the screen writes in its ordered write
lane. Entered with ``e`` only: tab passes it by, so a command key never
lands in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from ..enums import NoteVisibility
from ..services.items import NoteRow

SAVE_DELAY = 0.5  # seconds: the most a killed process can lose of a note
# ctrl+l while typing: who may read the note, in turn.
NEXT_VISIBILITY = {
    NoteVisibility.members: NoteVisibility.le_only,
    NoteVisibility.le_only: NoteVisibility.partners,
    NoteVisibility.partners: NoteVisibility.members,
}
NOTE_TITLE = {
    NoteVisibility.members: "Note · members",
    NoteVisibility.le_only: "Note · LAW ENFORCEMENT ONLY",
    NoteVisibility.partners: "Note · for partners",
}
HIDDEN_TITLE = "Note hidden while presenting (law enforcement only)"


@dataclass
class NoteSlot:
    """The note an editor writes to: created on the first save, then written against its version.

    The write lane fills in ``note_id`` and ``version`` as each save lands, so
    a save queued behind another writes to the note the first one created.
    """

    item_id: int
    note_id: int | None = None
    version: int | None = None
    visibility: NoteVisibility = NoteVisibility.members


class NotesEditor(TextArea):
    @dataclass
    class SaveDue(Message):
        """What was typed has waited SAVE_DELAY unsaved: the screen saves it now."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.slot: NoteSlot | None = None
        self.closed = False  # the meeting is closed: what changes is never saved
        self.dirty = False
        # A fresh note (ctrl+n) stays empty when the item reloads underneath it.
        self.fresh = False
        # True while the editor holds what was loaded into it (nothing typed since):
        # then a reload may show a newer version of the note (see take_latest).
        self.loaded = True
        self._saved_text = ""
        self._save_timer: Timer | None = None

    @property
    def note_id(self) -> int | None:
        return None if self.slot is None else self.slot.note_id

    @property
    def visibility(self) -> NoteVisibility:
        return NoteVisibility.members if self.slot is None else self.slot.visibility

    def reset(
        self, item_id: int, text: str = "", note_id: int | None = None,
        visibility: NoteVisibility = NoteVisibility.members, *, version: int | None = None, fresh: bool = False,
    ) -> None:
        """Hold ``text``, the note ``note_id`` at ``version`` of ``item_id`` (none: a new note on the first key)."""
        self.slot = NoteSlot(item_id, note_id, version, visibility)
        self.fresh = fresh
        self.loaded = True
        # TextArea.Changed for this arrives later: it is told apart by comparing with _saved_text.
        self._saved_text = text
        self.load_text(text)
        self.dirty = False

    def take_latest(self, notes: Sequence[NoteRow]) -> bool:
        """Hold the item's latest note while the editor holds only what was loaded into it (True: it changed).

        Once anything is typed (or ctrl+n started a new note) the editor's text
        is the user's and no reload replaces it. Until then it follows the data:
        the copy loaded ahead, then the fresh one if the note changed meanwhile.
        A note loaded ahead is safe to write back: the save names the version it
        was loaded at, and a note changed elsewhere since is not overwritten
        (what was typed becomes a new note).
        """
        if self.slot is None or self.dirty or self.fresh or not self.loaded:
            return False
        latest = notes[-1] if notes else None
        if latest is None or (latest.id, latest.version) == (self.slot.note_id, self.slot.version):
            return False
        self.reset(self.slot.item_id, latest.text, latest.id, latest.visibility, version=latest.version)
        return True

    def cycle_visibility(self) -> NoteVisibility:
        """ctrl+l: the next readers; the note is to be saved with them."""
        assert self.slot is not None
        self.slot.visibility = NEXT_VISIBILITY[self.slot.visibility]
        self.dirty = True
        return self.slot.visibility

    def take_unsaved(self) -> str | None:
        """The text to save now, if it changed since the last save (then it counts as saved)."""
        self.stop_timer()
        if not self.dirty or self.slot is None:
            return None
        self._saved_text, self.dirty = self.text, False
        return self._saved_text

    def not_saved(self, slot: NoteSlot, text: str) -> None:
        """The save of ``text`` failed and it is still here: it is unsaved again."""
        if slot is self.slot and self.text == text:
            self.dirty = True

    def stop_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def draw_title(self, hide: bool) -> str:
        """The border says who reads the note (or that it is hidden while presenting); returns the title."""
        self.set_class(self.visibility == NoteVisibility.le_only, "-le-only")
        title = NOTE_TITLE[self.visibility]
        if hide:
            title = HIDDEN_TITLE
        elif not self.text:
            title += " (e to type)"
        self.border_title = title
        self.border_subtitle = "saved as you type · ctrl+l readers · ctrl+n new note"
        return title

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self:
            return
        if self.closed or self.text == self._saved_text:
            return
        self.dirty = True
        self.loaded = False
        # Not reset on every key: a fast typist still gets a save every SAVE_DELAY.
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._due)

    def _due(self) -> None:
        self._save_timer = None
        self.post_message(self.SaveDue())
