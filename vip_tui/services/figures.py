"""Program figures (issue 5 item 5): what the program did, each number with what it counts.

Every figure carries its numerator and denominator (or, for a median, how
many values it is the median of) so that the screen, the command line and the
CSV can say "41% delivered (12 of 29 with an outcome)" instead of a bare
percentage, and "no data" instead of dividing by zero.

Definitions (``vip figures --help`` and the screen's help say the same in short):

- **Weeks** are ISO weeks, Monday to Sunday, of ``Incident.occurred_at``
  (local time). The last ``weeks`` weeks end with the week that holds
  ``today``; that week is counted to date (it is still going on).
- **Shootings** are all incidents (every incident type, ``other``
  included), by incident type and by area command (``no area command`` when
  none was given).
- **Notifications by status** count every notification ever made, by its
  status now.
- **Delivery rate** = delivered + delivered to family ÷ notifications with an
  outcome, where an outcome is delivered, delivered to family, refused, not
  located or in custody. Notifications still open (proposed, approved,
  assigned) have no outcome yet, and cancelled ones were called off by the
  program, not failed: neither is in the denominator.
- **Accepted services** = distinct people with a delivered (or delivered to
  family) notification whose *services accepted* is not blank ÷ distinct
  people with a delivered notification. People merged into another record
  count as the surviving person. "This quarter" keeps the notifications
  delivered (``closed_at``; ``created_at`` when that is missing) in the
  calendar quarter of ``today``.
- **Action items** (all time): closure rate = done + dropped ÷ all; done
  share = done ÷ closed (done + dropped). Days open = calendar days from
  ``created_at`` to ``closed_at`` of closed items; age = calendar days from
  ``created_at`` to ``today`` of open ones.
- **Incident to review** = calendar days from the incident's date to the
  date of the first meeting, held on or before ``today``, whose agenda holds
  it (a later review does not count again). Given for the incidents of the
  weeks shown and for all time.

Everything is aggregated in SQL (GROUP BY); medians come from histograms
(value, count) that SQL builds, so the work stays the same few statements
(:data:`STATEMENTS`) however long the history is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from ..db import Database
from ..enums import ActionStatus, IncidentType, NotificationStatus
from ..models import ActionItem, AgendaItem, Incident, Meeting, Notification, Person
from .guard import ServiceError

MIN_WEEKS = 1
MAX_WEEKS = 260  # five years: as far back as a history is expected to go
WEEK_CHOICES = (12, 26, 52)

# How many SQL statements program_figures runs, whatever the data (a test holds it to this),
# and window_figures (the weeks' figures alone, for another number of weeks).
STATEMENTS = 5
WINDOW_STATEMENTS = 2

DELIVERED = (NotificationStatus.delivered, NotificationStatus.delivered_to_family)
# A notification "with an outcome": the results of a visit. Open ones have none
# yet; a cancelled one was called off, which says nothing about delivery.
OUTCOMES = (*DELIVERED, NotificationStatus.refused, NotificationStatus.not_located, NotificationStatus.in_custody)
NO_AREA = "no area command"
DELIVERY_RATE = "Delivery rate"


class FiguresError(ServiceError, ValueError):
    """A request for figures that cannot be answered (e.g. weeks out of range); the message says why."""


# --------------------------------------------------------------------------- figure types


@dataclass(frozen=True)
class Ratio:
    """``numerator`` of ``denominator``; ``value`` is None when the denominator is 0 ("no data")."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def percent(self) -> str:
        """``41%``, or ``no data``."""
        v = self.value
        return "no data" if v is None else f"{round(v * 100)}%"


@dataclass(frozen=True)
class Median:
    """The median of ``count`` values (days); ``value`` is None when there are none."""

    value: float | None
    count: int

    def days(self) -> str:
        """``6 days``, ``6.5 days``, ``1 day``, or ``no data``."""
        if self.value is None:
            return "no data"
        v = self.value
        shown = f"{v:g}" if v != int(v) else str(int(v))
        return f"{shown} day{'' if v == 1 else 's'}"


@dataclass(frozen=True)
class FigureRow:
    """One row of the tidy CSV: (figure, group, period, value, numerator, denominator)."""

    figure: str
    group: str
    period: str
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Figures:
    today: dt.date
    weeks: int
    # Monday of each week shown, oldest first; the last one holds ``today``.
    week_starts: list[dt.date]
    shootings_total: list[int]
    shootings_by_type: dict[IncidentType, list[int]]
    # Area commands with a shooting in the weeks shown, by name (NO_AREA last).
    shootings_by_area: dict[str, list[int]]
    notifications_by_status: dict[NotificationStatus, int]
    delivery_rate: Ratio
    services_accepted: Ratio
    services_accepted_quarter: Ratio
    quarter_start: dt.date
    quarter_end: dt.date  # last day
    actions_closed: Ratio  # done + dropped of all
    actions_done: Ratio  # done of closed
    actions_by_status: dict[ActionStatus, int]
    action_days_open: Median  # closed items: created -> closed
    open_action_age: Median  # open items: created -> today
    review_days: Median  # incidents of the weeks shown
    review_days_all: Median  # all time

    @property
    def first_day(self) -> dt.date:
        return self.week_starts[0]

    @property
    def last_day(self) -> dt.date:
        """Sunday of the last week (the week of ``today``)."""
        return self.week_starts[-1] + dt.timedelta(days=6)

    @property
    def quarter_label(self) -> str:
        return f"{self.quarter_start.year} Q{(self.quarter_start.month - 1) // 3 + 1}"

    @property
    def window_label(self) -> str:
        return f"last {self.weeks} week{'s' if self.weeks != 1 else ''}"

    @property
    def notifications_total(self) -> int:
        return sum(self.notifications_by_status.values())

    def rows(self) -> Iterator[FigureRow]:
        """Every figure as tidy rows, for the CSV and for anything that wants numbers, not text.

        Periods are ISO 8601 intervals of days (``2026-11-16/2026-11-22``), a
        date for a state on that day, or ``all time``.
        """
        for i, start in enumerate(self.week_starts):
            period = _interval(start, start + dt.timedelta(days=6))
            yield FigureRow("shootings", "all", period, self.shootings_total[i])
            for t, counts in self.shootings_by_type.items():
                yield FigureRow("shootings by type", t.value, period, counts[i])
            for area, counts in self.shootings_by_area.items():
                yield FigureRow("shootings by area command", area, period, counts[i])
        total = self.notifications_total
        for status, n in self.notifications_by_status.items():
            yield FigureRow("notifications by status", status.value, ALL_TIME, n, n, total)
        yield _ratio_row("notification delivery rate", "delivered of those with an outcome", ALL_TIME,
                         self.delivery_rate)
        yield _ratio_row("people notified who accepted services", "people with a delivered notification",
                         ALL_TIME, self.services_accepted)
        yield _ratio_row("people notified who accepted services", "people with a delivered notification",
                         _interval(self.quarter_start, self.quarter_end), self.services_accepted_quarter)
        n_actions = sum(self.actions_by_status.values())
        for status, n in self.actions_by_status.items():
            yield FigureRow("action items by status", status.value, ALL_TIME, n, n, n_actions)
        yield _ratio_row("action item closure rate", "done or dropped of all", ALL_TIME, self.actions_closed)
        yield _ratio_row("action items done", "done of closed", ALL_TIME, self.actions_done)
        yield _median_row("median days open", "closed action items", ALL_TIME, self.action_days_open)
        yield _median_row("median age in days", "open action items", self.today.isoformat(), self.open_action_age)
        yield _median_row("median days from incident to review", "incidents reviewed",
                          _interval(self.first_day, self.last_day), self.review_days)
        yield _median_row("median days from incident to review", "incidents reviewed", ALL_TIME,
                          self.review_days_all)


ALL_TIME = "all time"


def _interval(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()}/{last.isoformat()}"


def _ratio_row(figure: str, group: str, period: str, r: Ratio) -> FigureRow:
    return FigureRow(figure, group, period, None if r.value is None else round(r.value, 4), r.numerator, r.denominator)


def _median_row(figure: str, group: str, period: str, m: Median) -> FigureRow:
    # The denominator of a median is how many values it is the median of.
    return FigureRow(figure, group, period, m.value, None, m.count)


# --------------------------------------------------------------------------- in words


def follow_through(f: Figures) -> list[tuple[str, str]]:
    """(label, sentence) for every figure but the weekly counts: the same words on screen and on the command line.

    Each sentence gives the unit and the denominator, or says "no data".
    """
    def ratio(r: Ratio, what: str, of: tuple[str, str], more: str = "") -> str:
        if r.value is None:
            return f"no data (0 {of[1]})"
        return f"{r.percent()} {what} ({r.numerator} of {r.denominator} {of[r.denominator != 1]}{more})"

    def median(m: Median, of: tuple[str, str]) -> str:
        if m.value is None:
            return f"no data (0 {of[1]})"
        return f"median {m.days()} ({m.count} {of[m.count != 1]})"

    dropped = f.actions_by_status[ActionStatus.dropped]
    q = f.quarter_label
    return [
        (DELIVERY_RATE, ratio(f.delivery_rate, "delivered",
                              ("notification with an outcome", "notifications with an outcome"))),
        ("Accepted services, all time", ratio(f.services_accepted, "accepted",
                                              ("person with a delivered notification",
                                               "people with a delivered notification"))),
        (f"Accepted services, {q}", ratio(f.services_accepted_quarter, "accepted",
                                          (f"person notified in {q}", f"people notified in {q}"))),
        ("Action items closed", ratio(f.actions_closed, "closed", ("action item", "action items"))),
        ("Closed as done", ratio(f.actions_done, "done", ("closed action item", "closed action items"),
                                 f"; {dropped} dropped")),
        ("Days open until closed", median(f.action_days_open, ("closed action item", "closed action items"))),
        ("Age of open action items", median(f.open_action_age, ("open action item", "open action items"))),
        (f"Incident to review, {f.window_label}", median(f.review_days, ("incident reviewed", "incidents reviewed"))),
        ("Incident to review, all time", median(f.review_days_all, ("incident reviewed", "incidents reviewed"))),
    ]


def window_description(f: Figures) -> str:
    """The weeks shown, in words: which days, how weeks are bounded, that the last one is to date."""
    return (
        f"{f.window_label}: {f.first_day.isoformat()} to {f.last_day.isoformat()}, weeks Monday to Sunday "
        f"by when the incident occurred; this week so far (to {f.today.isoformat()})"
    )


# --------------------------------------------------------------------------- dates


def week_start(day: dt.date) -> dt.date:
    """Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``day``'s calendar quarter."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return start, nxt - dt.timedelta(days=1)


def median_of_histogram(hist: Iterable[tuple[float, int]]) -> Median:
    """The median of values given as (value, how many times): exact, without expanding them."""
    pairs = sorted((v, n) for v, n in hist if n)
    total = sum(n for _, n in pairs)
    if not total:
        return Median(None, 0)
    # The values at positions lo and hi (0-based) of the sorted list; equal when total is odd.
    lo, hi = (total - 1) // 2, total // 2
    seen = 0
    low = high = None
    for v, n in pairs:
        if low is None and lo < seen + n:
            low = v
        if hi < seen + n:
            high = v
            break
        seen += n
    assert low is not None and high is not None
    value = (low + high) / 2
    return Median(float(value), total)


# --------------------------------------------------------------------------- SQL pieces by dialect


def _day(expr: Any, dialect: str) -> Any:
    """The calendar date of a datetime (or date) expression."""
    if dialect == "sqlite":
        return sa.type_coerce(func.date(expr), sa.Date)
    return sa.cast(expr, sa.Date)


def _days_between(later: Any, earlier: Any, dialect: str) -> Any:
    """Whole calendar days from ``earlier`` to ``later`` (datetimes or dates) as an integer expression."""
    if dialect == "sqlite":
        return sa.cast(func.julianday(func.date(later)) - func.julianday(func.date(earlier)), sa.Integer)
    if dialect == "postgresql":
        return sa.cast(later, sa.Date) - sa.cast(earlier, sa.Date)
    raise FiguresError(f"figures are not available on a {dialect} database")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- the figures


def check_weeks(weeks: object) -> int:
    """``weeks`` if it is a whole number of weeks that figures can be given for, else :class:`FiguresError`."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise FiguresError(f"weeks must be a whole number from {MIN_WEEKS} to {MAX_WEEKS} (five years), not {weeks!r}")
    return weeks


def program_figures(session_or_db: Session | Database, *, today: dt.date, weeks: int = 12) -> Figures:
    """The program figures on ``today`` for the last ``weeks`` weeks (see the module docstring).

    Runs :data:`STATEMENTS` SQL statements, whatever the size of the history.
    Raises :class:`FiguresError` when ``weeks`` is not between 1 and 260.
    """
    check_weeks(weeks)
    if isinstance(today, dt.datetime):
        today = today.date()
    if isinstance(session_or_db, Database):
        with session_or_db.session() as s:
            return _figures(s, today, weeks)
    return _figures(session_or_db, today, weeks)


def window_figures(db: Database, kept: Figures, *, weeks: int) -> Figures:
    """``kept`` for another ``weeks``: only the figures of the weeks shown are read again.

    The all-time figures (notifications, services, action items, incident to
    review over all time) do not depend on the weeks: they are kept as
    ``kept`` has them, and only :data:`WINDOW_STATEMENTS` statements run (the
    screen's `w` reran all five, three of them over the whole history: 8x its
    floor, issue 14). ``r`` reloads everything.
    """
    check_weeks(weeks)
    with db.session() as s:
        dialect = s.get_bind().dialect.name
        window = _Window(kept.today, weeks)
        shootings = _shootings(s, window, dialect)
        review_days, _ = _review_lags(s, window, dialect, window_only=True)
    return replace(kept, weeks=weeks, week_starts=window.week_starts, **shootings, review_days=review_days)


@dataclass(frozen=True)
class _Window:
    """The weeks shown: Monday of each, and the moments they start and end."""

    today: dt.date
    weeks: int

    @property
    def week_starts(self) -> list[dt.date]:
        last_monday = week_start(self.today)
        return [last_monday - dt.timedelta(weeks=self.weeks - 1 - i) for i in range(self.weeks)]

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.week_starts[0], dt.time())

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(week_start(self.today) + dt.timedelta(days=7), dt.time())


def _figures(s: Session, today: dt.date, weeks: int) -> Figures:
    dialect = s.get_bind().dialect.name
    window = _Window(today, weeks)
    q_start, q_end = quarter_bounds(today)
    shootings = _shootings(s, window, dialect)

    # 2. Notifications by status.
    by_status = {st: 0 for st in NotificationStatus}
    for status, n in s.exec(select(Notification.status, func.count()).group_by(Notification.status)).all():
        by_status[NotificationStatus(status)] += n
    delivered = sum(by_status[st] for st in DELIVERED)
    delivery = Ratio(delivered, sum(by_status[st] for st in OUTCOMES))

    # 3. People with a delivered notification, and those of them who accepted services: all time and this quarter.
    who = func.coalesce(Person.merged_into_id, Person.id)
    accepted = func.length(func.trim(func.coalesce(Notification.services_accepted, ""))) > 0
    when = func.coalesce(Notification.closed_at, Notification.created_at)
    in_quarter = sa.and_(
        when >= dt.datetime.combine(q_start, dt.time()),
        when < dt.datetime.combine(q_end + dt.timedelta(days=1), dt.time()),
    )
    people = s.exec(
        select(
            func.count(sa.distinct(who)),
            func.count(sa.distinct(sa.case((accepted, who)))),
            func.count(sa.distinct(sa.case((in_quarter, who)))),
            func.count(sa.distinct(sa.case((sa.and_(in_quarter, accepted), who)))),
        )
        .select_from(Notification)
        .join(Person, Person.id == Notification.person_id)
        .where(Notification.status.in_(list(DELIVERED)))
    ).one()
    services = Ratio(people[1], people[0])
    services_quarter = Ratio(people[3], people[2])

    # 4. Action items: a histogram of (status, days): days open for closed ones, age for open ones.
    # Grouped in an outer query: PostgreSQL does not see two copies of an
    # expression with bound parameters as the same GROUP BY expression.
    midnight = sa.literal(dt.datetime.combine(today, dt.time()), sa.DateTime)
    ages = select(
        ActionItem.status.label("status"),
        sa.case(
            (ActionItem.status == ActionStatus.open, _days_between(midnight, ActionItem.created_at, dialect)),
            (ActionItem.closed_at.is_not(None), _days_between(ActionItem.closed_at, ActionItem.created_at, dialect)),
            else_=None,  # closed without a closing time: counted, but not in the median
        ).label("days"),
    ).subquery()
    actions_by_status = {st: 0 for st in ActionStatus}
    open_hist: list[tuple[int, int]] = []
    closed_hist: list[tuple[int, int]] = []
    for status, d, n in s.exec(
        select(ages.c.status, ages.c.days, func.count()).group_by(ages.c.status, ages.c.days)
    ).all():
        status = ActionStatus(status)
        actions_by_status[status] += n
        if d is not None:
            (open_hist if status == ActionStatus.open else closed_hist).append((int(d), n))
    n_done = actions_by_status[ActionStatus.done]
    n_closed = n_done + actions_by_status[ActionStatus.dropped]

    # 5. Incident to first review.
    review_days, review_days_all = _review_lags(s, window, dialect, window_only=False)
    assert review_days_all is not None

    return Figures(
        today=today,
        weeks=weeks,
        week_starts=window.week_starts,
        **shootings,
        notifications_by_status=by_status,
        delivery_rate=delivery,
        services_accepted=services,
        services_accepted_quarter=services_quarter,
        quarter_start=q_start,
        quarter_end=q_end,
        actions_closed=Ratio(n_closed, sum(actions_by_status.values())),
        actions_done=Ratio(n_done, n_closed),
        actions_by_status=actions_by_status,
        action_days_open=median_of_histogram(closed_hist),
        open_action_age=median_of_histogram(open_hist),
        review_days=review_days,
        review_days_all=review_days_all,
    )


def _shootings(s: Session, window: _Window, dialect: str) -> dict[str, Any]:
    """1. Shootings: one row per (day, type, area command) in the window; the Figures fields they fill."""
    weeks, week_starts = window.weeks, window.week_starts
    day = _day(Incident.occurred_at, dialect).label("day")
    shootings = s.exec(
        select(day, Incident.type, Incident.area_command, func.count())
        .where(Incident.occurred_at >= window.start, Incident.occurred_at < window.end)
        .group_by(day, Incident.type, Incident.area_command)
    ).all()
    total = [0] * weeks
    by_type = {t: [0] * weeks for t in IncidentType}
    by_area: dict[str, list[int]] = {}
    for d, itype, area, n in shootings:
        i = (_as_date(d) - week_starts[0]).days // 7
        if not 0 <= i < weeks:  # cannot happen with the bounds above; guards a driver's odd date
            continue
        total[i] += n
        by_type[IncidentType(itype)][i] += n
        by_area.setdefault((area or "").strip() or NO_AREA, [0] * weeks)[i] += n
    by_area = dict(sorted(by_area.items(), key=lambda kv: (kv[0] == NO_AREA, kv[0].casefold())))
    return {"shootings_total": total, "shootings_by_type": by_type, "shootings_by_area": by_area}


def _review_lags(s: Session, window: _Window, dialect: str, *, window_only: bool) -> tuple[Median, Median | None]:
    """5. Incident to first review: the median for the incidents of the window, and for all time (None if ``window_only``).

    One statement: a histogram of days, split by whether the incident is in the window.
    """
    in_window = sa.and_(Incident.occurred_at >= window.start, Incident.occurred_at < window.end)
    first = (
        select(AgendaItem.incident_id.label("incident_id"), func.min(Meeting.date).label("first"))
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.date <= window.today)
        .group_by(AgendaItem.incident_id)
    )
    if window_only:  # the window's incidents alone: not every agenda item of the history grouped
        first = first.join(Incident, Incident.id == AgendaItem.incident_id).where(in_window)
    first = first.subquery()
    lags = (
        select(
            _days_between(first.c.first, Incident.occurred_at, dialect).label("lag"),
            sa.case((in_window, 1), else_=0).label("w"),
        )
        .join(first, first.c.incident_id == Incident.id)
        .subquery()
    )
    window_hist: list[tuple[int, int]] = []
    all_hist: list[tuple[int, int]] = []
    for d, w, n in s.exec(select(lags.c.lag, lags.c.w, func.count()).group_by(lags.c.lag, lags.c.w)).all():
        all_hist.append((int(d), n))
        if w:
            window_hist.append((int(d), n))
    return median_of_histogram(window_hist), None if window_only else median_of_histogram(all_hist)
