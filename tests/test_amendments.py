"""Amendments to a closed meeting (issue 13 item 2): service on both backends, CLI, minutes of both editions, TUI.

All names, case numbers and places are fictional (tests/export_helpers.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlmodel import select

from tests.export_helpers import DATE, Docx, Sample, build_sample, release_for_partners
from vip_tui.cli import Context
from vip_tui.commands.amend import amend as amend_command
from vip_tui.commands.amend import amendments as amendments_command
from vip_tui.commands.export import disseminations
from vip_tui.db import Database
from vip_tui.enums import Attendance, MeetingStatus
from vip_tui.export import export_minutes, list_disseminations
from vip_tui.models import ActionItem, Amendment, AuditLog, Meeting, MeetingAttendance, Notification, Referral
from vip_tui.services.amendments import amend, find_record, list_amendments, record_state
from vip_tui.services.guard import ReviewError

REASON = "Team asked for more time: the family is away until the 18th"


@pytest.fixture
def sample(database: Database) -> Sample:
    return build_sample(database)


def _meeting_id(database: Database, date: dt.date = DATE) -> int:
    with database.session() as s:
        return s.exec(select(Meeting.id).where(Meeting.date == date)).one()


def _notification(database: Database) -> Notification:
    with database.session() as s:
        return s.exec(select(Notification).join(Meeting, Meeting.id == Notification.meeting_id)
                      .where(Meeting.date == DATE)).one()


def _action(database: Database) -> ActionItem:
    with database.session() as s:
        return s.exec(select(ActionItem).join(Meeting, Meeting.id == ActionItem.meeting_id)
                      .where(Meeting.date == DATE)).one()


def _amendment_count(database: Database) -> int:
    with database.session() as s:
        return len(s.exec(select(Amendment)).all())


# --------------------------------------------------------------------------- service, both backends


def test_an_amendment_changes_the_record_and_keeps_what_why_who_when(database: Database, sample: Sample, clock) -> None:
    meeting = _meeting_id(database)
    clock.advance(days=2)
    state = find_record(database, meeting, "notification 47-2")
    assert (state.ref, state.values["due_date"]) == ("notification 47-2", "2026-11-28")
    amend(database, meeting, "notification", state.id, {"due_date": "2026-12-20"}, f"  {REASON} ", version=state.version)
    assert _notification(database).due_date == dt.date(2026, 12, 20)
    [row] = list_amendments(database, meeting)
    assert (row.record, row.field, row.change, row.reason, row.user, row.at) == (
        "notification 47-2", "due_date", "2026-11-28 → 2026-12-20", REASON, "tester", clock.now,
    )
    with database.session() as s:  # the audit hook saw it too
        assert s.exec(select(AuditLog).where(AuditLog.entity == "amendment")).first() is not None


def test_an_owner_agency_is_amended_by_its_short_name_and_kept_as_one(database: Database, sample: Sample) -> None:
    meeting = _meeting_id(database)
    state = find_record(database, meeting, "action item 1")
    amend(database, meeting, "action_item", state.id, {"owner_agency": "atf"}, "ATF took it over", version=state.version)
    assert list_amendments(database, meeting)[0].change == "RMPD → ATF"
    assert record_state(database, meeting, "action_item", state.id).values["owner_agency"] == "ATF"


@pytest.mark.parametrize(
    ("record", "field", "value", "reason", "message"),
    [
        ("notification 47-2", "due_date", "20/12/2026", REASON, "date as YYYY-MM-DD"),
        ("notification 47-2", "due_date", "2026-11-28", REASON, "already 2026-11-28: nothing to amend"),
        ("notification 47-2", "status", "delivered", REASON, "cannot amend 'status' of a notification"),
        ("notification 47-2", "due_date", "2026-12-20", "   ", "needs a reason"),
        ("action item 47-1", "owner_agency", "Nowhere PD", REASON, "unknown agency 'Nowhere PD'"),
        ("action item 47-1", "description", "", REASON, "wording cannot be empty"),
        ("attendance Lt. Q. Fairbanks", "status", "asleep", REASON, "one of: invited, present, remote, absent"),
    ],
)
def test_bad_input_is_refused_naming_what_to_fix_and_nothing_changes(
    database: Database, sample: Sample, record: str, field: str, value: str, reason: str, message: str
) -> None:
    meeting = _meeting_id(database)
    state = find_record(database, meeting, record)
    with pytest.raises(ReviewError, match=message):
        amend(database, meeting, state.entity, state.id, {field: value}, reason, version=state.version)
    assert _amendment_count(database) == 0
    assert record_state(database, meeting, state.entity, state.id) == state


def test_records_are_found_by_their_reference_or_refused(database: Database, sample: Sample) -> None:
    meeting = _meeting_id(database)
    assert find_record(database, meeting, "attendance of det. y. ostrander").values == {"status": "remote"}
    assert find_record(database, meeting, "Action 47-1").entity == "action_item"
    for wrong, message in (("notification 46-4", "no notification '46-4'"),  # of the week before
                           ("notification 9", "no notification '9'"),
                           ("decision 1", "unknown record"),
                           ("attendance Nobody", "no attendance 'Nobody'")):
        with pytest.raises(ReviewError, match=message):
            find_record(database, meeting, wrong)


def test_an_open_meeting_is_changed_directly_not_amended(database: Database, sample: Sample) -> None:
    meeting = _meeting_id(database)
    with database.transaction() as s:
        s.get(Meeting, meeting).status = MeetingStatus.in_progress
    state = find_record(database, meeting, "notification 47-2")
    with pytest.raises(ReviewError, match="is not closed: change the record directly"):
        amend(database, meeting, "notification", state.id, {"due_date": "2026-12-20"}, REASON, version=state.version)
    assert _amendment_count(database) == 0


def test_a_record_of_another_meeting_is_refused(database: Database, sample: Sample) -> None:
    meeting = _meeting_id(database)
    earlier = _meeting_id(database, dt.date(2026, 11, 17))
    state = find_record(database, earlier, "notification 46-4")
    with pytest.raises(ReviewError, match="not of the meeting of 2026-11-24"):
        amend(database, meeting, "notification", state.id, {"due_date": "2026-12-20"}, REASON, version=state.version)


def test_a_record_changed_since_it_was_read_is_refused(database: Database, sample: Sample) -> None:
    meeting = _meeting_id(database)
    state = find_record(database, meeting, "attendance A. Sturridge")
    amend(database, meeting, "attendance", state.id, {"status": "absent"}, "Sent apologies", version=state.version)
    with pytest.raises(ReviewError, match="changed by someone else"):
        amend(database, meeting, "attendance", state.id, {"status": "present"}, "Came late", version=state.version)
    with database.session() as s:
        assert s.get(MeetingAttendance, state.id).status == Attendance.absent
    assert _amendment_count(database) == 1


# --------------------------------------------------------------------------- minutes and the dissemination log


def test_minutes_list_amendments_and_a_new_export_is_a_new_version(
    database: Database, sample: Sample, clock, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    meeting = _meeting_id(database)
    first = export_minutes(database, DATE, "full", out)
    assert "Amendments" not in Docx.read(first).body_text()
    clock.advance(days=1)
    state = find_record(database, meeting, "notification 47-2")
    amend(database, meeting, "notification", state.id, {"due_date": "2026-12-20"}, REASON, version=state.version)
    state = find_record(database, meeting, "notification 47-2")
    amend(database, meeting, "notification", state.id, {"reasons": "Named by a caller as the next target"},
          "Wrong person's reasons were typed", version=state.version)
    clock.advance(hours=1)
    second = export_minutes(database, DATE, "full", out)
    assert second.name == "minutes-2026-11-24-full-v3.docx"  # the sent file is never replaced
    doc = Docx.read(second)
    text = doc.body_text()
    assert "Version 3 — amended 25 November 2026" in text
    assert "Minutes 24 Nov 2026 · version 3" in doc.all_text()  # the footer of every page
    assert ("Amendments" in [h for _s, h in doc.headings()])
    amendments = text[text.index("Corrections made after the meeting was closed"):]
    assert "notification 47-2 — due date: 2026-11-28 → 2026-12-20. Why: " + REASON + ". By tester." in amendments
    assert "Named by a caller as the next target" in amendments and "Wrong person's reasons were typed" in amendments
    assert "Due Sun 20 Dec 2026" in text  # the entry shows the amended value
    versions = sorted((r.file_name.rsplit("/", 1)[-1], r.version) for r in list_disseminations(database))
    assert versions == [("minutes-2026-11-24-full-v3.docx", 3), ("minutes-2026-11-24-full.docx", 1)]


def test_partner_minutes_list_amendments_without_reasons_values_of_free_text_or_hidden_fields(
    database: Database, sample: Sample, clock, tmp_path: Path
) -> None:
    meeting = _meeting_id(database)
    clock.advance(days=1)
    secret = f"{sample.suspect} told us {sample.victim} moved"  # a reason naming protected persons
    for record, field, value in (
        ("notification 47-2", "due_date", "2026-12-20"),
        ("notification 47-2", "team_officer", f"Ofc. {sample.witness}"),  # free text, not released
        ("notification 47-2", "reasons", f"{sample.victim} is the next target"),  # partners never see reasons
        ("attendance A. Sturridge", "status", "absent"),
    ):
        state = find_record(database, meeting, record)
        amend(database, meeting, state.entity, state.id, {field: value}, secret, version=state.version)
    release_for_partners(database)  # the changed team name is a new passage: decided again
    full = Docx.read(export_minutes(database, DATE, "full", tmp_path)).body_text()
    partner_doc = Docx.read(export_minutes(database, DATE, "partner", tmp_path))
    partner = partner_doc.all_text()
    assert secret in full and f"Ofc. {sample.witness}" in full
    amended = partner[partner.index("Corrections made after the meeting was closed"):]
    assert "notification 47-2 — due date: 2026-11-28 → 2026-12-20." in amended
    assert "notification 47-2 — team officer corrected (as it stands above)." in amended
    assert "attendance of A. Sturridge — attendance: invited → absent." in amended
    assert "reasons" not in amended and "Why" not in amended and "tester" not in amended
    for protected in (*sample.protected, secret, "is the next target"):  # the subject is named in its entry only
        assert protected not in partner, protected
    assert "Version 5 — amended 25 November 2026" in partner


# --------------------------------------------------------------------------- the command line


class _TestContext(Context):
    def __init__(self, database: Database) -> None:
        super().__init__(database.url, "tester")
        self.database = database

    def open(self, *, create: bool = False) -> Database:
        return self.database


def vip(database: Database, *args: str) -> tuple[int, str, str]:
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _TestContext(database)

    for command in (amend_command, amendments_command, disseminations):
        root.add_command(command)
    result = CliRunner().invoke(root, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_vip_amend_and_vip_amendments(database: Database, sample: Sample, tmp_path: Path) -> None:
    code, out, err = vip(database, "amend", "2026-11-24", "--record", "notification 47-2", "--field", "due_date",
                         "--value", "2026-12-20", "--reason", REASON)
    assert code == 0, err
    assert out.strip() == "amended notification 47-2: due_date 2026-11-28 → 2026-12-20 (by tester)"
    assert _notification(database).due_date == dt.date(2026, 12, 20)
    code, out, err = vip(database, "amendments", "2026-11-24")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["when", "by", "record", "field", "before", "→", "after", "reason"]
    assert lines[2].split()[:8] == ["2026-11-24", "09:30", "tester", "notification", "47-2", "due_date",
                                    "2026-11-28", "→"]
    assert REASON in lines[2]
    export_minutes(database, DATE, "full", tmp_path)
    code, out, _ = vip(database, "disseminations", "2026-11-24")
    assert out.splitlines()[2].split()[3:5] == ["minutes", "v2"]


def test_vip_amendments_of_a_meeting_without_any(database: Database, sample: Sample) -> None:
    code, out, _ = vip(database, "amendments", "2026-11-17")
    assert (code, out.strip()) == (0, "no amendments to the meeting of 2026-11-17")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-11-25"], "no meeting on 2026-11-25"),
        (["2026-11-24", "--record", "notification 47-9"], "no notification '47-9'"),
        (["2026-11-24", "--field", "colour"], "cannot amend 'colour' of a notification; amendable: reasons,"),
        (["2026-11-24", "--value", "next week"], "must be a date as YYYY-MM-DD, not 'next week'"),
        (["2026-11-24", "--reason", ""], "an amendment needs a reason"),
        (["2026-11-17", "--record", "notification 46-4"], None),  # closed too: this one is allowed
    ],
)
def test_vip_amend_refuses_bad_input_with_exit_1_and_changes_nothing(
    database: Database, sample: Sample, args: list[str], message: str | None
) -> None:
    given = {"--record": "notification 47-2", "--field": "due_date", "--value": "2026-12-20", "--reason": REASON}
    date, *rest = args
    given.update(dict(zip(rest[::2], rest[1::2])))
    code, out, err = vip(database, "amend", date, *(x for kv in given.items() for x in kv))
    if message is None:
        assert code == 0, err
        return
    assert code == 1 and message in err and "Traceback" not in err, err
    assert _amendment_count(database) == 0
    assert _notification(database).due_date == dt.date(2026, 11, 28)


def test_vip_amend_refuses_an_open_meeting(database: Database, sample: Sample) -> None:
    with database.transaction() as s:
        s.exec(select(Meeting).where(Meeting.date == DATE)).one().status = MeetingStatus.in_progress
    code, _out, err = vip(database, "amend", "2026-11-24", "--record", "referral 1", "--field", "service",
                          "--value", "Job training", "--reason", REASON)
    assert code == 1 and "not closed: change the record directly" in err
    with database.session() as s:
        assert s.exec(select(Referral)).one().service == "Hospital-based violence intervention"


# --------------------------------------------------------------------------- the wrap-up of a closed meeting


async def test_wrap_up_m_amends_the_highlighted_decision_with_keys_only(tmp_path: Path, clock) -> None:
    from textual.widgets import DataTable, Input, Select

    from tests.tui_helpers import sample_database, settle, type_text
    from vip_tui.app import make_app
    from vip_tui.screens.amend import AmendDialog
    from vip_tui.services import decisions, items, meetings

    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 10))
    item = items.agenda(database, meeting.id)[0]
    persons = items.item_detail(database, item.id, with_history=False).persons
    person = next(p for p in persons if p.role.value != "victim")  # a homicide victim is never notified
    decisions.add_action_item(database, meeting.id, "Pull the ShotSpotter audio", owner_agency="RMPD",
                           due_date=dt.date(2026, 11, 12))
    decisions.propose_notification(database, meeting.id, person.person_id, incident_id=item.incident_id,
                                reasons="victim twice this year", team_officer="Ofc. M. Duran",
                                due_date=dt.date(2026, 11, 17))
    meetings.close_meeting(database, meeting.id, version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "wrap_up")
        await settle(pilot)
        assert "m amends the highlighted decision" in str(app.screen.query_one("#wrap-state").render())
        await pilot.press("j", "m")  # the notification
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AmendDialog) and dialog.state.ref == f"notification {meeting.number}-2"
        value = dialog.query_one("#amend-value", Input)
        assert (app.focused, value.value, value.cursor_position) == (value, "victim twice this year", 22)
        await pilot.press("shift+tab", "enter")  # the field list
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "enter")  # due date
        await settle(pilot)
        assert dialog.query_one("#amend-field", Select).value == "due_date"
        assert (app.focused, value.value) == (value, "2026-11-17")
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "next week")
        await pilot.press("enter", "enter")  # on to the reason; enter there with none is refused, the form stays
        assert "Why: required" in str(dialog.query_one("#amend-error").render())
        await type_text(pilot, "typed the wrong week")
        await pilot.press("enter")
        assert "New value: \"next week\" is not a date" in str(dialog.query_one("#amend-error").render())
        await pilot.press("shift+tab", *["backspace"] * 9)
        await type_text(pilot, "+7")  # read as the forms that create decisions read it; the clock: 2026-11-24
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpScreen"
        rows = list_amendments(database, meeting.id)
        assert [(r.record, r.field, r.change, r.reason) for r in rows] == [
            (f"notification {meeting.number}-2", "due_date", "2026-11-17 → 2026-12-01", "typed the wrong week")
        ]
        table = app.screen.query_one("#decisions", DataTable)
        assert "2026-12-01" in [str(c) for c in table.get_row_at(1)]
        listed = str(app.screen.query_one("#amendments-list").render())
        assert "due date: 2026-11-17 → 2026-12-01 · why: typed the wrong week" in listed
        assert str(app.screen.query_one("#amendments-title").render()) == "Amendments (1)"


async def test_escape_on_a_changed_amendment_asks_and_an_open_meeting_has_no_m(tmp_path: Path, clock) -> None:
    from textual.widgets import Input

    from tests.tui_helpers import sample_database, settle, type_text
    from vip_tui.app import make_app
    from vip_tui.screens.amend import AmendDialog
    from vip_tui.services import decisions, meetings
    from vip_tui.widgets.dialogs import ConfirmDialog

    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 10))
    decisions.add_action_item(database, meeting.id, "Pull the ShotSpotter audio", owner_agency="RMPD")
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "wrap_up")
        await settle(pilot)
        assert app.screen.check_action("amend", ()) is False  # open: changed directly, not amended
        meetings.close_meeting(database, meeting.id, version=None)
        app.screen.load()
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, AmendDialog)
        await type_text(pilot, " near the school")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen.query_one("#amend-value", Input).value == "Pull the ShotSpotter audio near the school"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpScreen"
    assert list_amendments(database, meeting.id) == []


def test_the_vip_command_has_amend_and_amendments(tmp_path: Path, clock) -> None:
    from vip_tui.cli import main
    from vip_tui.db import open_database

    database = open_database(str(tmp_path / "vip.db"), user="tester", clock=clock)
    build_sample(database)
    database.dispose()
    args = ["--db", str(tmp_path / "vip.db"), "--user", "analyst"]
    result = CliRunner().invoke(main, [*args, "amend", "2026-11-24", "--record", "attendance A. Sturridge",
                                       "--field", "status", "--value", "absent", "--reason", "Sent apologies"])
    assert (result.exit_code, result.stdout.strip()) == (
        0, "amended attendance of A. Sturridge: status invited → absent (by analyst)"), result.stderr
    result = CliRunner().invoke(main, [*args, "amendments", "2026-11-24"])
    assert "attendance of A. Sturridge  status  invited → absent  Sent apologies" in result.stdout


def test_amendments_core_imports_neither_textual_nor_docx() -> None:
    import subprocess
    import sys

    code = ("import sys, vip_tui.services.amendments, vip_tui.commands.amend; "
            "print('textual' in sys.modules, 'docx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


async def test_a_record_changed_by_another_instance_is_reloaded_and_nothing_typed_is_lost(
    tmp_path: Path, clock
) -> None:
    from tests.tui_helpers import sample_database, settle, type_text
    from vip_tui.app import make_app
    from vip_tui.services import decisions, meetings

    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 10))
    action = decisions.add_action_item(database, meeting.id, "Pull the ShotSpotter audio", owner_agency="RMPD")
    meetings.close_meeting(database, meeting.id, version=None)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "wrap_up")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        state = record_state(database, meeting.id, "action_item", action.id)
        amend(database, meeting.id, "action_item", action.id, {"description": "Pull the audio and the video"},
              "Another instance", version=state.version)
        await type_text(pilot, " near the school")
        await pilot.press("enter")
        await type_text(pilot, "said at the meeting")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#amend-error").render())
        assert "changed by someone else" in error and "now reads Pull the audio and the video" in error
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpScreen"
    rows = list_amendments(database, meeting.id)
    assert rows[-1].change == "Pull the audio and the video → Pull the ShotSpotter audio near the school"


def test_hostile_text_in_an_amendment_is_stored_clean_and_printed_harmless(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    meeting = _meeting_id(database)
    state = find_record(database, meeting, "referral 1")
    amend(database, meeting, "referral", state.id, {"provider": "Puente\x00 \u202eevil\x1b[2J"},
          "typo\x00\x1b[31m in the provider", version=state.version)
    [row] = list_amendments(database, meeting)
    assert "\x00" not in row.after + row.reason and "\x1b" not in row.after + row.reason
    code, out, _ = vip(database, "amendments", "2026-11-24")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    text = Docx.read(export_minutes(database, DATE, "full", tmp_path)).body_text()
    assert "referral 1 — provider: VIP Social Services → Puente" in text


def test_the_minutes_read_amendments_in_statements_that_do_not_grow_with_them(database: Database, sample: Sample) -> None:
    import sqlalchemy as sa

    from vip_tui.export import build_minutes

    def statements() -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
            seen.append(statement)

        sa.event.listen(database.engine, "before_cursor_execute", count)
        try:
            build_minutes(database, DATE, "full")
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", count)
        return len(seen)

    meeting = _meeting_id(database)
    counts = []
    for day, name in ((1, "A. Sturridge"), (2, "SA W. Kettleby"), (3, "N. Pellworth")):
        state = find_record(database, meeting, f"attendance {name}")
        amend(database, meeting, "attendance", state.id, {"status": "remote"}, f"Correction {day}", version=state.version)
        state = find_record(database, meeting, "notification 47-2")
        amend(database, meeting, "notification", state.id, {"due_date": f"2026-12-0{day}"}, "Moved",
              version=state.version)
        counts.append(statements())
    assert counts[0] == counts[1] == counts[2]


async def test_the_amendments_list_is_masked_while_presenting(tmp_path: Path, clock) -> None:
    from textual.widgets import Static

    from tests.tui_helpers import sample_database, settle, until
    from vip_tui.app import make_app
    from vip_tui.services import decisions, items, meetings
    from vip_tui.services.amendments import amend, find_record

    database = sample_database(tmp_path, clock)
    meeting = meetings.meeting_by_date(database, dt.date(2026, 11, 10))
    item = items.agenda(database, meeting.id)[0]
    name = items.item_detail(database, item.id, with_history=False).persons[0].name
    decisions.add_action_item(database, meeting.id, "Pull the ShotSpotter audio", owner_agency="RMPD")
    meetings.close_meeting(database, meeting.id, version=None)
    record = find_record(database, meeting.id, f"action item {meeting.number}-1")
    amend(database, meeting.id, record.entity, record.id, {"owner_name": "Det. Z. Example"},
          f"asked by {name.lower()}", version=record.version)
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_stage(meeting.id, "wrap_up")
        await settle(pilot)
        listing = lambda: str(app.screen.query_one("#amendments-list", Static).render())  # noqa: E731
        await until(pilot, lambda: name.split()[0].lower() in listing().lower(), "the amendment listed")
        await pilot.press("f2")
        await until(pilot, lambda: name.split()[0].lower() not in listing().lower(), "the reason masked")
        await settle(pilot)
        assert all(part.lower() not in listing().lower() for part in name.split())
