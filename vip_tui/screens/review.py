"""Incident review, the heart of the meeting: the agenda, the incident, its people, notes and decisions.

The screen composes the review's widgets and routes what they post: the
agenda list (widgets/agenda_list.py), the incident's facts and earlier notes
(widgets/item_panes.py), the persons panel (widgets/persons_panel.py), the
notes editor (widgets/notes_editor.py) and the decisions panel
(widgets/decisions.py). What the audience may see goes down to them bound
(data_bind); each draws itself masked or not.

Moving between items is a cheap key handler: it records where the facilitator
is (the item's clock) and asks a worker to load the item, so the screen never
waits on the database. Every write (the item's clock, marks, notes) runs in
the screen's ordered write lane, off the UI thread, in the order the keys
asked for them; the loads wait for the writes asked before them, so the next
key sees the previous write. Notes are saved as they are typed: at most half
a second after the first unsaved key, and again when the item changes or the
screen closes (screens/review_writes.py).

The notes' keys and saves are the screen's ReviewNotes half
(screens/review_notes.py), the decisions' keys its ReviewDecisions half
(screens/review_decisions.py): screen classes it extends, so their @on
handlers and actions are the screen's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from ..db import DatabaseBusy
from ..enums import MeetingStatus, ReviewStatus
from ..services import agenda_builder as concurrent
from ..services import guard, items, meetings
from ..widgets.agenda_list import AgendaList
from ..widgets.decisions import DecisionList
from ..widgets.dialogs import Field, FormDialog
from ..widgets.item_panes import NO_AGENDA, EarlierNotes, FactsPane
from ..widgets.notes_editor import SAVE_DELAY, NotesEditor
from ..widgets.persons_panel import PersonsPanel
from ..widgets import text as shown
from ..widgets.pace import PaceBar
from .base import CLOSED_MEETING, COMMON_BINDINGS, STAGE_BINDINGS
from .review_decisions import ReviewDecisions
from .review_notes import STALE_NOTE, ReviewNotes
from .review_writes import DRAIN_SECONDS, PendingWrites

__all__ = ["POLL_SECONDS", "SAVE_DELAY", "STALE_NOTE", "ReviewScreen"]

POLL_SECONDS = 2.0  # how soon another instance's change to the agenda shows here


def _plan(rows: list[items.AgendaRow]) -> list[tuple]:
    """What the agenda says, leaving out the clocks that move as the meeting runs."""
    return [(r.id, r.case_number, r.minutes, r.type, r.area_command) for r in rows]


# The footer fits 80 columns with `? Help` in it: n/p share one entry, and g, S, v, j/k, ctrl+n, ctrl+l
# are in help only. A key added here should be show=False unless it earns its place (issue 13).
ITEM_GROUP = Binding.Group("Item")
# tab's order: the panes acted on first (persons for c/r/v, decisions for E/x), then the ones read; never
# the notes editor (e). The agenda's next pane stays the persons: one tab, as before (issue 13).
PANES = ("agenda", "persons", "decisions", "facts-pane", "earlier-pane")


class ReviewScreen(ReviewNotes, ReviewDecisions, inherit_bindings=False):
    STAGE = "review"
    HELP = """
## Incident review

The agenda on the left (· pending, ✓ discussed, ↷ deferred, ▶ current); the
current incident's facts, the persons involved with their history from
earlier reviews and computed flags, the discussion notes and the decisions
taken on this incident.

Notes save themselves as you type. `e` moves into the notes editor, the
cursor after the note's last word (`ctrl+n` starts a new note); `escape`
leaves it, back to the pane you came from. `tab` and `shift+tab` move between
the agenda, the incident, the persons and the decisions, never into the
editor; `j`/`k` or the arrows move or scroll in the pane with the coloured
border. `ctrl+l` sets who reads the note, in turn: the members,
law enforcement only (never partners, hidden while presenting), partners
(in the partner minutes once released); the editor's title says which. `S`
writes the incident's summary for partners. Marking an item discussed or
deferred moves on to the next one. In a closed meeting the keys that would
change it say so: corrections are amendments, made from the wrap-up. The bar
under the header shows the pace: time on this item against its budget, items
done, and whether the meeting runs ahead or behind.

The decisions taken on the incident are a list: `enter` or `E` on one opens
its form filled in, to correct it (same checks as recording it); `x` removes
one recorded by mistake (asks first; one with a history is refused, with the
reason). `c` on a victim asks first; on the victim of a homicide it refuses.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,pagedown", "next_item", "Next", id="review.next", group=ITEM_GROUP),
        Binding("p,pageup", "previous_item", "Prev", id="review.previous", group=ITEM_GROUP),
        # e, and escape/tab in the editor, act where the key is read, before it goes to a pane (priority):
        # the keys typed right after them reach the editor, or leave it, however fast they come (issue 13).
        Binding("e", "edit_notes", "Note", id="review.notes", priority=True),
        Binding("escape", "leave_editor", "Leave the notes editor", id="review.leave_notes", show=False,
                priority=True),
        Binding("tab", "leave_editor('next')", "Leave the notes editor for the next pane",
                id="review.notes_next", show=False, priority=True),
        Binding("shift+tab", "leave_editor('previous')", "Leave the notes editor for the previous pane",
                id="review.notes_previous", show=False, priority=True),
        # d and f too: a mark waits for its write before the next key is read, so an e typed right after it
        # opens the next item's note, not this one's (issue 14). In the editor they are letters (check_action).
        Binding("d", "mark('discussed')", "Discussed", id="review.discussed", priority=True),
        Binding("f", "mark('deferred')", "Defer", id="review.deferred", priority=True),
        Binding("a", "add_action", "Action", id="review.action"),
        Binding("c", "propose_notification", "Notify", id="review.notification",
                tooltip="Propose a custom notification for the highlighted person"),
        Binding("r", "add_referral", "Refer", id="review.referral"),
        Binding("g", "jump", "Jump to", id="review.jump", show=False,
                tooltip="Go to an item by number or case number"),
        Binding("S", "partner_summary", "Partner summary", id="review.partner_summary", show=False,
                tooltip="Write the incident's summary for partners (goes to them through the release review)"),
        Binding("ctrl+n", "new_note", "New note", id="review.new_note", show=False),
        Binding("ctrl+l", "cycle_visibility", "Who reads the note", id="review.le_only", show=False,
                tooltip="The note is for: members → law enforcement only (never partners or the shared screen) "
                        "→ partners (once released) → members"),
        Binding("v", "view_person", "Person", id="review.person", show=False,
                tooltip="Open the highlighted person's profile"),
        Binding("tab", "cycle_pane(1)", "Next pane", id="review.next_pane", show=False),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", id="review.previous_pane", show=False),
        Binding("j", "pane_down", "Down in the pane", id="review.down", show=False),
        Binding("k", "pane_up", "Up in the pane", id="review.up", show=False),
        *STAGE_BINDINGS,
        # tab and shift+tab are the review's own (PANES): the common ones would reach the notes editor.
        *(b for b in COMMON_BINDINGS if b.id not in {"common.focus_next", "common.focus_previous"}),
    ]

    def __init__(self, meeting_id: int, agenda_item_id: int | None = None, **_: object) -> None:
        super().__init__(meeting_id)
        self.start_item_id = agenda_item_id
        self.rows: list[items.AgendaRow] = []
        self.current: int | None = None  # index into rows
        self.detail: items.ItemDetail | None = None
        self._meeting = None
        # The items next to the current one, loaded while it is on screen (see go_to).
        self._prefetched: dict[int, items.ItemDetail] = {}
        # Two instances at once: the agenda's stamp when last loaded.
        self._stamp: tuple | None = None
        self._focus_before_editor: Widget | None = None  # where escape returns to from the editor
        self._pending: PendingWrites | None = None  # the writes asked for and not yet written (on_mount)
        # Each item's version after its clock started (written in the lane): the mark that follows writes against it.
        self._clocked: dict[int, int] = {}

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        audience = (ReviewScreen.presenting, ReviewScreen.shown_as)
        yield Header()
        yield PaceBar(id="pace")
        yield Static(CLOSED_MEETING, id="closed-banner")
        with Horizontal():
            yield AgendaList(id="agenda")
            with Vertical(id="detail"):
                yield FactsPane(id="facts-pane", classes="pane").data_bind(*audience)
                yield PersonsPanel(id="persons").data_bind(*audience)
                yield NotesEditor(id="notes")
                # While presenting, the note as the room may read it (the editor would show it as stored).
                yield Static("", id="note-masked")
                yield EarlierNotes(id="earlier-pane", classes="pane").data_bind(*audience)
                yield DecisionList(id="decisions").data_bind(*audience)
        # ^p (the palette) is left out of the footer to leave room for `? Help`; it works, and help lists it.
        yield Footer(compact=True, show_command_palette=False)

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.agenda.narrow = narrow
            self._draw_agenda()

    def on_mount(self) -> None:
        # Kept: the last save on unmount runs after the children are gone from the DOM.
        self.editor = self.query_one("#notes", NotesEditor)
        self.agenda = self.query_one("#agenda", AgendaList)
        self.persons = self.query_one("#persons", PersonsPanel)
        self.facts = self.query_one("#facts-pane", FactsPane)
        self.earlier = self.query_one("#earlier-pane", EarlierNotes)
        # Entered with e (or ctrl+n) only: tab passes the editor by, so a command key never lands in a note.
        self.editor.can_focus = False
        self._pending = PendingWrites(self.app.db)
        self.agenda.border_title = "Agenda"
        self.load_agenda()
        self.set_interval(1.0, self.tick)
        self.set_interval(POLL_SECONDS, self.poll_changes)

    # ---------------------------------------------------------------- loading

    def _writes_landed(self) -> None:
        """In a loading worker: wait until every write asked for so far is written, so the load shows it."""
        tail = self._write_tail
        if tail is not None:
            tail.wait(DRAIN_SECONDS)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-agenda")
    def load_agenda(self) -> None:
        self._writes_landed()
        # The stamp first: a change made while loading shows at the next poll.
        self._stamp = concurrent.agenda_stamp(self.app.db, self.meeting_id)
        meeting = meetings.get_meeting(self.app.db, self.meeting_id)
        rows = items.agenda(self.app.db, self.meeting_id)
        self.app.call_from_thread(self._show_agenda, meeting, rows)

    def _show_agenda(self, meeting, rows: list[items.AgendaRow]) -> None:  # noqa: ANN001
        self._meeting = meeting
        self.rows = rows
        self.editor.closed = self.read_only_now
        self.set_class(meeting.status == MeetingStatus.closed, "-closed")
        self.sub_title = f"Meeting {meeting.number} · {meeting.date:%a %d %b %Y} · review"
        if not rows:
            self.facts.say(NO_AGENDA)
            return
        if self.current is None:
            wanted = next((i for i, r in enumerate(rows) if r.id == self.start_item_id), None)
            first_pending = next((i for i, r in enumerate(rows) if r.review_status == ReviewStatus.pending), 0)
            self.go_to(wanted if wanted is not None else first_pending)
        else:
            self._draw_agenda()
            self.tick()

    def _draw_agenda(self) -> None:
        self.agenda.draw(self.rows, self.current)

    def go_to(self, index: int) -> None:
        """Make ``index`` the current item: save the note, move the clock, load the item in a worker.

        The editor belongs to the new item at once, so what is typed before
        the item has loaded is kept (as a new note) rather than overwritten.
        """
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        self.flush_note()
        previous, self.current = self.current, index
        row = self.rows[index]
        self._reset_editor(row.id)
        if self._meeting is not None and self._meeting.status == MeetingStatus.in_progress:
            self._queue(self.pending.other(lambda: self._start_clock(row.id)))
        self.agenda.move_marker(self.rows, previous, index)
        ahead = self._prefetched.pop(row.id, None)
        if ahead is not None:
            # Drawn at once from the copy loaded while the previous item was on
            # screen, then reloaded: the fresh copy is drawn only where it
            # differs, so a change made meanwhile, by another instance too,
            # still shows, and the usual case draws nothing twice (issue 7).
            self._show_item(ahead, prefetched=True)
            # Reloaded once that frame is out: drawing and loading would share the CPU.
            self.call_after_refresh(self.load_item, row.id)
        else:
            self.load_item(row.id)

    def _start_clock(self, agenda_item_id: int) -> None:
        """In the write lane: the item's clock runs (the item itself loads anyway, so a refusal is no matter)."""
        try:
            version = items.enter_item(self.app.db, agenda_item_id)
        except (guard.ServiceError, DatabaseBusy):
            return
        if version is not None:
            self._clocked[agenda_item_id] = version

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-item")
    def load_item(self, agenda_item_id: int) -> None:
        self._writes_landed()
        self.app.call_from_thread(self._show_view, concurrent.item_view(self.app.db, self.meeting_id, agenda_item_id))

    def _show_view(self, view: concurrent.ItemView) -> None:
        self._stamp = view.stamp
        self._show_item(view.detail, view.rows)

    def _show_item(
        self, detail: items.ItemDetail, rows: list[items.AgendaRow] | None = None, *, prefetched: bool = False,
    ) -> None:
        """Show ``detail`` (and the agenda ``rows`` read with it), drawing only what differs from the screen."""
        if self.current is None or self.rows[self.current].id != detail.item.id:
            return  # the facilitator has moved on; a newer load is coming
        if rows is not None:
            self.rows = rows
            if [(r.id, r.review_status) for r in rows] != self.agenda.drawn:
                self._draw_agenda()  # marked or re-imported meanwhile, maybe by another instance
        same = (
            self.detail is not None and self.detail.item.id == detail.item.id and detail.shows_the_same_as(self.detail)
        )
        self.detail = detail
        if not same:
            self.facts.show(detail)
            self.persons.show(detail)
        in_editor = self.editor.note_id
        if self.editor.slot is not None and self.editor.slot.item_id == detail.item.id:
            self.editor.read_only = self.read_only_now
            if self.editor.take_latest(detail.notes):
                self._draw_note_state()
        if not same or self.editor.note_id != in_editor:
            self._draw_notes_and_decisions()  # the note in the editor is not listed again
        self.tick()
        if not prefetched:
            # Once this frame is out: loading ahead must not hold it up.
            self.call_after_refresh(self._prefetch_neighbours)

    def _prefetch_neighbours(self) -> None:
        if self.current is None:
            return
        self._prefetched = {}
        ids = [self.rows[i].id for i in (self.current + 1, self.current - 1) if 0 <= i < len(self.rows)]
        if ids:
            self.prefetch(ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-prefetch")
    def prefetch(self, agenda_item_ids: list[int]) -> None:
        self._writes_landed()
        found = {i: items.item_detail(self.app.db, i) for i in agenda_item_ids}
        self.app.call_from_thread(self._keep_prefetched, found)

    def _keep_prefetched(self, found: dict[int, items.ItemDetail]) -> None:
        self._prefetched.update(found)

    # ---------------------------------------------------------------- drawing

    def _draw_notes_and_decisions(self) -> None:
        assert self.detail is not None
        self.earlier.show(self.detail.notes, self.editor.note_id)
        self.query_one("#decisions", DecisionList).show(self.detail.decisions)

    def present_mode_changed(self, presenting: bool) -> None:
        # The panes, the persons and the decisions have drawn themselves again (bound to shown_as).
        if self.detail is not None:
            self._draw_note_state()

    # ---------------------------------------------------------------- clock

    def tick(self) -> None:
        if self._meeting is None:
            return
        current_id = self.rows[self.current].id if self.current is not None and self.rows else None
        p = items.pace(self._meeting, self.rows, current_id, self.app.now())
        self.query_one(PaceBar).show(p, None if self.current is None else self.current + 1)

    def on_screen_suspend(self) -> None:
        self.flush_note()

    def on_unmount(self) -> None:
        """The screen goes (another stage, quit): what was typed and the clocks are written before it does.

        On this thread, waiting: Textual has cancelled the screen's workers by
        now, and the app may be closing, so a save left to the lane could be lost.
        """
        text = self.editor.take_unsaved()
        if text is not None and self.editor.slot is not None:
            self.pending.note(self.editor.slot, text)
        self.pending.drain()
        if self._write_tail is not None:
            self._write_tail.set()  # every write of this screen is written: a load still waiting may go on
        if self._meeting is not None and self._meeting.status == MeetingStatus.in_progress:
            try:
                items.stop_timers(self.app.db, self.meeting_id)
            except Exception:  # noqa: BLE001  (closing the app must not fail on a timer)
                pass

    # ---------------------------------------------------------------- another instance

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-poll")
    def poll_changes(self) -> None:
        """Every POLL_SECONDS: reload the agenda and the item if another instance changed them."""
        if self._stamp is None:
            return
        self._writes_landed()
        stamp = concurrent.agenda_stamp(self.app.db, self.meeting_id)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        meeting = meetings.get_meeting(self.app.db, self.meeting_id)
        rows = items.agenda(self.app.db, self.meeting_id)
        self.app.call_from_thread(self._changed_elsewhere, meeting, rows)

    def _changed_elsewhere(self, meeting, rows: list[items.AgendaRow]) -> None:  # noqa: ANN001
        """Show the agenda as another instance left it, staying on the same item (found by id, not place)."""
        was = self.current
        current_id = self.rows[was].id if was is not None and self.rows else None
        if _plan(self.rows) != _plan(rows):
            self.notify("The agenda was changed in another instance; updated", timeout=3)
        self._meeting = meeting
        self.rows = rows
        self.editor.closed = self.read_only_now
        if not rows:
            self.current = None
            self.facts.say(NO_AGENDA)
            return
        index = next((i for i, r in enumerate(rows) if r.id == current_id), None)
        if index is None:
            # The current item was taken off the agenda (or there was none): go to the nearest one.
            self.go_to(min(was or 0, len(rows) - 1))
            return
        self.current = index
        self._draw_agenda()
        self._reload_item()
        self.tick()

    def _refused(self, exc: Exception) -> None:
        """A write lost a race with another instance: say so and show what is there now."""
        self.notify(shown.safe(exc) if isinstance(exc, guard.ServiceError) else
                    "That record was changed by someone else at the same moment; reloaded. Try again.",
                    severity="error", timeout=8, markup=False)
        self.load_agenda()
        self._reload_item()

    def action_pane_down(self) -> None:
        self._move_in_pane("down")

    def action_pane_up(self) -> None:
        self._move_in_pane("up")

    def _move_in_pane(self, way: str) -> None:
        """j / k in a text pane (the lists move with their own j / k): its scroll."""
        pane = self.focused
        if pane is None or pane is self.editor:
            return
        move = getattr(pane, f"action_cursor_{way}", None) or getattr(pane, f"action_scroll_{way}", None)
        if move is not None:
            move()

    # ---------------------------------------------------------------- moving

    def action_next_item(self) -> None:
        if self.current is not None:
            self.go_to(self.current + 1)

    def action_previous_item(self) -> None:
        if self.current is not None:
            self.go_to(self.current - 1)

    @on(AgendaList.ItemChosen)
    def _picked(self, event: AgendaList.ItemChosen) -> None:
        self.go_to(event.index)

    def action_jump(self) -> None:
        def done(values: dict | None) -> None:
            if not values:
                return
            target = str(values["target"]).strip()
            for i, r in enumerate(self.rows):
                if target == str(i + 1) or (len(target) >= 3 and target in r.case_number):
                    self.go_to(i)
                    return
            self.notify(f"No item {shown.safe(target)!r} on this agenda", severity="warning", markup=False)

        self.app.push_screen(
            FormDialog("Jump to item", [Field("target", "Item number or part of a case number", required=True)],
                       today=self._today(), hint="enter: go to the item · escape: stay here"),
            done,
        )

    # A closed meeting keeps its editing keys shown and enabled: each says why it does nothing (_say_closed),
    # where a greyed-out key said nothing at all (issue 13).

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.focused is not None and self.focused.id == "notes"  # (asked before on_mount too)
        if action in ("edit_notes", "mark") and typing:
            return False  # e, d and f are letters of the note
        if action == "leave_editor" and not typing:
            return False  # escape is the stage's own: back
        return super().check_action(action, parameters)

    async def action_mark(self, status: str) -> None:
        if self.current is None or self._say_closed():
            return
        row = self.rows[self.current]
        # Waited for: the item after it is shown once the mark is written (a busy database: the key again, later).
        if not await self._written(self._mark, row, ReviewStatus(status)):
            return
        self.flush_note()
        if self.current < len(self.rows) - 1:
            self.go_to(self.current + 1)
        else:
            self.load_agenda()
            self._reload_item()
            self.notify("Last item done: press 4 for the wrap-up", timeout=4)

    def _mark(self, row: items.AgendaRow, status: ReviewStatus) -> None:
        """In the write lane, after the item's clock: the mark writes against the clock's own change."""
        items.mark_item(self.app.db, row.id, status, version=max(row.version, self._clocked.get(row.id, row.version)))

    def _reload_item(self) -> None:
        if self.current is not None and self.rows:
            self.load_item(self.rows[self.current].id)

    async def _written(self, write: Callable[..., object], *args: object) -> bool:
        """Run ``write`` in the write lane; a refusal, or a race lost to another instance, is told instead (False)."""
        try:
            await self.written(write, *args)
        except guard.StaleEdit as exc:  # a race lost to another instance: said, and what is there now shown
            self._refused(exc)
            return False
        except guard.ServiceError as exc:
            self.notify(shown.safe(exc), severity="error", markup=False)
            return False
        return True

    def action_cycle_pane(self, step: int) -> None:
        """tab / shift+tab: the next pane in PANES that is shown; from the editor, next to the one it came from."""
        panes = [w for w in (self.query_one(f"#{name}") for name in PANES) if w.display and w.focusable]
        if not panes:
            return
        here = self.focused if self.focused in panes else self._focus_before_editor
        start = panes.index(here) if here in panes else (-1 if step > 0 else 0)
        self.set_focus(panes[(start + step) % len(panes)])

