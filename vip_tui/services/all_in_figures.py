"""VIP All In figures (issue 15 item 6): participants, contacts against cadence, needs met, goals, and the outcome.

Every figure is a count or a share with its numerator and denominator
(:class:`~vip_tui.services.figures.Ratio`), like the program figures beside
it. They are aggregates: no name, note, need or goal of anyone is in them,
so they are shown at every desk (a service record is what the disclosure
field ``services.records`` guards; a count of records is not one).

Definitions (the figures screen's help and the README say the same):

- **The window** is the weeks the program figures show (Monday of the first
  week to ``today``; :func:`~vip_tui.services.figures.program_figures`).
- **Enrolled**: episodes (enrollments; a re-enrollment is a new one) begun in
  the window, and all time.
- **Active**: episodes open on ``today``, by stage.
- **Exited**: episodes ended in the window, and all time, by exit reason.
- **Contacts against cadence**: contacts made (an ``attempt`` without
  contact does not count) in the window, of the contacts the cadence asked
  for: the sum over every episode open at some time in the window of
  cadence × days enrolled in the window ÷ 7 (days counted from the later of
  the enrollment and the window's first day to the earlier of the exit and
  ``today``, both included), rounded to a whole number. The same two sums
  divided by the participant-weeks give **contacts per participant per
  week**, made and asked.
- **On cadence**: active participants not overdue on ``today``, of all
  active ones; overdue as the caseload has it
  (:func:`vip_tui.services.all_in.allowed_gap`: more days since the last
  contact made, or since enrollment, than ``ceil(7 / cadence)``).
- **Needs met**: of the needs marked some or urgent at an episode's intake
  (its first assessment), those marked none at its latest assessment; all
  time. A need never reassessed counts as not met; how many were reassessed
  is given beside it.
- **Goals met**: goals met, of goals met, dropped, or still open past their
  target date (an open goal not yet due is not decided either way); all
  time, and the open goals not yet due beside it.
- **Later shooting** (the outcome): the share of persons involved as victim
  or suspect in an incident of any type on a day after their index date,
  within 6 (12) calendar months of it. Participants: each person's first
  enrollment. Notified, not enrolled: persons with a delivered notification
  (to them or their family) who never enrolled; the index date is the first
  delivery (``closed_at``, ``created_at`` when missing). Only persons whose
  6 (12) months ended before ``today`` are in the denominator. Merged
  person records count as the surviving person.

:func:`all_in_figures` runs :data:`STATEMENTS` statements whatever the size
of the history; :func:`all_in_window` (another number of weeks) reruns only
the :data:`WINDOW_STATEMENTS` that depend on the window.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..db import Database
from ..enums import ACTIVE_STAGES, ContactMethod, ExitReason, GoalStatus, NeedDomain, NeedLevel, Role, Stage
from ..models import Contact, Goal, Incident, Involvement, Need, NeedAssessment, Notification, Participant, Person
from .all_in import allowed_gap
from .figures import ALL_TIME, DELIVERED, FigureRow, Ratio, _as_date, _day, _interval, _ratio_row, _Window, check_weeks

__all__ = ["STATEMENTS", "WINDOW_STATEMENTS", "FOLLOW_UP_MONTHS", "AllInFigures", "all_in_figures", "all_in_window",
           "add_months", "all_in_lines", "outcome_rows"]

STATEMENTS = 5
WINDOW_STATEMENTS = 2
FOLLOW_UP_MONTHS = (6, 12)
ENROLLED, NOTIFIED = "participants", "notified, not enrolled"
LATER_ROLES = (Role.victim, Role.suspect)


@dataclass(frozen=True)
class AllInFigures:
    today: dt.date
    weeks: int
    first_day: dt.date  # the window's first day (a Monday)
    last_day: dt.date  # the Sunday ending the window (the week of ``today``), for the CSV's period
    enrolled: int  # episodes begun in the window
    enrolled_all: int
    active_by_stage: dict[Stage, int]  # open episodes on ``today``
    exited: dict[ExitReason, int]  # episodes ended in the window
    exited_all: dict[ExitReason, int]
    contacts_made: int  # in the window, attempts not counted
    contacts_asked: float  # what the cadences asked for in the window
    participant_days: int  # days enrolled in the window, summed over the episodes
    on_cadence: Ratio  # active participants not overdue, of active ones
    needs_met: Ratio  # of needs some/urgent at intake
    needs_reassessed: int  # of those needs, how many had a later assessment
    goals_met: Ratio  # of goals met, dropped or open past target
    goals_pending: int  # open goals not yet past their target (or without one)
    # (group, months) -> persons with a later shooting within the months, of those whose months have passed
    later_shooting: dict[tuple[str, int], Ratio]

    @property
    def active(self) -> int:
        return sum(self.active_by_stage.values())

    @property
    def contacts_against_cadence(self) -> Ratio:
        return Ratio(self.contacts_made, round(self.contacts_asked))

    def per_week(self, contacts: float) -> float | None:
        """``contacts`` per participant per week of the window (None when nobody was enrolled in it)."""
        return contacts * 7 / self.participant_days if self.participant_days else None

    @property
    def period(self) -> str:
        return _interval(self.first_day, self.last_day)

    def rows(self) -> Iterator[FigureRow]:
        """The figures as tidy rows of the ``vip figures --csv`` format (figure names begin with ``VIP All In``)."""
        window, today = self.period, self.today.isoformat()
        yield FigureRow("VIP All In enrolled", "episodes begun", window, self.enrolled)
        yield FigureRow("VIP All In enrolled", "episodes begun", ALL_TIME, self.enrolled_all)
        active = self.active
        for stage, n in self.active_by_stage.items():
            yield FigureRow("VIP All In active by stage", stage.value, today, n, n, active)
        yield FigureRow("VIP All In active by stage", "all", today, active)
        for period, exits in ((window, self.exited), (ALL_TIME, self.exited_all)):
            total = sum(exits.values())
            for reason, n in exits.items():
                yield FigureRow("VIP All In exited by reason", reason.value, period, n, n, total)
            yield FigureRow("VIP All In exited by reason", "all", period, total)
        yield _ratio_row("VIP All In contacts against cadence", "contacts made of those the cadence asked for",
                         window, self.contacts_against_cadence)
        for group, contacts in (("made", self.contacts_made), ("asked by the cadence", self.contacts_asked)):
            rate = self.per_week(contacts)
            yield FigureRow("VIP All In contacts per participant per week", group, window,
                            None if rate is None else round(rate, 4))
        yield _ratio_row("VIP All In participants on cadence", "active participants not overdue", today,
                         self.on_cadence)
        yield _ratio_row("VIP All In needs met", "needs some or urgent at intake, none at the latest assessment",
                         ALL_TIME, self.needs_met)
        yield _ratio_row("VIP All In goals met", "of goals met, dropped or open past their target", ALL_TIME,
                         self.goals_met)
        for (group, months), r in self.later_shooting.items():
            yield _ratio_row(f"VIP All In later shooting within {months} months", group, ALL_TIME, r)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar ``months`` (the 31st becomes the month's last day: Aug 31 + 6 -> Feb 28)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- reading


def all_in_figures(session_or_db: Session | Database, *, today: dt.date, weeks: int = 12) -> AllInFigures:
    """The VIP All In figures on ``today`` for the last ``weeks`` weeks (see the module docstring).

    Runs :data:`STATEMENTS` statements. Raises
    :class:`~vip_tui.services.figures.FiguresError` when ``weeks`` is not between 1 and 260.
    """
    check_weeks(weeks)
    if isinstance(today, dt.datetime):
        today = today.date()
    if isinstance(session_or_db, Database):
        with session_or_db.session() as s:
            return _all_in(s, today, weeks)
    return _all_in(session_or_db, today, weeks)


def all_in_window(db: Database, kept: AllInFigures, *, weeks: int) -> AllInFigures:
    """``kept`` for another ``weeks``: the episodes and contacts read again, the all-time figures kept.

    Runs :data:`WINDOW_STATEMENTS` statements.
    """
    check_weeks(weeks)
    with db.session() as s:
        window = _Window(kept.today, weeks)
        return replace(kept, **_episodes(s, window), **_contacts(s, window))


def _all_in(s: Session, today: dt.date, weeks: int) -> AllInFigures:
    window = _Window(today, weeks)
    dialect = s.get_bind().dialect.name
    return AllInFigures(
        today=today, **_episodes(s, window), **_contacts(s, window), **_needs(s), **_goals(s, today),
        later_shooting=_later_shootings(s, today, dialect),
    )


def _episodes(s: Session, window: _Window) -> dict[str, Any]:
    """1. Episodes by stage, exit reason, and whether they began or ended in the window (one grouped statement)."""
    first = window.week_starts[0]
    shape = select(
        col(Participant.stage).label("stage"),
        col(Participant.exit_reason).label("reason"),
        sa.case((col(Participant.enrolled_on) >= first, 1), else_=0).label("began"),
        sa.case((col(Participant.exited_on) >= first, 1), else_=0).label("ended"),
        col(Participant.exited_on).is_(None).label("open"),
    ).subquery()
    active = {st: 0 for st in ACTIVE_STAGES}
    exited = {r: 0 for r in ExitReason}
    exited_all = {r: 0 for r in ExitReason}
    enrolled = enrolled_all = 0
    for stage, reason, began, ended, is_open, n in s.exec(
        select(shape.c.stage, shape.c.reason, shape.c.began, shape.c.ended, shape.c.open, func.count())
        .group_by(shape.c.stage, shape.c.reason, shape.c.began, shape.c.ended, shape.c.open)
    ).all():
        enrolled_all += n
        enrolled += n if began else 0
        if is_open:
            active[Stage(stage)] = active.get(Stage(stage), 0) + n
        elif reason is not None:
            exited_all[ExitReason(reason)] += n
            if ended:
                exited[ExitReason(reason)] += n
    return {"weeks": window.weeks, "first_day": first, "last_day": window.week_starts[-1] + dt.timedelta(days=6),
            "enrolled": enrolled, "enrolled_all": enrolled_all, "active_by_stage": active, "exited": exited,
            "exited_all": exited_all}


def _contacts(s: Session, window: _Window) -> dict[str, Any]:
    """2. Every episode open at some time in the window: its contacts made in the window and its last one."""
    today, first = window.today, window.week_starts[0]
    made = col(Contact.method) != ContactMethod.attempt
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    in_window = sa.and_(made, col(Contact.at) >= start, col(Contact.at) < end)
    rows = s.exec(
        select(
            Participant.enrolled_on, Participant.exited_on, Participant.cadence,
            func.count(sa.case((in_window, col(Contact.id)))),
            func.max(sa.case((made, col(Contact.at)))),
        )
        .select_from(Participant)
        .outerjoin(Contact, col(Contact.participant_id) == col(Participant.id))
        .where(col(Participant.enrolled_on) <= today,
               sa.or_(col(Participant.exited_on).is_(None), col(Participant.exited_on) >= first))
        .group_by(col(Participant.id), col(Participant.enrolled_on), col(Participant.exited_on),
                  col(Participant.cadence))
    ).all()
    contacts = days_total = active = on_cadence = 0
    asked = 0.0
    for enrolled_on, exited_on, cadence, n, last in rows:
        enrolled_on = _as_date(enrolled_on)
        exited_on = _as_date(exited_on) if exited_on is not None else None
        days = ((exited_on or today) - max(enrolled_on, first)).days + 1
        contacts += n
        days_total += days
        asked += cadence * days / 7
        if exited_on is None:
            active += 1
            since = _as_date(last) if last is not None else enrolled_on
            on_cadence += (today - since).days <= allowed_gap(cadence)
    return {"contacts_made": contacts, "contacts_asked": asked, "participant_days": days_total,
            "on_cadence": Ratio(on_cadence, active)}


def _needs(s: Session) -> dict[str, Any]:
    """3. Each episode's intake (first assessment) against its latest: the needs some or urgent, met, reassessed."""
    bounds = (
        select(
            func.min(NeedAssessment.id).label("first"),
            func.max(NeedAssessment.id).label("last"),
        )
        .group_by(col(NeedAssessment.participant_id))
        .subquery()
    )
    intake, latest = aliased(Need), aliased(Need)
    total, met, reassessed = s.exec(
        select(
            func.count(),
            func.coalesce(func.sum(sa.case((latest.level == NeedLevel.none, 1), else_=0)), 0),
            func.coalesce(func.sum(sa.case((bounds.c.first != bounds.c.last, 1), else_=0)), 0),
        )
        .select_from(bounds)
        .join(intake, intake.assessment_id == bounds.c.first)
        .join(latest, sa.and_(latest.assessment_id == bounds.c.last, latest.domain == intake.domain))
        .where(intake.level != NeedLevel.none)
    ).one()
    return {"needs_met": Ratio(int(met), int(total)), "needs_reassessed": int(reassessed)}


def _goals(s: Session, today: dt.date) -> dict[str, Any]:
    """4. Goals by status, open ones split by whether their target date has passed."""
    shape = select(
        col(Goal.status).label("status"),
        sa.case((col(Goal.target_on) < today, 1), else_=0).label("past"),
    ).subquery()
    met = decided = pending = 0
    for status, past, n in s.exec(
        select(shape.c.status, shape.c.past, func.count()).group_by(shape.c.status, shape.c.past)
    ).all():
        status = GoalStatus(status)
        if status == GoalStatus.open and not past:
            pending += n
            continue
        decided += n
        met += n if status == GoalStatus.met else 0
    return {"goals_met": Ratio(met, decided), "goals_pending": pending}


def _later_shootings(s: Session, today: dt.date, dialect: str) -> dict[tuple[str, int], Ratio]:
    """5. The outcome: each person of the two groups with their index date and their first later shooting day."""
    enrolled_person, notified_person, involved_person = aliased(Person), aliased(Person), aliased(Person)
    enrolled_who = func.coalesce(enrolled_person.merged_into_id, enrolled_person.id)
    enrolled = (
        select(enrolled_who.label("who"), sa.literal(ENROLLED).label("grp"),
               func.min(Participant.enrolled_on).label("idx"))
        .select_from(Participant)
        .join(enrolled_person, enrolled_person.id == Participant.person_id)
        .group_by(enrolled_who)
    )
    ever_enrolled = (
        select(func.coalesce(Person.merged_into_id, Person.id))
        .select_from(Participant).join(Person, col(Person.id) == col(Participant.person_id))
    )
    notified_who = func.coalesce(notified_person.merged_into_id, notified_person.id)
    delivered_on = _day(func.coalesce(Notification.closed_at, Notification.created_at), dialect)
    notified = (
        select(notified_who.label("who"), sa.literal(NOTIFIED).label("grp"), func.min(delivered_on).label("idx"))
        .select_from(Notification)
        .join(notified_person, notified_person.id == Notification.person_id)
        .where(col(Notification.status).in_(list(DELIVERED)), notified_who.not_in(ever_enrolled))
        .group_by(notified_who)
    )
    cohort = sa.union_all(enrolled, notified).subquery()
    # From each person of the cohort to their records (the person and any merged into them), their involvements
    # as victim or suspect and the incidents after the index date: every step by an index.
    later = _day(Incident.occurred_at, dialect)
    rows = s.exec(
        select(cohort.c.grp, cohort.c.idx, func.min(later))
        .select_from(cohort)
        .outerjoin(involved_person, sa.or_(involved_person.id == cohort.c.who,
                                           involved_person.merged_into_id == cohort.c.who))
        .outerjoin(Involvement, sa.and_(col(Involvement.person_id) == involved_person.id,
                                        col(Involvement.role).in_(list(LATER_ROLES))))
        .outerjoin(Incident, sa.and_(col(Incident.id) == col(Involvement.incident_id), later > cohort.c.idx))
        .group_by(cohort.c.grp, cohort.c.who, cohort.c.idx)
    ).all()
    counts = {(g, m): [0, 0] for g in (ENROLLED, NOTIFIED) for m in FOLLOW_UP_MONTHS}
    for grp, idx, later in rows:
        idx = _as_date(idx)
        later = _as_date(later) if later is not None else None
        for months in FOLLOW_UP_MONTHS:
            end = add_months(idx, months)
            if end >= today:  # the months have not fully passed: not in the denominator yet
                continue
            c = counts[(grp, months)]
            c[1] += 1
            c[0] += later is not None and later <= end
    return {key: Ratio(n, d) for key, (n, d) in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0] != ENROLLED))}


# --------------------------------------------------------------------------- in words


def all_in_lines(f: AllInFigures) -> list[tuple[str, str]]:
    """(label, sentence) for each VIP All In figure: the same words on the screen and on the command line."""
    window = f"last {f.weeks} week{'s' if f.weeks != 1 else ''}"

    def ratio(r: Ratio, of: str, more: str = "", *, none: str) -> str:
        if r.value is None:
            return f"no data ({none})"
        return f"{r.numerator} of {r.denominator} {of} ({_percent(r)}){more}"

    def exits(by: dict[ExitReason, int]) -> str:
        total = sum(by.values())
        parts = [f"{n} {reason.label}" for reason, n in by.items() if n]
        return f"{total}" + (f" ({', '.join(parts)})" if parts else "")

    stages = ", ".join(f"{n} {stage.label}" for stage, n in f.active_by_stage.items() if n)
    made, asked = f.per_week(f.contacts_made), f.per_week(f.contacts_asked)
    cadence = (
        "no data (nobody enrolled in these weeks)" if made is None or asked is None
        else f"{f.contacts_made} made of {f.contacts_against_cadence.denominator} the cadences asked for "
             f"({_percent(f.contacts_against_cadence)}): {made:.1f} a participant a week against {asked:.1f}"
    )
    return [
        (f"Enrolled, {window}", f"{f.enrolled} ({f.enrolled_all} all time)"),
        ("Active today", f"{f.active}" + (f" ({stages})" if stages else "")),
        (f"Exited, {window}", exits(f.exited)),
        ("Exited, all time", exits(f.exited_all)),
        (f"Contacts, {window}", cadence),
        ("On cadence today", ratio(f.on_cadence, "active participants not overdue", none="no active participants")),
        ("Needs met", ratio(f.needs_met, "needs at intake met", f"; {f.needs_reassessed} reassessed",
                                  none="no need some or urgent at an intake")),
        ("Goals met", ratio(f.goals_met, "goals met", f", counting goals met, dropped or past target; "
                                                      f"{f.goals_pending} open, not yet due",
                            none=f"no goal met, dropped or past target; {f.goals_pending} open, not yet due")),
    ]


OUTCOME_TITLE = "Later shooting, as victim or suspect"


def outcome_rows(f: AllInFigures) -> list[tuple[str, ...]]:
    """The outcome as a small table: a header, then participants beside the notified who did not enroll.

    Each cell is ``1 of 3 (33.3%)``, or ``no data`` when nobody's months have passed yet.
    """
    def cell(r: Ratio) -> str:
        return "no data" if r.value is None else f"{r.numerator} of {r.denominator} ({_percent(r)})"

    rows: list[tuple[str, ...]] = [(OUTCOME_TITLE, *(f"within {m} months" for m in FOLLOW_UP_MONTHS))]
    for group, label in ((ENROLLED, "participants, since enrolling"), (NOTIFIED, "notified, not enrolled")):
        rows.append((label, *(cell(f.later_shooting[(group, m)]) for m in FOLLOW_UP_MONTHS)))
    return rows


def _percent(r: Ratio) -> str:
    v = r.value
    if v is None:
        return "no data"
    shown = round(v * 100, 1)
    return f"{shown:g}%"
