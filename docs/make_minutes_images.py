"""Regenerate the page images of docs/minutes.md from the sample agendas.

    .venv/bin/python docs/make_minutes_images.py [--keep DIR]

Loads agendas/*.toml and *.csv into a temporary database, records the
decisions of a plausible week 2 and week 3 meeting (notes, action items,
notifications, a referral, attendance), exports the minutes of week 3 for
both audiences and the week 3 agenda, converts them to PDF with LibreOffice
and writes two page images of each edition of the minutes next to this
script. Needs ``libreoffice`` and ``pdftoppm`` (poppler-utils) on PATH.
Every name in the samples is fictional.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlmodel import select

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from vip_tui.agenda.importer import import_files  # noqa: E402 (after the path set-up)
from vip_tui.db import Database, open_database  # noqa: E402
from vip_tui.enums import (  # noqa: E402
    ActionStatus,
    AttemptResult,
    Attendance,
    MeetingStatus,
    NotificationStatus,
    ReferralStatus,
    ReviewStatus,
)
from vip_tui.export import build_agenda, export_minutes  # noqa: E402
from vip_tui.models import (  # noqa: E402
    ActionItem,
    Agency,
    AgendaItem,
    Incident,
    Meeting,
    MeetingAttendance,
    Note,
    Notification,
    NotificationAttempt,
    Person,
    Referral,
)

WEEK2 = dt.date(2026, 11, 17)
WEEK3 = dt.date(2026, 11, 24)


def add_sample_decisions(db: Database) -> None:
    """What a facilitator would have captured in weeks 2 and 3 of the samples."""
    with db.transaction() as s:
        meetings = {m.date: m for m in s.exec(select(Meeting)).all()}
        agencies = {a.short_name: a for a in s.exec(select(Agency)).all()}
        persons = {p.name: p for p in s.exec(select(Person)).all()}
        incidents = {i.case_number: i for i in s.exec(select(Incident)).all()}
        w2, w3 = meetings[WEEK2], meetings[WEEK3]

        def at(day: dt.date, hhmm: str) -> dt.datetime:
            return dt.datetime.combine(day, dt.time.fromisoformat(hhmm))

        # Week 2: closed, with decisions that carry over into week 3.
        w2.status, w2.started_at, w2.closed_at = MeetingStatus.closed, at(WEEK2, "09:03"), at(WEEK2, "10:29")
        carried_done = ActionItem(
            meeting_id=w2.id,
            number=1,
            incident_id=incidents["26-0090553"].id,
            description="Pull LPR reads near the Tamarisk Court shooting for the hour before it",
            owner_agency_id=agencies["RMPD"].id,
            owner_name="T. Begay-Lindell",
            due_date=dt.date(2026, 11, 20),
            created_at=at(WEEK2, "09:20"),
        )
        carried_open = ActionItem(
            meeting_id=w2.id,
            number=2,
            incident_id=incidents["26-0090741"].id,
            description="Check Jarrett Pemberton-Ruiz's probation conditions and curfew compliance",
            owner_agency_id=agencies["PPD"].id,
            owner_name="PO S. Redhouse",
            due_date=dt.date(2026, 11, 21),
            created_at=at(WEEK2, "09:48"),
        )
        carried_notification = Notification(
            meeting_id=w2.id,
            number=3,
            person_id=persons["Efraín Solórzano"].id,
            incident_id=incidents["26-0090619"].id,
            reasons="Shot on 11-12 in the Tamarisk Court vs Cerro Azul 16 conflict; retaliation expected",
            team_officer="Sgt. L. Ferreira",
            team_community_voice="Pastor E. Lucero",
            team_outreach="A. Brooks-Tafoya",
            due_date=dt.date(2026, 11, 21),
            status=NotificationStatus.assigned,
            created_at=at(WEEK2, "09:35"),
        )
        w2.last_item_number = 3
        s.add_all([carried_done, carried_open, carried_notification])
        s.flush()
        s.add(
            NotificationAttempt(
                notification_id=carried_notification.id,
                attempted_at=at(dt.date(2026, 11, 19), "18:10"),
                by="Sgt. L. Ferreira",
                result=AttemptResult.not_home,
                door_hanger_left=True,
            )
        )

        # Week 3: held and closed.
        w3.status, w3.started_at, w3.closed_at = MeetingStatus.closed, at(WEEK3, "09:02"), at(WEEK3, "10:41")
        statuses = [Attendance.present] * 10 + [Attendance.remote, Attendance.remote, Attendance.absent]
        for mark, status in zip(
            s.exec(
                select(MeetingAttendance).where(MeetingAttendance.meeting_id == w3.id).order_by(MeetingAttendance.id)
            ),
            statuses,
            strict=False,  # the last invitee's attendance stays not recorded
        ):
            mark.status = status
        items = {
            i.incident.case_number: i
            for i in s.exec(select(AgendaItem).where(AgendaItem.meeting_id == w3.id)).all()
            if i.incident is not None
        }
        for case, (mark, seconds) in {
            "26-0091044": (ReviewStatus.discussed, 16 * 60),
            "26-0091097": (ReviewStatus.discussed, 4 * 60),
            "26-0091160": (ReviewStatus.discussed, 6 * 60),
            "26-0091213": (ReviewStatus.discussed, 14 * 60),
            "26-0091278": (ReviewStatus.deferred, 0),
            "26-0091330": (ReviewStatus.discussed, 8 * 60),
        }.items():
            items[case].review_status, items[case].elapsed_seconds = mark, seconds
        carried_done.status, carried_done.closed_in_meeting_id = ActionStatus.done, w3.id
        carried_done.closed_at = at(WEEK3, "09:12")
        carried_done.outcome = "Two reads of the suspect vehicle at 23:31 and 23:38; passed to Homicide"

        def note(case: str, text: str, hhmm: str, *, le_only: bool = False) -> Note:
            return Note(
                meeting_id=w3.id,
                agenda_item_id=items[case].id,
                text=text,
                le_only=le_only,
                author="Lt. D. Marchetti",
                created_at=at(WEEK3, hhmm),
                updated_at=at(WEEK3, hhmm),
            )

        s.add_all(
            [
                note(
                    "26-0091044",
                    "Third shooting on N-2026-0418 in two weeks. Family of Ignacio Barrientos-Luna "
                    "has asked the program for help with funeral costs.",
                    "09:18",
                ),
                note(
                    "26-0091044",
                    "Rendón-Hale's phone places him two blocks away at 21:40; search warrant "
                    "being drafted. Do not share outside law enforcement.",
                    "09:24",
                    le_only=True,
                ),
                note(
                    "26-0091213",
                    "Marcus Oduya was released from hospital on 11-23. Outreach workers report "
                    "talk of retaliation at the Cerro Azul park.",
                    "10:02",
                ),
                note(
                    "26-0091213", "Confidential source names Benicio Carrizales as the driver.", "10:05", le_only=True
                ),
                note(
                    "26-0091160",
                    "Third incident around the Toscano family this month; the dispute with Marigold Heights continues.",
                    "09:40",
                ),
            ]
        )
        number = 0

        def next_number() -> int:
            nonlocal number
            number += 1
            return number

        s.add_all(
            [
                ActionItem(
                    meeting_id=w3.id,
                    number=next_number(),
                    incident_id=incidents["26-0091044"].id,
                    description="Canvass Calle Cerro Azul between Isleta and Coors for private cameras",
                    owner_agency_id=agencies["RMPD"].id,
                    owner_name="Det. R. Quintana",
                    due_date=dt.date(2026, 11, 27),
                    created_at=at(WEEK3, "09:25"),
                ),
                ActionItem(
                    meeting_id=w3.id,
                    number=next_number(),
                    incident_id=incidents["26-0091213"].id,
                    description="Expedite the NIBIN comparison of the Cerro Azul park casings",
                    owner_agency_id=agencies["ATF"].id,
                    owner_name="SA H. Vasquez-Moll",
                    due_date=dt.date(2026, 11, 26),
                    created_at=at(WEEK3, "10:06"),
                ),
                ActionItem(
                    meeting_id=w3.id,
                    number=next_number(),
                    incident_id=incidents["26-0091330"].id,
                    description="Offer Kiara Lindgren relocation support through the victim advocate",
                    owner_agency_id=agencies["VIP"].id,
                    owner_name="N. Estrada-Pike",
                    due_date=dt.date(2026, 11, 25),
                    created_at=at(WEEK3, "10:30"),
                ),
            ]
        )
        oduya = Notification(
            meeting_id=w3.id,
            number=next_number(),
            person_id=persons["Marcus Oduya"].id,
            incident_id=incidents["26-0091213"].id,
            reasons="Victim on 11-21; associates expected to retaliate against Cerro Azul 16",
            team_officer="Sgt. L. Ferreira",
            team_community_voice="Pastor E. Lucero",
            team_outreach="A. Brooks-Tafoya",
            due_date=dt.date(2026, 11, 27),
            status=NotificationStatus.approved,
            services_offered="relocation, peer mentor, GED program",
            created_at=at(WEEK3, "10:08"),
        )
        halvorsen = Notification(
            meeting_id=w3.id,
            number=next_number(),
            person_id=persons["Trey Halvorsen"].id,
            incident_id=incidents["26-0091044"].id,
            reasons="Associate of the 11-18 homicide victim; named in threats on social media",
            team_officer="Det. R. Quintana",
            team_outreach="A. Brooks-Tafoya",
            due_date=dt.date(2026, 11, 28),
            status=NotificationStatus.proposed,
            created_at=at(WEEK3, "09:30"),
        )
        w3.last_item_number = number
        s.add_all([oduya, halvorsen])
        s.flush()
        s.add(
            Referral(
                person_id=persons["Marcus Oduya"].id,
                notification_id=oduya.id,
                meeting_id=w3.id,
                incident_id=incidents["26-0091213"].id,
                service="Hospital-based violence intervention",
                provider="VIP Social Services",
                status=ReferralStatus.accepted,
                offered_on=WEEK3,
            )
        )


def render(docx: Path, out_prefix: Path, pages: tuple[int, int], workdir: Path) -> None:
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
        check=True,
        capture_output=True,
    )
    pdf = workdir / (docx.stem + ".pdf")
    for n, page in enumerate(pages, 1):
        stem = workdir / f"{docx.stem}-p{page}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
            check=True,
        )
        shutil.copyfile(stem.with_suffix(".png"), f"{out_prefix}-{n}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="also keep the .docx and .pdf files in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = open_database(str(work / "sample.db"), user="docs", clock=lambda: dt.datetime(2026, 11, 24, 14, 0))
        import_files(db, sorted(p for p in (REPO / "agendas").iterdir() if p.suffix in (".toml", ".csv")))
        add_sample_decisions(db)
        full = export_minutes(db, WEEK3, "full", work)
        # The release review, as `vip minutes release DATE --clean` and a facilitator withholding the rest.
        from vip_tui.services.release import release_all_clean

        with db.session() as s:
            meeting_id = s.exec(select(Meeting.id).where(Meeting.date == WEEK3)).one()
        release_all_clean(db, meeting_id, withhold_rest=True)
        partner = export_minutes(db, WEEK3, "partner", work)
        agenda = work / "agenda-2026-11-24.docx"
        build_agenda(db, WEEK3).save(str(agenda))
        render(full, HERE / "minutes-full", (1, 3), work)
        render(partner, HERE / "minutes-partner", (1, 4), work)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for f in [full, partner, agenda, *work.glob("*.pdf")]:
                shutil.copy(f, args.keep)
        db.dispose()


if __name__ == "__main__":
    main()
