"""A small fictional VIP All In caseload for the TUI tests: two coaches, every stage, two overdue, one exited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from vip_tui.db import Database
from vip_tui.enums import ContactMethod, ExitReason, GoalStatus, NeedDomain, NeedLevel, Stage
from vip_tui.services import all_in

ROSA, DEV = "Rosa Quintanilla", "Dev Okafor"
HOSTILE_NOTE = "[b]x[/b] then [@click=app.quit] bell\x07 end"


def _at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {hm}")


def caseload_world(db: Database) -> SimpleNamespace:
    """Five episodes (clock 2026-11-24): Marlon overdue 14 days, Kiana overdue 23 days, Omar exited."""
    w = SimpleNamespace()
    d = dt.date.fromisoformat
    w.marlon = all_in.enroll_walk_in(db, "Marlon Teague", coach=ROSA, on=d("2026-09-01"), cadence=2).id
    w.jalen = all_in.enroll_walk_in(db, "Jalen Whitcombe", coach=ROSA, on=d("2026-10-05"), cadence=1).id
    w.terrell = all_in.enroll_walk_in(db, "Terrell Ashdown", coach=DEV, on=d("2026-11-20"), cadence=1).id
    w.kiana = all_in.enroll_walk_in(db, "Kiana Brightwater", coach=DEV, on=d("2026-06-15"), cadence=0.5).id
    w.omar = all_in.enroll_walk_in(db, "Omar Feldspar", coach=DEV, on=d("2026-03-02"), cadence=1).id

    all_in.assess_needs(db, w.marlon, {NeedDomain.housing: (NeedLevel.some, "couch surfing"),
                                       NeedDomain.employment: (NeedLevel.urgent, None)},
                        by=ROSA, on=d("2026-09-03"))
    all_in.assess_needs(db, w.marlon, {NeedDomain.housing: (NeedLevel.urgent, "eviction notice " + HOSTILE_NOTE),
                                       NeedDomain.id_documents: (NeedLevel.urgent, "lost state ID"),
                                       NeedDomain.employment: (NeedLevel.some, "day labour only")},
                        by=ROSA, on=d("2026-10-20"))
    all_in.add_goal(db, w.marlon, NeedDomain.housing, "A lease in his own name", target_on=d("2026-12-01"),
                    milestones=["state ID", "application", "deposit"])
    met = all_in.add_goal(db, w.marlon, NeedDomain.employment, "Steady weekday work", target_on=d("2026-11-01"))
    all_in.set_goal_status(db, met.id, GoalStatus.met, on=d("2026-10-28"), version=met.version)
    all_in.assess_needs(db, w.kiana, {NeedDomain.mental_health: (NeedLevel.urgent, "waitlist at the clinic")},
                        by=DEV, on=d("2026-06-20"))
    all_in.add_goal(db, w.jalen, NeedDomain.education, "GED classes enrolled", target_on=d("2026-11-30"))

    for day, method, minutes, note in (
        ("2026-09-02", ContactMethod.in_person, 45, "intake at the hospital"),
        ("2026-10-20", ContactMethod.in_person, 60, "needs again; lease search"),
        ("2026-11-10", ContactMethod.phone, 15, HOSTILE_NOTE),
        ("2026-11-20", ContactMethod.attempt, 0, "not home"),
    ):
        all_in.log_contact(db, w.marlon, method=method, at=_at(day), minutes=minutes, by=ROSA, note=note)
    all_in.log_contact(db, w.jalen, method=ContactMethod.text, at=_at("2026-11-22", "18:30"), minutes=5, by=ROSA)
    all_in.log_contact(db, w.kiana, method=ContactMethod.in_person, at=_at("2026-11-01"), minutes=30, by=DEV)

    view = all_in.participant_view(db, w.jalen)
    all_in.set_stage(db, w.jalen, Stage.planning, on=d("2026-10-20"), version=view.row.version)
    view = all_in.participant_view(db, w.marlon)
    all_in.set_stage(db, w.marlon, Stage.active, on=d("2026-10-21"), version=view.row.version)
    view = all_in.participant_view(db, w.kiana)
    all_in.set_stage(db, w.kiana, Stage.sustaining, on=d("2026-10-01"), version=view.row.version)
    view = all_in.participant_view(db, w.omar)
    all_in.exit_participant(db, w.omar, ExitReason.moved_away, on=d("2026-08-30"), version=view.row.version)
    return w
