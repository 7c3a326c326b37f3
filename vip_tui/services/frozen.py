"""A closed meeting's record, frozen (issue 12): what its minutes said about each incident.

Closing a meeting stores, in each agenda item's ``record``, the incident's
facts and its involvements with their persons and groups as they were
(:func:`freeze`). A later import may update the incident for later meetings;
the closed meeting's review and minutes read the record (:func:`thaw`), so
they never change after the fact. Meetings closed before records existed
have none and read the live rows.

Thawed objects are transient copies, never added to a session: reading them
cannot write anything back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

from ..enums import MeetingStatus
from ..models import AgendaItem, Group, Incident, Involvement, Meeting, Person

RECORD_FORMAT = 1


def freeze(incident: Incident) -> dict[str, Any]:
    """The incident with its involvements, persons and groups as JSON (loaded relations are read)."""
    return {
        "format": RECORD_FORMAT,
        "incident": incident.model_dump(mode="json"),
        "involvements": [
            {
                **involvement.model_dump(mode="json"),
                "person": involvement.person.model_dump(mode="json") if involvement.person else None,
                "group": involvement.group.model_dump(mode="json") if involvement.group else None,
            }
            for involvement in sorted(incident.involvements, key=lambda i: i.id or 0)
        ],
    }


def thaw(record: dict[str, Any]) -> Incident:
    """A transient incident as :func:`freeze` kept it, its involvements, persons and groups set."""
    incident = Incident.model_validate(record["incident"])
    involvements = []
    for row in record["involvements"]:
        values = {k: v for k, v in row.items() if k not in ("person", "group")}
        involvement = Involvement.model_validate(values)
        person = Person.model_validate(row["person"]) if row.get("person") else None
        group = Group.model_validate(row["group"]) if row.get("group") else None
        # Set as loaded, not assigned: no cascade puts these copies in a session.
        set_committed_value(involvement, "person", person)
        set_committed_value(involvement, "group", group)
        set_committed_value(involvement, "incident", incident)
        involvements.append(involvement)
    set_committed_value(incident, "involvements", involvements)
    set_committed_value(incident, "agenda_items", [])
    return incident


def recorded_incident(meeting: Meeting, item: AgendaItem, incident: Incident) -> Incident:
    """What ``meeting``'s documents say of ``item``'s incident: the frozen record once closed, else ``incident``."""
    if meeting.status == MeetingStatus.closed and item.record:
        return thaw(item.record)
    return incident


def show_frozen(meeting: Meeting, items: Iterable[AgendaItem]) -> None:
    """Make each loaded item of a closed ``meeting`` read its frozen incident (for the documents)."""
    if meeting.status != MeetingStatus.closed:
        return
    for item in items:
        if item.record:
            set_committed_value(item, "incident", thaw(item.record))
