"""The meeting's attendance: invitees marked present, remote or absent, and walk-ins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from ..db import Database
from ..enums import Attendance
from ..models import Agency, Attendee, MeetingAttendance
from ..names import name_key
from .guard import ReviewError, check_version, writable_meeting, writing


@dataclass(frozen=True)
class AttendanceRow:
    id: int
    name: str
    role: str | None
    agency: str
    agency_name: str | None
    status: Attendance
    walk_in: bool
    version: int = 1  # what a change of status writes against
    role_was: str | None = None  # add_walk_in: the stored role the walk-in's new role replaced


def attendance(db: Database, meeting_id: int) -> list[AttendanceRow]:
    """The meeting's invitees and walk-ins, by agency then name."""
    stmt = (
        select(MeetingAttendance, Attendee, Agency)
        .join(Attendee, Attendee.id == MeetingAttendance.attendee_id)
        .join(Agency, Agency.id == Attendee.agency_id, isouter=True)
        .where(MeetingAttendance.meeting_id == meeting_id)
    )
    with db.session() as s:
        rows = [
            AttendanceRow(
                a.id, p.name, p.role, ag.short_name if ag else "—", ag.name if ag else None, a.status, a.walk_in,
                a.version,
            )
            for a, p, ag in s.exec(stmt).all()
        ]
    return sorted(rows, key=lambda r: (r.agency.casefold(), r.name.casefold()))


def set_attendance(db: Database, attendance_id: int, status: Attendance, *, version: int | None) -> int:
    """Mark an invitee present, remote or absent; returns the row's version after, for the next mark."""
    with writing(db, "the attendance") as s:
        row = check_version(s.get(MeetingAttendance, attendance_id), version, "the attendance")
        writable_meeting(s, row.meeting_id)
        row.status = status
        s.flush()
        return row.version


def agency_short_names(db: Database) -> list[str]:
    with db.session() as s:
        return sorted(s.exec(select(Agency.short_name)).all(), key=str.casefold)


def agency_by_short_name(s: Session, short_name: str, *, create: bool) -> Agency | None:
    short_name = short_name.strip()
    if not short_name:
        return None
    agency = s.exec(select(Agency).where(func.lower(Agency.short_name) == short_name.casefold())).first()
    if agency is None and create:
        agency = Agency(short_name=short_name)
        s.add(agency)
        s.flush()
    return agency


def add_walk_in(db: Database, meeting_id: int, name: str, agency: str, role: str | None = None) -> AttendanceRow:
    """Someone who came without an invitation: marked present at once. An unknown agency is added.

    A known attendee of that agency who gives another role gets it (the session
    hook audits the change) and the row's ``role_was`` holds the role replaced,
    so the screen can say so; no role given keeps the stored one.
    """
    name = " ".join(name.split())
    role = " ".join((role or "").split()) or None
    if not name:
        raise ReviewError("a walk-in needs a name")
    if not agency.strip():
        raise ReviewError("a walk-in needs an agency")
    with db.transaction() as s:
        writable_meeting(s, meeting_id)
        ag = agency_by_short_name(s, agency, create=True)
        assert ag is not None
        attendee = s.exec(select(Attendee).where(Attendee.name_key == name_key(name), Attendee.agency_id == ag.id)).first()
        role_was = None
        if attendee is None:
            attendee = Attendee(name=name, name_key=name_key(name), agency_id=ag.id, role=role)
            s.add(attendee)
            s.flush()
        elif role is not None and role != attendee.role:
            role_was, attendee.role = attendee.role or "no role", role
        row = s.exec(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.attendee_id == attendee.id
            )
        ).first()
        if row is None:
            row = MeetingAttendance(meeting_id=meeting_id, attendee_id=attendee.id, walk_in=True)
            s.add(row)
        row.status = Attendance.present
        s.flush()
        return AttendanceRow(
            row.id, attendee.name, attendee.role, ag.short_name, ag.name, row.status, row.walk_in, row.version,
            role_was=role_was,
        )
