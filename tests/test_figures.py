"""Program figures (issue 5 item 5): each figure on hand-built data with its exact value, on both backends.

Also: a fixed number of SQL statements whatever the data, and ``vip figures``
(text, CSV, exit codes).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from vip_tui.cli import Context
from vip_tui.commands.figures import CSV_HEADER, figures
from vip_tui.db import Database
from vip_tui.enums import ActionStatus, IncidentType, NotificationStatus
from vip_tui.models import ActionItem, AgendaItem, Incident, Meeting, Notification, Person
from vip_tui.services.figures import (
    NO_AREA,
    STATEMENTS,
    FiguresError,
    Median,
    Ratio,
    follow_through,
    median_of_histogram,
    program_figures,
    quarter_bounds,
    week_start,
)

TODAY = dt.date(2026, 11, 24)  # a Tuesday, the conftest clock's day
D = dt.datetime
N = NotificationStatus
A = ActionStatus
T = IncidentType


# --------------------------------------------------------------------------- building data by hand


class Build:
    """Rows put straight into the tables, so each test says exactly what the figures see."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    @contextmanager
    def _session(self) -> Iterator:
        with self.db.transaction() as s:
            yield s

    def meeting(self, day: dt.date) -> int:
        with self._session() as s:
            m = Meeting(date=day, number=self._next())
            s.add(m)
            s.flush()
            return m.id

    def incident(
        self, at: dt.datetime, type: IncidentType = T.non_fatal, area: str | None = "Southeast", *,
        reviewed: tuple[int, ...] = (),
    ) -> int:
        with self._session() as s:
            i = Incident(case_number=f"26-{self._next():07d}", occurred_at=at, type=type, location="100 block Example St",
                         area_command=area)
            s.add(i)
            s.flush()
            for meeting_id in reviewed:
                s.add(AgendaItem(meeting_id=meeting_id, incident_id=i.id))
            return i.id

    def person(self, name: str, merged_into: int | None = None) -> int:
        with self._session() as s:
            p = Person(name=name, name_key=name.lower(), merged_into_id=merged_into)
            s.add(p)
            s.flush()
            return p.id

    def notification(
        self, meeting_id: int, person_id: int, status: NotificationStatus, *, accepted: str | None = None,
        created: dt.datetime = D(2026, 11, 10, 10), closed: dt.datetime | None = None,
    ) -> int:
        if closed is None and not status.is_open:
            closed = created + dt.timedelta(days=2)
        with self._session() as s:
            n = Notification(meeting_id=meeting_id, number=self._next(), person_id=person_id, status=status,
                             services_accepted=accepted, created_at=created, closed_at=closed)
            s.add(n)
            s.flush()
            return n.id

    def action(
        self, meeting_id: int, status: ActionStatus, created: dt.datetime, closed: dt.datetime | None = None
    ) -> int:
        with self._session() as s:
            a = ActionItem(meeting_id=meeting_id, number=self._next(), description="Follow up", status=status,
                           created_at=created, closed_at=closed)
            s.add(a)
            s.flush()
            return a.id


@pytest.fixture
def build(database) -> Build:  # noqa: ANN001
    return Build(database)


def build_program(database: Database) -> None:
    """Twelve weeks of a fictional program ending on TODAY: shootings in four area commands, meetings every
    Tuesday reviewing the week before, notifications in every state and action items open and closed.

    Fixed (no randomness), so the figures screen's snapshot stays put. Used by tests/test_tui_figures.py.
    """
    b = Build(database)
    areas = ["Southeast", "Valley", "Northeast", "Foothills", None]
    types = [T.non_fatal, T.shots_fired, T.shots_fired, T.homicide, T.non_fatal, T.other, T.shots_fired]
    first_monday = week_start(TODAY) - dt.timedelta(weeks=11)
    meetings = {}
    for w in range(12):
        tuesday = first_monday + dt.timedelta(weeks=w, days=1)
        meetings[w] = b.meeting(tuesday)
    k = 0
    for w in range(12):
        # A busy summer tailing off, with a spike in week 8.
        count = [5, 7, 6, 8, 4, 5, 3, 4, 9, 3, 4, 1][w]
        for j in range(count):
            k += 1
            at = dt.datetime.combine(first_monday + dt.timedelta(weeks=w, days=j % 7), dt.time(20 + j % 4, 15))
            if at.date() > TODAY:
                at = dt.datetime.combine(TODAY, dt.time(1, 5))
            lag_week = w + 1 if w + 1 < 12 and at.date() < first_monday + dt.timedelta(weeks=w + 1, days=1) else None
            reviewed = (meetings[lag_week],) if lag_week is not None else ()
            if k % 5 == 0 and lag_week is not None and lag_week + 1 < 12:
                reviewed += (meetings[lag_week + 1],)  # a second look the week after
            b.incident(at, types[k % len(types)], areas[k % len(areas)], reviewed=reviewed)
    people = [b.person(n) for n in ("Quinn Example", "Rory Sample", "Sky Placeholder", "Tam Fictional",
                                    "Uma Madeup", "Vic Invented", "Wren Notreal", "Xan Dummy")]
    plan = [
        (N.delivered, "peer support"), (N.delivered, None), (N.delivered_to_family, "job training"),
        (N.refused, None), (N.not_located, None), (N.in_custody, None), (N.assigned, None),
        (N.approved, None), (N.proposed, None), (N.cancelled, None), (N.delivered, "relocation help"),
        (N.assigned, None),
    ]
    for i, (status, accepted) in enumerate(plan):
        w = 2 + i % 9
        created = dt.datetime.combine(first_monday + dt.timedelta(weeks=w, days=1), dt.time(11))
        b.notification(meetings[w], people[i % len(people)], status, accepted=accepted, created=created,
                       closed=created + dt.timedelta(days=3 + i) if not status.is_open else None)
    for i in range(14):
        w = i % 11
        created = dt.datetime.combine(first_monday + dt.timedelta(weeks=w, days=1), dt.time(11))
        if i % 3 == 0:
            b.action(meetings[w], A.open, created)
        else:
            b.action(meetings[w], A.done if i % 4 else A.dropped, created, created + dt.timedelta(days=7 * (1 + i % 3)))


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    "hist, expected",
    [
        ([], Median(None, 0)),
        ([(5, 0)], Median(None, 0)),
        ([(7, 1)], Median(7.0, 1)),
        ([(3, 1), (1, 1), (2, 1)], Median(2.0, 3)),
        ([(1, 1), (4, 1)], Median(2.5, 2)),
        ([(10, 3), (1, 3)], Median(5.5, 6)),
        ([(1, 2), (2, 1), (9, 1)], Median(1.5, 4)),
        ([(0, 5), (100, 4)], Median(0.0, 9)),
        ([(-2, 1), (6, 2)], Median(6.0, 3)),
    ],
)
def test_median_of_a_histogram(hist, expected) -> None:  # noqa: ANN001
    assert median_of_histogram(hist) == expected


@pytest.mark.parametrize(
    "day, first, last",
    [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 8, 15), dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 11, 24), dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2028, 2, 29), dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
    ],
)
def test_quarter_bounds(day: dt.date, first: dt.date, last: dt.date) -> None:
    assert quarter_bounds(day) == (first, last)


def test_ratio_and_median_in_words() -> None:
    assert Ratio(12, 29).percent() == "41%"
    assert Ratio(0, 0).value is None and Ratio(0, 0).percent() == "no data"
    assert Ratio(0, 4).percent() == "0%"
    assert Median(6.0, 3).days() == "6 days"
    assert Median(1.0, 1).days() == "1 day"
    assert Median(6.5, 2).days() == "6.5 days"
    assert Median(None, 0).days() == "no data"


def test_the_figures_service_does_not_import_textual() -> None:
    code = "import sys, vip_tui.services.figures, vip_tui.commands.figures; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- each figure, both backends


def test_no_data_is_no_data_not_a_division_by_zero(database) -> None:  # noqa: ANN001
    f = program_figures(database, today=TODAY, weeks=12)
    assert f.week_starts[0] == dt.date(2026, 9, 7) and f.week_starts[-1] == dt.date(2026, 11, 23)
    assert f.last_day == dt.date(2026, 11, 29)
    assert f.shootings_total == [0] * 12
    assert f.shootings_by_type == {t: [0] * 12 for t in IncidentType}
    assert f.shootings_by_area == {}
    assert f.notifications_by_status == {s: 0 for s in NotificationStatus}
    for ratio in (f.delivery_rate, f.services_accepted, f.services_accepted_quarter, f.actions_closed, f.actions_done):
        assert ratio == Ratio(0, 0) and ratio.value is None
    for median in (f.action_days_open, f.open_action_age, f.review_days, f.review_days_all):
        assert median == Median(None, 0)
    sentences = dict(follow_through(f))
    assert sentences["Delivery rate"] == "no data (0 notifications with an outcome)"
    assert sentences["Accepted services, 2026 Q4"] == "no data (0 people notified in 2026 Q4)"
    assert sentences["Age of open action items"] == "no data (0 open action items)"
    assert all(s.startswith("no data") for s in sentences.values())
    rows = list(f.rows())
    assert any(r.figure == "notification delivery rate" and r.value is None and r.denominator == 0 for r in rows)
    with database.session() as s:  # a session works as well as the database
        assert program_figures(s, today=TODAY, weeks=12) == f


@pytest.mark.parametrize("weeks", [0, -1, 261, True, 2.5])
def test_weeks_out_of_range_are_refused(database, weeks) -> None:  # noqa: ANN001
    with pytest.raises(FiguresError, match="from 1 to 260"):
        program_figures(database, today=TODAY, weeks=weeks)


def test_shootings_per_week_by_type_and_area_with_week_boundaries(database, build: Build) -> None:  # noqa: ANN001
    # Three weeks on Tuesday 2026-11-24: Mon 11-09 .. Sun 11-29 (the week of today counts to its Sunday).
    build.incident(D(2026, 11, 8, 23, 59, 59), T.homicide, "Valley")  # Sunday before: out
    build.incident(D(2026, 11, 9, 0, 0), T.homicide, "Valley")  # first Monday, midnight: week 1
    build.incident(D(2026, 11, 15, 23, 59, 59), T.shots_fired, None)  # its Sunday: week 1
    build.incident(D(2026, 11, 16, 0, 0), T.non_fatal, "Southeast")  # next Monday: week 2
    build.incident(D(2026, 11, 18, 14, 0), T.non_fatal, "  ")  # blank area: no area command
    build.incident(D(2026, 11, 22, 23, 0), T.other, "Southeast")  # week 2
    build.incident(D(2026, 11, 24, 8, 0), T.shots_fired, "Southeast")  # today: week 3
    build.incident(D(2026, 11, 29, 23, 59), T.shots_fired, "Valley")  # Sunday of this week: week 3
    build.incident(D(2026, 11, 30, 0, 0), T.homicide, "Valley")  # next Monday: out
    f = program_figures(database, today=TODAY, weeks=3)
    assert f.week_starts == [dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    assert f.shootings_total == [2, 3, 2]
    assert f.shootings_by_type == {
        T.homicide: [1, 0, 0],
        T.non_fatal: [0, 2, 0],
        T.shots_fired: [1, 0, 2],
        T.other: [0, 1, 0],
    }
    assert f.shootings_by_area == {"Southeast": [0, 2, 1], "Valley": [1, 0, 1], NO_AREA: [1, 1, 0]}
    assert list(f.shootings_by_area) == ["Southeast", "Valley", NO_AREA]  # by name, none last
    one = program_figures(database, today=dt.date(2026, 11, 29), weeks=1)  # on a Sunday: its own week
    assert one.week_starts == [dt.date(2026, 11, 23)] and one.shootings_total == [2]
    monday = program_figures(database, today=dt.date(2026, 11, 30), weeks=1)
    assert monday.week_starts == [dt.date(2026, 11, 30)] and monday.shootings_total == [1]


def test_notifications_by_status_and_delivery_rate(database, build: Build) -> None:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 11, 10))
    p = build.person("Quinn Example")
    for status, n in {N.delivered: 2, N.delivered_to_family: 1, N.refused: 1, N.not_located: 1, N.in_custody: 1,
                      N.cancelled: 2, N.proposed: 1, N.assigned: 1}.items():
        for _ in range(n):
            build.notification(m, p, status)
    f = program_figures(database, today=TODAY)
    assert f.notifications_by_status == {
        N.proposed: 1, N.approved: 0, N.assigned: 1, N.delivered: 2, N.delivered_to_family: 1,
        N.refused: 1, N.not_located: 1, N.in_custody: 1, N.cancelled: 2,
    }
    # Open (proposed, assigned) and cancelled have no outcome: 3 delivered of 6.
    assert f.delivery_rate == Ratio(3, 6)
    assert f.delivery_rate.value == 0.5
    assert dict(follow_through(f))["Delivery rate"] == "50% delivered (3 of 6 notifications with an outcome)"


def test_a_notification_without_an_outcome_is_not_in_the_delivery_rate(database, build: Build) -> None:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 11, 10))
    p = build.person("Quinn Example")
    build.notification(m, p, N.assigned)
    build.notification(m, p, N.cancelled)
    f = program_figures(database, today=TODAY)
    assert f.delivery_rate == Ratio(0, 0)
    assert f.delivery_rate.percent() == "no data"
    build.notification(m, p, N.refused)
    assert program_figures(database, today=TODAY).delivery_rate == Ratio(0, 1)


def test_share_of_people_notified_who_accepted_services(database, build: Build) -> None:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 9, 1))
    a = build.person("Quinn Example")
    b = build.person("Rory Sample")
    c = build.person("Sky Placeholder")
    d = build.person("Q. Example (duplicate)", merged_into=a)
    e = build.person("Tam Fictional")
    g = build.person("Uma Madeup")
    # A: delivered twice, accepted once -> one person, accepted.
    build.notification(m, a, N.delivered, accepted="peer support", closed=D(2026, 11, 10, 12))
    build.notification(m, a, N.delivered, accepted=None, closed=D(2026, 11, 12, 12))
    # B: delivered to family, services accepted left blank -> not accepted.
    build.notification(m, b, N.delivered_to_family, accepted="   ", closed=D(2026, 11, 12, 12))
    # C: refused, so not among the people notified, whatever was written.
    build.notification(m, c, N.refused, accepted="job training", closed=D(2026, 11, 12, 12))
    # D was merged into A: counts as A.
    build.notification(m, d, N.delivered, accepted=None, closed=D(2026, 11, 3, 12))
    # E: accepted last quarter, on its last evening.
    build.notification(m, e, N.delivered, accepted="relocation", closed=D(2026, 9, 30, 23, 59))
    # G: accepted at the first minute of this quarter.
    build.notification(m, g, N.delivered, accepted="GED classes", closed=D(2026, 10, 1, 0, 0))
    f = program_figures(database, today=TODAY)
    assert f.services_accepted == Ratio(3, 4)  # A, E, G of A, B, E, G
    assert (f.quarter_start, f.quarter_end, f.quarter_label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026 Q4")
    assert f.services_accepted_quarter == Ratio(2, 3)  # A, G of A, B, G
    words = dict(follow_through(f))
    assert words["Accepted services, 2026 Q4"] == "67% accepted (2 of 3 people notified in 2026 Q4)"
    assert words["Accepted services, all time"] == "75% accepted (3 of 4 people with a delivered notification)"


def test_action_item_closure_rate_and_days_open(database, build: Build) -> None:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 11, 3))
    # Closed: calendar days from creation to closing: 1, 7, 14, 21 -> median 10.5.
    build.action(m, A.done, D(2026, 11, 3, 23, 30), D(2026, 11, 4, 0, 10))  # 40 minutes, but across midnight: 1
    build.action(m, A.done, D(2026, 11, 3, 9, 0), D(2026, 11, 10, 23, 0))  # 7
    build.action(m, A.dropped, D(2026, 11, 3, 9, 0), D(2026, 11, 17, 8, 0))  # 14
    build.action(m, A.done, D(2026, 10, 27, 9, 0), D(2026, 11, 17, 9, 0))  # 21
    # Open: age on 2026-11-24: 28, 14, 7 -> median 14.
    build.action(m, A.open, D(2026, 10, 27, 9, 0))
    build.action(m, A.open, D(2026, 11, 10, 23, 59))
    build.action(m, A.open, D(2026, 11, 17, 0, 0))
    f = program_figures(database, today=TODAY)
    assert f.actions_by_status == {A.open: 3, A.done: 3, A.dropped: 1}
    assert f.actions_closed == Ratio(4, 7)
    assert f.actions_done == Ratio(3, 4)
    assert f.action_days_open == Median(10.5, 4)
    assert f.open_action_age == Median(14.0, 3)
    words = dict(follow_through(f))
    assert words["Action items closed"] == "57% closed (4 of 7 action items)"
    assert words["Closed as done"] == "75% done (3 of 4 closed action items; 1 dropped)"
    assert words["Days open until closed"] == "median 10.5 days (4 closed action items)"
    assert words["Age of open action items"] == "median 14 days (3 open action items)"


def test_a_closed_action_item_without_a_closing_time_counts_but_has_no_days(database, build: Build) -> None:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 11, 3))
    build.action(m, A.done, D(2026, 11, 3, 9, 0), None)
    build.action(m, A.done, D(2026, 11, 3, 9, 0), D(2026, 11, 6, 9, 0))
    f = program_figures(database, today=TODAY)
    assert f.actions_closed == Ratio(2, 2)
    assert f.action_days_open == Median(3.0, 1)


def test_days_from_incident_to_first_review(database, build: Build) -> None:  # noqa: ANN001
    # Created out of date order, so the first review is found by date, not by id.
    nov17 = build.meeting(dt.date(2026, 11, 17))
    nov10 = build.meeting(dt.date(2026, 11, 10))
    dec01 = build.meeting(dt.date(2026, 12, 1))  # not held yet on TODAY
    jun09 = build.meeting(dt.date(2026, 6, 9))
    build.incident(D(2026, 11, 2, 22, 0), reviewed=(nov17, nov10))  # reviewed twice: 8 days, from the first
    build.incident(D(2026, 11, 12, 3, 0), reviewed=(nov17,))  # 5 days
    build.incident(D(2026, 11, 20, 1, 0), reviewed=(dec01,))  # on a future agenda: not reviewed yet
    build.incident(D(2026, 11, 21, 1, 0))  # on no agenda
    build.incident(D(2026, 6, 1, 23, 59), reviewed=(jun09,))  # 8 days, long before the weeks shown
    f = program_figures(database, today=TODAY, weeks=4)  # 2026-11-02 .. 2026-11-29
    assert f.review_days == Median(6.5, 2)
    assert f.review_days_all == Median(8.0, 3)
    words = dict(follow_through(f))
    assert words["Incident to review, last 4 weeks"] == "median 6.5 days (2 incidents reviewed)"
    assert words["Incident to review, all time"] == "median 8 days (3 incidents reviewed)"
    # On the day of the December meeting it counts: 11 days.
    later = program_figures(database, today=dt.date(2026, 12, 1), weeks=5)
    assert later.review_days_all == Median(8.0, 4)
    assert later.review_days == Median(8.0, 3)  # 8, 5, 11


def test_the_figures_take_a_fixed_number_of_statements(database) -> None:  # noqa: ANN001
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    sa.event.listen(database.engine, "before_cursor_execute", count)
    try:
        program_figures(database, today=TODAY, weeks=52)
        empty = len(statements)
        build_program(database)
        statements.clear()
        f = program_figures(database, today=TODAY, weeks=52)
        assert sum(f.shootings_total) > 50 and f.notifications_total == 12
        assert empty == len(statements) == STATEMENTS
        statements.clear()
        program_figures(database, today=TODAY, weeks=260)
        assert len(statements) == STATEMENTS
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", count)


def test_the_program_sample_gives_the_figures_the_screen_shows(database) -> None:  # noqa: ANN001
    build_program(database)
    f = program_figures(database, today=TODAY)
    assert f.shootings_total == [5, 7, 6, 8, 4, 5, 3, 4, 9, 3, 4, 1]
    assert f.delivery_rate == Ratio(4, 7)
    assert f.services_accepted == Ratio(2, 3)  # three people delivered to, two of them accepted
    assert f.actions_closed == Ratio(9, 14)


# --------------------------------------------------------------------------- vip figures


class _TestContext(Context):
    """The CLI context with the test's database (fixed clock and user) instead of opening one."""

    def __init__(self, database: Database) -> None:
        super().__init__(database.url, "tester")
        self.database = database

    def open(self) -> Database:
        return self.database


def _vip(database: Database, *args: str) -> tuple[int, str, str]:
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _TestContext(database)

    root.add_command(figures)
    result = CliRunner().invoke(root, ["figures", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sample(database, build: Build) -> Database:  # noqa: ANN001
    m = build.meeting(dt.date(2026, 11, 17))
    build.incident(D(2026, 11, 16, 21, 0), T.homicide, "Valley", reviewed=(m,))
    build.incident(D(2026, 11, 23, 2, 0), T.shots_fired, "Southeast")
    p = build.person("Quinn Example")
    build.notification(m, p, N.delivered, accepted="peer support", closed=D(2026, 11, 19, 12))
    build.notification(m, p, N.not_located)
    build.notification(m, p, N.assigned)
    build.action(m, A.done, D(2026, 11, 17, 10), D(2026, 11, 24, 9))
    build.action(m, A.open, D(2026, 11, 17, 10))
    return database


def test_vip_figures_prints_every_figure_with_its_denominator(sample: Database) -> None:
    code, out, err = _vip(sample, "--weeks", "2")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Program figures on 2026-11-24"
    assert lines[1] == ("last 2 weeks: 2026-11-16 to 2026-11-29, weeks Monday to Sunday by when the incident "
                        "occurred; this week so far (to 2026-11-24)")
    i = lines.index("Shootings per week by type")
    assert lines[i + 1].split() == ["week", "of", "homicide", "non", "fatal", "shots", "fired", "other", "total"]
    assert lines[i + 3].split() == ["2026-11-16", "1", "0", "0", "0", "1"]
    assert lines[i + 4].split() == ["2026-11-23", "0", "0", "1", "0", "1"]
    assert lines[i + 5].split() == ["total", "1", "0", "1", "0", "2"]
    i = lines.index("Shootings per week by area command")
    assert lines[i + 1].split() == ["week", "of", "Southeast", "Valley", "total"]
    assert lines[i + 3].split() == ["2026-11-16", "0", "1", "1"]
    rows = {line.split("  ")[0]: line.split() for line in lines}
    assert rows["delivered"] == ["delivered", "1", "33%"]
    assert rows["not located"] == ["not", "located", "1", "33%"]
    assert rows["cancelled"] == ["cancelled", "0", "0%"]
    i = lines.index("Follow-through")
    follow = lines[i + 1:lines.index("", i)]  # VIP All In's figures follow (tests/test_all_in_cli.py)
    assert [line.split("  ")[0] for line in follow] == [
        "Delivery rate", "Accepted services, all time", "Accepted services, 2026 Q4", "Action items closed",
        "Closed as done", "Days open until closed", "Age of open action items", "Incident to review, last 2 weeks",
        "Incident to review, all time",
    ]
    said = {line.split("  ")[0]: line.split("  ")[-1].strip() for line in follow}
    assert said["Delivery rate"] == "50% delivered (1 of 2 notifications with an outcome)"
    assert said["Accepted services, 2026 Q4"] == "100% accepted (1 of 1 person notified in 2026 Q4)"
    assert said["Closed as done"] == "100% done (1 of 1 closed action item; 0 dropped)"
    assert said["Days open until closed"] == "median 7 days (1 closed action item)"
    assert said["Age of open action items"] == "median 7 days (1 open action item)"
    assert said["Incident to review, last 2 weeks"] == "median 1 day (1 incident reviewed)"
    assert err == ""


def test_vip_figures_on_an_empty_database_says_no_data(database) -> None:  # noqa: ANN001
    code, out, err = _vip(database)
    assert code == 0, err
    assert "no data (no shootings in these weeks)" in out
    assert "no data (0 notifications with an outcome)" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("weeks", ["0", "-3", "261"])
def test_vip_figures_refuses_weeks_out_of_range(database, weeks: str) -> None:  # noqa: ANN001
    code, out, err = _vip(database, "--weeks", weeks)
    assert code == 1
    assert out == ""
    assert err.strip() == f"vip: weeks must be a whole number from 1 to 260 (five years), not {weeks.lstrip('+')}"


def test_vip_figures_weeks_not_a_number_is_a_usage_error(database) -> None:  # noqa: ANN001
    code, _, err = _vip(database, "--weeks", "twelve")
    assert code == 2
    assert "'twelve' is not a valid integer" in err


def test_vip_figures_writes_a_tidy_csv(sample: Database, tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    code, out, err = _vip(sample, "--weeks", "2", "--csv", str(target))
    assert code == 0, err
    assert f"wrote {target} (" in out
    assert "Delivery rate" in out  # the text too
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert all(len(r) == len(CSV_HEADER) for r in rows)
    as_dict = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert as_dict[("shootings", "all", "2026-11-16/2026-11-22")] == ["1", "", ""]
    assert as_dict[("shootings by type", "shots_fired", "2026-11-23/2026-11-29")] == ["1", "", ""]
    assert as_dict[("shootings by area command", "Valley", "2026-11-23/2026-11-29")] == ["0", "", ""]
    assert as_dict[("notifications by status", "not_located", "all time")] == ["1", "1", "3"]
    assert as_dict[("notification delivery rate", "delivered of those with an outcome", "all time")] == ["0.5", "1", "2"]
    assert as_dict[("people notified who accepted services", "people with a delivered notification",
                    "2026-10-01/2026-12-31")] == ["1", "1", "1"]
    assert as_dict[("action item closure rate", "done or dropped of all", "all time")] == ["0.5", "1", "2"]
    assert as_dict[("median days open", "closed action items", "all time")] == ["7", "", "1"]
    assert as_dict[("median age in days", "open action items", "2026-11-24")] == ["7", "", "1"]
    assert as_dict[("median days from incident to review", "incidents reviewed", "2026-11-16/2026-11-29")] == ["1", "", "1"]
    assert f"wrote {target} ({len(rows) - 1} rows)" in out


def test_vip_figures_never_overwrites_a_csv(sample: Database, tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    target.write_text("keep me\n")
    code, out, err = _vip(sample, "--csv", str(target))
    assert code == 1
    assert err.strip() == (
        f"vip: {target} already exists; give a new file name, or add --force to replace it (nothing was written)"
    )
    assert target.read_text() == "keep me\n"
    assert out == ""


def test_vip_figures_csv_into_a_missing_folder_is_refused(sample: Database, tmp_path: Path) -> None:
    code, _, err = _vip(sample, "--csv", str(tmp_path / "nowhere" / "figures.csv"))
    assert code == 1
    assert err.startswith(f"vip: cannot write {tmp_path / 'nowhere' / 'figures.csv'}: ")
    assert "Traceback" not in err


def test_vip_figures_csv_to_standard_output(sample: Database) -> None:
    code, out, err = _vip(sample, "--weeks", "1", "--csv", "-")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_HEADER
    assert ["shootings", "all", "2026-11-23/2026-11-29", "1", "", ""] in rows
    assert "Program figures" not in out
