"""Writing parsed agendas into the database: all or nothing, in place on re-import.

One transaction covers every file given, so a failure anywhere leaves the
database as it was. A meeting is matched by its date, an incident by its case
number, a person by records id or else by normalised name plus date of birth
(see :meth:`_Importer._match`), so importing the same files twice changes nothing.

``dry_run=True`` runs the very same import inside a transaction that is rolled
back, so a preview reports exactly what applying would create and update.
The agenda builder (services/agenda_builder.py) shares the agency, invitee and
group rules through :func:`ensure_agency`, :func:`invite` and :func:`link_group`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from ..db import Database
from ..enums import AgencyKind, Attendance, MeetingStatus
from ..models import (
    Agency,
    AgendaItem,
    Attendee,
    Group,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Note,
    Person,
    PersonGroup,
)
from ..names import name_key
from ..services.meetings import DatabaseBusy, next_meeting_number, take_write_lock
from .parse import parse_agendas
from .problems import AgendaErrors, Problem
from .schema import Agenda, AgencyIn, IncidentIn, PersonIn

# Kinds of the partner agencies most programs have, used when an agenda names
# an agency without an [[agencies]] entry.
KNOWN_AGENCY_KINDS: dict[str, AgencyKind] = {
    "FBI": AgencyKind.law_enforcement,
    "ATF": AgencyKind.law_enforcement,
    "DEA": AgencyKind.law_enforcement,
    "USMS": AgencyKind.law_enforcement,
    "HSI": AgencyKind.law_enforcement,
    "USAO": AgencyKind.prosecution,
    "DA": AgencyKind.prosecution,
}


FLUSH_EVERY = 500  # incidents written between flushes


@dataclass
class ImportReport:
    """What an import created and updated, counted per kind of record."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    meetings: list[tuple[Path, dt.date, str]] = field(
        default_factory=list
    )  # (file, date, created|updated)
    warnings: list[Problem] = field(default_factory=list)
    # One line per record created, updated or removed, and how each person newly
    # put on an incident was matched: what a preview shows so that a wrong link
    # is seen before it is made.
    details: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        out = [
            f"{path.name}: meeting {date.isoformat()} {what}" for path, date, what in self.meetings
        ]
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("removed", self.removed),
        ):
            if counter:
                parts = ", ".join(f"{n} {_plural(kind, n)}" for kind, n in sorted(counter.items()))
                out.append(f"{label}: {parts}")
        if not (self.created or self.updated or self.removed):
            out.append("no changes: the database already holds these agendas")
        return out


def merged_aliases(known: Sequence[str], new: Sequence[str]) -> list[str]:
    """``known`` then those of ``new`` not already there (by normalised name): aliases only accumulate."""
    out = list(known)
    keys = {name_key(alias) for alias in out}
    for alias in new:
        key = name_key(alias)
        if key and key not in keys:
            keys.add(key)
            out.append(alias)
    return out


def _plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return {"person": "persons", "agency": "agencies"}.get(kind, kind + "s")


def import_files(
    db: Database, paths: Sequence[Path], *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Validate every file, then import them all in one transaction.

    Raises :class:`AgendaErrors` (nothing changed) if any file has an error,
    or if the import is interrupted (ctrl+c). With ``dry_run`` nothing is
    kept: the report says what an import would do.
    """
    try:
        if progress is not None:
            progress.phase(f"reading {len(paths)} file{'s' if len(paths) != 1 else ''}")
        agendas, problems = parse_agendas(paths)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise AgendaErrors(errors)
        report = import_agendas(db, agendas, dry_run=dry_run, progress=progress)
    except KeyboardInterrupt:
        raise _refused("interrupted (ctrl+c); nothing was imported") from None
    finally:
        if progress is not None:
            progress.done()
    report.warnings = [p for p in problems if p.severity != "error"] + report.warnings
    return report


def _refused(message: str) -> AgendaErrors:
    return AgendaErrors([Problem(Path("import"), None, None, message)])


def import_agendas(
    db: Database, agendas: Sequence[Agenda], *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Write ``agendas`` in one transaction; raises :class:`AgendaErrors` and rolls back on a conflict.

    The transaction first takes the write lock (:func:`take_write_lock`), so
    imports run one after the other where they match and create persons and
    meetings: two at once never make one person twice nor clash on a meeting
    number. With ``dry_run`` the transaction is rolled back after the last
    flush, so the database (and its audit log) is left exactly as it was.
    """
    report = ImportReport(dry_run=dry_run)
    progress = progress or Progress()
    session = db.session()
    try:
        transaction = session.begin()
        try:
            take_write_lock(session, on_wait=lambda: progress.phase("waiting for another import or edit to finish"))
            total = sum(len(agenda.incidents) for agenda in agendas)
            progress.start(total)
            for agenda in agendas:
                _Importer(session, report, progress).run(agenda)
            progress.phase("saving")
            session.flush()
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    except DatabaseBusy:
        raise  # a StorageError: the CLI says "vip: the database is busy ...", the TUI retries
    except IntegrityError:
        # A constraint the validation could not see (a record written outside
        # the write lock meanwhile, say): nothing was written.
        raise _refused(
            "another change to the same records was saved while importing; nothing was imported: import again"
        ) from None
    except StaleDataError:
        raise _refused(
            "another user changed these records while they were being imported; nothing was imported: import again"
        ) from None
    finally:
        session.close()
    return report


class Progress:
    """What a long import is doing and how far it is; this one says nothing (see :class:`TerminalProgress`)."""

    def phase(self, what: str) -> None:
        """A step with no count: reading, waiting for the lock, saving."""

    def start(self, total: int) -> None:
        """The incidents to write, counted by :meth:`advance`."""

    def advance(self, n: int = 1) -> None:
        """``n`` more incidents written."""

    def done(self) -> None:
        """The work ended (done, refused or interrupted)."""


class TerminalProgress(Progress):
    """One line on ``stream`` (stderr), rewritten in place, once the work has taken ``after`` seconds.

    Only when the stream is a terminal: redirected output stays clean. The
    line is redrawn at most every ``every`` seconds, so it costs nothing.
    """

    def __init__(self, stream: TextIO | None = None, *, after: float = 1.0, every: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.shown = False
        self.total = 0
        self.count = 0
        self.what = ""
        self._began = time.monotonic()
        self._after = after
        self._every = every
        self._drawn = 0.0
        try:
            self.live = self.stream.isatty()
        except (AttributeError, ValueError):
            self.live = False

    def phase(self, what: str) -> None:
        self.what = what
        self._draw(force=True)

    def start(self, total: int) -> None:
        self.total, self.count, self.what = total, 0, "importing incidents"
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.count += n
        self._draw()

    def _draw(self, *, force: bool = False) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._began < self._after or (not force and now - self._drawn < self._every):
            return
        self._drawn = now
        line = self.what
        if self.total and self.what == "importing incidents":
            line += f": {self.count:,} of {self.total:,} ({100 * self.count // self.total}%)"
        self.stream.write(f"\r\x1b[2Kvip: {line}")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


def ensure_agency(session: Session, short_name: str) -> Agency:
    """The agency known by ``short_name`` (any case), created as an import would create it."""
    return _Importer(session, ImportReport())._agency(short_name.strip(), None)


def invite(session: Session, meeting: Meeting, name: str, role: str | None, agency: Agency) -> None:
    """Put ``name`` of ``agency`` on the meeting's invitees, as an agenda's ``[[attendees]]`` does."""
    _Importer(session, ImportReport())._attendee(meeting, name, role, agency)


def link_group(session: Session, name: str, person: Person, seen: dt.date) -> Group:
    """The group called ``name`` (created if new), with ``person`` linked to it as last seen on ``seen``."""
    return _Importer(session, ImportReport())._group(name, person, seen)


def _ref(name: str, obj: object) -> dict[str, object]:
    """``name_id=obj.id`` when ``obj`` has its id, else ``name=obj`` (a new row, given its id by the flush)."""
    ident = getattr(obj, "id")
    return {f"{name}_id": ident} if ident is not None else {name: obj}


def _is_of(involvement: Involvement, person: Person) -> bool:
    """Whether ``involvement`` is ``person``'s, for saved and for new rows alike (no lazy load)."""
    if involvement.person_id is not None:
        return person.id is not None and involvement.person_id == person.id
    return involvement.person is person


def _chunks(values: Sequence, size: int = 500) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _person_label(name: str, record_id: str | None, dob: dt.date | None) -> str:
    extra = ", ".join(x for x in (record_id, f"born {dob.isoformat()}" if dob else None) if x)
    return f"{name} ({extra})" if extra else name


class _Importer:
    def __init__(self, session: Session, report: ImportReport, progress: Progress | None = None) -> None:
        self.s = session
        self.report = report
        self.progress = progress or Progress()

    def _preload(self, agenda: Agenda) -> None:
        """Everything the incidents of ``agenda`` may match, in a few statements (not two per person).

        A 500-incident file spent 2-4 s in a query, a flush and an audit insert
        per person and per involvement (issue 7). The incidents are then
        written without a flush: new rows reference each other as objects,
        and one flush at the end of :meth:`run` inserts them in batches.
        """
        persons = [p for inc in agenda.incidents for p in inc.persons]
        self.by_record: dict[str, Person] = {}
        for chunk in _chunks(sorted({p.record_id for p in persons if p.record_id})):
            for person in self.s.exec(select(Person).where(Person.record_id.in_(chunk))).all():
                self.by_record[person.record_id] = person  # type: ignore[index]
        self.by_key: dict[str, list[Person]] = defaultdict(list)
        for chunk in _chunks(sorted({name_key(p.name) for p in persons if p.dob is not None})):
            for person in self.s.exec(select(Person).where(Person.name_key.in_(chunk)).order_by(Person.id)).all():
                self.by_key[person.name_key].append(person)
        self.incidents: dict[str, Incident] = {}
        for chunk in _chunks([inc.case_number for inc in agenda.incidents]):
            for incident in self.s.exec(select(Incident).where(Incident.case_number.in_(chunk))).all():
                self.incidents[incident.case_number] = incident
        self.involvements: dict[int, list[Involvement]] = defaultdict(list)
        for chunk in _chunks(sorted(i.id for i in self.incidents.values())):
            for inv in self.s.exec(
                select(Involvement).where(Involvement.incident_id.in_(chunk)).order_by(Involvement.id)
            ).all():
                self.involvements[inv.incident_id].append(inv)  # type: ignore[index]
        self.groups: dict[str, Group] = {}
        for chunk in _chunks(sorted({name_key(p.group) for p in persons if p.group})):
            for group in self.s.exec(select(Group).where(Group.name_key.in_(chunk))).all():
                self.groups[group.name_key] = group
        self.links: dict[tuple[int, int], dt.date] = {}  # (id(person), id(group)) -> last seen, written after the flush
        self.linked: dict[tuple[int, int], tuple[Person, Group]] = {}

    def _match(self, p: PersonIn) -> Person | None:
        """The known person this agenda entry refers to, or None, from the preloaded persons.

        Records id wins; otherwise normalised name plus date of birth. A name with
        neither id nor date of birth is too weak to link across incidents.
        A merged record resolves to the record it was merged into. Persons this
        import created are in the preloaded maps too.
        """
        person: Person | None = self.by_record.get(p.record_id) if p.record_id else None
        if person is None and p.dob is not None:
            candidates = [
                c
                for c in self.by_key.get(name_key(p.name), [])
                if c.dob == p.dob and not (p.record_id and c.record_id and c.record_id != p.record_id)
            ]
            person = candidates[0] if candidates else None
        seen: set[int] = set()
        while person is not None and person.merged_into_id is not None and person.id not in seen:
            seen.add(person.id)  # type: ignore[arg-type]
            person = self.s.get(Person, person.merged_into_id)
        return person

    def _set(self, obj: object, **values: object) -> bool:
        return bool(self._changes(obj, **values))

    def _changes(self, obj: object, **values: object) -> list[str]:
        changed = []
        for key, value in values.items():
            if getattr(obj, key) != value:
                setattr(obj, key, value)
                changed.append(key)
        return changed

    def _upsert(self, obj: object | None, factory: type, what: str, label: str | None = None, **values: object):  # noqa: ANN202
        if obj is None:
            obj = factory(**values)
            self.s.add(obj)
            self.report.created[what] += 1
            if label:
                self.report.details.append(f"{label}: new")
        elif changed := self._changes(obj, **values):
            self.report.updated[what] += 1
            if label:
                self.report.details.append(f"{label}: updated ({', '.join(changed)})")
        return obj

    def run(self, agenda: Agenda) -> None:
        m = agenda.meeting
        meeting = self.s.exec(select(Meeting).where(Meeting.date == m.date)).first()
        if meeting is not None and meeting.status == MeetingStatus.closed:
            raise AgendaErrors(
                [
                    Problem(
                        agenda.path,
                        m.line,
                        "meeting.date",
                        f"the meeting of {m.date.isoformat()} is closed; correct it with an amendment, not an import",
                    )
                ]
            )
        values = dict(
            title=m.title or (meeting.title if meeting else None),
            location=m.location or (meeting.location if meeting else None),
            facilitator=m.facilitator or (meeting.facilitator if meeting else None),
            start_time=m.start_time or (meeting.start_time if meeting else None),
            minutes=m.minutes or (meeting.minutes if meeting else None),
        )
        if meeting is None:
            number = next_meeting_number(self.s)
            meeting = Meeting(date=m.date, number=number, **values)
            self.s.add(meeting)
            self.report.created["meeting"] += 1
            self.report.meetings.append((agenda.path, m.date, "created"))
            self.report.details.append(f"meeting {m.date.isoformat()}: new (meeting {number})")
        else:
            if changed := self._changes(meeting, **values):
                self.report.updated["meeting"] += 1
                self.report.details.append(f"meeting {m.date.isoformat()}: updated ({', '.join(changed)})")
            self.report.meetings.append((agenda.path, m.date, "updated"))
        self.s.flush()

        agencies = {a.short_name.casefold(): a for a in agenda.agencies}
        for a in agenda.agencies:
            self._agency(a.short_name, a)
        for att in agenda.attendees:
            agency = self._agency(att.agency, agencies.get(att.agency.casefold()))
            self._attendee(meeting, att.name, att.role, agency)

        self._preload(agenda)
        items = {
            item.incident_id: item
            for item in self.s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
        }
        incidents: list[Incident] = []
        with self.s.no_autoflush:
            for position, inc in enumerate(agenda.incidents, start=1):
                incident = self._incident(inc, meeting.date)
                incidents.append(incident)
                self._upsert(
                    items.get(incident.id) if incident.id is not None else None,
                    AgendaItem,
                    "agenda item",
                    meeting_id=meeting.id,
                    **_ref("incident", incident),
                    position=position,
                    minutes=inc.minutes,
                )
                self.progress.advance()
                if position % FLUSH_EVERY == 0:
                    # In batches: one flush of a five-year backfill held every
                    # pending row and its audit entry in memory at once.
                    self.s.flush()
        self.s.flush()
        self._write_links()
        self._drop_missing_items(meeting, {i.id for i in incidents}, agenda)  # type: ignore[misc]

    def _drop_missing_items(self, meeting: Meeting, kept: set[int], agenda: Agenda) -> None:
        items = self.s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
        for item in items:
            if item.incident_id in kept:
                continue
            has_notes = (
                self.s.exec(select(Note.id).where(Note.agenda_item_id == item.id)).first()
                is not None
            )
            if has_notes or meeting.status != MeetingStatus.draft:
                incident = self.s.get(Incident, item.incident_id)
                self.report.warnings.append(
                    Problem(
                        agenda.path,
                        None,
                        None,
                        f"case {incident.case_number if incident else item.incident_id} is no longer in the file "
                        "but was already discussed; it stays on the agenda",
                        severity="warning",
                    )
                )
                continue
            self.s.delete(item)
            self.report.removed["agenda item"] += 1
            incident = self.s.get(Incident, item.incident_id)
            case = incident.case_number if incident else item.incident_id
            self.report.details.append(f"case {case}: taken off the agenda (no longer in the file)")

    def _agency(self, short_name: str, spec: AgencyIn | None) -> Agency:
        agency = self.s.exec(
            select(Agency).where(func.lower(Agency.short_name) == short_name.casefold())
        ).first()
        if agency is None:
            kind = spec.kind if spec and spec.kind else KNOWN_AGENCY_KINDS.get(short_name.upper())
            agency = Agency(short_name=short_name, name=spec.name if spec else None, kind=kind)
            self.s.add(agency)
            self.s.flush()
            self.report.created["agency"] += 1
        elif spec is not None:
            values = {
                k: v for k, v in dict(name=spec.name, kind=spec.kind).items() if v is not None
            }
            if self._set(agency, **values):
                self.report.updated["agency"] += 1
        return agency

    def _attendee(self, meeting: Meeting, name: str, role: str | None, agency: Agency) -> None:
        key = name_key(name)
        attendee = self.s.exec(
            select(Attendee).where(Attendee.name_key == key, Attendee.agency_id == agency.id)
        ).first()
        if attendee is None:
            attendee = Attendee(name=name, name_key=key, agency_id=agency.id, role=role)
            self.s.add(attendee)
            self.s.flush()
            self.report.created["attendee"] += 1
            self.report.details.append(f"invitee {name} ({agency.short_name}): new")
        elif role and self._set(attendee, role=role):
            self.report.updated["attendee"] += 1
        exists = self.s.exec(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting.id,
                MeetingAttendance.attendee_id == attendee.id,
            )
        ).first()
        if exists is None:
            self.s.add(
                MeetingAttendance(
                    meeting_id=meeting.id, attendee_id=attendee.id, status=Attendance.invited
                )
            )
            self.report.created["invitation"] += 1

    def _incident(self, inc: IncidentIn, meeting_date: dt.date) -> Incident:
        incident = self.incidents.get(inc.case_number)
        incident = self._upsert(
            incident,
            Incident,
            "incident",
            f"case {inc.case_number}",
            case_number=inc.case_number,
            occurred_at=inc.occurred_at,
            type=inc.type,
            location=inc.location,
            area_command=inc.area_command,
            summary=inc.summary,
            motive=inc.motive,
            case_status=inc.case_status,
            retaliation_risk=inc.retaliation_risk,
            nibin_leads=list(inc.nibin_leads),
            # A partner summary written in the builder or the review stays unless the file gives one.
            **({"partner_summary": inc.partner_summary} if inc.partner_summary is not None else {}),
        )
        self.incidents[inc.case_number] = incident  # a case twice in one import is one incident
        existing = list(self.involvements.get(incident.id, ())) if incident.id is not None else []
        wanted: set[int] = set()  # id() of the involvements the file still has
        for p in inc.persons:
            person, how = self._person(p, existing)
            group = self._pending_group(p.group, person, meeting_date) if p.group else None
            involvement = next((i for i in existing if _is_of(i, person) and i.role == p.role), None)
            if involvement is None:
                # A new link of a person to this incident: where a wrong match would hide.
                said = _person_label(p.name, p.record_id, p.dob)
                if how is None:
                    outcome = "new person"
                elif person.name == p.name:
                    outcome = f"known person, by {how}"
                else:
                    # The file's words differ from the record's: worth a look before applying.
                    outcome = f"linked to known {_person_label(person.name, person.record_id, person.dob)} by {how}"
                self.report.details.append(f"case {inc.case_number}: {p.role.label} {said}: {outcome}")
            involvement = self._upsert(
                involvement,
                Involvement,
                "involvement",
                **_ref("incident", incident),
                **_ref("person", person),
                role=p.role,
                **(_ref("group", group) if group is not None else {"group_id": None}),
                notes=p.notes,
            )
            if not any(involvement is i for i in existing):
                existing.append(involvement)
            wanted.add(id(involvement))
        if incident.id is not None:
            self.involvements[incident.id] = existing
        for involvement in existing:
            if id(involvement) not in wanted:
                self.s.delete(involvement)
                self.report.removed["involvement"] += 1
                gone = self.s.get(Person, involvement.person_id)
                self.report.details.append(
                    f"case {incident.case_number}: {gone.name if gone else 'a person'} "
                    f"({involvement.role.label}) taken off (no longer in the file)"
                )
        return incident

    def _person(self, p: PersonIn, existing: list[Involvement]) -> tuple[Person, str | None]:
        """The person ``p`` is, and how they were matched (None: a new person record)."""
        person = self._match(p)
        how = "records id" if person is not None and p.record_id and person.record_id == p.record_id else "name and date of birth"
        if person is None and not p.record_id and p.dob is None:
            # Re-import of the same incident: the same weak name is the same person.
            key = name_key(p.name)
            for involvement in existing:
                candidate = (
                    involvement.person  # added earlier in this import: no id yet
                    if involvement.person_id is None
                    else self.s.get(Person, involvement.person_id)
                )
                if candidate is not None and candidate.name_key == key:
                    person, how = candidate, "name, already on this incident"
                    break
        if person is None:
            person = Person(
                name=p.name, name_key=name_key(p.name), dob=p.dob, record_id=p.record_id,
                aliases=merged_aliases([], p.aliases),
            )
            self.s.add(person)
            self.report.created["person"] += 1
            self._known(person)
            return person, None
        # Fill in what the records system now tells us; never erase what we knew.
        values: dict[str, object] = {}
        if p.record_id and not person.record_id:
            values["record_id"] = p.record_id
        if p.dob and not person.dob:
            values["dob"] = p.dob
        aliases = merged_aliases(person.aliases or [], p.aliases)
        if aliases != (person.aliases or []):
            values["aliases"] = aliases
        if values and self._set(person, **values):
            self.report.updated["person"] += 1
            self._known(person)
        return person, how

    def _known(self, person: Person) -> None:
        """A person created or completed by this import: later incidents of the file must find them."""
        if person.record_id:
            self.by_record[person.record_id] = person
        if person.dob is not None and not any(person is c for c in self.by_key[person.name_key]):
            self.by_key[person.name_key].append(person)

    def _pending_group(self, name: str, person: Person, seen: dt.date) -> Group:
        """:meth:`_group` without a flush: the link is written by :meth:`_write_links` once ids exist."""
        key = name_key(name)
        group = self.groups.get(key)
        if group is None:
            group = Group(name=name, name_key=key)
            self.s.add(group)
            self.groups[key] = group
            self.report.created["group"] += 1
        pair = (id(person), id(group))
        self.linked[pair] = (person, group)
        self.links[pair] = max(seen, self.links.get(pair, seen))
        return group

    def _write_links(self) -> None:
        """The person-group links of the file (after the flush that gave new persons and groups their ids)."""
        if not self.linked:
            return
        person_ids = sorted({person.id for person, _ in self.linked.values()})  # type: ignore[type-var]
        found: dict[tuple[int, int], PersonGroup] = {}
        for chunk in _chunks(person_ids):
            for link in self.s.exec(select(PersonGroup).where(PersonGroup.person_id.in_(chunk))).all():
                found[(link.person_id, link.group_id)] = link
        for pair, (person, group) in self.linked.items():
            seen = self.links[pair]
            link = found.get((person.id, group.id))  # type: ignore[arg-type]
            if link is None:
                self.s.add(PersonGroup(person_id=person.id, group_id=group.id, last_seen=seen))  # type: ignore[arg-type]
            elif link.last_seen is None or link.last_seen < seen:
                link.last_seen = seen

    def _group(self, name: str, person: Person, seen: dt.date) -> Group:
        key = name_key(name)
        group = self.s.exec(select(Group).where(Group.name_key == key)).first()
        if group is None:
            group = Group(name=name, name_key=key)
            self.s.add(group)
            self.s.flush()
            self.report.created["group"] += 1
        link = self.s.get(PersonGroup, (person.id, group.id))
        if link is None:
            self.s.add(PersonGroup(person_id=person.id, group_id=group.id, last_seen=seen))
            self.s.flush()
        elif link.last_seen is None or link.last_seen < seen:
            link.last_seen = seen
        return group
