"""The two text panes of the incident under review: its facts, and the notes taken on it earlier.

Each is a focusable scroll pane (tab reaches it, j/k scroll it) that draws
what it is given and draws it again, masked or not, when what the audience
may see changes: the screen binds ``presenting``/``shown_as`` to them
(data_bind), it does not reach in.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from .. import disclosure
from ..enums import NoteVisibility
from ..services.items import ItemDetail, NoteRow
from . import text as shown

NO_AGENDA = "This meeting has no incidents on its agenda yet."


class _Pane(VerticalScroll):
    presenting: reactive[bool] = reactive(False, init=False, repaint=False)
    shown_as: reactive[int] = reactive(0, init=False, repaint=False)

    def __init__(self, text_id: str, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._text_id = text_id

    def compose(self) -> ComposeResult:
        yield Static("", id=self._text_id)

    @property
    def text(self) -> Static:
        return self.query_one(f"#{self._text_id}", Static)


class FactsPane(_Pane):
    """Case number, type, time and place, the retaliation risk, motive, summary and the partners' summary."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("facts", id=id, classes=classes)
        self.detail: ItemDetail | None = None

    def watch_shown_as(self) -> None:
        if self.detail is not None:
            self.show(self.detail)

    def say(self, words: str) -> None:
        self.detail = None
        self.text.update(words)

    def show(self, detail: ItemDetail) -> None:
        self.detail = detail
        inc = detail.incident
        t = Text()
        t.append(shown.safe(inc.case_number), style="bold")
        t.append(" · ")
        t.append(inc.type.label.upper(), style="bold red" if inc.type.value == "homicide" else "bold")
        t.append(f" · {inc.occurred_at:%a %d %b %Y %H:%M}\n")
        t.append(shown.free(self.app, inc.location))
        t.append(f" · {shown.safe(inc.area_command or 'no area command')}\n", style="dim")
        # The risk before the motive and the summary: the first lines are the ones a short pane shows.
        if inc.retaliation_risk and inc.retaliation_risk.value != "none":
            t.append(f"retaliation risk: {inc.retaliation_risk.label}\n",
                     style="bold red" if inc.retaliation_risk.value == "immediate" else "bold yellow")
        facts = []
        if inc.motive:
            facts.append(f"motive: {shown.free(self.app, inc.motive)}")
        if inc.case_status:
            facts.append(f"case {inc.case_status.label}")
        if inc.nibin_leads:
            facts.append("NIBIN " + shown.safe(", ".join(inc.nibin_leads)))
        if facts:
            t.append(" · ".join(facts) + "\n")
        if inc.summary:
            t.append(shown.free(self.app, inc.summary))
        partner = getattr(inc, "partner_summary", None)
        if partner:
            t.append("\nfor partners: ", style="bold")
            t.append(shown.free(self.app, partner))
        self.text.update(t)


class EarlierNotes(_Pane):
    """The item's notes but the one in the editor, each as the audience may read it (LE-only ones marked)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("earlier-notes", id=id, classes=classes)
        self.notes: Sequence[NoteRow] = ()
        self.skip: int | None = None

    def show(self, notes: Sequence[NoteRow], skip: int | None) -> None:
        """Draw ``notes`` but the one with id ``skip`` (it is in the editor); hidden when none is left."""
        self.notes, self.skip = notes, skip
        earlier = Text()
        for n in notes:
            if n.id == skip:
                continue
            if not disclosure.note_shown(n.visibility, shown.audience(self.app)):
                continue
            earlier.append("• ", style="dim")
            if n.le_only:
                earlier.append("[LE only] ", style="bold red")
            elif n.visibility == NoteVisibility.partners:
                earlier.append("[for partners] ", style="bold")
            earlier.append(shown.free(self.app, n.text.strip()) or "(empty)")
            earlier.append("\n")
        self.display = bool(earlier)
        self.text.update(earlier)

    def show_hidden(self, title: str) -> None:
        """While presenting, the note in the editor is for law enforcement only: say so here, in its place."""
        self.text.update(Text(title, style="bold"))
        self.display = True
