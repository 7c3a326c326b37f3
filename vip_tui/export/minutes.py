"""The minutes of a meeting as a Word document, for law enforcement or for partners (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from ..db import Database
from ..enums import Audience, DisseminationMethod, MeetingStatus, ReviewStatus
from ..models import AgendaItem, Note, Referral
from . import format as fmt
from .data import MeetingData, load_meeting
from .dissemination import find_agency, output_path, publish
from ..disclosure import protected_index
from ..disclosure.passages import partner_notes
from .errors import LeakError, UnresolvedPassages
from .redact import WITHHELD, Labels, Redactor, Words, scan_document
from .sections import Composer

if TYPE_CHECKING:
    from docx.document import Document

    from ..services.amendments import AmendmentRow

    from .document import Cell, DocWriter, Span


def default_minutes_name(meeting_date: dt.date, audience: Audience | str, version: int = 1) -> str:
    """``minutes-2026-11-24-full.docx``; after an amendment ``minutes-2026-11-24-full-v2.docx``.

    A file the dissemination log says was sent is never replaced, so a new
    version gets a name of its own.
    """
    suffix = f"-v{version}" if version > 1 else ""
    return f"minutes-{meeting_date.isoformat()}-{Audience(audience).value}{suffix}.docx"


def build_minutes(db: Database, meeting_date: dt.date | str, audience: Audience | str) -> Document:
    """The minutes of the meeting held on ``meeting_date`` for ``audience``, not yet saved.

    Raises :class:`~.errors.MeetingNotFound` for a date without a meeting and,
    for the partner audience, :class:`~.errors.UnresolvedPassages` while the
    release review has passages left and :class:`~.errors.LeakError` if the
    finished document holds a protected string.
    """
    with db.session() as s:
        return _build(s, db.now(), meeting_date, Audience(audience))[0]


def export_minutes(
    db: Database,
    meeting_date: dt.date | str,
    audience: Audience | str = Audience.full,
    path: Path | str | None = None,
    to_agency: str | None = None,
    *,
    receiving: str | None = None,
    method: DisseminationMethod | str | None = None,
    sent_by: str | None = None,
    force: bool = False,
) -> Path:
    """Write the minutes to ``path`` and log the dissemination; returns the file written.

    ``path`` defaults to ``minutes-<date>-<audience>.docx`` in the current
    folder (inside ``path`` if it is a folder). The receiver is the agency
    with the short name ``to_agency`` and/or the free text ``receiving``;
    ``method`` defaults to email when there is a receiver, else "other".
    On any refusal (:class:`~.errors.ExportError`) nothing is written or logged.
    """
    audience = Audience(audience)
    with db.session() as s:
        agency = find_agency(s, to_agency)
        document, data = _build(s, db.now(), meeting_date, audience)
    target = output_path(path, default_minutes_name(data.date, audience, data.version))
    assert data.meeting.id is not None
    return publish(
        db,
        document,
        meeting_id=data.meeting.id,
        kind="minutes",
        audience=audience,
        path=target,
        agency=agency,
        receiving=receiving,
        method=method,
        sent_by=sent_by,
        force=force,
    )


def _build(
    session: Session, now: dt.datetime, meeting_date: dt.date | str, audience: Audience
) -> tuple[Document, MeetingData]:
    from .document import DocWriter  # python-docx only when writing

    data = load_meeting(session, meeting_date)
    m = data.meeting
    assert m.id is not None
    index = passages = None
    if audience == Audience.partner:
        from ..services.release import load as load_passages

        index = protected_index(session, (n.text for n in data.le_notes()))
        found = load_passages(session, m.id, data=data, index=index)
        open_ = [p for p in found if not p.resolved]
        if open_:
            raise UnresolvedPassages(m.date, open_)
        passages = {p.key: p for p in found}
    from ..services.amendments import load_amendments, minutes_version

    amendments = load_amendments(session, m)
    data.version, amended_at = minutes_version(amendments, now)  # the log derives the same number
    redactor = Redactor(Labels.for_items(data.items), passages)
    # For partners, the furniture names the meeting by its date only: a title is a passage.
    title = fmt.meeting_title(m) if passages is None else fmt.DEFAULT_TITLE
    writer = DocWriter(
        title=f"Minutes — {title} — {fmt.long_date(m.date)}",
        subject=f"Meeting {m.number}, {fmt.long_date(m.date)} — {audience.value} edition",
        marking=fmt.MARKINGS[audience.value],
        footer=f"Minutes {fmt.compact_date(m.date)}" + (f" · version {data.version}" if data.version > 1 else ""),
        created=now,
    )
    composer = MinutesComposer(writer, data, redactor)
    composer.amendment_rows, composer.amended_at = amendments, amended_at
    composer.compose()
    if index is not None:
        leaks = scan_document(writer.doc, index, writer.marks)
        if leaks:
            raise LeakError(f"partner minutes of {m.date.isoformat()}", leaks)
    return writer.doc, data


class MinutesComposer(Composer):
    """SPEC §7's minutes: facts, attendance, old business, one section per incident, summary."""

    def __init__(self, writer: DocWriter, data: MeetingData, redactor: Redactor) -> None:
        super().__init__(writer, data, redactor)
        placed = data.placed
        self.actions, self.notifications, self.referrals = placed.actions, placed.notifications, placed.referrals
        self._has_decisions = placed.any
        self.amendment_rows: list[AmendmentRow] = []
        self.amended_at: dt.datetime | None = None

    def compose(self) -> None:
        m = self.data.meeting
        edition = "Partner edition" if self.r.partner else "Law enforcement edition"
        self.w.title(f"Minutes of {fmt.day_month_year(m.date)}")
        self.w.paragraph(self.meeting_title(), f" · Meeting {m.number} · {edition}", style="Subtitle")
        if self.amended_at is not None:
            self.w.paragraph(
                (f"Version {self.data.version} — amended {fmt.day_month_year(self.amended_at.date())}", "Strong"),
                " (see Amendments at the end)",
            )
        self.intro()
        self.w.heading("Meeting", 1)
        self.meeting_facts(planned=False)
        self.w.heading("Attendance", 1)
        self.attendance(with_status=True)
        self.w.heading("Old business", 1)
        self.old_business()
        self.w.heading("Incidents reviewed", 1)
        if not self.data.items:
            self.none("incidents on the agenda")
        for item in self.data.items:
            self.incident(item)
        general_notes = self.data.notes.get(None, [])
        if (partner_notes(general_notes) if self.r.partner else general_notes) or self._has_decisions(None):
            self.w.heading("General business", 1)
            self.w.heading("Discussion", 3)
            self.notes(general_notes, None)
            self.w.heading("Decisions", 3)
            self.decisions(None)
        self.summary()
        if self.amendment_rows:
            self.amendments()

    def intro(self) -> None:
        if self.r.partner:
            self.w.paragraph(
                "Persons appear by their role in each incident (Victim 1, Associate 2, …). Names, dates of birth, "
                "records ids and law enforcement's notes are left out; a person is named only in the entry of "
                "a notification or referral that partners carry out. Text marked [withheld] was not released "
                "for partners. Do not forward beyond the receiving agency."
            )
        else:
            self.w.paragraph(
                "Law enforcement sensitive: for the agencies at the table; do not forward. Notes marked [LE only] "
                "must not be shared with partners; the partner edition of these minutes leaves them out."
            )
        if self.data.meeting.status != MeetingStatus.closed:
            self.w.paragraph(
                ("Draft: ", "Strong"), "the meeting has not been closed, so these minutes may still change."
            )

    # ------------------------------------------------------------------ incidents

    @property
    def pending(self) -> str:
        """What an item still pending is: the meeting is over, or still going on."""
        return "not reached" if self.data.meeting.status == MeetingStatus.closed else "not discussed yet"

    def review(self, item: AgendaItem) -> str:
        budget = f"budget {item.minutes} min" if item.minutes else "no budget"
        if item.review_status == ReviewStatus.discussed:
            spent = f"{fmt.duration(item.elapsed_seconds / 60)} ({budget})" if item.elapsed_seconds else budget
            return f"discussed — {spent}"
        if item.review_status == ReviewStatus.deferred:
            return "deferred to a later meeting"
        return self.pending

    def incident(self, item: AgendaItem) -> None:
        self.w.heading(self.incident_title(item), 2)
        self.incident_facts(item, ("Review", self.review(item)))
        self.w.heading("Persons", 3)
        self.persons(item)
        self.w.heading("Discussion", 3)
        self.notes(self.data.notes.get(item.id, []), item.incident_id)
        self.w.heading("Decisions", 3)
        self.decisions(item.incident_id)

    def notes(self, notes: list[Note], incident_id: int | None) -> None:
        """Every note for law enforcement; for partners, the notes made visible to them, as released."""
        if self.r.partner:
            for_partners = partner_notes(notes)
            for note in for_partners:
                self.w.bullet(self.said(f"note:{note.id}", note.text, WITHHELD))
            if not for_partners:
                self.none("discussion notes for partners")
            return
        shown = [n for n in notes if n.text.strip()]
        if not shown:
            self.none("discussion notes")
            return
        for note in shown:
            marker = [("[LE only] ", "Strong")] if note.le_only else []
            self.w.bullet(*marker, self.text(note.text, incident_id))

    def decisions(self, key: int | None) -> None:
        if not self._has_decisions(key):
            self.none("decisions recorded")
            return
        for a in self.actions[key]:
            self.action_entry(a)
        for n in self.notifications[key]:
            self.notification_entry(n)
        for r in self.referrals[key]:
            self.referral_entry(r)

    # ------------------------------------------------------------------ summary

    def summary(self) -> None:
        data = self.data
        self.w.heading("Summary", 1)
        self.w.heading("New action items", 2)
        if data.actions:
            self.action_table(data.actions)
        else:
            self.none("new action items")
        self.w.heading("Notifications", 2)
        if data.notifications:
            self.notification_table(data.notifications)
        else:
            self.none("notifications proposed")
        self.w.heading("Referrals", 2)
        if data.referrals:
            self.referral_table(data.referrals)
        else:
            self.none("referrals made")
        self.w.heading("Counts", 2)
        self.w.facts(self.counts())

    def referral_table(self, referrals: list[Referral]) -> None:
        rows: list[list[Cell]] = []
        allow: list[frozenset[Words] | None] = []
        for r in referrals:
            name, names = self.subject(r)
            rows.append(
                [
                    name,
                    self.said(f"referral:{r.id}:service", r.service, WITHHELD),
                    self.said(f"referral:{r.id}:provider", r.provider, "—"),
                    r.status.label,
                ]
            )
            allow.append(names or None)
        self.w.table(["Person", "Service", "Provider", "Status"], rows, (1.7, 2.0, 1.7, 1.1), allow=allow)

    def counts(self) -> list[tuple[str, Cell]]:
        data = self.data
        marks: dict[ReviewStatus, int] = defaultdict(int)
        for item in data.items:
            marks[item.review_status] += 1
        closed_here = sum(
            1 for d in data.carried_actions + data.carried_notifications if d.closed_in_meeting_id == data.meeting.id
        )
        carried = len(data.carried_actions) + len(data.carried_notifications)
        return [
            ("Incidents on the agenda", str(len(data.items))),
            ("Discussed", str(marks[ReviewStatus.discussed])),
            ("Deferred", str(marks[ReviewStatus.deferred])),
            (self.pending.capitalize(), str(marks[ReviewStatus.pending])),
            ("New action items", str(len(data.actions))),
            ("Notifications", str(len(data.notifications))),
            ("Referrals", str(len(data.referrals))),
            ("Old business", f"{fmt.plural(carried, 'item')} carried over, {closed_here} closed at this meeting"),
        ]

    # ------------------------------------------------------------------ amendments

    def amendments(self) -> None:
        """Corrections made after the meeting closed (services/amendments.py), as this edition may read them.

        Law enforcement: each with its values before and after, why and who.
        Partners: only amendments of what their edition shows; the values
        only of plain facts (a due date, an attendance), never the reason or
        who (free text that the release review has not seen).
        """
        from ..services.amendments import shown_value

        rows = [r for r in self.amendment_rows if self.may(r.disclosure)]
        self.w.heading("Amendments", 1)
        if not rows:
            self.none("amendments to what this edition shows")
            return
        self.w.paragraph("Corrections made after the meeting was closed, oldest first.")
        names = {a.attendee.id: a.attendee.name for a in self.data.attendance if a.attendee}
        for r in rows:
            record: list[Span] = [r.record if self.r.partner else self.text(r.record)]  # an attendee named as stored
            if r.entity == "attendance" and self.r.partner:
                name = names.get(r.attendee_id, "") if r.attendee_id is not None else ""
                record = ["attendance of ", self.said(f"attendee:{r.attendee_id}:name", name, WITHHELD)]
            spans: list[Span] = [(f"{fmt.compact_date(r.at.date())}: ", "Strong"), *record, f" — {r.label}"]
            if r.partner_values or not self.r.partner:
                before, after = shown_value(r.before), shown_value(r.after)
                if not r.partner_values:
                    before, after = self.text(before), self.text(after)
                spans.append(f": {before} → {after}.")
            else:
                spans.append(" corrected (as it stands above).")
            if self.may("amendment.reason"):
                spans.append(f" Why: {fmt.sentence(self.text(r.reason))}")
            if self.may("amendment.user"):
                spans.append(f" By {self.text(r.user)}.")
            self.w.bullet(*spans)
