"""Correcting and removing what a meeting decided: action items, notifications, referrals (issue 13 item 1).

While a meeting is open, a decision recorded by mistake is edited or removed
with the same checks as creating it (services/review.py: the description,
a known owner agency, a notification's subject alive, a service named).
Every write names the version its caller saw (a decision changed by another
instance since is refused, nothing written) and is audited by the session
hook (db.py). A closed meeting refuses: corrections to it are amendments with
a reason (:func:`review.amend`).

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
    Involvement,
    Meeting,
    MeetingAttendance,
    Notification,
    NotificationAttempt,
    Person,
    Referral,
)
from .review import (
    DecisionRow,
    ReviewError,
    _clean,
    _parse_owner,
    _writable,
    action_row,
    check_version,
    checked_description,
    checked_service,
    homicide_case,
    notification_row,
    notification_subject,
    referral_row,
    writing,
)

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
        meeting = _writable(s, action.meeting_id)
        agency = _parse_owner(s, owner_agency)
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
        meeting = _writable(s, n.meeting_id)
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
            _writable(s, r.meeting_id)
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
        meeting = _writable(s, action.meeting_id)
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
        meeting = _writable(s, n.meeting_id)
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
            _writable(s, r.meeting_id)
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
