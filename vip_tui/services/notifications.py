"""Following custom notifications and referrals to their outcome, between and during meetings.

The notifications board, ``vip notifications`` and the person profile read
through here; the board's changes are written through here.

Decisions written down (issue 5):

- A notification is *overdue* when it is still open (proposed, approved or
  assigned) and its due date is before today; *due this week* when it is open
  and due today or in the six days after (before the next weekly meeting).
- Work on a notification goes on between meetings, so the board may change a
  notification whose own meeting is closed (the meeting's record of what was
  *decided* stays amendable only with a reason, SPEC §3; what happened
  *afterwards* is follow-up). A notification that reaches a final status is
  noted as closed at the *reporting meeting*: its own meeting while that is
  not closed, else the next meeting that is not closed yet. That meeting's old
  business then lists it as closed there, with its outcome, and so do its
  minutes. With no such meeting yet it is closed without one.
- Attempts are recorded while a notification is open or not located (a team
  tries again); a final notification takes no more attempts.
- An attempt's result suggests a status (``delivered`` → delivered, …,
  ``not_home`` → none); the board offers it only when the lifecycle allows it
  from where the notification stands.
- ``services_accepted`` not empty means the person accepted services: that is
  what the program figures count.
- Referral lifecycle (:data:`REFERRAL_TRANSITIONS`): offered → accepted or
  declined; accepted → engaged or declined (dropped out before starting);
  engaged → completed or declined (dropped out); declined → offered (offered
  again later); completed is final. ``status_on`` is the date of the latest
  status, ``offered_on`` stays the first offer's date.

Every list is loaded in a fixed number of statements whatever its length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased, selectinload
from sqlmodel import Session, col, select

from ..db import Database
from ..enums import (
    NOTIFICATION_TRANSITIONS,
    OPEN_NOTIFICATION_STATUSES,
    AttemptResult,
    MeetingStatus,
    NotificationStatus,
    ReferralStatus,
)
from ..models import ActionItem, Incident, Meeting, Notification, NotificationAttempt, Person, Referral
from .decisions import add_referral
from .guard import NotAllowed, Saved, ServiceError, check_version, writing

# --------------------------------------------------------------------------- rules

REFERRAL_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.offered: frozenset({ReferralStatus.accepted, ReferralStatus.declined}),
    ReferralStatus.accepted: frozenset({ReferralStatus.engaged, ReferralStatus.declined}),
    ReferralStatus.engaged: frozenset({ReferralStatus.completed, ReferralStatus.declined}),
    ReferralStatus.declined: frozenset({ReferralStatus.offered}),
    ReferralStatus.completed: frozenset(),
}

# The status an attempt's result stands for; not home says nothing final.
ATTEMPT_STATUS: dict[AttemptResult, NotificationStatus] = {
    AttemptResult.delivered: NotificationStatus.delivered,
    AttemptResult.delivered_to_family: NotificationStatus.delivered_to_family,
    AttemptResult.refused: NotificationStatus.refused,
    AttemptResult.not_located: NotificationStatus.not_located,
    AttemptResult.in_custody: NotificationStatus.in_custody,
}

# Statuses that end a notification (everything not open).
FINAL_STATUSES = tuple(s for s in NotificationStatus if s not in OPEN_NOTIFICATION_STATUSES)

# Filter words beyond the statuses themselves.
OPEN = "open"
CLOSED = "closed"
STATUS_FILTERS = (OPEN, CLOSED, *NotificationStatus.values())
DUE_FILTERS = ("all", "overdue", "week")
DUE_LABELS = {"all": "any", "overdue": "overdue", "week": "due this week"}
WEEK_DAYS = 7

SERVICES = (
    "peer support", "victim services", "mental health", "substance use treatment", "housing", "relocation",
    "job training", "employment", "education", "mentoring", "legal aid", "family support",
)


def check_transition(current: NotificationStatus, new: NotificationStatus) -> None:
    """Refuse a status change SPEC §2's lifecycle does not allow, in words that say what is allowed."""
    if new == current:
        return
    allowed = NOTIFICATION_TRANSITIONS[current]
    if new not in allowed:
        options = ", ".join(sorted(a.label for a in allowed)) or "none: it is final"
        raise NotAllowed(f"a {current.label} notification cannot become {new.label} (allowed: {options})")


def check_referral_transition(current: ReferralStatus, new: ReferralStatus) -> None:
    if new == current:
        return
    allowed = REFERRAL_TRANSITIONS[current]
    if new not in allowed:
        options = ", ".join(a.label for a in REFERRAL_ORDER if a in allowed) or "none: it is final"
        article = "an" if current.label[0] in "aeiou" else "a"
        raise NotAllowed(f"{article} {current.label} referral cannot become {new.label} (allowed: {options})")


def suggested_status(current: NotificationStatus, result: AttemptResult) -> NotificationStatus | None:
    """The status an attempt's result suggests, if the lifecycle allows it from ``current``."""
    status = ATTEMPT_STATUS.get(result)
    if status is None or status == current or status not in NOTIFICATION_TRANSITIONS[current]:
        return None
    return status


def takes_attempts(status: NotificationStatus) -> bool:
    """Whether a team may still try: open, or not located (it may be assigned again)."""
    return status in OPEN_NOTIFICATION_STATUSES or status == NotificationStatus.not_located


_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """When an attempt was made, as people type it: ``now``, ``18:10`` (today), ``2026-11-20 18:10``, ``2026-11-20``.

    Raises ValueError with a hint; a moment after ``now`` is refused.
    """
    raw = " ".join(text.split()).lower()
    if raw in ("", "now"):
        return now.replace(second=0, microsecond=0)
    when: dt.datetime | None = None
    if m := _TIME.match(raw):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            when = dt.datetime.combine(now.date(), dt.time(hour, minute))
    else:
        try:
            if len(raw) > 10:
                when = dt.datetime.fromisoformat(raw.upper().replace(" ", "T", 1))
            else:
                when = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time())
        except ValueError:
            when = None
    if when is None:
        raise ValueError(f'"{text.strip()}" is not a time: write now, 18:10, 2026-11-20 18:10 or 2026-11-20')
    when = when.replace(tzinfo=None, second=0, microsecond=0)
    if when > now:
        raise ValueError(f"{when:%Y-%m-%d %H:%M} is in the future")
    return when


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AttemptRow:
    id: int
    attempted_at: dt.datetime
    by: str | None
    result: AttemptResult
    letter_left: bool
    door_hanger_left: bool
    note: str | None

    @property
    def left(self) -> str:
        """``letter and door hanger`` / ``letter`` / ``""``: what the team left behind."""
        return " and ".join(w for w, flag in (("letter", self.letter_left), ("door hanger", self.door_hanger_left)) if flag)

    def describe(self, *, team: str | None = None) -> str:
        """``2026-11-20 18:10 not home by Sgt. L. Ferreira · door hanger left — note``.

        ``by`` is left out when it is ``team`` (the notification's whole team went).
        """
        text = f"{self.attempted_at:%Y-%m-%d %H:%M} {self.result.label}"
        if self.by and self.by != team:
            text += f" by {self.by}"
        if self.left:
            text += f" · {self.left} left"
        if self.note:
            text += f" — {self.note}"
        return text


@dataclass(frozen=True)
class NotificationRow:
    """One notification as the board, the CLI and the profile show it."""

    id: int
    ref: str
    meeting_date: dt.date
    person_id: int
    person: str
    record_id: str | None
    status: NotificationStatus
    due_date: dt.date | None
    days_overdue: int | None  # open and past its due date, as of the day the list was made
    incident_id: int | None
    case_number: str | None
    area_command: str | None
    reasons: str
    team_officer: str | None
    team_community_voice: str | None
    team_outreach: str | None
    services_offered: str | None
    services_accepted: str | None
    outcome: str | None
    closed_at: dt.datetime | None
    closed_at_meeting: str | None  # "meeting 3 (2026-11-24)" where it was closed, if at one
    created_at: dt.datetime
    attempts: tuple[AttemptRow, ...] = ()
    version: int = 1  # what a change from the board writes against

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NOTIFICATION_STATUSES

    @property
    def team_members(self) -> tuple[str, ...]:
        return tuple(x for x in (self.team_officer, self.team_community_voice, self.team_outreach) if x)

    @property
    def team(self) -> str:
        return ", ".join(self.team_members)

    @property
    def last_attempt(self) -> AttemptRow | None:
        return self.attempts[-1] if self.attempts else None

    def latest(self, date_format: str = "%Y-%m-%d") -> str:
        """The "last attempt" cell of the board and ``vip notifications``: ``11-20 not home``, ``closed 11-24``.

        Once closed it says when (the status says how): a notification closed as
        delivered never shows its earlier "not home" as the latest word (issue 13).
        """
        if not self.is_open and self.closed_at is not None:
            return f"closed {self.closed_at:{date_format}}"
        last = self.last_attempt
        return f"{last.attempted_at:{date_format}} {last.result.label}" if last else ""

    @property
    def accepted_services(self) -> bool:
        return bool((self.services_accepted or "").strip())

    def due_in(self, today: dt.date) -> int | None:
        return (self.due_date - today).days if self.due_date is not None else None


@dataclass(frozen=True)
class NotificationFilter:
    """What the board and ``vip notifications`` show; every field None/"all" means no filter on it."""

    status: str | None = None  # a NotificationStatus value, "open" or "closed"
    due: str = "all"  # all | overdue | week
    area: str | None = None
    team_member: str | None = None
    person_id: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_FILTERS:
            raise ServiceError(f"unknown status {self.status!r}; use one of {', '.join(STATUS_FILTERS)}")
        if self.due not in DUE_FILTERS:
            raise ServiceError(f"unknown due filter {self.due!r}; use one of {', '.join(DUE_FILTERS)}")

    @property
    def active(self) -> bool:
        return self != NotificationFilter()

    def matches(self, row: NotificationRow, today: dt.date) -> bool:
        if self.status == OPEN and not row.is_open:
            return False
        if self.status == CLOSED and row.is_open:
            return False
        if self.status not in (None, OPEN, CLOSED) and row.status.value != self.status:
            return False
        if self.due == "overdue" and not row.days_overdue:
            return False
        if self.due == "week":
            days = row.due_in(today)
            if not row.is_open or days is None or not 0 <= days < WEEK_DAYS:
                return False
        if self.area is not None and (row.area_command or "").casefold() != self.area.casefold():
            return False
        if self.team_member is not None and self.team_member.casefold() not in {
            m.casefold() for m in row.team_members
        }:
            return False
        if self.person_id is not None and row.person_id != self.person_id:
            return False
        return True

    def describe(self) -> str:
        """``status open · overdue · area Southeast``; "all notifications" with no filter."""
        bits = []
        if self.status is not None:
            bits.append(f"status {self.status.replace('_', ' ')}")
        if self.due != "all":
            bits.append(DUE_LABELS[self.due])
        if self.area is not None:
            bits.append(f"area {self.area}")
        if self.team_member is not None:
            bits.append(f"team {self.team_member}")
        return " · ".join(bits) or "all notifications"


def _order(row: NotificationRow) -> tuple:
    # Open ones first, the most overdue (earliest due) at the top and undated last;
    # then the closed ones, the latest closed first.
    if row.is_open:
        return (0, row.due_date or dt.date.max, row.meeting_date, row.ref)
    closed = row.closed_at or row.created_at
    return (1, dt.datetime.max - closed, row.ref)


# Statements one call of load_notifications runs (the test and the board rely on it).
LIST_STATEMENTS = 2


def load_notifications(
    db: Database, *, today: dt.date, where: NotificationFilter | None = None, ids: Sequence[int] | None = None
) -> list[NotificationRow]:
    """Every notification (those ``where`` lets through, or only ``ids``), open ones first by due date.

    Two statements whatever the number of notifications: the notifications with
    their meeting, person and incident, then all their attempts.
    """
    Closed = aliased(Meeting)
    stmt = (
        select(Notification, Meeting, Person, Incident, Closed)
        .join(Meeting, col(Meeting.id) == col(Notification.meeting_id))
        .join(Person, col(Person.id) == col(Notification.person_id))
        .outerjoin(Incident, col(Incident.id) == col(Notification.incident_id))
        .outerjoin(Closed, col(Closed.id) == col(Notification.closed_in_meeting_id))
        .options(selectinload(Notification.attempts))  # type: ignore[arg-type]
    )
    if where is not None and where.person_id is not None:
        stmt = stmt.where(col(Notification.person_id) == where.person_id)
    if ids is not None:
        stmt = stmt.where(col(Notification.id).in_(list(ids)))
    with db.session() as s:
        rows = [_row(n, m, p, i, c, today) for n, m, p, i, c in s.exec(stmt).all()]
    if where is not None:
        rows = [r for r in rows if where.matches(r, today)]
    return sorted(rows, key=_order)


def _row(n: Notification, m: Meeting, p: Person, i: Incident | None, c: Meeting | None, today: dt.date) -> NotificationRow:
    open_ = n.status in OPEN_NOTIFICATION_STATUSES
    overdue = (today - n.due_date).days if open_ and n.due_date is not None else 0
    return NotificationRow(
        id=n.id,  # type: ignore[arg-type]
        ref=m.ref(n.number),
        meeting_date=m.date,
        person_id=p.id,  # type: ignore[arg-type]
        person=p.name,
        record_id=p.record_id,
        status=n.status,
        due_date=n.due_date,
        days_overdue=overdue if overdue > 0 else None,
        incident_id=n.incident_id,
        case_number=i.case_number if i else None,
        area_command=i.area_command if i else None,
        reasons=n.reasons,
        team_officer=n.team_officer,
        team_community_voice=n.team_community_voice,
        team_outreach=n.team_outreach,
        services_offered=n.services_offered,
        services_accepted=n.services_accepted,
        outcome=n.outcome,
        closed_at=n.closed_at,
        closed_at_meeting=f"meeting {c.number} ({c.date.isoformat()})" if c is not None else None,
        created_at=n.created_at,
        attempts=tuple(_attempt(a) for a in n.attempts),
        version=n.version,
    )


def _attempt(a: NotificationAttempt) -> AttemptRow:
    return AttemptRow(a.id, a.attempted_at, a.by, a.result, a.letter_left, a.door_hanger_left, a.note)  # type: ignore[arg-type]


def area_commands(rows: Iterable[NotificationRow]) -> list[str]:
    return sorted({r.area_command for r in rows if r.area_command}, key=str.casefold)


def team_members(rows: Iterable[NotificationRow]) -> list[str]:
    return sorted({m for r in rows for m in r.team_members}, key=str.casefold)


def known_areas(db: Database) -> list[str]:
    """Every area command an incident was recorded in (for checking ``--area``)."""
    with db.session() as s:
        found = s.exec(select(Incident.area_command).where(col(Incident.area_command).is_not(None)).distinct()).all()
    return sorted({a for a in found if a}, key=str.casefold)


# --------------------------------------------------------------------------- changing a notification


def _notification(s: Session, notification_id: int, version: int | None = None) -> Notification:
    n = s.get(Notification, notification_id)
    if n is None:
        raise ServiceError(f"no notification {notification_id}")
    if version is not None and n.version != version:  # named only when refused: one query less per write
        check_version(n, version, f"notification {_ref(s, n)}")
    return n


def _ref(s: Session, n: Notification) -> str:
    meeting = s.get(Meeting, n.meeting_id)
    return meeting.ref(n.number) if meeting is not None else str(n.id)


def reporting_meeting(s: Session, n: Notification) -> int | None:
    """The meeting at which a change to ``n`` made now is reported (see the module docstring)."""
    own = s.get(Meeting, n.meeting_id)
    assert own is not None
    if own.status != MeetingStatus.closed:
        return own.id
    return s.exec(
        select(Meeting.id)
        .where(col(Meeting.date) > own.date, Meeting.status != MeetingStatus.closed)
        .order_by(col(Meeting.date))
        .limit(1)
    ).first()


@dataclass(frozen=True)
class NotificationState:
    """A notification as a write left it: its stored columns (what the board's next write names: ``version``)."""

    id: int
    version: int
    meeting_id: int
    number: int
    person_id: int
    incident_id: int | None
    status: NotificationStatus
    reasons: str
    team_officer: str | None
    team_community_voice: str | None
    team_outreach: str | None
    due_date: dt.date | None
    services_offered: str | None
    services_accepted: str | None
    outcome: str | None
    closed_at: dt.datetime | None
    closed_in_meeting_id: int | None
    created_at: dt.datetime


def _state(n: Notification) -> NotificationState:
    return NotificationState(
        n.id, n.version, n.meeting_id, n.number, n.person_id, n.incident_id, n.status, n.reasons,  # type: ignore[arg-type]
        n.team_officer, n.team_community_voice, n.team_outreach, n.due_date, n.services_offered, n.services_accepted,
        n.outcome, n.closed_at, n.closed_in_meeting_id, n.created_at,
    )


def change_status(
    db: Database, notification_id: int, status: NotificationStatus, outcome: str | None = None, *, version: int | None
) -> NotificationState:
    """Move a notification along its lifecycle from the board, between or during meetings.

    A transition SPEC §2 does not allow is refused (ServiceError) and nothing
    changes. Reaching a final status notes when and at which meeting it is
    reported as closed; going back to an open one (not located → assigned)
    clears that. ``outcome`` None leaves the outcome as it is, "" clears it.
    """
    with writing(db, "the notification") as s:
        n = _notification(s, notification_id, version)
        _apply_status(s, n, status, outcome, db.now())
        s.flush()
        return _state(n)


def _apply_status(s: Session, n: Notification, status: NotificationStatus, outcome: str | None, now: dt.datetime) -> None:
    check_transition(n.status, status)
    n.status = status
    set_outcome(n, outcome, still_open=status in OPEN_NOTIFICATION_STATUSES, now=now,
                in_meeting_id=lambda: reporting_meeting(s, n))


def set_outcome(
    record: Notification | ActionItem, outcome: str | None, *, still_open: bool, now: dt.datetime,
    in_meeting_id: int | None | Callable[[], int | None],
) -> None:
    """The outcome (None: as it is, "" clears it) and the closure of a notification or action item.

    Closing notes when and at which meeting (the minutes of that meeting report
    it); reopening clears both; a record already closed keeps its first closure.
    ``in_meeting_id`` may be a function, asked only when the record closes now.
    """
    if outcome is not None:
        record.outcome = outcome.strip() or None
    if still_open:
        record.closed_at = None
        record.closed_in_meeting_id = None
    elif record.closed_at is None:
        record.closed_at = now
        record.closed_in_meeting_id = in_meeting_id() if callable(in_meeting_id) else in_meeting_id


def close_notification(
    db: Database,
    notification_id: int,
    status: NotificationStatus,
    outcome: str,
    *,
    services_offered: str | None = None,
    services_accepted: str | None = None,
    version: int | None,
) -> NotificationState:
    """Close a notification with how it ended and what happened, and the services, in one change.

    ``status`` must be a final one the lifecycle allows; the outcome is
    required. Services None are left as they are, "" clears them.
    """
    if status in OPEN_NOTIFICATION_STATUSES:
        raise ServiceError(f"{status.label} does not close a notification; choose how it ended")
    if not (outcome or "").strip():
        raise ServiceError("closing a notification needs its outcome")
    with writing(db, "the notification") as s:
        n = _notification(s, notification_id, version)
        if n.status not in OPEN_NOTIFICATION_STATUSES and n.status == status:
            raise ServiceError(f"the notification is already {status.label}")
        _apply_status(s, n, status, outcome, db.now())
        if services_offered is not None:
            n.services_offered = _clean(services_offered)
        if services_accepted is not None:
            n.services_accepted = _clean(services_accepted)
        if n.services_accepted and not n.services_offered:
            n.services_offered = n.services_accepted
        s.flush()
        return _state(n)


def record_attempt(
    db: Database,
    notification_id: int,
    *,
    result: AttemptResult,
    attempted_at: dt.datetime | None = None,
    by: str | None = None,
    letter_left: bool = False,
    door_hanger_left: bool = False,
    note: str | None = None,
) -> AttemptRow:
    """Record one try at delivering a notification; the status is not changed (see :func:`suggested_status`)."""
    now = db.now()
    when = attempted_at or now.replace(second=0, microsecond=0)
    if when > now:
        raise ServiceError(f"an attempt cannot be in the future ({when:%Y-%m-%d %H:%M})")
    with writing(db, "the attempt") as s:
        n = _notification(s, notification_id)
        if not takes_attempts(n.status):
            raise NotAllowed(f"the notification is {n.status.label}, which is final: no more attempts")
        a = NotificationAttempt(
            notification_id=n.id, attempted_at=when, by=_clean(by), result=result,
            letter_left=bool(letter_left), door_hanger_left=bool(door_hanger_left), note=_clean(note),
        )
        s.add(a)
        s.flush()
        return _attempt(a)


def set_services(
    db: Database, notification_id: int, offered: str | None, accepted: str | None, *, version: int | None
) -> NotificationState:
    """Write the services offered and accepted ("" or None clears). Accepted ones must have been offered too."""
    with writing(db, "the notification") as s:
        n = _notification(s, notification_id, version)
        n.services_offered = _clean(offered)
        n.services_accepted = _clean(accepted)
        if n.services_accepted and not n.services_offered:
            n.services_offered = n.services_accepted
        s.flush()
        return _state(n)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


# --------------------------------------------------------------------------- referrals


@dataclass(frozen=True)
class ReferralRow:
    id: int
    person_id: int
    person: str
    service: str
    provider: str | None
    status: ReferralStatus
    offered_on: dt.date | None
    status_on: dt.date | None
    note: str | None
    notification_id: int | None
    notification_ref: str | None  # "1-3" when it came from a notification
    case_number: str | None
    meeting_number: int | None = None  # when it was made at a meeting
    meeting_date: dt.date | None = None
    version: int = 1  # what a change of status writes against

    @property
    def source(self) -> str:
        """Where it came from: ``notification 1-3``, ``meeting 2`` or ``direct`` (on the person's profile)."""
        if self.notification_ref:
            return f"notification {self.notification_ref}"
        if self.meeting_number is not None:
            return f"meeting {self.meeting_number}"
        return "direct"

    @property
    def is_moving(self) -> bool:
        return bool(REFERRAL_TRANSITIONS[self.status]) and self.status != ReferralStatus.declined


# How referral statuses are listed: the way forward first, declined last.
REFERRAL_ORDER = (
    ReferralStatus.offered, ReferralStatus.accepted, ReferralStatus.engaged, ReferralStatus.completed,
    ReferralStatus.declined,
)


REFERRAL_STATEMENTS = 1


def load_referrals(
    db: Database, *, person_id: int | None = None, status: ReferralStatus | None = None
) -> list[ReferralRow]:
    """Referrals, the ones still moving first (offered, accepted, engaged), each latest change first. One statement."""
    NMeeting, RMeeting = aliased(Meeting), aliased(Meeting)
    stmt = (
        select(Referral, Person, Notification.number, NMeeting.number, Incident.case_number, RMeeting.number,
               RMeeting.date)
        .join(Person, col(Person.id) == col(Referral.person_id))
        .outerjoin(Notification, col(Notification.id) == col(Referral.notification_id))
        .outerjoin(NMeeting, col(NMeeting.id) == col(Notification.meeting_id))
        .outerjoin(Incident, col(Incident.id) == col(Referral.incident_id))
        .outerjoin(RMeeting, col(RMeeting.id) == col(Referral.meeting_id))
    )
    if person_id is not None:
        stmt = stmt.where(col(Referral.person_id) == person_id)
    if status is not None:
        stmt = stmt.where(col(Referral.status) == status)
    with db.session() as s:
        rows = [
            ReferralRow(
                r.id, p.id, p.name, r.service, r.provider, r.status, r.offered_on, r.status_on, r.note,  # type: ignore[arg-type]
                r.notification_id, f"{mnum}-{nnum}" if nnum is not None else None, case, rnum, rdate,
                r.version,
            )
            for r, p, nnum, mnum, case, rnum, rdate in s.exec(stmt).all()
        ]
    moving = {ReferralStatus.offered: 0, ReferralStatus.accepted: 0, ReferralStatus.engaged: 0}
    return sorted(
        rows,
        key=lambda r: (moving.get(r.status, 1), -(r.status_on or r.offered_on or dt.date.min).toordinal(), r.id),
    )


def refer(
    db: Database,
    person_id: int,
    service: str,
    *,
    provider: str | None = None,
    notification_id: int | None = None,
    note: str | None = None,
) -> ReferralRow:
    """A referral made outside a meeting: directly on a person, or from one of their notifications.

    From a notification it is linked to it and to its incident, and the person
    must be the notification's.
    """
    incident_id = None
    if notification_id is not None:
        with db.session() as s:
            n = _notification(s, notification_id)
            if n.person_id != person_id:
                raise ServiceError("that notification is for someone else")
            incident_id = n.incident_id
    made = add_referral(db, person_id, service, provider=provider, incident_id=incident_id,
                        notification_id=notification_id, note=note)
    return next(r for r in load_referrals(db, person_id=person_id) if r.id == made.id)


def set_referral_status(
    db: Database,
    referral_id: int,
    status: ReferralStatus,
    *,
    on: dt.date | None = None,
    note: str | None = None,
    provider: str | None = None,
    version: int | None,
) -> Saved:
    """Move a referral along :data:`REFERRAL_TRANSITIONS` (others refused), dated ``on`` (default today).

    ``note`` and ``provider`` None leave them as they are, "" clears them.
    """
    today = db.now().date()
    on = on or today
    if on > today:
        raise ServiceError(f"{on.isoformat()} is in the future")
    with writing(db, "the referral") as s:
        r = check_version(s.get(Referral, referral_id), version, "the referral")
        check_referral_transition(r.status, status)
        if status != r.status:
            if r.offered_on is not None and on < r.offered_on:
                raise ServiceError(f"{on.isoformat()} is before the referral was offered ({r.offered_on.isoformat()})")
            r.status = status
            r.status_on = on
        if note is not None:
            r.note = _clean(note)
        if provider is not None:
            r.provider = _clean(provider)
        s.flush()
        return Saved(r.id, r.version)  # type: ignore[arg-type]


def providers(db: Database) -> list[str]:
    """Providers referred to before, most used first (for completion)."""
    with db.session() as s:
        rows = s.exec(
            select(Referral.provider, func.count())
            .where(col(Referral.provider).is_not(None))
            .group_by(Referral.provider)
        ).all()
    return [p for p, _ in sorted(rows, key=lambda pc: (-pc[1], pc[0].casefold())) if p]


def services(db: Database) -> list[str]:
    """Services referred to before, then the usual ones."""
    with db.session() as s:
        used = s.exec(select(Referral.service).distinct()).all()
    return list(dict.fromkeys([*sorted((u for u in used if u), key=str.casefold), *SERVICES]))


# --------------------------------------------------------------------------- counting (for the board's summary)


@dataclass(frozen=True)
class BoardCounts:
    shown: int
    total: int
    open: int
    overdue: int
    due_this_week: int


def counts(rows: Sequence[NotificationRow], shown: Sequence[NotificationRow], today: dt.date) -> BoardCounts:
    week = sum(1 for r in rows if r.is_open and (d := r.due_in(today)) is not None and 0 <= d < WEEK_DAYS)
    return BoardCounts(
        shown=len(shown), total=len(rows), open=sum(1 for r in rows if r.is_open),
        overdue=sum(1 for r in rows if r.days_overdue), due_this_week=week,
    )


__all__ = [
    "ATTEMPT_STATUS", "AttemptRow", "BoardCounts", "DUE_FILTERS", "FINAL_STATUSES", "NotificationFilter",
    "NotificationRow", "REFERRAL_ORDER", "REFERRAL_TRANSITIONS", "ReferralRow", "ServiceError", "STATUS_FILTERS", "change_status",
    "check_referral_transition", "check_transition", "close_notification", "counts", "load_notifications", "load_referrals",
    "parse_when", "record_attempt", "refer", "reporting_meeting", "set_referral_status", "set_services",
    "suggested_status", "takes_attempts",
]
