"""A person's story: identity, flags with their reasons, every involvement, associates, notifications, referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ..disclosure import may_see
from ..services.persons import PersonProfile, person_profile
from ..widgets.persons_panel import enrolled_words
from ..widgets import text as shown
from .base import COMMON_BINDINGS, VipScreen

if TYPE_CHECKING:
    from ..app import VipApp

ASSOCIATES_SHOWN = 15


class PersonScreen(VipScreen, inherit_bindings=False):
    HELP = """
## Person

One person's story across every review: records id and date of birth,
groups, the flags computed from the data with the reason for each, every
involvement in time order (date, case, role, type, area, place, group, the
meetings that reviewed it), the people they shared incidents or groups with
(how often, how recently), their notifications with every attempt, services
and outcome, and their referrals.

`r` refers them to a service directly; `n` opens the notifications board for
them alone, `R` their referrals (to move a referral along). While presenting,
names show as initials and identifiers are hidden.

`a` enrolls them in VIP All In (peer support and social services): the peer
coach, the date and the contacts per week. It records the enrollment only,
at either desk; the services desk does the intake. Someone enrolled shows
"enrolled in VIP All In since DATE" under their name, to every audience;
nothing else of VIP All In (coach, stage, needs, plan, contacts) is shown
here.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="person.back"),
        Binding("r", "refer", "Refer…", id="person.refer", tooltip="Refer this person to a service"),
        Binding("n", "notifications", "Notifications", id="person.notifications",
                tooltip="The notifications board for this person"),
        Binding("R", "referrals", "Referrals", id="person.referrals", tooltip="This person's referrals"),
        Binding("a", "enroll", "Enroll…", id="person.enroll",
                tooltip="Enroll this person in VIP All In (not shown once they are enrolled)"),
        *COMMON_BINDINGS,
    ]

    DEFAULT_CSS = """
    PersonScreen #profile { padding: 0 2; }
    """

    def __init__(self, person_id: int, profile: PersonProfile | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.profile: PersonProfile | None = None
        self._loaded = profile  # loaded by App.open_person before the push
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="profile")
        yield Footer()

    def on_mount(self) -> None:
        if self._loaded is not None:
            self._show(self._loaded)
        else:
            self.load()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._resumed and self.profile is not None:
            self.load()  # a referral or a notification may have changed on the screens opened from here
        self._resumed = True  # the first resume is the push itself

    @work(thread=True, exclusive=True, exit_on_error=False, group="person")
    def load(self) -> None:
        profile = person_profile(self.app.db, self.person_id, as_of=self.app.now())
        self.app.call_from_thread(self._show, profile)

    def _show(self, profile: PersonProfile) -> None:
        # The keys that need a profile (check_action) change only when the first one
        # comes, and only a screen already shown must ask: before it is (a profile
        # loaded before the push, shown at mount) Textual reads the keys itself, and
        # asking too rebuilt the footer a fourth time per open (issue 14).
        keys = self.profile is None and self._resumed
        self.profile = profile
        self.sub_title = f"Person · {shown.name(self.app, profile.history.name)}"
        self.query_one("#profile", Static).update(
            render_profile(profile, self.app, width=max(self.size.width - 6, 40))
        )
        if keys:
            self.refresh_bindings()

    def present_mode_changed(self, presenting: bool) -> None:
        if self.profile is not None:
            self._show(self.profile)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("refer", "notifications", "referrals", "enroll") and self.profile is None:
            return None
        if action == "enroll":
            return self.profile is not None and self.profile.enrolled_since is None  # enrolled: nothing to do
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refer(self) -> None:
        from .notifications import refer_dialog

        if self.profile is None:
            return
        refer_dialog(self, self.profile.person_id, shown.name(self.app, self.profile.history.name),
                     on_done=self.load)

    def action_enroll(self) -> None:
        from ..enums import EnrollSource
        from ..widgets.enroll_form import open_enroll

        if self.profile is None:
            return
        if self.profile.enrolled_since is not None:  # the key is not shown then; reached anyway: say why
            self.notify(f"{shown.name(self.app, self.profile.history.name)} is already enrolled in VIP All In, "
                        f"since {self.profile.enrolled_since.isoformat()}", severity="warning")
            return
        open_enroll(self, self.profile.person_id, self.profile.history.name, source=EnrollSource.profile,
                    on_done=self.load)

    def action_notifications(self) -> None:
        from .notifications import NotificationsScreen

        if self.profile is not None:
            self.app.push_screen(
                NotificationsScreen(person_id=self.profile.person_id, person_name=self.profile.history.name)
            )

    def action_referrals(self) -> None:
        from .referrals import ReferralsScreen

        if self.profile is not None:
            self.app.push_screen(ReferralsScreen(person_id=self.profile.person_id, person_name=self.profile.history.name))


def _heading(t: Text, title: str, count: int | None = None) -> None:
    t.append(f"\n{title}", style="bold underline")
    if count is not None:
        t.append(f" ({count})", style="dim")
    t.append("\n")


def render_profile(profile: PersonProfile, app: VipApp, *, width: int = 116) -> Text:
    """The profile as the current audience may see it; involvement lines are cut to ``width`` cells."""
    h = profile.history
    aliases = profile.aliases

    def mask(text: str | None) -> str:
        # Flag reasons and notes may name the person or their associates: masked while presenting.
        return shown.free(app, text)

    t = Text()
    t.append(f"{shown.name(app, h.name)}\n", style="bold")
    ids = []
    if h.record_id and shown.may_see(app, "person.record_id"):
        ids.append(shown.safe(h.record_id))
    if h.dob and shown.may_see(app, "person.dob"):
        ids.append(f"born {h.dob.isoformat()}")
    if h.groups:
        ids.append("groups: " + mask(", ".join(h.groups)))
    if aliases and shown.may_see(app, "person.aliases"):
        ids.append("also known as " + shown.safe(", ".join(aliases)))
    if ids:
        t.append(" · ".join(ids) + "\n", style="dim")
    if profile.enrolled_since is not None and may_see(app.audience, "services.enrolled_since"):
        t.append(f"{enrolled_words(profile.enrolled_since)}\n", style="bold")

    _heading(t, "Flags")
    for f in h.flags:
        t.append("⚑ ", style="bold red")
        t.append(f.label, style="bold")
        t.append(f" — {mask(f.reason)}\n", style="dim")
    if not h.flags:
        t.append("none\n", style="dim")

    _heading(t, "Involvements", len(profile.involvements))
    for x in profile.involvements:
        reviewed = "reviewed " + ", ".join(d.isoformat() for d in x.meeting_dates) if x.meeting_dates else "not reviewed"
        line = Text(f"{x.occurred_at:%Y-%m-%d}  {shown.safe(x.case_number):<11} ")
        line.append(f"{x.role.label:<18} ", style="bold")
        line.append(f"{x.type.label:<11} {shown.safe(x.area_command or '—'):<10} ")
        # The group the agenda named, when it is not one the person is known for now.
        group = f" · {mask(x.group)}" if x.group and x.group not in h.groups else ""
        line.append(f"{reviewed} · {mask(x.location)}{group}", style="dim")
        line.truncate(width, overflow="ellipsis")
        t.append_text(line)
        t.append("\n")
    if not profile.involvements:
        t.append("none\n", style="dim")

    _heading(t, "Associates", len(profile.associates))
    for a in profile.associates[:ASSOCIATES_SHOWN]:
        who = shown.name(app, a.name)
        bits = []
        if a.shared_incidents:
            bits.append(f"{a.shared_incidents} shared incident{'s' if a.shared_incidents != 1 else ''}")
        if a.shared_groups:
            bits.append("group " + mask(", ".join(a.shared_groups)))
        if a.last_shared:
            bits.append(f"last {a.last_shared.isoformat()}")
        t.append(f"{who}", style="bold")
        t.append(f" — {'; '.join(bits)}\n", style="dim")
    if len(profile.associates) > ASSOCIATES_SHOWN:
        t.append(f"and {len(profile.associates) - ASSOCIATES_SHOWN} more\n", style="dim")
    if not profile.associates:
        t.append("none\n", style="dim")

    _heading(t, "Notifications", len(profile.notifications))
    for n in profile.notifications:
        t.append(f"{shown.safe(n.ref):<6} ", style="bold")
        t.append(f"{n.status.label}", style="bold")
        t.append(f" · due {n.due_date.isoformat()}" if n.due_date else " · no due date")
        if n.days_overdue:
            t.append(f" · {n.days_overdue} d overdue", style="bold red")
        if not n.is_open and n.closed_at:
            t.append(f" · closed {n.closed_at:%Y-%m-%d}"
                     + (f", reported at {n.closed_at_meeting}" if n.closed_at_meeting else ""))
        t.append("\n")
        origin = Text(f"       from the meeting of {n.meeting_date.isoformat()}"
                      + (f" · case {shown.safe(n.case_number)}" if n.case_number else "")
                      + (f" · reasons: {mask(n.reasons)}" if n.reasons else ""), style="dim")
        origin.truncate(width, overflow="ellipsis")
        t.append_text(origin)
        t.append(f"\n       team: {mask(n.team) or 'none'}\n", style="dim")
        if n.services_offered or n.services_accepted:
            t.append(f"       services offered: {mask(n.services_offered or '—')} · accepted: "
                     f"{mask(n.services_accepted or 'none')}\n")
        if n.outcome:
            t.append(f"       outcome: {mask(n.outcome)}\n")
        for a in n.attempts:
            t.append(f"       · {mask(a.describe(team=n.team))}\n", style="dim")
        if n.attempts and not n.is_open and n.closed_at:
            # The closing ends the story: a delivered notification's last word is not its "not home" attempt.
            t.append(f"       · {n.closed_at:%Y-%m-%d %H:%M} closed: {n.status.label}\n")
        if not n.attempts:
            t.append("       no attempts yet\n", style="dim")
    if not profile.notifications:
        t.append("none\n", style="dim")

    _heading(t, "Referrals", len(profile.referrals))
    for r in profile.referrals:
        t.append(shown.safe(r.service), style="bold")
        t.append(f" — {shown.safe(r.provider or 'no provider')} · ")
        t.append(r.status.label, style="bold")
        t.append(f" since {r.status_on.isoformat()}" if r.status_on else "")
        offered = "" if r.status.value == "offered" else f" · offered {r.offered_on.isoformat() if r.offered_on else '?'}"
        t.append(f"{offered} · {mask(r.source)}", style="dim")
        t.append(f"{' — ' + mask(r.note) if r.note else ''}\n", style="dim")
    if not profile.referrals:
        t.append("none\n", style="dim")
    return t
