"""VIP All In's service records are a compartment of their own (issue 15 item 5).

Distinctive service-record text (needs notes, goal wording, milestones,
contact notes, coaches, who assessed and who made contacts) is stored for the
persons on a meeting's agenda; none of it may reach the full or the partner
minutes, the agenda pre-read, the review screen (at the desk or presenting),
the person profile at the full desk, or the CLI's listings. The one fact
every audience reads, "enrolled in VIP All In since DATE", does reach the
review and the profile.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select
from textual.widgets import OptionList, Static

from tests.export_helpers import DATE, Docx, build_sample, release_for_partners
from tests.tui_helpers import meeting_id, sample_database, settle
from vip_tui import disclosure
from vip_tui.app import make_app
from vip_tui.cli import main
from vip_tui.db import Database
from vip_tui.enums import Audience, ContactMethod, ExitReason, NeedDomain, NeedLevel, Stage
from vip_tui.export import export_agenda, export_minutes
from vip_tui.models import Person
from vip_tui.screens.review import ReviewScreen
from vip_tui.services import all_in, items, meetings

ENROLLED_ON = dt.date(2026, 11, 20)
ENROLLED = f"enrolled in VIP All In since {ENROLLED_ON.isoformat()}"

# Words that exist nowhere but in the service records stored below.
COACH = "Coach Wendeline Okonkwo-Frisby"
ASSESSOR = "Assessor Quillon Marchetti-Ebo"
CONTACT_BY = "Outreach Tamsin Velloway-Quade"
NEED_NOTE = "needsnote-zq17 evicted from the Larkspur-Vey flat"
URGENT_NOTE = "urgentnote-hb3 owes money to his cousin's crew"
GOAL = "goalword-qx finish the welding certificate"
MILESTONE = "milestone-kv9 enrol at Centro college"
CONTACT_NOTE = "contactnote-jw4 talked about his brother's debts"
ATTEMPT_NOTE = "attemptnote-pp2 left word with his aunt"
EXITED_NOTE = "exitednote-rr5 moved in with family up north"
SECRETS = (COACH, ASSESSOR, CONTACT_BY, NEED_NOTE, URGENT_NOTE, GOAL, MILESTONE, CONTACT_NOTE, ATTEMPT_NOTE,
           EXITED_NOTE)


# A word of each that exists nowhere else: a secret cut short (a narrow column, "…") is still found.
TOKENS = ("Okonkwo-Frisby", "Marchetti-Ebo", "Velloway-Quade", "needsnote-zq17", "urgentnote-hb3", "goalword-qx",
          "milestone-kv9", "contactnote-jw4", "attemptnote-pp2", "exitednote-rr5", "Wendeline", "Quillon", "Tamsin",
          "Larkspur-Vey")


def leaked(text: str) -> list[str]:
    """The secrets (whole, or a distinctive word of each) found in ``text``."""
    return sorted({w for w in (*SECRETS, *TOKENS) if w.casefold() in text.casefold()})


def store_service_records(db: Database, person_ids: list[int]) -> list[int]:
    """Every kind of service record for each person: enrolled, needs assessed twice, a plan, contacts; one exited.

    A homicide victim is not enrolled (the service refuses it); returns the persons who were.
    """
    person_ids = [pid for pid in person_ids if not _killed(db, pid)]
    *open_ids, exited_id = person_ids
    for pid in person_ids:
        saved = all_in.enroll(db, pid, coach=COACH, on=ENROLLED_ON, cadence=2)
        all_in.assess_needs(db, saved.id, {NeedDomain.housing: (NeedLevel.some, NEED_NOTE)}, by=ASSESSOR,
                            on=ENROLLED_ON)
        all_in.assess_needs(db, saved.id, {NeedDomain.housing: (NeedLevel.urgent, URGENT_NOTE),
                                           NeedDomain.employment: (NeedLevel.some, NEED_NOTE)},
                            by=ASSESSOR, on=ENROLLED_ON + dt.timedelta(days=2))
        all_in.add_goal(db, saved.id, NeedDomain.employment, GOAL, target_on=DATE + dt.timedelta(days=30),
                        milestones=[MILESTONE])
        all_in.log_contact(db, saved.id, method=ContactMethod.in_person, at=dt.datetime(2026, 11, 21, 15, 0),
                           minutes=45, by=CONTACT_BY, note=CONTACT_NOTE)
        all_in.log_contact(db, saved.id, method=ContactMethod.attempt, at=dt.datetime(2026, 11, 23, 10, 0),
                           by=CONTACT_BY, note=ATTEMPT_NOTE)
        all_in.set_stage(db, saved.id, Stage.planning, on=ENROLLED_ON + dt.timedelta(days=2), version=None)
        if pid == exited_id:
            all_in.log_contact(db, saved.id, method=ContactMethod.phone, at=dt.datetime(2026, 11, 22, 9, 0),
                               by=CONTACT_BY, note=EXITED_NOTE)
            all_in.exit_participant(db, saved.id, ExitReason.moved_away, on=DATE, version=None)
    assert open_ids
    return person_ids


def _killed(db: Database, person_id: int) -> bool:
    from vip_tui.enums import IncidentType, Role
    from vip_tui.models import Incident, Involvement

    with db.session() as s:
        return s.exec(
            select(Incident.id).join(Involvement, Involvement.incident_id == Incident.id)
            .where(Involvement.person_id == person_id, Involvement.role == Role.victim,
                   Incident.type == IncidentType.homicide)
        ).first() is not None


def agenda_person_ids(db: Database, meeting: int) -> list[int]:
    """Every person on the meeting's agenda, in agenda order."""
    out: list[int] = []
    for row in items.agenda(db, meeting):
        for p in items.item_detail(db, row.id).persons:
            if p.person_id not in out:
                out.append(p.person_id)
    return out


# --------------------------------------------------------------------------- the disclosure layer


@pytest.mark.parametrize("audience", list(Audience))
def test_only_the_services_audience_reads_service_records(audience: Audience) -> None:
    assert disclosure.may_see(audience, "services.records") is (audience == Audience.services)
    assert disclosure.may_see(audience.value, "services.records") is (audience == Audience.services)
    assert disclosure.may_see(audience, "services.enrolled_since") is True
    assert disclosure.may_see(audience, "services.coach_entered") is (audience in (Audience.full, Audience.services))
    assert disclosure.may_see(audience, "services.something_new") is False  # unknown: shown to nobody


def test_the_services_audience_reads_the_meeting_but_no_law_enforcement_identifier() -> None:
    for field in ("person.record_id", "person.dob", "person.aliases", "person.notes"):
        assert not disclosure.may_see(Audience.services, field), field
    for field in ("person.name", "incident.summary", "notification.reasons", "referral.note"):
        assert disclosure.may_see(Audience.services, field), field  # program staff attend the meeting
    assert not disclosure.note_shown("le_only", Audience.services)
    assert disclosure.note_shown("members", Audience.services)


# --------------------------------------------------------------------------- the documents (both backends)


@pytest.fixture
def documents(database, tmp_path: Path) -> tuple[Database, list[int], Path]:  # noqa: ANN001
    """The export sample (week 47 on DATE, closed) with service records for every person on its agenda."""
    sample = build_sample(database)
    with database.session() as s:
        ids = [s.exec(select(Person.id).where(Person.name == name)).one()
               for name in (sample.victim, sample.associate, sample.suspect, sample.witness)]
    store_service_records(database, ids)
    out = tmp_path / "out"
    out.mkdir()
    return database, ids, out


def test_no_service_record_reaches_the_full_minutes(documents) -> None:  # noqa: ANN001
    database, _, out = documents
    doc = Docx.read(export_minutes(database, DATE, "full", out))
    text = doc.all_text()
    assert "Zebulon Quarrington" in text  # the minutes were written, with the persons in them
    assert leaked(text) == []
    assert "planning" not in text.casefold().replace("planning meeting", "")  # no stage either


def test_no_service_record_reaches_the_partner_minutes(documents) -> None:  # noqa: ANN001
    database, _, out = documents
    release_for_partners(database)
    doc = Docx.read(export_minutes(database, DATE, "partner", out))
    text = doc.all_text()  # every part: body, headers, footers, comments, properties
    assert "Partner edition" in text
    assert leaked(text) == []
    assert leaked(doc.header_text()) == []


def test_no_service_record_reaches_the_agenda_pre_read(documents) -> None:  # noqa: ANN001
    database, _, out = documents
    doc = Docx.read(export_agenda(database, DATE, out))
    text = doc.all_text()
    assert "Zebulon Quarrington" in text
    assert leaked(text) == []


def test_no_service_record_reaches_the_cli_listings(documents) -> None:  # noqa: ANN001
    database, _, out = documents
    runner = CliRunner()
    outputs = []
    for args in (["notifications"], ["notifications", "--status", "closed"], ["meetings"], ["figures"],
                 ["amendments", DATE.isoformat()], ["disseminations"]):
        result = runner.invoke(main, ["--db", database.url, "--user", "tester", *args], catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert "Quarrington" in "".join(outputs)  # the listings list the persons
    for text in outputs:
        assert leaked(text) == []


# --------------------------------------------------------------------------- the screens


@pytest.fixture
def review_database(tmp_path: Path, clock):  # noqa: ANN001, ANN201
    """The sample agendas, the review meeting started, service records for every person on its agenda."""
    db = sample_database(tmp_path, clock)
    meetings.start_meeting(db, meeting_id(db), version=None)
    ids = store_service_records(db, agenda_person_ids(db, meeting_id(db)))
    yield db, ids
    db.dispose()


def all_text(app) -> str:  # noqa: ANN001
    """Everything the screen has to show: the lines drawn now, and every option and static, scrolled out or not."""
    screen = app.screen
    parts = [strip.text for strip in screen._compositor.render_strips()]  # noqa: SLF001
    for options in screen.query(OptionList):
        parts.extend(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
    for static in screen.query(Static):
        parts.append(str(static.render()))
    parts.append(str(screen.sub_title))
    return "\n".join(parts)


async def review_text(app, pilot) -> list[str]:  # noqa: ANN001
    """The review screen's text on every item of the agenda, moving with n as the facilitator does."""
    app.open_stage(meeting_id(app.db), "review")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    texts = []
    for index in range(len(screen.rows)):
        assert screen.current == index
        texts.append(all_text(app))
        await pilot.press("n")
        await settle(pilot)
    return texts


@pytest.mark.parametrize("desk", ["full", "services"])
async def test_the_review_shows_since_when_and_no_service_record(review_database, desk: str) -> None:  # noqa: ANN001
    database, ids = review_database
    app = make_app(database, desk=desk)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        texts = await review_text(app, pilot)
    assert texts and all(leaked(t) == [] for t in texts), [leaked(t) for t in texts]
    # Every open episode says since when; the person who exited says nothing of it.
    assert sum(t.count(ENROLLED) for t in texts) >= len(ids) - 1
    assert any(ENROLLED in t for t in texts)


async def test_the_review_while_presenting_shows_since_when_and_no_service_record(review_database) -> None:  # noqa: ANN001
    database, _ = review_database
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.audience == Audience.screen
        texts = await review_text(app, pilot)
    assert texts and all(leaked(t) == [] for t in texts), [leaked(t) for t in texts]
    assert any(ENROLLED in t for t in texts)


async def test_the_exited_persons_review_line_is_gone(review_database) -> None:  # noqa: ANN001
    database, ids = review_database
    exited = ids[-1]
    assert all_in.enrolled_since(database, ids) == {pid: ENROLLED_ON for pid in ids[:-1]}
    detail = next(
        d for d in (items.item_detail(database, r.id) for r in items.agenda(database, meeting_id(database)))
        if any(p.person_id == exited for p in d.persons)
    )
    assert exited not in detail.enrolled


@pytest.mark.parametrize("presenting", [False, True])
async def test_the_profile_at_the_full_desk_shows_since_when_and_no_service_record(
    review_database, presenting: bool,  # noqa: ANN001
) -> None:
    database, ids = review_database
    app = make_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if presenting:
            await pilot.press("f2")
            await settle(pilot)
        for pid in ids:
            app.open_person(pid)
            await settle(pilot)
            text = all_text(app)
            assert leaked(text) == [], (pid, leaked(text))
            assert (ENROLLED in text) is (pid != ids[-1]), pid
            app.pop_screen()
            await settle(pilot)


async def test_the_services_desk_reads_the_meeting_without_law_enforcement_only_notes_or_identifiers(
    review_database,  # noqa: ANN001
) -> None:
    database, _ = review_database
    first = items.agenda(database, meeting_id(database))[0].id
    items.save_note(database, first, "lenote-x81 informant says the car is at his cousin's", version=None,
                    visibility="le_only")
    items.save_note(database, first, "membersnote-m22 the family asked for help", version=None)
    texts = {}
    for desk in ("full", "services"):
        app = make_app(database, desk=desk)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            texts[desk] = "\n".join(await review_text(app, pilot))
    assert "lenote-x81" in texts["full"] and "lenote-x81" not in texts["services"]
    assert "membersnote-m22" in texts["services"]
    assert "MNI-" in texts["full"] and "MNI-" not in texts["services"]
