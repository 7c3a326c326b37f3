"""A person's story: identity, flags with their reasons, every involvement, associates, open notifications."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ..services.persons import PersonProfile, person_profile
from .base import COMMON_BINDINGS, VipScreen


class PersonScreen(VipScreen):
    HELP = """
## Person

One person's story across every review: records id and date of birth,
groups, the flags computed from the data with the reason for each, every
involvement in time order, the people they shared incidents or groups with,
and their notifications and referrals. While presenting, the name shows as
initials and identifiers are hidden.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="person.back"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    PersonScreen #profile { padding: 0 2; }
    """

    def __init__(self, person_id: int) -> None:
        super().__init__()
        self.person_id = person_id
        self.profile: PersonProfile | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="profile")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="person")
    def load(self) -> None:
        profile = person_profile(self.app.db, self.person_id, as_of=self.app.now())
        self.app.call_from_thread(self._show, profile)

    def _show(self, profile: PersonProfile) -> None:
        self.profile = profile
        self.sub_title = f"Person · {self.app.person_name(profile.history.name)}"
        self.query_one("#profile", Static).update(render_profile(profile, presenting=self.app.presenting))

    def present_mode_changed(self, presenting: bool) -> None:
        if self.profile is not None:
            self._show(self.profile)

    def action_back(self) -> None:
        self.app.pop_screen()


def render_profile(profile: PersonProfile, *, presenting: bool) -> Text:
    from ..names import initials

    h = profile.history
    name = initials(h.name) if presenting else h.name
    t = Text()
    t.append(f"{name}\n", style="bold")
    ids = []
    if not presenting:
        if h.record_id:
            ids.append(h.record_id)
        if h.dob:
            ids.append(f"born {h.dob.isoformat()}")
    if h.groups:
        ids.append("groups: " + ", ".join(h.groups))
    if ids:
        t.append(" · ".join(ids) + "\n", style="dim")
    t.append("\nFlags\n", style="bold underline")
    for f in h.flags:
        t.append("⚑ ", style="bold red")
        t.append(f.label, style="bold")
        t.append(f" — {f.reason}\n", style="dim")
    if not h.flags:
        t.append("none\n", style="dim")
    t.append("\nInvolvements\n", style="bold underline")
    for x in profile.involvements:
        reviewed = ", ".join(d.isoformat() for d in x.meeting_dates) or "not reviewed"
        t.append(f"{x.occurred_at:%Y-%m-%d}  {x.case_number:<12} {x.role.label:<18} {x.type.label:<12} "
                 f"{x.area_command or '—':<10} reviewed {reviewed}\n")
    t.append("\nAssociates\n", style="bold underline")
    for a in profile.associates[:15]:
        who = initials(a.name) if presenting else a.name
        bits = []
        if a.shared_incidents:
            bits.append(f"{a.shared_incidents} shared incident{'s' if a.shared_incidents != 1 else ''}")
        if a.shared_groups:
            bits.append("group " + ", ".join(a.shared_groups))
        if a.last_shared:
            bits.append(f"last {a.last_shared.isoformat()}")
        t.append(f"{who}", style="bold")
        t.append(f" — {'; '.join(bits)}\n", style="dim")
    if not profile.associates:
        t.append("none\n", style="dim")
    t.append("\nNotifications\n", style="bold underline")
    for n in profile.notifications:
        due = f" due {n.due_date.isoformat()}" if n.due_date else ""
        t.append(f"{n.ref:<7} {n.status.label:<20}{due}  {n.reasons}\n")
        for a in n.attempts:
            left = [w for w, flag in (("letter", a.letter_left), ("door hanger", a.door_hanger_left)) if flag]
            t.append(f"        {a.attempted_at:%Y-%m-%d %H:%M} {a.result.label} by {a.by or '—'}"
                     f"{' · left ' + ' and '.join(left) if left else ''}\n", style="dim")
    if not profile.notifications:
        t.append("none\n", style="dim")
    t.append("\nReferrals\n", style="bold underline")
    for r in profile.referrals:
        t.append(f"{r.service} — {r.provider or 'no provider'} · {r.status.label}"
                 f"{' since ' + r.status_on.isoformat() if r.status_on else ''}\n")
    if not profile.referrals:
        t.append("none\n", style="dim")
    return t
