"""The closed vocabularies of SPEC §2, shared by the tables, the agenda files and the UI.

They are ``str`` enums so that values read and write as the plain words users see
in agenda files and on screen; the database stores them as real enum types
(a CHECK constraint on SQLite, a native ENUM on PostgreSQL).
"""

from __future__ import annotations

from enum import Enum


class _Vocab(str, Enum):
    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """The word shown to people: ``non_fatal`` -> ``non fatal``."""
        return self.value.replace("_", " ")

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class MeetingStatus(_Vocab):
    """A meeting's status; its ``label`` (draft, in progress, closed) is the one word the TUI and the CLI show."""

    draft = "draft"
    in_progress = "in_progress"
    closed = "closed"


# The title of a meeting that was given none (SPEC §3 agenda files: ``title`` is optional):
# the meetings list, ``vip meetings`` and the minutes all show this one.
DEFAULT_MEETING_TITLE = "Weekly Shooting Review"


class IncidentType(_Vocab):
    homicide = "homicide"
    non_fatal = "non_fatal"
    shots_fired = "shots_fired"
    other = "other"


class CaseStatus(_Vocab):
    open = "open"
    cleared_arrest = "cleared_arrest"
    cleared_exceptional = "cleared_exceptional"
    unfounded = "unfounded"


class RetaliationRisk(_Vocab):
    none = "none"
    long_term = "long_term"
    ongoing = "ongoing"
    immediate = "immediate"


class Role(_Vocab):
    victim = "victim"
    suspect = "suspect"
    witness = "witness"
    associate = "associate"
    person_of_interest = "person_of_interest"


class AgencyKind(_Vocab):
    law_enforcement = "law_enforcement"
    prosecution = "prosecution"
    supervision = "supervision"
    service = "service"
    community = "community"


class Attendance(_Vocab):
    invited = "invited"
    present = "present"
    remote = "remote"
    absent = "absent"


class ReviewStatus(_Vocab):
    """Progress mark of an agenda item during the meeting."""

    pending = "pending"
    discussed = "discussed"
    deferred = "deferred"


class ActionStatus(_Vocab):
    open = "open"
    done = "done"
    dropped = "dropped"


class NotificationStatus(_Vocab):
    proposed = "proposed"
    approved = "approved"
    assigned = "assigned"
    delivered = "delivered"
    delivered_to_family = "delivered_to_family"
    refused = "refused"
    not_located = "not_located"
    in_custody = "in_custody"
    cancelled = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_NOTIFICATION_STATUSES


OPEN_NOTIFICATION_STATUSES = frozenset(
    {NotificationStatus.proposed, NotificationStatus.approved, NotificationStatus.assigned}
)


# The notification lifecycle (SPEC §2): which status may follow which. A
# not-located notification may be given back to the team for another try.
NOTIFICATION_TRANSITIONS: dict[NotificationStatus, frozenset[NotificationStatus]] = {
    NotificationStatus.proposed: frozenset({NotificationStatus.approved, NotificationStatus.cancelled}),
    NotificationStatus.approved: frozenset({NotificationStatus.assigned, NotificationStatus.cancelled}),
    NotificationStatus.assigned: frozenset(
        {
            NotificationStatus.delivered,
            NotificationStatus.delivered_to_family,
            NotificationStatus.refused,
            NotificationStatus.not_located,
            NotificationStatus.in_custody,
            NotificationStatus.cancelled,
        }
    ),
    NotificationStatus.not_located: frozenset({NotificationStatus.assigned, NotificationStatus.cancelled}),
    NotificationStatus.delivered: frozenset(),
    NotificationStatus.delivered_to_family: frozenset(),
    NotificationStatus.refused: frozenset(),
    NotificationStatus.in_custody: frozenset(),
    NotificationStatus.cancelled: frozenset(),
}


class AttemptResult(_Vocab):
    delivered = "delivered"
    delivered_to_family = "delivered_to_family"
    refused = "refused"
    not_home = "not_home"
    not_located = "not_located"
    in_custody = "in_custody"


class ReferralStatus(_Vocab):
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    engaged = "engaged"
    completed = "completed"


class Audience(_Vocab):
    """Who sees a record (SPEC §2): decided in one place, ``vip_tui.disclosure``."""

    full = "full"  # law enforcement, prosecution, supervision
    partner = "partner"  # community and service agencies
    screen = "screen"  # presentation mode on a shared screen
    services = "services"  # VIP All In program staff (SPEC §9)


class Edition(_Vocab):
    """The two editions of a document, as the dissemination log stores them.

    Kept apart from :class:`Audience` so the database enum (named ``audience``
    since the first schema) keeps its two values.
    """

    full = "full"
    partner = "partner"


class NoteVisibility(_Vocab):
    """Who a note is written for (SPEC §2 visibility)."""

    le_only = "le_only"  # law enforcement only: full minutes mark it, screen hides it
    members = "members"  # the full minutes
    partners = "partners"  # released to the partner edition (after the release review)

    @property
    def label(self) -> str:
        return {"le_only": "LE only", "members": "members", "partners": "partners"}[self.value]


class ReleaseDecision(_Vocab):
    """What the release review decided for one passage of the partner edition."""

    released = "released"  # goes as written
    edited = "edited"  # goes in the partner wording written in the review
    withheld = "withheld"  # does not go


class DisseminationMethod(_Vocab):
    email = "email"
    printed = "printed"
    secure_portal = "secure_portal"
    in_person = "in_person"
    other = "other"


class AuditAction(_Vocab):
    create = "create"
    update = "update"
    delete = "delete"


# --------------------------------------------------------------------------- VIP All In (SPEC §9)


class Stage(_Vocab):
    """Where a participant stands; ``exited`` only by leaving the episode with a reason."""

    engaging = "engaging"  # first contacts
    planning = "planning"  # needs and plan agreed
    active = "active"  # working the plan
    sustaining = "sustaining"  # goals largely met, lighter contact
    exited = "exited"


# The stages a participant moves between while enrolled, in their order.
ACTIVE_STAGES = (Stage.engaging, Stage.planning, Stage.active, Stage.sustaining)


class ExitReason(_Vocab):
    completed = "completed"
    moved_away = "moved_away"
    incarcerated = "incarcerated"
    deceased = "deceased"
    declined = "declined"
    lost_contact = "lost_contact"


class EnrollSource(_Vocab):
    """How a person came to VIP All In."""

    notification = "notification"  # a delivered custom notification
    referral = "referral"  # an accepted referral
    profile = "profile"  # from the person's profile
    walk_in = "walk_in"  # a person record created at enrollment


class NeedDomain(_Vocab):
    """The social determinants of health an intake asks about."""

    safety = "safety"
    housing = "housing"
    employment = "employment"
    education = "education"
    income = "income"
    physical_health = "physical_health"
    mental_health = "mental_health"
    substance_use = "substance_use"
    legal = "legal"
    family = "family"
    transportation = "transportation"
    id_documents = "id_documents"


class NeedLevel(_Vocab):
    none = "none"
    some = "some"
    urgent = "urgent"


class GoalStatus(_Vocab):
    open = "open"
    met = "met"
    dropped = "dropped"


class ContactMethod(_Vocab):
    in_person = "in_person"
    phone = "phone"
    text = "text"
    attempt = "attempt"  # tried, no contact made: does not reset the cadence clock
