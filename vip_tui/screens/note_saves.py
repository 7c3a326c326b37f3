"""The review's note saves, in the screen's ordered write lane, and what each one's outcome asks of the screen.

A save is queued with the text and readers the note had when it was asked
for; the lane writes it to the note its :class:`NoteSlot` names at that
moment (a save queued behind the first one writes to the note the first one
created). Nothing typed is lost:

- a note changed by another instance since it was loaded is not
  overwritten: what was typed is written as a new note;
- a busy database is waited out (the app's BUSY retry) with the text kept;
  a newer save of the same note makes an older one waiting so unnecessary;
- the screen going away (another stage, quit) writes every save still
  queued before it goes (:meth:`NoteSaves.drain`): Textual cancels a
  screen's workers as it unmounts, and a cancelled save would be lost.

Runs no Textual code in the lane: the outcome comes back to the screen as
the worker's result, on the UI thread (:meth:`NoteSaves.outcome`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..db import DatabaseBusy
from ..enums import NoteVisibility
from ..services import agenda_builder as concurrent
from ..services import review as svc
from ..widgets.notes_editor import NoteSlot

if TYPE_CHECKING:
    from ..db import Database

# How long the screen, going away, waits for a save already being written (it is waiting for the lock).
DRAIN_SECONDS = 30.0


@dataclass(eq=False)
class NoteSave:
    slot: NoteSlot
    text: str
    visibility: NoteVisibility
    claimed: bool = False  # by the lane or by drain, whichever comes first
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str = ""  # saved · kept as new · not even new · refused · busy · skipped
    error: Exception | None = None


class NoteSaves:
    """The saves asked for and not yet written, in order."""

    def __init__(self) -> None:
        self.pending: list[NoteSave] = []
        self._claim = threading.Lock()

    def queue(self, slot: NoteSlot, text: str) -> NoteSave:
        job = NoteSave(slot, text, slot.visibility)
        self.pending.append(job)
        return job

    def again(self, job: NoteSave) -> bool:
        """A save that met a busy database, to be tried again: False when a newer save of its note is queued."""
        later = self.pending[self.pending.index(job) + 1:] if job in self.pending else []
        if any(j.slot is job.slot for j in later):
            self.pending.remove(job)
            return False
        job.claimed, job.done, job.outcome = False, threading.Event(), ""
        return True

    def run(self, db: Database, job: NoteSave) -> NoteSave:
        """In the write lane: write ``job`` unless :meth:`drain` already did."""
        with self._claim:
            if job.claimed:
                job.outcome = job.outcome or "skipped"
                return job
            job.claimed = True
        try:
            job.outcome = self._write(db, job)
        finally:
            job.done.set()
        return job

    def finished(self, job: NoteSave) -> None:
        """On the UI thread, once its outcome is handled: no longer pending (unless it is to be tried again)."""
        if job.outcome != "busy" and job in self.pending:
            self.pending.remove(job)

    def drain(self, db: Database) -> None:
        """The screen goes: every save still pending is written now, in order, on this thread."""
        for job in list(self.pending):
            with self._claim:
                mine = not job.claimed or job.outcome == "busy"  # a busy one waits for its retry: written now
                job.claimed = True
            if mine:
                job.outcome = self._write(db, job)
                job.done.set()
            else:
                job.done.wait(DRAIN_SECONDS)
        self.pending.clear()

    @staticmethod
    def _write(db: Database, job: NoteSave) -> str:
        slot = job.slot
        try:
            slot.note_id, slot.version = concurrent.save_note(
                db, slot.item_id, job.text, note_id=slot.note_id, version=slot.version, visibility=job.visibility,
            )
            return "saved"
        except concurrent.StaleEdit:
            # The note was changed in another instance: theirs stays, what was typed here becomes a new note.
            try:
                slot.note_id, slot.version = concurrent.save_note(
                    db, slot.item_id, job.text, note_id=None, version=None, visibility=job.visibility,
                )
            except svc.ReviewError as exc:
                job.error = exc  # not even a new note (the meeting closed meanwhile)
                return "not even new"
            return "kept as new"
        except svc.ReviewError as exc:
            job.error = exc
            return "refused"
        except DatabaseBusy:
            return "busy"
