"""What a meeting decides: action items, notifications, referrals — taken, corrected, removed (issue 13 item 1).

While a meeting is open, a decision recorded by mistake is edited or removed
with the same checks as creating it (below: the description,
a known owner agency, a notification's subject alive, a service named).
Every write names the version its caller saw (a decision changed by another
instance since is refused, nothing written) and is audited by the session
hook (db.py). A closed meeting refuses: corrections to it are amendments with
a reason (:func:`.amendments.amend`).

What may be edited, by kind (decided here, issue 13):

- action item: description, owner agency, owner person, due date. Its status
  and outcome move in old business (they are what happened, not what was
  decided).
- notification: subject, risk reasons, the team (officer, community voice,
  outreach / peer worker), due date — while it is not final. The subject
  only while it is still *proposed* with no attempt: once a team went to a
  door, who it was for is history.
- referral: person, service (while still *offered*), provider. A referral
  made on the boards without a meeting follows the same rules; one made at
  a closed meeting is refused like the rest of that meeting.

What may be removed: an action item still open; a notification still
*proposed*, with no attempt and no referral made from it; a referral still
*offered*. Anything further along is a record of what happened: the refusal
says why and what to do instead (drop, cancel, decline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ..db import Database
from ..enums import (
    ActionStatus,
    AgencyKind,
    IncidentType,
    MeetingStatus,
    NotificationStatus,
    OPEN_NOTIFICATION_STATUSES,
    ReferralStatus,
    Role,
)
from ..models import (
    ActionItem,
    Agency,
    Attendee,
    Incident,
    Involvement,
    Meeting,
    MeetingAttendance,
    Notification,
    NotificationAttempt,
    Person,
    Referral,
)
from .attendance import agency_by_short_name
from .guard import ReviewError, check_version, writable_meeting, writing

KINDS = ("action", "notification", "referral")
WHAT = {"action": "the action item", "notification": "the notification", "referral": "the referral"}


@dataclass(frozen=True)
class PersonChoice:
    person_id: int
    name: str
    role: Role | None  # in the decision's incident; None: not involved in it


@dataclass(frozen=True)
class DecisionValues:
    """A decision as its edit form is filled: ``values`` keyed by the form's field names."""

    kind: str
    id: int
    ref: str
    version: int
    status: str
    meeting_id: int | None
    incident_id: int | None
    values: dict[str, Any]
    persons: list[PersonChoice] = field(default_factory=list)  # whom a notification or referral may be for
    closed_meeting: dt.date | None = None  # the date of its meeting when that is closed: nothing to edit here
    killed: frozenset[int] = frozenset()  # homicide victims among ``persons``: no notification can reach them


# --------------------------------------------------------------------------- taking them


@dataclass(frozen=True)
class DecisionRow:
    kind: str  # action | notification | referral
    id: int
    ref: str
    text: str
    owner: str
    due_date: dt.date | None
    status: str
    person: str | None = None  # a notification's or referral's subject, for presentation mode
    version: int = 1  # what an edit or a delete writes against (services/decisions.py)
    person_id: int | None = None  # a notification's or referral's subject




def meeting_decisions(s: Session, meeting: Meeting, *, incident_id: int | None = None) -> list[DecisionRow]:
    """Action items, notifications and referrals taken at ``meeting`` (on one incident, if given)."""
    actions = select(ActionItem, Agency).join(Agency, Agency.id == ActionItem.owner_agency_id, isouter=True).where(
        ActionItem.meeting_id == meeting.id
    )
    notifications = select(Notification, Person).join(Person, Person.id == Notification.person_id).where(
        Notification.meeting_id == meeting.id
    )
    referrals = select(Referral, Person).join(Person, Person.id == Referral.person_id).where(
        Referral.meeting_id == meeting.id
    )
    if incident_id is not None:
        actions = actions.where(ActionItem.incident_id == incident_id)
        notifications = notifications.where(Notification.incident_id == incident_id)
        referrals = referrals.where(Referral.incident_id == incident_id)
    rows: list[DecisionRow] = []
    for a, ag in s.exec(actions.order_by(ActionItem.number)).all():
        rows.append(action_row(meeting, a, ag))
    for n, p in s.exec(notifications.order_by(Notification.number)).all():
        rows.append(notification_row(meeting, n, p))
    for r, p in s.exec(referrals.order_by(Referral.id)).all():
        rows.append(referral_row(r, p))
    return rows


def action_row(meeting: Meeting, a: ActionItem, agency: Agency | None) -> DecisionRow:
    owner = " / ".join(x for x in (agency.short_name if agency else None, a.owner_name) if x)
    return DecisionRow("action", a.id, meeting.ref(a.number), a.description, owner, a.due_date,  # type: ignore[arg-type]
                       a.status.value, version=a.version)


def notification_row(meeting: Meeting, n: Notification, p: Person) -> DecisionRow:
    team = ", ".join(x for x in (n.team_officer, n.team_community_voice, n.team_outreach) if x)
    return DecisionRow("notification", n.id, meeting.ref(n.number), f"Notify {p.name}: {n.reasons}".rstrip(": "),  # type: ignore[arg-type]
                       team, n.due_date, n.status.value, person=p.name, version=n.version, person_id=p.id)


def referral_row(r: Referral, p: Person) -> DecisionRow:
    return DecisionRow("referral", r.id, "", f"Refer {p.name} to {r.service}", r.provider or "", None,  # type: ignore[arg-type]
                       r.status.value, person=p.name, version=r.version, person_id=p.id)



def _next_number(s: Session, meeting: Meeting) -> int:
    """The next ``<meeting>-<n>`` number, taken under a row lock so two instances never share one."""
    locked = s.exec(select(Meeting).where(Meeting.id == meeting.id).with_for_update()).one()
    locked.last_item_number += 1
    return locked.last_item_number


def parse_owner(s: Session, owner_agency: str | None) -> Agency | None:
    if not owner_agency or not owner_agency.strip():
        return None
    agency = agency_by_short_name(s, owner_agency, create=False)
    if agency is None:
        known = ", ".join(sorted(s.exec(select(Agency.short_name)).all())[:12])
        raise ReviewError(f"unknown agency {owner_agency.strip()!r}; known: {known}")
    return agency


def add_action_item(
    db: Database,
    meeting_id: int,
    description: str,
    *,
    incident_id: int | None = None,
    owner_agency: str | None = None,
    owner_name: str | None = None,
    due_date: dt.date | None = None,
) -> DecisionRow:
    """A new action item, numbered ``<meeting>-<n>``."""
    description = checked_description(description)
    with db.transaction() as s:
        meeting = writable_meeting(s, meeting_id)
        agency = parse_owner(s, owner_agency)
        number = _next_number(s, meeting)
        action = ActionItem(
            meeting_id=meeting_id, number=number, incident_id=incident_id, description=description,
            owner_agency_id=agency.id if agency else None, owner_name=_clean(owner_name),
            due_date=due_date, created_at=db.now(),
        )
        s.add(action)
        s.flush()
        return action_row(meeting, action, agency)


def checked_description(description: str) -> str:
    """An action item's words, refused when empty (creating and editing alike)."""
    description = (description or "").strip()
    if not description:
        raise ReviewError("an action item needs a description")
    return description


def checked_service(service: str) -> str:
    """A referral's service, refused when empty (creating and editing alike)."""
    service = (service or "").strip()
    if not service:
        raise ReviewError("a referral needs a service")
    return service


def homicide_case(s: Session, person_id: int, meeting: Meeting) -> str | None:
    """The case number of a homicide in which ``person_id`` is the victim, known by ``meeting``'s day, if any.

    A homicide after the meeting does not count: the person was alive when
    the meeting proposed their notification (the demo history has one such).
    """
    by = dt.datetime.combine(meeting.date + dt.timedelta(days=1), dt.time())
    return s.exec(
        select(Incident.case_number)
        .join(Involvement, Involvement.incident_id == Incident.id)
        .where(Involvement.person_id == person_id, Involvement.role == Role.victim,
               Incident.type == IncidentType.homicide, Incident.occurred_at < by)
        .limit(1)
    ).first()


def notification_subject(s: Session, person_id: int, meeting: Meeting) -> Person:
    """The person a notification of ``meeting`` is for, refused when unknown or killed (issue 13 item 7).

    The message names the case, not the person: it may be read on a shared screen.
    """
    person = s.get(Person, person_id)
    if person is None:
        raise ReviewError(f"no person {person_id}")
    case = homicide_case(s, person_id, meeting)
    if case is not None:
        raise ReviewError(
            f"this person is the victim of the homicide {case}: a custom notification cannot be delivered to them; "
            "propose it for a relative or an associate instead"
        )
    return person


def propose_notification(
    db: Database,
    meeting_id: int,
    person_id: int,
    *,
    incident_id: int | None = None,
    reasons: str = "",
    team_officer: str | None = None,
    team_community_voice: str | None = None,
    team_outreach: str | None = None,
    due_date: dt.date | None = None,
) -> DecisionRow:
    """A custom notification proposed for a person, numbered like action items.

    Refused for the victim of a homicide (:func:`notification_subject`).
    """
    with db.transaction() as s:
        meeting = writable_meeting(s, meeting_id)
        person = notification_subject(s, person_id, meeting)
        number = _next_number(s, meeting)
        n = Notification(
            meeting_id=meeting_id, number=number, person_id=person_id, incident_id=incident_id,
            reasons=reasons.strip(), team_officer=_clean(team_officer), team_community_voice=_clean(team_community_voice),
            team_outreach=_clean(team_outreach), due_date=due_date, created_at=db.now(),
        )
        s.add(n)
        s.flush()
        return notification_row(meeting, n, person)


def add_referral(
    db: Database,
    person_id: int,
    service: str,
    *,
    provider: str | None = None,
    meeting_id: int | None = None,
    incident_id: int | None = None,
    notification_id: int | None = None,
    note: str | None = None,
) -> DecisionRow:
    """A service referral for a person (status offered)."""
    service = checked_service(service)
    with db.transaction() as s:
        if meeting_id is not None:
            writable_meeting(s, meeting_id)
        person = s.get(Person, person_id)
        if person is None:
            raise ReviewError(f"no person {person_id}")
        r = Referral(
            person_id=person_id, service=service, provider=_clean(provider), meeting_id=meeting_id,
            incident_id=incident_id, notification_id=notification_id, status=ReferralStatus.offered,
            offered_on=db.now().date(), status_on=db.now().date(), note=_clean(note),
        )
        s.add(r)
        s.flush()
        return referral_row(r, person)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


# --------------------------------------------------------------------------- reading


def decision_values(db: Database, kind: str, decision_id: int) -> DecisionValues:
    """The decision as stored now, for its edit form (with the persons of its incident to choose from)."""
    with db.session() as s:
        if kind == "action":
            a = _get(s, ActionItem, decision_id, kind)
            meeting = s.get(Meeting, a.meeting_id)
            agency = s.get(Agency, a.owner_agency_id) if a.owner_agency_id else None
            values = {"description": a.description, "agency": agency.short_name if agency else None,
                      "owner": a.owner_name, "due": a.due_date}
            return DecisionValues(kind, a.id, meeting.ref(a.number), a.version, a.status.value,  # type: ignore[arg-type,union-attr]
                                  a.meeting_id, a.incident_id, values, closed_meeting=_closed(meeting))
        if kind == "notification":
            n = _get(s, Notification, decision_id, kind)
            meeting = s.get(Meeting, n.meeting_id)
            values = {"person": n.person_id, "reasons": n.reasons, "officer": n.team_officer,
                      "voice": n.team_community_voice, "outreach": n.team_outreach, "due": n.due_date}
            persons = _persons(s, n.incident_id, n.person_id)
            killed = frozenset(p.person_id for p in persons if homicide_case(s, p.person_id, meeting))  # type: ignore[arg-type]
            return DecisionValues(kind, n.id, meeting.ref(n.number), n.version, n.status.value,  # type: ignore[arg-type,union-attr]
                                  n.meeting_id, n.incident_id, values, persons, _closed(meeting), killed)
        if kind == "referral":
            r = _get(s, Referral, decision_id, kind)
            values = {"person": r.person_id, "service": r.service, "provider": r.provider}
            meeting = s.get(Meeting, r.meeting_id) if r.meeting_id is not None else None
            return DecisionValues(kind, r.id, "", r.version, r.status.value, r.meeting_id, r.incident_id,  # type: ignore[arg-type]
                                  values, _persons(s, r.incident_id, r.person_id), _closed(meeting))
    raise ReviewError(f"no kind of decision called {kind!r}")


def team_suggestions(db: Database, meeting_id: int | None) -> list[str]:
    """Names to suggest in owner and team fields: the meeting's attendees, then the program's people.

    The program's people are the known attendees of service and community
    agencies (outreach, peer support, moral voices) and whoever served on a
    notification team before. Attendees marked absent come last.
    """
    with db.session() as s:
        names: list[str] = []
        if meeting_id is not None:
            rows = s.exec(
                select(Attendee.name, MeetingAttendance.status)
                .join(MeetingAttendance, MeetingAttendance.attendee_id == Attendee.id)
                .where(MeetingAttendance.meeting_id == meeting_id)
            ).all()
            names += [n for n, status in sorted(rows, key=lambda r: (r[1].value == "absent", r[0].casefold()))]
        names += sorted(
            s.exec(
                select(Attendee.name).join(Agency, Agency.id == Attendee.agency_id)
                .where(Agency.kind.in_([AgencyKind.service, AgencyKind.community]))  # type: ignore[union-attr]
            ).all(),
            key=str.casefold,
        )
        for column in (Notification.team_officer, Notification.team_community_voice, Notification.team_outreach):
            names += sorted((x for x in s.exec(select(column).where(column.is_not(None)).distinct()).all() if x),
                            key=str.casefold)
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


# --------------------------------------------------------------------------- editing


def edit_action_item(
    db: Database, action_id: int, *, description: str, owner_agency: str | None, owner_name: str | None,
    due_date: dt.date | None, version: int | None,
) -> DecisionRow:
    """Correct an action item of an open meeting (the checks of ``add_action_item``)."""
    description = checked_description(description)
    with writing(db, WHAT["action"]) as s:
        action = check_version(s.get(ActionItem, action_id), version, WHAT["action"])
        meeting = writable_meeting(s, action.meeting_id)
        agency = parse_owner(s, owner_agency)
        action.description = description
        action.owner_agency_id = agency.id if agency else None
        action.owner_name = _clean(owner_name)
        action.due_date = due_date
        s.flush()
        return action_row(meeting, action, agency)


def edit_notification(
    db: Database, notification_id: int, *, person_id: int, reasons: str, team_officer: str | None,
    team_community_voice: str | None, team_outreach: str | None, due_date: dt.date | None, version: int | None,
) -> DecisionRow:
    """Correct what was decided about a notification of an open meeting (the checks of ``propose_notification``)."""
    with writing(db, WHAT["notification"]) as s:
        n = check_version(s.get(Notification, notification_id), version, WHAT["notification"])
        meeting = writable_meeting(s, n.meeting_id)
        if n.status not in OPEN_NOTIFICATION_STATUSES:
            raise ReviewError(
                f"notification {meeting.ref(n.number)} is {n.status.label}, which is final: "
                "what was decided stays as it was (its outcome is edited on the notifications board)"
            )
        if person_id != n.person_id:
            if n.status != NotificationStatus.proposed or _attempts(s, n.id):
                raise ReviewError(
                    f"notification {meeting.ref(n.number)} is {n.status.label}"
                    f"{' and a team has tried to deliver it' if _attempts(s, n.id) else ''}: "
                    "who it is for cannot change now; cancel it and propose a new one"
                )
        person = notification_subject(s, person_id, meeting)
        n.person_id = person.id
        n.reasons = (reasons or "").strip()
        n.team_officer = _clean(team_officer)
        n.team_community_voice = _clean(team_community_voice)
        n.team_outreach = _clean(team_outreach)
        n.due_date = due_date
        s.flush()
        return notification_row(meeting, n, person)


def edit_referral(
    db: Database, referral_id: int, *, person_id: int, service: str, provider: str | None, version: int | None,
) -> DecisionRow:
    """Correct a referral's person, service and provider (the checks of ``add_referral``)."""
    service = checked_service(service)
    with writing(db, WHAT["referral"]) as s:
        r = check_version(s.get(Referral, referral_id), version, WHAT["referral"])
        if r.meeting_id is not None:
            writable_meeting(s, r.meeting_id)
        if (person_id != r.person_id or service != r.service) and r.status != ReferralStatus.offered:
            raise ReviewError(
                f"this referral is {r.status.label}: its person and service are a record now; "
                "decline it and refer again (the provider can still be corrected)"
            )
        person = s.get(Person, person_id)
        if person is None:
            raise ReviewError(f"no person {person_id}")
        r.person_id = person.id  # type: ignore[assignment]
        r.service = service
        r.provider = _clean(provider)
        s.flush()
        return referral_row(r, person)


def edit_decision(db: Database, kind: str, decision_id: int, values: dict[str, Any], *, version: int | None) -> DecisionRow:
    """Edit from a form's ``values`` (the field names of screens/decision_forms.py)."""
    if kind == "action":
        return edit_action_item(
            db, decision_id, description=values.get("description") or "", owner_agency=values.get("agency"),
            owner_name=values.get("owner"), due_date=values.get("due"), version=version,
        )
    if kind == "notification":
        return edit_notification(
            db, decision_id, person_id=values["person"], reasons=values.get("reasons") or "",
            team_officer=values.get("officer"), team_community_voice=values.get("voice"),
            team_outreach=values.get("outreach"), due_date=values.get("due"), version=version,
        )
    if kind == "referral":
        return edit_referral(db, decision_id, person_id=values["person"], service=values.get("service") or "",
                             provider=values.get("provider"), version=version)
    raise ReviewError(f"no kind of decision called {kind!r}")


# --------------------------------------------------------------------------- removing


def delete_action_item(db: Database, action_id: int, *, version: int | None) -> str:
    """Remove an action item recorded by mistake (open only); returns its reference."""
    with writing(db, WHAT["action"]) as s:
        action = check_version(s.get(ActionItem, action_id), version, WHAT["action"])
        meeting = writable_meeting(s, action.meeting_id)
        ref = meeting.ref(action.number)
        if action.status != ActionStatus.open:
            raise ReviewError(f"action item {ref} is {action.status.value}: its outcome is a record; "
                              "reopen it in old business first if it was closed by mistake")
        s.delete(action)
        return ref


def delete_notification(db: Database, notification_id: int, *, version: int | None) -> str:
    """Remove a notification proposed by mistake; one with any history is refused (cancel it instead)."""
    with writing(db, WHAT["notification"]) as s:
        n = check_version(s.get(Notification, notification_id), version, WHAT["notification"])
        meeting = writable_meeting(s, n.meeting_id)
        ref = meeting.ref(n.number)
        why = None
        if n.status != NotificationStatus.proposed:
            why = f"it is {n.status.label}"
        elif _attempts(s, n.id):
            why = "a team has tried to deliver it"
        elif s.exec(select(func.count()).select_from(Referral).where(Referral.notification_id == n.id)).one():
            why = "a referral was made from it"
        if why:
            raise ReviewError(f"notification {ref} cannot be removed: {why}, and that history is a record; "
                              "cancel it instead (s on the notifications board)")
        s.delete(n)
        return ref


def delete_referral(db: Database, referral_id: int, *, version: int | None) -> str:
    """Remove a referral made by mistake (still offered only); returns its service."""
    with writing(db, WHAT["referral"]) as s:
        r = check_version(s.get(Referral, referral_id), version, WHAT["referral"])
        if r.meeting_id is not None:
            writable_meeting(s, r.meeting_id)
        if r.status != ReferralStatus.offered:
            raise ReviewError(f"this referral is {r.status.label}: that history is a record; "
                              "decline it instead (s on the referrals board)")
        s.delete(r)
        return r.service


def delete_decision(db: Database, kind: str, decision_id: int, *, version: int | None) -> str:
    """Remove a decision of any kind; returns words naming it for the message."""
    if kind == "action":
        return f"action item {delete_action_item(db, decision_id, version=version)}"
    if kind == "notification":
        return f"notification {delete_notification(db, decision_id, version=version)}"
    if kind == "referral":
        return f"referral to {delete_referral(db, decision_id, version=version)}"
    raise ReviewError(f"no kind of decision called {kind!r}")


# --------------------------------------------------------------------------- helpers


def _get(s: Session, model: type, decision_id: int, kind: str) -> Any:
    return check_version(s.get(model, decision_id), None, WHAT[kind])  # gone: StaleEdit, in the README's words


def _closed(meeting: Meeting | None) -> dt.date | None:
    return meeting.date if meeting is not None and meeting.status == MeetingStatus.closed else None


def _attempts(s: Session, notification_id: int | None) -> int:
    return s.exec(
        select(func.count()).select_from(NotificationAttempt).where(NotificationAttempt.notification_id == notification_id)
    ).one()


def _persons(s: Session, incident_id: int | None, current: int | None) -> list[PersonChoice]:
    """The persons of the incident, by role as the review lists them; the current subject always among them."""
    role_order = {r: n for n, r in enumerate(Role)}
    rows: list[PersonChoice] = []
    if incident_id is not None:
        found = s.exec(
            select(Involvement, Person).join(Person, Person.id == Involvement.person_id)
            .where(Involvement.incident_id == incident_id)
        ).all()
        for inv, p in sorted(found, key=lambda r: (role_order[r[0].role], r[0].id)):
            rows.append(PersonChoice(p.id, p.name, inv.role))  # type: ignore[arg-type]
    if current is not None and all(c.person_id != current for c in rows):
        p = s.get(Person, current)
        if p is not None:
            rows.insert(0, PersonChoice(p.id, p.name, None))  # type: ignore[arg-type]
    return rows
