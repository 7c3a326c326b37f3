"""The tables of SPEC §2, as SQLModel classes.

Conventions:
- times of the program's own world (when a shooting happened, when a meeting
  starts, when a visit was made) are naive *local* date-times, because that is
  how the records system and the facilitator speak of them;
- enums are real database types (a native ENUM on PostgreSQL, a CHECK
  constraint on SQLite), so a stray value cannot get in by another route;
- every table has an integer surrogate key; the natural keys users know
  (case number, person record id, meeting date, agency short name) are unique.
"""

# No "from __future__ import annotations": SQLModel resolves relationship types at runtime.

import datetime as dt
from enum import Enum
from typing import Any, Optional

import sqlalchemy as sa
from pydantic import NaiveDatetime
from sqlalchemy.orm import declared_attr
from sqlmodel import Column, Field, Relationship, SQLModel

from .enums import (
    ActionStatus,
    AgencyKind,
    Attendance,
    AttemptResult,
    AuditAction,
    CaseStatus,
    ContactMethod,
    DisseminationMethod,
    Edition,
    EnrollSource,
    ExitReason,
    GoalStatus,
    IncidentType,
    MeetingStatus,
    NeedDomain,
    NeedLevel,
    NoteVisibility,
    NotificationStatus,
    ReferralStatus,
    ReleaseDecision,
    RetaliationRisk,
    ReviewStatus,
    Role,
    Stage,
)

# Constraint names must be stable across backends so migrations can address them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_column(
    enum: type[Enum], *, nullable: bool = False, default: Any = None, index: bool = False, name: str | None = None
) -> Any:
    """A column holding one of ``enum``'s values as a real enum type (named after the class unless ``name``)."""
    return Column(
        sa.Enum(
            enum,
            name=name or enum.__name__.lower(),
            create_constraint=True,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        nullable=nullable,
        default=default,
        index=index,
    )


def _fk(target: str, *, nullable: bool = True, index: bool = True, ondelete: str | None = None) -> Any:
    return Field(
        default=None,
        sa_column=Column(sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index),
    )


def _version() -> Any:
    """A row version for optimistic locking (see ``_versioned``): 1 on insert, +1 on every ORM update."""
    return Field(default=1, sa_column=Column(sa.Integer, nullable=False, server_default="1"))


@declared_attr.directive
def _versioned(cls: Any) -> dict[str, Any]:
    """``__mapper_args__`` of the tables two people may edit at once (SPEC §6, two instances).

    SQLAlchemy adds ``WHERE version = <as loaded>`` to each UPDATE and DELETE
    and raises ``StaleDataError`` when another writer got there first; the
    services also compare the version a screen loaded before writing, so a
    change made minutes ago by another instance is refused, not overwritten.
    """
    return {"version_id_col": cls.__table__.c.version}


# --------------------------------------------------------------------------- partners


class Agency(SQLModel, table=True):
    """A partner organisation, known by a short name (``RMPD``, ``ATF``)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    short_name: str = Field(sa_column=Column(sa.String(40), nullable=False, unique=True))
    name: Optional[str] = Field(default=None, max_length=200)
    kind: Optional[AgencyKind] = Field(default=None, sa_column=enum_column(AgencyKind, nullable=True))

    attendees: list["Attendee"] = Relationship(back_populates="agency")


class Attendee(SQLModel, table=True):
    """A person who takes part in meetings on behalf of an agency."""

    __table_args__ = (sa.UniqueConstraint("name_key", "agency_id", name="uq_attendee_name_agency"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)
    agency_id: Optional[int] = _fk("agency.id")
    role: Optional[str] = Field(default=None, max_length=200)

    agency: Optional[Agency] = Relationship(back_populates="attendees")
    attendance: list["MeetingAttendance"] = Relationship(back_populates="attendee")


# --------------------------------------------------------------------------- meetings


class Meeting(SQLModel, table=True):
    """One weekly review, identified by its date.

    ``number`` is the program's running meeting number; action items and
    notifications are referred to as ``<number>-<n>`` (``47-3``) so that they
    stay recognisable while they carry over from week to week.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    date: dt.date = Field(sa_column=Column(sa.Date, nullable=False, unique=True))
    number: int = Field(sa_column=Column(sa.Integer, nullable=False, unique=True))
    title: Optional[str] = Field(default=None, max_length=200)
    location: Optional[str] = Field(default=None, max_length=200)
    facilitator: Optional[str] = Field(default=None, max_length=200)
    start_time: Optional[dt.time] = None
    minutes: Optional[int] = Field(default=None, description="planned length of the meeting")
    status: MeetingStatus = Field(
        default=MeetingStatus.draft, sa_column=enum_column(MeetingStatus, default=MeetingStatus.draft, index=True)
    )
    agenda_ready: bool = Field(default=False)
    started_at: Optional[NaiveDatetime] = None
    closed_at: Optional[NaiveDatetime] = None
    # Numbers handed out to this meeting's action items and notifications.
    last_item_number: int = Field(default=0)
    version: int = _version()
    __mapper_args__ = _versioned

    agenda_items: list["AgendaItem"] = Relationship(
        back_populates="meeting", sa_relationship_kwargs={"order_by": "AgendaItem.position"}
    )
    attendance: list["MeetingAttendance"] = Relationship(back_populates="meeting")
    notes: list["Note"] = Relationship(back_populates="meeting")

    def ref(self, n: int) -> str:
        return f"{self.number}-{n}"


class MeetingAttendance(SQLModel, table=True):
    """An attendee's attendance at one meeting: invited, then present, remote or absent."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "attendee_id", name="uq_attendance_meeting_attendee"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False, ondelete="CASCADE")
    attendee_id: Optional[int] = _fk("attendee.id", nullable=False)
    status: Attendance = Field(
        default=Attendance.invited, sa_column=enum_column(Attendance, default=Attendance.invited)
    )
    walk_in: bool = Field(default=False)
    version: int = _version()
    __mapper_args__ = _versioned

    meeting: Optional[Meeting] = Relationship(back_populates="attendance")
    attendee: Optional[Attendee] = Relationship(back_populates="attendance")


class Incident(SQLModel, table=True):
    """A shooting event, known by its records-system case number."""

    id: Optional[int] = Field(default=None, primary_key=True)
    case_number: str = Field(sa_column=Column(sa.String(60), nullable=False, unique=True))
    occurred_at: NaiveDatetime = Field(index=True)
    type: IncidentType = Field(sa_column=enum_column(IncidentType, index=True))
    location: str = Field(max_length=300)
    area_command: Optional[str] = Field(default=None, max_length=100, index=True)
    summary: Optional[str] = None
    # What partners may read of the incident (SPEC §7): written for them, and
    # still passed through the release review; the summary never goes.
    partner_summary: Optional[str] = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    motive: Optional[str] = Field(default=None, max_length=300)
    case_status: Optional[CaseStatus] = Field(default=None, sa_column=enum_column(CaseStatus, nullable=True))
    retaliation_risk: Optional[RetaliationRisk] = Field(
        default=None, sa_column=enum_column(RetaliationRisk, nullable=True)
    )
    nibin_leads: list[str] = Field(default_factory=list, sa_column=Column(sa.JSON, nullable=False, default=list))
    version: int = _version()
    __mapper_args__ = _versioned

    involvements: list["Involvement"] = Relationship(back_populates="incident")
    agenda_items: list["AgendaItem"] = Relationship(back_populates="incident")


class AgendaItem(SQLModel, table=True):
    """An incident placed on a meeting's agenda, with its order, time budget and progress mark."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "incident_id", name="uq_agenda_item_meeting_incident"),
        sa.Index("ix_agenda_item_meeting_position", "meeting_id", "position"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False, index=False, ondelete="CASCADE")
    incident_id: Optional[int] = _fk("incident.id", nullable=False)
    position: int = Field(default=0)
    minutes: Optional[int] = Field(default=None, description="time budget for discussion")
    review_status: ReviewStatus = Field(
        default=ReviewStatus.pending, sa_column=enum_column(ReviewStatus, default=ReviewStatus.pending)
    )
    # Seconds spent discussing so far; the open stretch starts at started_at.
    elapsed_seconds: int = Field(default=0)
    started_at: Optional[NaiveDatetime] = None
    # What the incident was when its meeting closed (facts and involvements):
    # later imports change the incident, never what a closed meeting recorded.
    record: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(sa.JSON, nullable=True))
    version: int = _version()
    __mapper_args__ = _versioned

    meeting: Optional[Meeting] = Relationship(back_populates="agenda_items")
    incident: Optional[Incident] = Relationship(back_populates="agenda_items")
    notes: list["Note"] = Relationship(back_populates="agenda_item")


# --------------------------------------------------------------------------- people


class Person(SQLModel, table=True):
    """Someone involved in incidents: one record across weeks.

    Matched by ``record_id`` (the records-system person id) when known, else by
    ``name_key`` (the normalised name) plus date of birth. ``merged_into_id``
    points at the surviving record after two records were merged.
    """

    __table_args__ = (sa.Index("ix_person_name_key_dob", "name_key", "dob"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    record_id: Optional[str] = Field(default=None, sa_column=Column(sa.String(60), nullable=True, unique=True))
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    dob: Optional[dt.date] = None
    # Other names the person is known by (street names, nicknames): protected like the name.
    aliases: list[str] = Field(
        default_factory=list, sa_column=Column(sa.JSON, nullable=False, default=list, server_default="[]")
    )
    merged_into_id: Optional[int] = _fk("person.id")
    version: int = _version()
    __mapper_args__ = _versioned

    involvements: list["Involvement"] = Relationship(back_populates="person")
    notifications: list["Notification"] = Relationship(back_populates="person")
    referrals: list["Referral"] = Relationship(back_populates="person")


class Group(SQLModel, table=True):
    """A crew, gang or set."""

    __tablename__ = "group_"  # GROUP is a reserved word in SQL

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(sa_column=Column(sa.String(200), nullable=False, unique=True))


class PersonGroup(SQLModel, table=True):
    """A person's association with a group, as last seen in an agenda."""

    __tablename__ = "person_group"

    person_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    group_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("group_.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    last_seen: Optional[dt.date] = None


class Involvement(SQLModel, table=True):
    """A person's role in an incident."""

    __table_args__ = (sa.UniqueConstraint("incident_id", "person_id", "role", name="uq_involvement_role"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    incident_id: Optional[int] = _fk("incident.id", nullable=False, ondelete="CASCADE")
    person_id: Optional[int] = _fk("person.id", nullable=False)
    role: Role = Field(sa_column=enum_column(Role))
    group_id: Optional[int] = _fk("group_.id")
    notes: Optional[str] = None
    version: int = _version()
    __mapper_args__ = _versioned

    incident: Optional[Incident] = Relationship(back_populates="involvements")
    person: Optional[Person] = Relationship(back_populates="involvements")
    group: Optional[Group] = Relationship()


# --------------------------------------------------------------------------- decisions


class Note(SQLModel, table=True):
    """Discussion text captured on an agenda item (or the meeting as a whole)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False, ondelete="CASCADE")
    agenda_item_id: Optional[int] = _fk("agenda_item.id", ondelete="CASCADE")
    text: str = Field(default="", sa_column=Column(sa.Text, nullable=False, default=""))
    visibility: NoteVisibility = Field(
        default=NoteVisibility.members,
        sa_column=enum_column(NoteVisibility, default=NoteVisibility.members),
    )
    author: Optional[str] = Field(default=None, max_length=100)
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned

    meeting: Optional[Meeting] = Relationship(back_populates="notes")
    agenda_item: Optional[AgendaItem] = Relationship(back_populates="notes")

    @property
    def le_only(self) -> bool:
        return self.visibility == NoteVisibility.le_only


class ActionItem(SQLModel, table=True):
    """A decision with an owner and a due date, carried over until closed."""

    __tablename__ = "action_item"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number", name="uq_action_item_meeting_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False)
    number: int
    incident_id: Optional[int] = _fk("incident.id")
    description: str = Field(sa_column=Column(sa.Text, nullable=False))
    owner_agency_id: Optional[int] = _fk("agency.id")
    owner_name: Optional[str] = Field(default=None, max_length=200)
    due_date: Optional[dt.date] = Field(default=None, index=True)
    status: ActionStatus = Field(
        default=ActionStatus.open, sa_column=enum_column(ActionStatus, default=ActionStatus.open, index=True)
    )
    outcome: Optional[str] = None
    closed_at: Optional[NaiveDatetime] = None
    closed_in_meeting_id: Optional[int] = _fk("meeting.id")
    created_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned

    meeting: Optional[Meeting] = Relationship(sa_relationship_kwargs={"foreign_keys": "ActionItem.meeting_id"})
    owner_agency: Optional[Agency] = Relationship()
    incident: Optional[Incident] = Relationship()


class Notification(SQLModel, table=True):
    """A custom notification for a person at risk, followed to its outcome."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "number", name="uq_notification_meeting_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False)
    number: int
    person_id: Optional[int] = _fk("person.id", nullable=False)
    incident_id: Optional[int] = _fk("incident.id")
    reasons: str = Field(default="", sa_column=Column(sa.Text, nullable=False, default=""))
    team_officer: Optional[str] = Field(default=None, max_length=200)
    team_community_voice: Optional[str] = Field(default=None, max_length=200)
    team_outreach: Optional[str] = Field(default=None, max_length=200)
    due_date: Optional[dt.date] = Field(default=None, index=True)
    status: NotificationStatus = Field(
        default=NotificationStatus.proposed,
        sa_column=enum_column(NotificationStatus, default=NotificationStatus.proposed, index=True),
    )
    services_offered: Optional[str] = None
    services_accepted: Optional[str] = None
    outcome: Optional[str] = None
    closed_at: Optional[NaiveDatetime] = None
    closed_in_meeting_id: Optional[int] = _fk("meeting.id")
    created_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned

    meeting: Optional[Meeting] = Relationship(sa_relationship_kwargs={"foreign_keys": "Notification.meeting_id"})
    person: Optional[Person] = Relationship(back_populates="notifications")
    incident: Optional[Incident] = Relationship()
    attempts: list["NotificationAttempt"] = Relationship(
        back_populates="notification", sa_relationship_kwargs={"order_by": "NotificationAttempt.attempted_at"}
    )


class NotificationAttempt(SQLModel, table=True):
    """One visit or try at delivering a notification."""

    __tablename__ = "notification_attempt"

    id: Optional[int] = Field(default=None, primary_key=True)
    notification_id: Optional[int] = _fk("notification.id", nullable=False, ondelete="CASCADE")
    attempted_at: NaiveDatetime
    by: Optional[str] = Field(default=None, max_length=200)
    result: AttemptResult = Field(sa_column=enum_column(AttemptResult))
    letter_left: bool = Field(default=False)
    door_hanger_left: bool = Field(default=False)
    note: Optional[str] = None

    notification: Optional[Notification] = Relationship(back_populates="attempts")


class Referral(SQLModel, table=True):
    """A service referral for a person, from a notification or directly."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: Optional[int] = _fk("person.id", nullable=False)
    notification_id: Optional[int] = _fk("notification.id")
    meeting_id: Optional[int] = _fk("meeting.id")
    incident_id: Optional[int] = _fk("incident.id")
    service: str = Field(max_length=200)
    provider: Optional[str] = Field(default=None, max_length=200)
    status: ReferralStatus = Field(
        default=ReferralStatus.offered, sa_column=enum_column(ReferralStatus, default=ReferralStatus.offered, index=True)
    )
    offered_on: Optional[dt.date] = None
    status_on: Optional[dt.date] = None
    note: Optional[str] = None
    version: int = _version()
    __mapper_args__ = _versioned

    person: Optional[Person] = Relationship(back_populates="referrals")


# --------------------------------------------------------------------------- VIP All In (SPEC §9)
#
# Service records: a compartment of their own. Only the ``services`` audience
# reads them (vip_tui.disclosure); everyone else sees at most "enrolled in VIP
# All In since DATE".


class Participant(SQLModel, table=True):
    """One episode of a person in VIP All In: enrolled, moved through the stages, exited with a reason.

    Re-enrollment is a new row (``episode`` 2, 3...). At most one episode of a
    person is open (no ``exited_on``): a unique index holds it against two
    instances enrolling the same person at once.
    """

    __table_args__ = (
        sa.UniqueConstraint("person_id", "episode", name="uq_participant_person_episode"),
        sa.Index(
            "ux_participant_open_episode", "person_id", unique=True,
            sqlite_where=sa.text("exited_on IS NULL"), postgresql_where=sa.text("exited_on IS NULL"),
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: Optional[int] = _fk("person.id", nullable=False)
    episode: int = Field(default=1)
    coach: str = Field(max_length=100, index=True)
    enrolled_on: dt.date = Field(index=True)
    source: EnrollSource = Field(sa_column=enum_column(EnrollSource))
    notification_id: Optional[int] = _fk("notification.id")
    referral_id: Optional[int] = _fk("referral.id")
    stage: Stage = Field(default=Stage.engaging, sa_column=enum_column(Stage, default=Stage.engaging, index=True))
    stage_on: dt.date
    # Contacts per week agreed at intake (0.5: one every two weeks).
    cadence: float = Field(default=1.0)
    exited_on: Optional[dt.date] = None
    exit_reason: Optional[ExitReason] = Field(default=None, sa_column=enum_column(ExitReason, nullable=True))
    created_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned


class NeedAssessment(SQLModel, table=True):
    """An intake or a reassessment of a participant's needs; the history is kept, the newest is current."""

    __tablename__ = "need_assessment"

    id: Optional[int] = Field(default=None, primary_key=True)
    participant_id: Optional[int] = _fk("participant.id", nullable=False, ondelete="CASCADE")
    assessed_on: dt.date
    assessed_by: str = Field(max_length=100)
    created_at: NaiveDatetime


class Need(SQLModel, table=True):
    """One domain of an assessment: none / some / urgent, with a short note."""

    __table_args__ = (sa.UniqueConstraint("assessment_id", "domain", name="uq_need_assessment_domain"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    assessment_id: Optional[int] = _fk("need_assessment.id", nullable=False, ondelete="CASCADE")
    domain: NeedDomain = Field(sa_column=enum_column(NeedDomain))
    level: NeedLevel = Field(sa_column=enum_column(NeedLevel))
    note: Optional[str] = None


class Goal(SQLModel, table=True):
    """A line of a participant's plan: a domain, a goal, a target date, milestones and a status."""

    id: Optional[int] = Field(default=None, primary_key=True)
    participant_id: Optional[int] = _fk("participant.id", nullable=False, ondelete="CASCADE")
    domain: NeedDomain = Field(sa_column=enum_column(NeedDomain))
    goal: str = Field(sa_column=Column(sa.Text, nullable=False))
    target_on: Optional[dt.date] = Field(default=None, index=True)
    milestones: list[str] = Field(
        default_factory=list, sa_column=Column(sa.JSON, nullable=False, default=list, server_default="[]")
    )
    status: GoalStatus = Field(default=GoalStatus.open, sa_column=enum_column(GoalStatus, default=GoalStatus.open))
    status_on: Optional[dt.date] = None
    created_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned


class Contact(SQLModel, table=True):
    """A touchpoint with a participant: when, how, minutes spent, by whom, a note."""

    __table_args__ = (sa.Index("ix_contact_participant_at", "participant_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    participant_id: Optional[int] = _fk("participant.id", nullable=False, index=False, ondelete="CASCADE")
    at: NaiveDatetime
    method: ContactMethod = Field(sa_column=enum_column(ContactMethod))
    minutes: int = Field(default=0)
    by: str = Field(max_length=100)
    note: Optional[str] = None
    created_at: NaiveDatetime


# --------------------------------------------------------------------------- records about records


class Dissemination(SQLModel, table=True):
    """A record that a document went to someone (CJIS secondary dissemination log)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False)
    document: str = Field(max_length=40, description="minutes or agenda")
    audience: Edition = Field(sa_column=enum_column(Edition, name="audience"))
    receiving_agency_id: Optional[int] = _fk("agency.id")
    receiving: Optional[str] = Field(default=None, max_length=200, description="receiver when not a known agency")
    method: DisseminationMethod = Field(sa_column=enum_column(DisseminationMethod))
    sent_by: str = Field(max_length=100)
    sent_at: NaiveDatetime
    file_name: Optional[str] = Field(default=None, max_length=500)
    # The SHA-256 of the file as written: what exactly was sent, and a file a
    # log row points at is never replaced silently.
    sha256: Optional[str] = Field(default=None, max_length=64)


class PartnerRelease(SQLModel, table=True):
    """The release review's decision on one passage of a meeting's partner edition (SPEC §7).

    ``passage`` names the text (``incident:12:partner_summary``, ``note:40``,
    ``action:7``); ``source_hash`` is the SHA-256 of that text when it was
    decided, so a passage changed afterwards is undecided again.
    """

    __tablename__ = "partner_release"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "passage"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False, ondelete="CASCADE")
    passage: str = Field(max_length=80)
    source_hash: str = Field(max_length=64)
    decision: ReleaseDecision = Field(sa_column=enum_column(ReleaseDecision))
    partner_text: Optional[str] = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    decided_by: str = Field(max_length=100)
    decided_at: NaiveDatetime
    version: int = _version()
    __mapper_args__ = _versioned


class ReleaseExemption(SQLModel, table=True):
    """A protected-token hit in a passage marked "not this person" (a staff member, a street).

    Tied to the passage's text by ``source_hash``: if the text changes, the
    hit counts again. The audit log records who decided it and when.
    """

    __tablename__ = "release_exemption"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "passage", "source_hash", "token"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False, ondelete="CASCADE")
    passage: str = Field(max_length=80)
    source_hash: str = Field(max_length=64)
    token: str = Field(max_length=200, description="the matching words, folded, joined by spaces")
    decided_by: str = Field(max_length=100)
    decided_at: NaiveDatetime


class Amendment(SQLModel, table=True):
    """A correction to a closed meeting, with its reason."""

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: Optional[int] = _fk("meeting.id", nullable=False)
    at: NaiveDatetime
    user: str = Field(max_length=100)
    reason: str = Field(sa_column=Column(sa.Text, nullable=False))
    entity: str = Field(max_length=60)
    entity_id: Optional[int] = None
    change: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False, default=dict))


class PersonMerge(SQLModel, table=True):
    """Two person records found to be one person: what moved from ``absorbed`` to ``survivor``.

    ``moved`` lists, by table, the ids of the rows whose ``person_id`` was
    changed (involvements, notifications, referrals), the group links moved or
    folded, the involvements dropped because the survivor already had the same
    role in the same incident (kept whole so they can be put back) and the
    survivor's fields filled in from the absorbed record. ``unmerge`` reads it
    to put back exactly what moved; ``undone_at`` then marks the merge undone.
    """

    __tablename__ = "person_merge"

    id: Optional[int] = Field(default=None, primary_key=True)
    survivor_id: Optional[int] = _fk("person.id", nullable=False)
    absorbed_id: Optional[int] = _fk("person.id", nullable=False)
    at: NaiveDatetime
    user: str = Field(max_length=100)
    reason: Optional[str] = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    moved: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False, default=dict))
    undone_at: Optional[NaiveDatetime] = None
    undone_by: Optional[str] = Field(default=None, max_length=100)
    version: int = _version()
    __mapper_args__ = _versioned


class AuditLog(SQLModel, table=True):
    """Append-only record of every create, update and delete (written by the session hook in db.py)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(index=True)
    user: str = Field(max_length=100)
    action: AuditAction = Field(sa_column=enum_column(AuditAction))
    entity: str = Field(max_length=60)
    entity_id: Optional[str] = Field(default=None, max_length=60)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False, default=dict))
