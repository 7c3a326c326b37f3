"""The pre-read agenda of a meeting as a Word document (full audience only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..db import Database
from ..enums import Audience, DisseminationMethod
from . import format as fmt
from .data import MeetingData, load_meeting
from .dissemination import find_agency, output_path, publish
from .redact import Labels, Redactor
from .sections import Composer

if TYPE_CHECKING:
    from docx.document import Document
    from sqlmodel import Session

    from .document import Cell


def default_agenda_name(meeting_date: dt.date) -> str:
    """``agenda-2026-11-24.docx``."""
    return f"agenda-{meeting_date.isoformat()}.docx"


def build_agenda(db: Database, meeting_date: dt.date | str) -> Document:
    """The pre-read agenda of the meeting held on ``meeting_date``, not yet saved."""
    with db.session() as s:
        return _build(s, db.now(), meeting_date)[0]


def export_agenda(
    db: Database,
    meeting_date: dt.date | str,
    path: Path | str | None = None,
    to_agency: str | None = None,
    *,
    receiving: str | None = None,
    method: DisseminationMethod | str | None = None,
    sent_by: str | None = None,
    force: bool = False,
) -> Path:
    """Write the pre-read agenda to ``path`` (default ``agenda-<date>.docx``) and log the dissemination.

    Receiver and method as for :func:`~.minutes.export_minutes`; the audience is full.
    """
    with db.session() as s:
        agency = find_agency(s, to_agency)
        document, data = _build(s, db.now(), meeting_date)
    assert data.meeting.id is not None
    return publish(
        db,
        document,
        meeting_id=data.meeting.id,
        kind="agenda",
        audience=Audience.full,
        path=output_path(path, default_agenda_name(data.date)),
        agency=agency,
        receiving=receiving,
        method=method,
        sent_by=sent_by,
        force=force,
    )


def _build(session: Session, now: dt.datetime, meeting_date: dt.date | str) -> tuple[Document, MeetingData]:
    from .document import DocWriter  # python-docx only when writing

    data = load_meeting(session, meeting_date)
    m = data.meeting
    writer = DocWriter(
        title=f"Agenda — {fmt.meeting_title(m)} — {fmt.long_date(m.date)}",
        subject=f"Meeting {m.number}, {fmt.long_date(m.date)} — pre-read",
        marking=fmt.MARKINGS[Audience.full.value],
        footer=f"Agenda {fmt.compact_date(m.date)}",
        created=now,
    )
    AgendaComposer(writer, data, Redactor(Labels.for_items(data.items), None)).compose()
    return writer.doc, data


class AgendaComposer(Composer):
    """Meeting facts, running order, invitees, open old business, then each incident with its persons."""

    def compose(self) -> None:
        m = self.data.meeting
        self.w.title(
            f"Agenda for {fmt.day_month_year(m.date)}", f"{fmt.meeting_title(m)} · Meeting {m.number} · Pre-read"
        )
        self.w.paragraph(
            "Pre-read for the attendees of the weekly shooting review: the incidents to review in order, "
            "the persons involved and the business still open from earlier meetings. Law enforcement "
            "sensitive: do not forward."
        )
        self.w.heading("Meeting", 1)
        self.meeting_facts(planned=True)
        self.w.heading("Running order", 1)
        self.running_order()
        self.w.heading("Invitees", 1)
        self.attendance(with_status=False)
        self.w.heading("Old business", 1)
        self.old_business()
        self.w.heading("Incidents", 1)
        if not self.data.items:
            self.none("incidents on the agenda")
        for item in self.data.items:
            self.w.heading(self.incident_title(item), 2)
            self.incident_facts(item, ("Time budget", f"{item.minutes} min" if item.minutes else "not set"))
            self.w.heading("Persons", 3)
            self.persons(item)

    def running_order(self) -> None:
        """The incidents in order with their budgets and, when the start time is known, when each comes up."""
        if not self.data.items:
            self.none("incidents on the agenda")
            return
        start = self.data.meeting.start_time
        clock = dt.datetime.combine(self.data.date, start) if start else None
        elapsed = 0
        rows: list[list[Cell]] = []
        for n, item in enumerate(self.data.items, 1):
            incident = item.incident
            assert incident is not None
            at = f"{clock + dt.timedelta(minutes=elapsed):%H:%M}" if clock else f"+{fmt.duration(elapsed)}"
            rows.append(
                [
                    str(n),
                    at,
                    [(incident.case_number, "Strong"), f" {fmt.INCIDENT_TYPES[incident.type].lower()}"],
                    incident.area_command or incident.location,
                    f"{item.minutes} min" if item.minutes else "—",
                ]
            )
            elapsed += item.minutes or 0
        self.w.table(["#", "Starts", "Incident", "Area", "Budget"], rows, (0.4, 0.8, 2.9, 1.5, 0.9))
