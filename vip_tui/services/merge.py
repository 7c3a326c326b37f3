"""Merging two person records that turn out to be one person, and undoing it exactly.

:func:`merge_persons` moves everything that refers to the *absorbed* record
to the *survivor*: involvements, notifications, referrals and group links.
The absorbed record stays, with ``merged_into_id`` pointing at the survivor,
so old references (an agenda file's records id, a link someone kept) still
lead to the right person (the agenda importer's matcher follows the pointer).

What moved is written to a ``person_merge`` row (``moved``, JSON):

``involvement`` / ``notification`` / ``referral``
    ids of the rows whose ``person_id`` changed from absorbed to survivor.
``dropped_involvements``
    involvements of the absorbed record that the survivor already had (same
    incident, same role): the unique constraint allows only one, so they are
    deleted, and kept here whole (id and every column) to be put back.
``groups_moved``
    ``[group_id, last_seen]`` links that went over to the survivor.
``groups_folded``
    ``[group_id, absorbed last_seen, survivor last_seen before]`` links both
    records had: the absorbed one is deleted and the survivor keeps the
    later date.
``participant``
    ``[id, episode before]`` of the absorbed record's VIP All In episodes,
    numbered on after the survivor's (a person's episodes are numbered
    1, 2...). A merge of two records that both have an open episode is
    refused: one person is in the program once.
``filled``
    survivor fields that were empty and took the absorbed record's value
    (``dob``), with the value before (None).

:func:`unmerge` reads that row and puts back exactly what moved; anything
that came to the survivor *after* the merge stays with it. Both run in one
transaction through ``Database.transaction()``, so every row they touch is
in the audit log, and the ``person_merge`` row itself says who merged, when,
why, and who undid it. A separate table (rather than the audit log's JSON)
because an undo must find its merge by a plain query, and because a merge is
not an amendment of a meeting.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from ..db import Database
from ..enums import Role
from ..models import Involvement, Notification, Participant, Person, PersonGroup, PersonMerge, Referral
from .guard import ServiceError, check_version, writing

__all__ = ["MergeError", "MergeRecord", "merge_persons", "merges_into", "unmerge"]


class MergeError(ServiceError):
    """A merge or an undo refused for a reason the user can act on."""


@dataclass(frozen=True)
class MergeRecord:
    id: int
    survivor_id: int
    survivor: str
    absorbed_id: int
    absorbed: str
    at: dt.datetime
    user: str
    reason: str | None
    moved: dict[str, Any]
    undone_at: dt.datetime | None
    version: int = 1  # what an undo writes against

    @property
    def summary(self) -> str:
        """``3 involvements, 1 notification, 1 group``: what the merge moved, in words."""
        counts = [
            (len(self.moved.get("involvement", [])) + len(self.moved.get("dropped_involvements", [])), "involvement"),
            (len(self.moved.get("notification", [])), "notification"),
            (len(self.moved.get("referral", [])), "referral"),
            (len(self.moved.get("participant", [])), "VIP All In episode"),
            (len(self.moved.get("groups_moved", [])) + len(self.moved.get("groups_folded", [])), "group"),
        ]
        parts = [f"{n} {word}{'s' * (n != 1)}" for n, word in counts if n]
        return ", ".join(parts) or "nothing to move"


def _record(s: Session, merge: PersonMerge) -> MergeRecord:
    survivor = s.get(Person, merge.survivor_id)
    absorbed = s.get(Person, merge.absorbed_id)
    return MergeRecord(
        merge.id, merge.survivor_id, survivor.name if survivor else "?", merge.absorbed_id,  # type: ignore[arg-type]
        absorbed.name if absorbed else "?", merge.at, merge.user, merge.reason, dict(merge.moved), merge.undone_at,
        merge.version,
    )


def _person(s: Session, person_id: int, version: int | None, what: str) -> Person:
    person = s.get(Person, person_id)
    if person is None:
        raise MergeError(f"no person record {person_id} ({what}); it may have just been removed")
    if version is not None and person.version != version:
        raise MergeError(f"{person.name}'s record was changed by someone else since you opened it; reloaded")
    return person


def _run(db: Database) -> AbstractContextManager[Session]:
    """The transaction both operations run in; a lost race with another instance reads as a refusal."""
    return writing(db, "a person record")


def merge_persons(
    db: Database,
    survivor_id: int,
    absorbed_id: int,
    *,
    reason: str | None = None,
    survivor_version: int | None,
    absorbed_version: int | None,
) -> MergeRecord:
    """Make ``absorbed_id`` part of ``survivor_id``: every involvement, notification, referral and group moves.

    Refused when the two are the same record, when either was already merged
    away, or when a version given is no longer current.
    """
    if survivor_id == absorbed_id:
        raise MergeError("a person record cannot be merged with itself")
    with _run(db) as s:
        survivor = _person(s, survivor_id, survivor_version, "the one kept")
        absorbed = _person(s, absorbed_id, absorbed_version, "the one merged away")
        if absorbed.merged_into_id is not None:
            raise MergeError(f"{absorbed.name}'s record was already merged into another; merge that one instead")
        if survivor.merged_into_id is not None:
            raise MergeError(f"{survivor.name}'s record was merged into another; merge into that one instead")
        moved: dict[str, Any] = {
            "involvement": [], "notification": [], "referral": [], "dropped_involvements": [],
            "groups_moved": [], "groups_folded": [], "filled": {},
        }
        kept = {
            (inv.incident_id, inv.role)
            for inv in s.exec(select(Involvement).where(Involvement.person_id == survivor_id)).all()
        }
        for inv in s.exec(select(Involvement).where(Involvement.person_id == absorbed_id).order_by(Involvement.id)).all():
            if (inv.incident_id, inv.role) in kept:
                moved["dropped_involvements"].append(
                    {"id": inv.id, "incident_id": inv.incident_id, "role": inv.role.value, "group_id": inv.group_id,
                     "notes": inv.notes}
                )
                s.delete(inv)
            else:
                inv.person_id = survivor_id
                moved["involvement"].append(inv.id)
        for model, key in ((Notification, "notification"), (Referral, "referral")):
            for row in s.exec(select(model).where(model.person_id == absorbed_id).order_by(model.id)).all():
                row.person_id = survivor_id
                moved[key].append(row.id)
        moved["participant"] = _move_episodes(s, survivor, absorbed)
        theirs = {g.group_id: g for g in s.exec(select(PersonGroup).where(PersonGroup.person_id == survivor_id)).all()}
        for link in s.exec(select(PersonGroup).where(PersonGroup.person_id == absorbed_id)).all():
            mine = _iso(link.last_seen)
            if link.group_id in theirs:
                other = theirs[link.group_id]
                moved["groups_folded"].append([link.group_id, mine, _iso(other.last_seen)])
                if link.last_seen and (other.last_seen is None or link.last_seen > other.last_seen):
                    other.last_seen = link.last_seen
            else:
                moved["groups_moved"].append([link.group_id, mine])
                s.add(PersonGroup(person_id=survivor_id, group_id=link.group_id, last_seen=link.last_seen))
            s.delete(link)
        if survivor.dob is None and absorbed.dob is not None:
            moved["filled"]["dob"] = None
            survivor.dob = absorbed.dob
        absorbed.merged_into_id = survivor_id
        merge = PersonMerge(
            survivor_id=survivor_id, absorbed_id=absorbed_id, at=db.now(), user=db.user,
            reason=(reason or "").strip() or None, moved=moved,
        )
        s.add(merge)
        s.flush()
        return _record(s, merge)


def _move_episodes(s: Session, survivor: Person, absorbed: Person) -> list[list[int]]:
    """The absorbed record's VIP All In episodes go to the survivor, numbered on after the survivor's own."""
    theirs = s.exec(select(Participant).where(Participant.person_id == survivor.id)).all()
    mine = s.exec(select(Participant).where(Participant.person_id == absorbed.id).order_by(Participant.enrolled_on)).all()
    if any(p.exited_on is None for p in theirs) and any(p.exited_on is None for p in mine):
        raise MergeError(
            f"{survivor.name} and {absorbed.name} are both enrolled in VIP All In; "
            "end one of the two episodes first (one person is in the program once)"
        )
    moved, number = [], max((p.episode for p in theirs), default=0)
    for row in mine:
        number += 1
        moved.append([row.id, row.episode])
        row.person_id, row.episode = survivor.id, number  # type: ignore[assignment]
    s.flush()
    return moved  # type: ignore[return-value]


def unmerge(db: Database, merge_id: int, *, version: int | None) -> MergeRecord:
    """Undo a merge: what it moved goes back to the absorbed record, which stands on its own again.

    Refused when the merge is already undone, or when the survivor has since
    been merged into a third record (undo that merge first).
    """
    with _run(db) as s:
        merge = s.get(PersonMerge, merge_id)
        if merge is None:
            raise MergeError(f"no merge {merge_id}")
        check_version(merge, version, "the merge")
        if merge.undone_at is not None:
            raise MergeError(f"that merge was already undone on {merge.undone_at:%Y-%m-%d %H:%M} by {merge.undone_by}")
        survivor = _person(s, merge.survivor_id, None, "the one kept")
        absorbed = _person(s, merge.absorbed_id, None, "the one merged away")
        if survivor.merged_into_id is not None:
            later = s.get(Person, survivor.merged_into_id)
            raise MergeError(
                f"{survivor.name}'s record was itself merged into {later.name if later else 'another'} since; "
                "undo that merge first"
            )
        if absorbed.merged_into_id != survivor.id:
            raise MergeError(f"{absorbed.name}'s record no longer points at {survivor.name}; it cannot be undone")
        moved = merge.moved
        for model, key in ((Involvement, "involvement"), (Notification, "notification"), (Referral, "referral")):
            ids = moved.get(key, [])
            if ids:
                for row in s.exec(select(model).where(col(model.id).in_(ids))).all():
                    if row.person_id == survivor.id:
                        row.person_id = absorbed.id
        for participant_id, episode in moved.get("participant", []):
            row = s.get(Participant, participant_id)
            if row is not None and row.person_id == survivor.id:
                row.person_id, row.episode = absorbed.id, episode
        for row in moved.get("dropped_involvements", []):
            if s.get(Involvement, row["id"]) is None:
                s.add(
                    Involvement(
                        id=row["id"], incident_id=row["incident_id"], person_id=absorbed.id, role=Role(row["role"]),
                        group_id=row["group_id"], notes=row["notes"],
                    )
                )
        for group_id, last_seen in moved.get("groups_moved", []):
            link = s.get(PersonGroup, (survivor.id, group_id))
            # Seen with the survivor again since the merge: that link is the survivor's own now.
            if link is not None and _iso(link.last_seen) == last_seen:
                s.delete(link)
            s.add(PersonGroup(person_id=absorbed.id, group_id=group_id, last_seen=_date(last_seen)))
        for group_id, last_seen, survivor_before in moved.get("groups_folded", []):
            link = s.get(PersonGroup, (survivor.id, group_id))
            if link is not None and _iso(link.last_seen) != survivor_before and _iso(link.last_seen) == last_seen:
                link.last_seen = _date(survivor_before)
            s.add(PersonGroup(person_id=absorbed.id, group_id=group_id, last_seen=_date(last_seen)))
        if "dob" in moved.get("filled", {}) and survivor.dob == absorbed.dob:
            survivor.dob = moved["filled"]["dob"]
        absorbed.merged_into_id = None
        merge.undone_at = db.now()
        merge.undone_by = db.user
        s.flush()
        return _record(s, merge)


def merges_into(db: Database, person_id: int, *, include_undone: bool = False) -> list[MergeRecord]:
    """The merges that made records part of ``person_id``, newest first."""
    with db.session() as s:
        stmt = select(PersonMerge).where(PersonMerge.survivor_id == person_id)
        if not include_undone:
            stmt = stmt.where(col(PersonMerge.undone_at).is_(None))
        return [_record(s, m) for m in s.exec(stmt.order_by(col(PersonMerge.id).desc())).all()]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
