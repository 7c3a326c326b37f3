"""VIP All In (SPEC §9): participants and their episodes, needs, plan, contacts, the caseload.

Service records are a compartment of their own: only the ``services``
audience reads them (:mod:`vip_tui.disclosure`, ``services.records``).
Screens and commands ask before they call the readers here; the one reader
for everyone is :func:`enrolled_since` ("enrolled in VIP All In since DATE").

Rules the program works by, decided here:

- a person has at most one open episode (a partial unique index holds it
  against two instances); re-enrollment after an exit is a new episode;
- a person enrolls from a *delivered* notification (to them or their
  family), from an *accepted* or engaged referral (an accepted one moves on
  to ``engaged``), from their profile, or as a walk-in (a person record made
  then);
- ``exited`` is reached only by :func:`exit_participant`, with a reason;
  an exited episode takes no more contacts, needs, goals or stage moves;
- **overdue**: the cadence is contacts per week; the days allowed between
  contacts are ``ceil(7 / cadence)``, counted from the last contact made
  (an ``attempt`` without contact does not count), or from enrollment when
  there is none; a participant is overdue the day after that.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..db import Database
from ..enums import (
    ACTIVE_STAGES,
    ContactMethod,
    EnrollSource,
    ExitReason,
    GoalStatus,
    IncidentType,
    NeedDomain,
    NeedLevel,
    NotificationStatus,
    ReferralStatus,
    Role,
    Stage,
)
from ..models import (
    Contact, Goal, Incident, Involvement, Meeting, Need, NeedAssessment, Notification, Participant, Person, Referral,
)
from ..names import name_key
from .guard import NotAllowed, Saved, ServiceError, check_version, writing
from .notifications import ReferralRow, load_referrals

__all__ = [
    "CADENCE_RANGE",
    "GOALS_DUE_DAYS",
    "CaseloadRow",
    "ContactRow",
    "EpisodeRow",
    "GoalRow",
    "NeedRow",
    "AssessmentRow",
    "ParticipantView",
    "allowed_gap",
    "caseload",
    "coaches",
    "enroll",
    "enroll_walk_in",
    "enrolled_since",
    "exit_participant",
    "assess_needs",
    "add_goal",
    "edit_goal",
    "set_goal_status",
    "log_contact",
    "set_stage",
    "set_plan",
    "participant_view",
]

CADENCE_RANGE = (0.25, 14.0)  # one contact a month .. two a day
MAX_MINUTES = 24 * 60
GOALS_DUE_DAYS = 14  # "goals due": open goals whose target date is within two weeks (or past)
DELIVERED = frozenset({NotificationStatus.delivered, NotificationStatus.delivered_to_family})
REFERRAL_ENROLLS = frozenset({ReferralStatus.accepted, ReferralStatus.engaged})


def allowed_gap(cadence: float) -> int:
    """Days allowed between two contacts at ``cadence`` contacts per week (1 -> 7, 2 -> 4, 0.5 -> 14)."""
    return max(1, math.ceil(7 / cadence))


# --------------------------------------------------------------------------- read models


@dataclass(frozen=True)
class CaseloadRow:
    """One participant's open (or last) episode as the caseload lists it."""

    participant_id: int
    person_id: int
    person: str
    episode: int
    coach: str
    stage: Stage
    stage_on: dt.date
    enrolled_on: dt.date
    cadence: float
    last_contact: dt.date | None  # the last contact made (attempts do not count)
    next_due: dt.date | None  # None once exited
    days_since: int  # since the last contact, or since enrollment
    urgent_needs: tuple[NeedDomain, ...]  # of the newest assessment
    goals_due: int  # open goals with a target date within GOALS_DUE_DAYS (or past)
    contacts: int  # contacts made (attempts not counted)
    exited_on: dt.date | None = None
    exit_reason: ExitReason | None = None
    version: int = 1

    @property
    def overdue(self) -> bool:
        return self.exited_on is None and self.next_due is not None and self.days_over > 0

    @property
    def days_over(self) -> int:
        """Days past the date the next contact was due (0 or less: not overdue)."""
        return self.days_since - allowed_gap(self.cadence)


@dataclass(frozen=True)
class EpisodeRow:
    participant_id: int
    episode: int
    coach: str
    source: EnrollSource
    enrolled_on: dt.date
    stage: Stage
    exited_on: dt.date | None
    exit_reason: ExitReason | None


@dataclass(frozen=True)
class NeedRow:
    domain: NeedDomain
    level: NeedLevel
    note: str | None


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    assessed_on: dt.date
    assessed_by: str
    needs: tuple[NeedRow, ...]  # every domain, in NeedDomain's order (a domain not recorded: none)

    def level(self, domain: NeedDomain) -> NeedLevel:
        return next((n.level for n in self.needs if n.domain == domain), NeedLevel.none)


@dataclass(frozen=True)
class GoalRow:
    id: int
    domain: NeedDomain
    goal: str
    target_on: dt.date | None
    milestones: tuple[str, ...]
    status: GoalStatus
    status_on: dt.date | None
    version: int


@dataclass(frozen=True)
class ContactRow:
    id: int
    at: dt.datetime
    method: ContactMethod
    minutes: int
    by: str
    note: str | None


@dataclass(frozen=True)
class ParticipantView:
    """Everything VIP All In holds on one episode, and the person's other episodes."""

    row: CaseloadRow
    source: EnrollSource
    notification_ref: str | None  # "3-2": the notification they enrolled from
    assessments: tuple[AssessmentRow, ...]  # newest first; [0] is the current needs
    goals: tuple[GoalRow, ...]  # open first, then by target date
    contacts: tuple[ContactRow, ...]  # newest first
    episodes: tuple[EpisodeRow, ...]  # every episode of the person, newest first
    referrals: tuple[ReferralRow, ...]  # the person's referrals (services), still moving first

    @property
    def needs(self) -> AssessmentRow | None:
        return self.assessments[0] if self.assessments else None


# --------------------------------------------------------------------------- reading

CASELOAD_STATEMENTS = 4


def caseload(
    db: Database,
    *,
    today: dt.date | None = None,
    coach: str | None = None,
    stage: Stage | None = None,
    overdue: bool = False,
    status: str = "active",
) -> list[CaseloadRow]:
    """The caseload: open episodes (``status`` ``active``), exited ones (``exited``) or both (``all``).

    Ordered by coach, then the next contact due (overdue first), then name.
    Four statements whatever the size: the episodes with their persons, the
    last contact and count of each, the urgent needs of each newest
    assessment, the goals due.
    """
    if status not in ("active", "exited", "all"):
        raise ServiceError(f"status is active, exited or all, not {status!r}")
    today = today or db.now().date()
    stmt = select(Participant, Person.name).join(Person, col(Person.id) == col(Participant.person_id))
    if status == "active":
        stmt = stmt.where(col(Participant.exited_on).is_(None))
    elif status == "exited":
        stmt = stmt.where(col(Participant.exited_on).is_not(None))
    if coach:
        stmt = stmt.where(func.lower(col(Participant.coach)) == coach.strip().lower())
    if stage is not None:
        stmt = stmt.where(col(Participant.stage) == stage)
    with db.session() as s:
        episodes = s.exec(stmt).all()
        ids = [p.id for p, _ in episodes]
        contacts, urgent, goals_due = _contact_facts(s, ids), _urgent_needs(s, ids), _goals_due(s, ids, today)
    rows = [
        _caseload_row(p, name, *contacts.get(p.id, (None, 0)), urgent.get(p.id, ()), goals_due.get(p.id, 0), today)  # type: ignore[arg-type]
        for p, name in episodes
    ]
    if overdue:
        rows = [r for r in rows if r.overdue]
    return sorted(rows, key=lambda r: (r.coach.lower(), r.next_due or dt.date.max, r.person.lower(), r.episode))


def _caseload_row(
    p: Participant, name: str, last: dt.datetime | None, contacts: int, urgent: tuple[NeedDomain, ...],
    goals_due: int, today: dt.date,
) -> CaseloadRow:
    last_day = last.date() if last else None
    since = last_day or p.enrolled_on
    end = p.exited_on or today
    return CaseloadRow(
        participant_id=p.id, person_id=p.person_id, person=name, episode=p.episode, coach=p.coach,  # type: ignore[arg-type]
        stage=p.stage, stage_on=p.stage_on, enrolled_on=p.enrolled_on, cadence=p.cadence, last_contact=last_day,
        next_due=None if p.exited_on else since + dt.timedelta(days=allowed_gap(p.cadence)),
        days_since=max(0, (end - since).days), urgent_needs=urgent, goals_due=goals_due, contacts=contacts,
        exited_on=p.exited_on, exit_reason=p.exit_reason, version=p.version,
    )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    # One statement for a caseload; an IN list is kept under SQLite's parameter limit for the "all" listing.
    for i in range(0, len(ids), 30000):
        yield ids[i:i + 30000]


def _contact_facts(s: Session, ids: list[int]) -> dict[int, tuple[dt.datetime | None, int]]:
    """Per participant: the last contact made and how many (attempts not counted)."""
    if not ids:
        return {}
    out: dict[int, tuple[dt.datetime | None, int]] = {}
    for chunk in _chunks(ids):
        for pid, last, n in s.exec(
            select(Contact.participant_id, func.max(Contact.at), func.count())
            .where(col(Contact.participant_id).in_(chunk), col(Contact.method) != ContactMethod.attempt)
            .group_by(col(Contact.participant_id))
        ).all():
            out[pid] = (last, n)  # type: ignore[index]
    return out


def _urgent_needs(s: Session, ids: list[int]) -> dict[int, tuple[NeedDomain, ...]]:
    """Per participant: the urgent domains of the newest assessment."""
    if not ids:
        return {}
    out: dict[int, list[NeedDomain]] = {}
    for chunk in _chunks(ids):
        newest = (
            select(func.max(NeedAssessment.id).label("id"))
            .where(col(NeedAssessment.participant_id).in_(chunk))
            .group_by(col(NeedAssessment.participant_id))
            .subquery()
        )
        for pid, domain in s.exec(
            select(NeedAssessment.participant_id, Need.domain)
            .join(Need, col(Need.assessment_id) == col(NeedAssessment.id))
            .where(col(NeedAssessment.id).in_(select(newest.c.id)), col(Need.level) == NeedLevel.urgent)
        ).all():
            out.setdefault(pid, []).append(domain)  # type: ignore[arg-type]
    order = list(NeedDomain)
    return {pid: tuple(sorted(domains, key=order.index)) for pid, domains in out.items()}


def _goals_due(s: Session, ids: list[int], today: dt.date) -> dict[int, int]:
    if not ids:
        return {}
    out: dict[int, int] = {}
    horizon = today + dt.timedelta(days=GOALS_DUE_DAYS)
    for chunk in _chunks(ids):
        for pid, n in s.exec(
            select(Goal.participant_id, func.count())
            .where(col(Goal.participant_id).in_(chunk), col(Goal.status) == GoalStatus.open,
                   col(Goal.target_on) <= horizon)
            .group_by(col(Goal.participant_id))
        ).all():
            out[pid] = n  # type: ignore[index]
    return out


def coaches(db: Database) -> list[str]:
    """Peer coaches with participants, most open episodes first (for completion and the coach filter)."""
    open_ = func.sum(case((col(Participant.exited_on).is_(None), 1), else_=0))
    with db.session() as s:
        rows = s.exec(
            select(Participant.coach, open_).group_by(col(Participant.coach)).order_by(open_.desc(), col(Participant.coach))
        ).all()
    return [coach for coach, _ in rows]


def enrolled_since(session_or_db: Session | Database, person_ids: Iterable[int]) -> dict[int, dt.date]:
    """Person id -> the date their open episode began: the one fact of VIP All In every audience may read."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}

    def read(s: Session) -> dict[int, dt.date]:
        return dict(
            s.exec(  # type: ignore[arg-type]
                select(Participant.person_id, Participant.enrolled_on)
                .where(col(Participant.person_id).in_(ids), col(Participant.exited_on).is_(None))
            ).all()
        )

    if isinstance(session_or_db, Database):
        with session_or_db.session() as s:
            return read(s)
    return read(session_or_db)


def participant_view(db: Database, participant_id: int, *, today: dt.date | None = None) -> ParticipantView:
    """One episode with its needs history, plan, contacts, the person's episodes and referrals."""
    today = today or db.now().date()
    with db.session() as s:
        found = s.exec(
            select(Participant, Person.name, Notification.number, Meeting.number)
            .join(Person, col(Person.id) == col(Participant.person_id))
            .outerjoin(Notification, col(Notification.id) == col(Participant.notification_id))
            .outerjoin(Meeting, col(Meeting.id) == col(Notification.meeting_id))
            .where(col(Participant.id) == participant_id)
        ).first()
        if found is None:
            raise ServiceError(f"no participant with id {participant_id}")
        p, name, n_number, meeting_number = found
        contacts = s.exec(
            select(Contact).where(col(Contact.participant_id) == participant_id)
            .order_by(col(Contact.at).desc(), col(Contact.id).desc())
        ).all()
        assessments = s.exec(
            select(NeedAssessment).where(col(NeedAssessment.participant_id) == participant_id)
            .order_by(col(NeedAssessment.assessed_on).desc(), col(NeedAssessment.id).desc())
        ).all()
        needs: dict[int, list[Need]] = {}
        if assessments:
            for need in s.exec(select(Need).where(col(Need.assessment_id).in_([a.id for a in assessments]))).all():
                needs.setdefault(need.assessment_id, []).append(need)  # type: ignore[arg-type]
        goals = s.exec(select(Goal).where(col(Goal.participant_id) == participant_id)).all()
        episodes = s.exec(
            select(Participant).where(col(Participant.person_id) == p.person_id).order_by(col(Participant.episode).desc())
        ).all()
    made = [c for c in contacts if c.method != ContactMethod.attempt]
    rows = tuple(_assessment(a, needs.get(a.id, [])) for a in assessments)  # type: ignore[arg-type]
    row = _caseload_row(
        p, name, made[0].at if made else None, len(made), tuple(n.domain for n in rows[0].needs if n.level == NeedLevel.urgent) if rows else (),
        sum(1 for g in goals if g.status == GoalStatus.open and g.target_on is not None
            and g.target_on <= today + dt.timedelta(days=GOALS_DUE_DAYS)),
        today,
    )
    return ParticipantView(
        row=row,
        source=p.source,
        notification_ref=f"{meeting_number}-{n_number}" if n_number is not None else None,
        assessments=rows,
        goals=tuple(sorted((_goal(g) for g in goals), key=_goal_order)),
        contacts=tuple(ContactRow(c.id, c.at, c.method, c.minutes, c.by, c.note) for c in contacts),  # type: ignore[arg-type]
        episodes=tuple(
            EpisodeRow(e.id, e.episode, e.coach, e.source, e.enrolled_on, e.stage, e.exited_on, e.exit_reason)  # type: ignore[arg-type]
            for e in episodes
        ),
        referrals=tuple(load_referrals(db, person_id=p.person_id)),
    )


def _assessment(a: NeedAssessment, needs: list[Need]) -> AssessmentRow:
    by_domain = {n.domain: n for n in needs}
    return AssessmentRow(
        a.id, a.assessed_on, a.assessed_by,  # type: ignore[arg-type]
        tuple(
            NeedRow(d, by_domain[d].level, by_domain[d].note) if d in by_domain else NeedRow(d, NeedLevel.none, None)
            for d in NeedDomain
        ),
    )


def _goal(g: Goal) -> GoalRow:
    return GoalRow(g.id, g.domain, g.goal, g.target_on, tuple(g.milestones or ()), g.status, g.status_on, g.version)  # type: ignore[arg-type]


def _goal_order(g: GoalRow) -> tuple:
    return (g.status != GoalStatus.open, g.target_on or dt.date.max, g.id)


# --------------------------------------------------------------------------- checks


def _text(value: str | None, what: str, *, limit: int, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"{what} is empty; write it")
    if len(value) > limit:
        raise ServiceError(f"{what} is {len(value)} characters long; keep it under {limit}")
    return value or None


def _day(db: Database, on: dt.date | None, what: str) -> dt.date:
    today = db.now().date()
    on = on or today
    if on > today:
        raise ServiceError(f"{what} {on.isoformat()} is in the future")
    return on


def _cadence(cadence: float) -> float:
    low, high = CADENCE_RANGE
    try:
        cadence = float(cadence)
    except (TypeError, ValueError):
        raise ServiceError(f"the cadence is contacts per week, a number like 1 or 0.5, not {cadence!r}") from None
    if not (low <= cadence <= high) or math.isnan(cadence):
        raise ServiceError(f"the cadence is contacts per week between {low:g} and {high:g}, not {cadence:g}")
    return cadence


def _open_participant(s: Session, participant_id: int, version: int | None = None) -> Participant:
    """The episode, refused when gone, changed since ``version`` (None: not compared) or ended."""
    p = check_version(s.get(Participant, participant_id), version, "the participant")
    if p.exited_on is not None:
        raise NotAllowed(
            f"this episode ended on {p.exited_on.isoformat()} ({p.exit_reason.label if p.exit_reason else 'exited'}); "
            "enroll the person again for a new episode"
        )
    return p


# --------------------------------------------------------------------------- enrollment


def enroll(
    db: Database,
    person_id: int,
    *,
    coach: str,
    source: EnrollSource = EnrollSource.profile,
    on: dt.date | None = None,
    cadence: float = 1.0,
    notification_id: int | None = None,
    referral_id: int | None = None,
) -> Saved:
    """Enroll ``person_id`` in VIP All In: a new episode at ``engaging``, with a peer coach and a cadence.

    From a notification it must be the person's and delivered; from a
    referral, the person's and accepted (it moves on to engaged) or engaged.
    Refused while the person has an open episode.
    """
    source = EnrollSource(source)
    if source == EnrollSource.notification and notification_id is None:
        raise ServiceError("enrolling from a notification needs the notification")
    if source == EnrollSource.referral and referral_id is None:
        raise ServiceError("enrolling from a referral needs the referral")
    terms = _terms(db, coach, on, cadence)
    with writing(db, "the enrollment") as s:
        person = s.get(Person, person_id)
        if person is None:
            raise ServiceError(f"no person with id {person_id}")
        while person.merged_into_id is not None:  # a merged record enrolls the record it was merged into
            person = s.get(Person, person.merged_into_id)  # type: ignore[assignment]
            assert person is not None
        if notification_id is not None:
            n = s.get(Notification, notification_id)
            if n is None or n.person_id != person.id:
                raise ServiceError("that notification is for someone else")
            if n.status not in DELIVERED:
                raise NotAllowed(f"the notification is {n.status.label}; a person enrolls from a delivered one")
        if referral_id is not None:
            r = s.get(Referral, referral_id)
            if r is None or r.person_id != person.id:
                raise ServiceError("that referral is for someone else")
            if r.status not in REFERRAL_ENROLLS:
                raise NotAllowed(f"the referral is {r.status.label}; a person enrolls from an accepted one")
            if r.status == ReferralStatus.accepted:
                r.status, r.status_on = ReferralStatus.engaged, terms[1]
        return _episode(s, db, person, source, terms, notification_id=notification_id, referral_id=referral_id)


def enroll_walk_in(
    db: Database, name: str, *, coach: str, dob: dt.date | None = None, on: dt.date | None = None,
    cadence: float = 1.0,
) -> Saved:
    """A walk-in: a person record made now and enrolled at once (source ``walk_in``), in one transaction."""
    name_ = _text(name, "the name", limit=200, required=True)
    if dob is not None and dob > db.now().date():
        raise ServiceError(f"the date of birth {dob.isoformat()} is in the future")
    terms = _terms(db, coach, on, cadence)
    with writing(db, "the walk-in") as s:
        person = Person(name=name_, name_key=name_key(name_), dob=dob)  # type: ignore[arg-type]
        s.add(person)
        s.flush()
        return _episode(s, db, person, EnrollSource.walk_in, terms)


def _terms(db: Database, coach: str, on: dt.date | None, cadence: float) -> tuple[str, dt.date, float]:
    """An enrollment's coach, date and cadence, checked before anything is written."""
    coach_ = _text(coach, "the peer coach", limit=100, required=True)
    return coach_, _day(db, on, "the enrollment date"), _cadence(cadence)  # type: ignore[return-value]


def _episode(
    s: Session, db: Database, person: Person, source: EnrollSource, terms: tuple[str, dt.date, float], **links: int | None
) -> Saved:
    coach, on, cadence = terms
    killed = s.exec(
        select(Incident.case_number)
        .join(Involvement, col(Involvement.incident_id) == col(Incident.id))
        .where(col(Involvement.person_id) == person.id, col(Involvement.role) == Role.victim,
               col(Incident.type) == IncidentType.homicide,
               col(Incident.occurred_at) < dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))
        .limit(1)
    ).first()
    if killed is not None:
        raise NotAllowed(f"the person is the victim of homicide case {killed}; nobody to enroll")
    episodes = s.exec(
        select(Participant.episode, Participant.enrolled_on, Participant.exited_on, Participant.coach)
        .where(col(Participant.person_id) == person.id)
    ).all()
    current = next((e for e in episodes if e[2] is None), None)
    if current is not None:
        raise NotAllowed(f"{person.name} is already enrolled, since {current[1].isoformat()} (coach {current[3]})")
    last_exit = max((e[2] for e in episodes), default=None)
    if last_exit is not None and on < last_exit:
        raise ServiceError(f"{on.isoformat()} is before the last episode ended ({last_exit.isoformat()})")
    p = Participant(
        person_id=person.id, episode=1 + max((e[0] for e in episodes), default=0), coach=coach, enrolled_on=on,
        source=source, stage=Stage.engaging, stage_on=on, cadence=cadence, created_at=db.now(), **links,
    )
    s.add(p)
    s.flush()
    return Saved(p.id, p.version)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the episode


def set_stage(db: Database, participant_id: int, stage: Stage, *, on: dt.date | None = None, version: int | None) -> Saved:
    """Move an open episode to another stage (``exited`` is :func:`exit_participant`, with a reason)."""
    stage = Stage(stage)
    if stage not in ACTIVE_STAGES:
        raise ServiceError("a participant exits with a reason; use exit")
    on = _day(db, on, "the date")
    with writing(db, "the participant") as s:
        p = _open_participant(s, participant_id, version)
        if stage == p.stage:
            raise ServiceError(f"the participant is already {stage.label}")
        if on < p.enrolled_on:
            raise ServiceError(f"{on.isoformat()} is before the enrollment ({p.enrolled_on.isoformat()})")
        p.stage, p.stage_on = stage, on
        s.flush()
        return Saved(p.id, p.version)  # type: ignore[arg-type]


def set_plan(
    db: Database, participant_id: int, *, coach: str | None = None, cadence: float | None = None, version: int | None
) -> Saved:
    """Change an open episode's peer coach or cadence (None leaves it as it is)."""
    coach_ = _text(coach, "the peer coach", limit=100, required=True) if coach is not None else None
    cadence_ = _cadence(cadence) if cadence is not None else None
    with writing(db, "the participant") as s:
        p = _open_participant(s, participant_id, version)
        if coach_ is not None:
            p.coach = coach_
        if cadence_ is not None:
            p.cadence = cadence_
        s.flush()
        return Saved(p.id, p.version)  # type: ignore[arg-type]


def exit_participant(
    db: Database, participant_id: int, reason: ExitReason, *, on: dt.date | None = None, version: int | None
) -> Saved:
    """End an open episode with a reason and a date; the person may enroll again later (a new episode)."""
    reason = ExitReason(reason)
    on = _day(db, on, "the exit date")
    with writing(db, "the participant") as s:
        p = _open_participant(s, participant_id, version)
        if on < p.enrolled_on:
            raise ServiceError(f"{on.isoformat()} is before the enrollment ({p.enrolled_on.isoformat()})")
        p.stage, p.stage_on, p.exited_on, p.exit_reason = Stage.exited, on, on, reason
        s.flush()
        return Saved(p.id, p.version)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- needs, plan, contacts


def assess_needs(
    db: Database,
    participant_id: int,
    needs: Mapping[NeedDomain | str, tuple[NeedLevel | str, str | None]],
    *,
    by: str | None = None,
    on: dt.date | None = None,
) -> Saved:
    """An intake or a reassessment: a new assessment (the earlier ones are kept), one level per domain.

    A domain not given is recorded as ``none``. Returns the assessment's id.
    """
    by_ = _text(by or db.user, "who assessed", limit=100, required=True)
    on = _day(db, on, "the assessment date")
    levels: dict[NeedDomain, tuple[NeedLevel, str | None]] = {}
    for domain, (level, note) in needs.items():
        try:
            d, lv = NeedDomain(domain), NeedLevel(level)
        except ValueError as exc:
            raise ServiceError(f"{exc}; the domains: {', '.join(NeedDomain.values())}; "
                               f"the levels: {', '.join(NeedLevel.values())}") from None
        levels[d] = (lv, _text(note, f"the note on {d.label}", limit=500))
    with writing(db, "the needs") as s:
        p = _open_participant(s, participant_id)
        if on < p.enrolled_on:
            raise ServiceError(f"{on.isoformat()} is before the enrollment ({p.enrolled_on.isoformat()})")
        a = NeedAssessment(participant_id=p.id, assessed_on=on, assessed_by=by_, created_at=db.now())  # type: ignore[arg-type]
        s.add(a)
        s.flush()
        s.add_all(
            Need(assessment_id=a.id, domain=d, level=levels.get(d, (NeedLevel.none, None))[0],
                 note=levels.get(d, (NeedLevel.none, None))[1])
            for d in NeedDomain
        )
        s.flush()
        return Saved(a.id, 1)  # type: ignore[arg-type]


def _milestones(milestones: Iterable[str] | None) -> list[str]:
    out = [m.strip() for m in (milestones or ()) if m and m.strip()]
    for m in out:
        _text(m, "a milestone", limit=300)
    if len(out) > 20:
        raise ServiceError(f"{len(out)} milestones; keep a goal to 20 or fewer")
    return out


def add_goal(
    db: Database,
    participant_id: int,
    domain: NeedDomain,
    goal: str,
    *,
    target_on: dt.date | None = None,
    milestones: Iterable[str] = (),
) -> Saved:
    """A line of the plan (status open)."""
    domain = NeedDomain(domain)
    goal_ = _text(goal, "the goal", limit=500, required=True)
    steps = _milestones(milestones)
    with writing(db, "the goal") as s:
        p = _open_participant(s, participant_id)
        if target_on is not None and target_on < p.enrolled_on:
            raise ServiceError(f"the target date {target_on.isoformat()} is before the enrollment")
        g = Goal(participant_id=p.id, domain=domain, goal=goal_, target_on=target_on, milestones=steps,  # type: ignore[arg-type]
                 created_at=db.now())
        s.add(g)
        s.flush()
        return Saved(g.id, g.version)  # type: ignore[arg-type]


def edit_goal(
    db: Database,
    goal_id: int,
    *,
    domain: NeedDomain | None = None,
    goal: str | None = None,
    target_on: dt.date | None | str = "",
    milestones: Iterable[str] | None = None,
    version: int | None,
) -> Saved:
    """Change a goal's wording, domain, target date (None clears it; "" leaves it) or milestones."""
    goal_ = _text(goal, "the goal", limit=500, required=True) if goal is not None else None
    steps = _milestones(milestones) if milestones is not None else None
    with writing(db, "the goal") as s:
        g = check_version(s.get(Goal, goal_id), version, "the goal")
        _open_participant(s, g.participant_id)  # type: ignore[arg-type]
        if domain is not None:
            g.domain = NeedDomain(domain)
        if goal_ is not None:
            g.goal = goal_
        if target_on != "":
            g.target_on = target_on  # type: ignore[assignment]
        if steps is not None:
            g.milestones = steps
        s.flush()
        return Saved(g.id, g.version)  # type: ignore[arg-type]


def set_goal_status(
    db: Database, goal_id: int, status: GoalStatus, *, on: dt.date | None = None, version: int | None
) -> Saved:
    """Mark a goal met or dropped (or open again)."""
    status = GoalStatus(status)
    on = _day(db, on, "the date")
    with writing(db, "the goal") as s:
        g = check_version(s.get(Goal, goal_id), version, "the goal")
        _open_participant(s, g.participant_id)  # type: ignore[arg-type]
        if g.status == status:
            raise ServiceError(f"the goal is already {status.label}")
        g.status, g.status_on = status, (None if status == GoalStatus.open else on)
        s.flush()
        return Saved(g.id, g.version)  # type: ignore[arg-type]


def log_contact(
    db: Database,
    participant_id: int,
    *,
    method: ContactMethod,
    at: dt.datetime | None = None,
    minutes: int = 0,
    by: str | None = None,
    note: str | None = None,
) -> Saved:
    """A contact with the participant (or an attempt without contact). Returns the contact's id."""
    method = ContactMethod(method)
    now = db.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ServiceError(f"{at:%Y-%m-%d %H:%M} is in the future")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ServiceError(f"minutes is a whole number, not {minutes!r}") from None
    if not 0 <= minutes <= MAX_MINUTES:
        raise ServiceError(f"{minutes} minutes; give 0 to {MAX_MINUTES}")
    by_ = _text(by or db.user, "who made the contact", limit=100, required=True)
    note_ = _text(note, "the note", limit=4000)
    with writing(db, "the contact") as s:
        p = _open_participant(s, participant_id)
        if at.date() < p.enrolled_on:
            raise ServiceError(f"{at:%Y-%m-%d} is before the enrollment ({p.enrolled_on.isoformat()})")
        c = Contact(participant_id=p.id, at=at, method=method, minutes=minutes, by=by_, note=note_, created_at=now)  # type: ignore[arg-type]
        s.add(c)
        s.flush()
        return Saved(c.id, 1)  # type: ignore[arg-type]
