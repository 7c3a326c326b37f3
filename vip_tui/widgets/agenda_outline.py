"""The agenda builder's panes: the agenda (incidents, their persons under them), the invitees, the details.

Each pane draws one :class:`~vip_tui.services.agenda_builder.AgendaDraft` it is
given and redraws itself when what the audience may see changes: ``shown_as``
comes down from the screen by ``data_bind`` (screens/base.py), so the screen
no longer walks into them in presentation mode. Option ids say what a line is:
``item:<agenda item id>``, ``inv:<involvement id>``, ``att:<attendance id>``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..enums import IncidentType
from ..services import agenda_builder as ab
from . import text as shown
from .vim import VimList

SHORT_ROLES = {"associate": "assoc.", "person_of_interest": "POI"}


def highlighted_id(listing: OptionList) -> str | None:
    """The id of the highlighted option, if any."""
    if listing.highlighted is None or not listing.option_count:
        return None
    return listing.get_option_at_index(listing.highlighted).id


class AgendaOutline(VimList):
    """The agenda: each incident in order, with its persons under it (narrow: shorter lines)."""

    # Bumped whenever what may be shown changed (data_bind from the screen): the names are drawn again.
    shown_as: reactive[int] = reactive(0, init=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft: ab.AgendaDraft | None = None
        self.narrow = False

    def show(self, draft: ab.AgendaDraft, *, narrow: bool, select: str | None = None) -> None:
        """Draw ``draft``; the highlight stays on ``select``, else on the line it was on."""
        self.draft, self.narrow = draft, narrow
        wanted = select or highlighted_id(self)
        old_index = self.highlighted
        self.clear_options()
        for item in draft.items:
            self.add_option(Option(self._item_prompt(item), id=f"item:{item.id}"))
            for n, p in enumerate(item.persons, start=1):
                self.add_option(Option(self._person_prompt(p, n == len(item.persons)), id=f"inv:{p.involvement_id}"))
        if not draft.items:
            self.add_option(Option(Text("No incidents yet: press a to add one.", style="dim"), id="empty",
                                   disabled=True))
        self.border_title = f"Agenda ({len(draft.items)} incident{'s' * (len(draft.items) != 1)})"
        ids = [o.id for o in self.options]
        if wanted in ids:
            self.highlighted = ids.index(wanted)
        elif ids and draft.items:
            self.highlighted = min(old_index or 0, len(ids) - 1)

    def watch_shown_as(self) -> None:
        if self.draft is not None:
            self.show(self.draft, narrow=self.narrow)

    def line(self) -> tuple[str | None, Any]:
        """``("item", ItemLine)``, ``("person", (ItemLine, PersonLine))`` or (None, None)."""
        oid = highlighted_id(self)
        if self.draft is None or oid is None:
            return None, None
        if oid.startswith("item:"):
            item = next((i for i in self.draft.items if i.id == int(oid[5:])), None)
            return ("item", item) if item else (None, None)
        if oid.startswith("inv:"):
            for item in self.draft.items:
                for p in item.persons:
                    if p.involvement_id == int(oid[4:]):
                        return "person", (item, p)
        return None, None

    # Option prompts: Textual's OptionList drops whitespace at the start of a
    # line or of a styled span, so separators end the span before them.

    def _item_prompt(self, item: ab.ItemLine) -> Text:
        t = Text()
        t.append(f"{item.position}. ", style="bold")
        t.append(f"{item.case_number}  ", style="bold")
        t.append(f"{item.type.label} ", style="bold red" if item.type == IncidentType.homicide else "bold")
        if not self.narrow:
            t.append(f"· {item.area_command or 'no area'} · {item.occurred_at:%a %d %b %H:%M} ")
        t.append("· ")
        t.append(f"{item.minutes} min" if item.minutes else "no budget", style="bold" if item.minutes else "bold yellow")
        if item.discussed:
            t.append(" · discussed", style="dim italic")
        if not item.persons:
            t.append("\n└ no persons", style="dim")
        return t

    def _person_prompt(self, p: ab.PersonLine, last: bool) -> Text:
        narrow = self.narrow
        t = Text()
        t.append("└ " if last else "├ ", style="dim")
        role = SHORT_ROLES.get(p.role.value, p.role.label) if narrow else p.role.label
        t.append(f"{role:<{9 if narrow else 18}} ")
        t.append(f"{shown.name(self.app, p.name)} ", style="bold")
        extra = [shown.safe(p.record_id)] if p.record_id and shown.may_see(self.app, "person.record_id") and not narrow else []
        if p.elsewhere:
            extra.append(f"{len(p.elsewhere)} other case{'s' * (len(p.elsewhere) != 1)}" if not narrow
                         else f"+{len(p.elsewhere)}")
        if p.merges:
            extra.append("merged")
        if extra:
            t.append("· " + " · ".join(extra), style="dim")
        return t


class InviteeList(VimList):
    """The meeting's invitees, by agency."""

    def show(self, invitees: list[ab.InviteeLine]) -> None:
        wanted = highlighted_id(self)
        self.clear_options()
        for r in invitees:
            t = Text()
            t.append(f"{r.agency:<6} ", style="bold")
            t.append(r.name)
            if r.role:
                t.append(f" · {r.role}", style="dim")
            self.add_option(Option(t, id=f"att:{r.attendance_id}"))
        if not invitees:
            self.add_option(Option(Text("No invitees: press i to invite.", style="dim"), disabled=True))
        self.border_title = f"Invitees ({len(invitees)})"
        ids = [o.id for o in self.options]
        if wanted in ids:
            self.highlighted = ids.index(wanted)
        elif invitees:
            self.highlighted = 0

    def line(self, invitees: list[ab.InviteeLine]) -> tuple[str | None, Any]:
        """``("invitee", InviteeLine)`` or (None, None)."""
        oid = highlighted_id(self)
        if oid and oid.startswith("att:"):
            row = next((r for r in invitees if r.attendance_id == int(oid[4:])), None)
            return ("invitee", row) if row else (None, None)
        return None, None


class AgendaDetail(Static):
    """Everything about the highlighted line, and the keys that act on it."""

    shown_as: reactive[int] = reactive(0, init=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject: tuple[str | None, Any] = (None, None)

    def show(self, subject: tuple[str | None, Any]) -> None:
        self.subject = subject
        self.update(self._text(*subject))

    def watch_shown_as(self) -> None:
        self.show(self.subject)

    def _text(self, kind: str | None, obj: Any) -> Text:
        t = Text()
        if kind == "item":
            self._item(t, obj)
        elif kind == "person":
            self._person(t, *obj)
        elif kind == "invitee":
            r: ab.InviteeLine = obj
            t.append(f"{shown.free(self.app, r.name)}\n", style="bold")
            t.append(f"{shown.safe(r.agency)}{' · ' + shown.free(self.app, r.role) if r.role else ''}\n")
            t.append(f"attendance: {r.status}{' (walk-in)' if r.walk_in else ''}\n", style="dim")
            t.append("\ne edit · x remove · i invite another", style="dim")
        else:
            t.append("a add an incident · i invite · t meeting details", style="dim")
        return t

    def _item(self, t: Text, i: ab.ItemLine) -> None:
        t.append(f"{shown.safe(i.case_number)}\n", style="bold")
        rows = [
            ("occurred_at", f"{i.occurred_at:%Y-%m-%d %H:%M}"), ("type", i.type.value),
            ("location", shown.free(self.app, i.location)),
            ("area_command", shown.safe(i.area_command)), ("minutes", str(i.minutes) if i.minutes else None),
            ("motive", shown.free(self.app, i.motive)),
            ("case_status", i.case_status.value if i.case_status else None),
            ("retaliation_risk", i.retaliation_risk.value if i.retaliation_risk else None),
            ("nibin_leads", shown.safe("; ".join(i.nibin_leads)) or None),
        ]
        for name, value in rows:
            t.append(f"{name}: ", style="dim")
            t.append(f"{value or '—'}\n")
        if i.summary:
            t.append(f"\n{shown.free(self.app, i.summary)}\n")
        partner = i.partner_summary
        if partner:
            t.append("\nfor partners: ", style="bold")
            t.append(f"{shown.free(self.app, partner)}\n")
        t.append("\ne edit · b budget · p add person · K/J move · x remove", style="dim")

    def _person(self, t: Text, item: ab.ItemLine, p: ab.PersonLine) -> None:
        t.append(f"{shown.name(self.app, p.name)}\n", style="bold")
        t.append(f"{p.role.label} in {shown.safe(item.case_number)}\n")
        if shown.may_see(self.app, "person.record_id"):
            t.append("records id: ", style="dim")
            t.append(f"{shown.safe(p.record_id) or '—'}\n")
        if shown.may_see(self.app, "person.dob"):
            t.append("born: ", style="dim")
            t.append(f"{p.dob.isoformat() if p.dob else '—'}\n")
        aliases = p.aliases
        if shown.may_see(self.app, "person.aliases"):
            t.append("aliases: ", style="dim")
            t.append(f"{shown.safe(', '.join(aliases)) or '—'}\n")
        t.append("group: ", style="dim")
        t.append(f"{shown.free(self.app, p.group) or '—'}\n")
        if p.notes and shown.may_see(self.app, "person.notes"):
            t.append(f"{shown.safe(p.notes)}\n", style="italic")
        t.append("\nLinked record's other incidents:\n", style="bold")
        if p.elsewhere:
            for line in p.elsewhere[:8]:
                t.append(f"  {shown.safe(line)}\n")
            if len(p.elsewhere) > 8:
                t.append(f"  … and {len(p.elsewhere) - 8} more\n", style="dim")
        else:
            t.append("  none: first time on an agenda\n", style="dim")
        if p.merges:
            t.append(f"\n{p.merges} record{'s' * (p.merges != 1)} merged into this one (u to undo)\n", style="cyan")
        t.append("\ne edit · l link to another record · m merge · v profile · x remove", style="dim")
