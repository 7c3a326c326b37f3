"""The shape of the queries behind the screens stays the same as the history grows (issue 7).

A fast stand-in for ``python -m bench.run``: on two small synthetic histories
(``bench.generate``; the second three times the first, its last meeting 15
incidents against 5) it counts the SQL statements, never the time, of what
the screens load. A count that grows with the data is an N+1 query; a bound
exceeded is a query added to a path that runs on every key press.

The bounds are the number of statements each path sends when every kind of
related row exists; one fewer is normal when a kind is absent (SQLAlchemy
skips an eager load with nothing to load), so the counts of the two
histories may differ by that, never by the size of the data.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import Generated, Plan, generate
from bench.queries import statements
from vip_tui.db import Database, open_database

MEETING_DAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 9, 30)

# Statements per call, at most (see the module docstring).
# item, meeting, incident, involvements joined to persons/groups, notes, 3 decision kinds, 6 history,
# + since issue 15 whether each person is enrolled in VIP All In, since when (one statement for all of them)
ITEM_DETAIL = 15
ITEM_VIEW = ITEM_DETAIL + 2  # what the review loads on every move: + the agenda stamp (one statement) + the agenda
MEETINGS_LIST = 1
# 19 until issue 14: now every involvement with its place, group and reviews in one statement, the aliases with the person.
PERSON_PROFILE = 14  # 13 + since issue 15 "enrolled in VIP All In since DATE" (one statement)
PERSON_SEARCH = 1
CASE_SEARCH = 1
MEETING_DATA = 18  # export.data.load_meeting: everything the minutes show
MINUTES_FULL = 19  # + the meeting's amendments, in one statement (issue 13)
MINUTES_PARTNER = 22  # + every person's name and records id for the leak scan, in one statement; + release decisions and exemptions
FIGURES = 5
FIGURES_WINDOW = 2  # `w` on the figures screen: the weeks' shootings and incident-to-review lags (issue 14)
# An import may grow with the file, but by a bounded number of statements per incident.
# Measured 2026-11: about 28 per incident (a query and a flush, with its audit row,
# per person and per involvement) before the importer looked persons, incidents and
# groups up in bulk (issue 7); about 9 since (the inserts alone).
IMPORT_PER_INCIDENT = 12
# VIP All In (issue 15): the caseload is all_in.CASELOAD_STATEMENTS whatever its size; one participant's
# screen: the episode with its person and notification, contacts, assessments, their needs, goals, the
# person's episodes, their referrals.
PARTICIPANT_VIEW = 7
ENROLLED_SINCE = 1


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Database, Generated]]]:
    folder = tmp_path_factory.mktemp("histories")
    made = {}
    for name, years, items in (("small", 0.2, 5), ("large", 0.6, 15)):
        g = generate(str(folder / f"{name}.db"), plan=Plan.for_years(years, last_meeting_items=items), seed=11)
        made[name] = (open_database(g.url, user="tester", clock=lambda: NOW), g)
    yield made
    for db, _ in made.values():
        db.dispose()


def count(db: Database, fn, *args, **kwargs) -> int:  # noqa: ANN001
    with statements(db.engine) as sent:
        fn(*args, **kwargs)
    return len(sent)


def test_the_histories_differ_in_size(histories) -> None:  # noqa: ANN001
    small, large = histories["small"][1], histories["large"][1]
    assert large.counts["incident"] == 3 * small.counts["incident"]
    assert (small.plan.last_meeting_items, large.plan.last_meeting_items) == (5, 15)


def test_item_detail_with_histories_is_a_fixed_number_of_statements(histories) -> None:  # noqa: ANN001
    from vip_tui.services import items as items_svc

    worst = {}
    for name, (db, g) in histories.items():
        rows = items_svc.agenda(db, g.last_meeting_id)
        items_svc.item_detail(db, rows[0].id)  # compile once
        counts = [count(db, items_svc.item_detail, db, r.id) for r in rows]
        assert max(counts) <= ITEM_DETAIL, (name, counts)
        worst[name] = max(counts)
        assert count(db, items_svc.agenda, db, g.last_meeting_id) == 1
    # Three times the history and three times the persons on screen: not one statement more.
    assert worst["large"] == worst["small"] == ITEM_DETAIL


def test_a_move_in_the_review_loads_the_item_and_the_agenda_in_one_session(histories) -> None:  # noqa: ANN001
    from vip_tui.services import agenda_builder as ab
    from vip_tui.services import items as items_svc

    for db, g in histories.values():
        rows = items_svc.agenda(db, g.last_meeting_id)
        ab.item_view(db, g.last_meeting_id, rows[0].id)  # compile once
        assert max(count(db, ab.item_view, db, g.last_meeting_id, r.id) for r in rows) == ITEM_VIEW
        assert count(db, ab.agenda_stamp, db, g.last_meeting_id) == 1


def test_the_meetings_list_is_one_statement(histories, monkeypatch) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from vip_tui.services import meeting_list

    # On SQLite the list is read with sqlite3, not the engine (the first screen, issue 14): count both.
    traced: list[str] = []

    def connect(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        con = sqlite3.connect(*args, **kwargs)
        con.set_trace_callback(traced.append)
        return con

    monkeypatch.setattr(meeting_list, "sqlite3", SimpleNamespace(connect=connect))
    for db, _ in histories.values():
        traced.clear()
        assert count(db, meeting_list.list_meetings, db) + len(traced) == MEETINGS_LIST, traced


def test_a_person_profile_is_a_fixed_number_of_statements(histories) -> None:  # noqa: ANN001
    from vip_tui.services.persons import person_profile

    counts = {}
    for name, (db, g) in histories.items():
        # Person 1 is the generator's profile person: 4 involvements in the small history, 12 in the large.
        counts[name] = count(db, person_profile, db, g.profile_person_id, as_of=NOW)
        assert counts[name] <= PERSON_PROFILE, (name, counts)
    assert abs(counts["large"] - counts["small"]) <= 1, counts


def test_person_and_case_search_are_one_statement_each(histories) -> None:  # noqa: ANN001
    from vip_tui.services.search import search_cases, search_persons

    for db, _ in histories.values():
        for text in ("ar", "Zen", "MNI-4"):
            assert count(db, search_persons, db, text, 12) == PERSON_SEARCH
        assert count(db, search_cases, db, "26-00", 8) == CASE_SEARCH


def test_the_minutes_load_the_same_statements_for_5_and_15_incidents(histories) -> None:  # noqa: ANN001
    from vip_tui.export import build_minutes
    from vip_tui.export.data import load_meeting

    counts: dict[str, list[int]] = {}
    for name, (db, _) in histories.items():
        with db.session() as s:
            data = count(db, load_meeting, s, MEETING_DAY)
        full = count(db, build_minutes, db, MEETING_DAY, "full")
        partner = count(db, build_minutes, db, MEETING_DAY, "partner")
        assert data <= MEETING_DATA and full <= MINUTES_FULL and partner <= MINUTES_PARTNER, (name, data, full, partner)
        counts[name] = [data, full, partner]
    # 15 incidents against 5: at most an eager load more that had nothing to load in the small one.
    for small, large in zip(counts["small"], counts["large"]):
        assert large - small <= 1, counts


def test_the_figures_are_a_fixed_number_of_statements(histories) -> None:  # noqa: ANN001
    from vip_tui.services.figures import WEEK_CHOICES, program_figures

    for db, _ in histories.values():
        for weeks in WEEK_CHOICES:
            assert count(db, program_figures, db, today=MEETING_DAY, weeks=weeks) == FIGURES


def test_other_weeks_of_the_figures_read_only_the_weeks_again(histories) -> None:  # noqa: ANN001
    from vip_tui.services.figures import WEEK_CHOICES, program_figures, window_figures

    for db, _ in histories.values():
        kept = program_figures(db, today=MEETING_DAY, weeks=WEEK_CHOICES[0])
        for weeks in (*WEEK_CHOICES[1:], WEEK_CHOICES[0]):
            assert count(db, window_figures, db, kept, weeks=weeks) == FIGURES_WINDOW
            # The same figures as a full load of those weeks (the all-time ones kept, the weeks' read again).
            assert window_figures(db, kept, weeks=weeks) == program_figures(db, today=MEETING_DAY, weeks=weeks)


def test_an_import_grows_by_a_bounded_number_of_statements_per_incident(histories, tmp_path: Path) -> None:  # noqa: ANN001
    from bench.agenda_file import known_persons, write_agenda
    from vip_tui.agenda.importer import import_files

    source, _ = histories["small"]
    sent = {}
    for incidents in (10, 30):
        copy = tmp_path / f"copy-{incidents}.db"
        src = sqlite3.connect(f"file:{source.sqlite_path}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        dst.close()
        src.close()
        agenda = tmp_path / f"week-{incidents}.toml"
        write_agenda(agenda, date=MEETING_DAY + dt.timedelta(days=7), incidents=incidents,
                     known=known_persons(source.engine, incidents * 2, seed=3))
        db = open_database(str(copy), user="tester", clock=lambda: NOW)
        try:
            sent[incidents] = count(db, import_files, db, [agenda])
        finally:
            db.dispose()
    per_incident = (sent[30] - sent[10]) / 20
    # The agencies and attendees of the file are a fixed part; the rest grows with the incidents.
    assert per_incident <= IMPORT_PER_INCIDENT, f"{per_incident:.1f} statements per incident ({sent})"
    assert sent[10] <= 200 + 10 * IMPORT_PER_INCIDENT, sent


@pytest.fixture(scope="module")
def caseloads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Database]]:
    """Two histories alike but for the number of VIP All In participants: 10 and 200."""
    folder = tmp_path_factory.mktemp("caseloads")
    made = {}
    for n in (10, 200):
        g = generate(str(folder / f"caseload-{n}.db"), plan=Plan.for_years(0.2, last_meeting_items=5, participants=n),
                     seed=11)
        assert g.counts["participant"] == n
        made[n] = open_database(g.url, user="tester", clock=lambda: NOW)
    yield made
    for db in made.values():
        db.dispose()


def test_the_caseload_is_a_fixed_number_of_statements_for_10_or_200_participants(caseloads) -> None:  # noqa: ANN001
    from vip_tui.enums import Stage
    from vip_tui.services import all_in

    sizes = {}
    for n, db in caseloads.items():
        all_in.caseload(db)  # compile once
        sizes[n] = len(all_in.caseload(db, status="all"))
        coach = all_in.coaches(db)[0]
        for kwargs in ({}, {"status": "all"}, {"overdue": True}, {"coach": coach}, {"stage": Stage.engaging},
                       {"coach": coach, "overdue": True, "status": "all"}):
            assert count(db, all_in.caseload, db, today=MEETING_DAY, **kwargs) == all_in.CASELOAD_STATEMENTS, (n, kwargs)
    assert sizes == {10: 10, 200: 200}
    assert all_in.CASELOAD_STATEMENTS == 4


def test_a_participant_screen_reads_the_same_statements_however_long_the_episode(caseloads) -> None:  # noqa: ANN001
    import datetime as dt

    from vip_tui.enums import ContactMethod, NeedDomain, NeedLevel
    from vip_tui.services import all_in

    db = caseloads[10]
    pid = all_in.caseload(db)[0].participant_id
    all_in.participant_view(db, pid)  # compile once
    before = count(db, all_in.participant_view, db, pid)
    view = all_in.participant_view(db, pid)
    enrolled = dt.datetime.combine(view.row.enrolled_on, dt.time(12))
    for i in range(40):
        all_in.log_contact(db, pid, method=ContactMethod.phone, at=enrolled + dt.timedelta(hours=i), minutes=5, note="x")
    for _ in range(3):
        all_in.assess_needs(db, pid, {NeedDomain.housing: (NeedLevel.urgent, None)})
        all_in.add_goal(db, pid, NeedDomain.housing, "Own lease", target_on=MEETING_DAY)
    after = all_in.participant_view(db, pid)
    assert len(after.contacts) == len(view.contacts) + 40 and len(after.assessments) == len(view.assessments) + 3
    assert count(db, all_in.participant_view, db, pid) == before == PARTICIPANT_VIEW


def test_enrolled_since_is_one_statement_for_any_number_of_persons(caseloads) -> None:  # noqa: ANN001
    from vip_tui.services import all_in

    for n, db in caseloads.items():
        persons = [r.person_id for r in all_in.caseload(db, status="all")]
        assert len(all_in.enrolled_since(db, persons)) == len(all_in.caseload(db))
        assert count(db, all_in.enrolled_since, db, persons + list(range(1, 2000))) == ENROLLED_SINCE
        with db.session() as s:  # the review's and the minutes' way: inside their own session
            assert count(db, all_in.enrolled_since, s, persons) == ENROLLED_SINCE


def test_the_generated_participants_keep_the_program_rules(caseloads) -> None:  # noqa: ANN001
    """Bulk rows, but as services.all_in would have made them (the benchmark measures a caseload that could exist)."""
    import sqlalchemy as sa

    db = caseloads[200]
    with db.engine.connect() as con:
        def scalar(sql: str) -> int:
            return con.execute(sa.text(sql)).scalar_one()

        assert scalar("SELECT COUNT(*) FROM (SELECT person_id FROM participant WHERE exited_on IS NULL "
                      "GROUP BY person_id HAVING COUNT(*) > 1) x") == 0
        # Contacts, assessments and goals within the episode; nothing after the history's "now".
        assert scalar("SELECT COUNT(*) FROM contact c JOIN participant p ON p.id = c.participant_id "
                      "WHERE date(c.at) < p.enrolled_on OR (p.exited_on IS NOT NULL AND date(c.at) > p.exited_on) "
                      "OR c.at > '2026-11-24 09:30:00'") == 0
        assert scalar("SELECT COUNT(*) FROM need_assessment a JOIN participant p ON p.id = a.participant_id "
                      "WHERE a.assessed_on < p.enrolled_on") == 0
        assert scalar("SELECT COUNT(*) FROM contact") == 20 * 200
        # A notification source is the person's delivered notification, an earlier one; a referral an engaged one.
        assert scalar("SELECT COUNT(*) FROM participant p JOIN notification n ON n.id = p.notification_id "
                      "WHERE n.person_id != p.person_id OR n.status NOT IN ('delivered', 'delivered_to_family') "
                      "OR date(n.closed_at) > p.enrolled_on") == 0
        assert scalar("SELECT COUNT(*) FROM participant p JOIN referral r ON r.id = p.referral_id "
                      "WHERE r.person_id != p.person_id OR r.status != 'engaged' OR r.status_on > p.enrolled_on") == 0
        assert scalar("SELECT COUNT(*) FROM participant WHERE (exited_on IS NULL) != (exit_reason IS NULL) "
                      "OR (exited_on IS NULL) = (stage = 'exited')") == 0
