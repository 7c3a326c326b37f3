"""A large agenda file for the import benchmark: ``n`` incidents in the native TOML format (SPEC §4).

About half of the persons are already on file (a third of those matched by
records id, the rest by name and date of birth, as an RMS export gives
them); the other half are new. Names, streets and case numbers are invented
like the rest of the synthetic history.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .generate import AGENCIES, AREA_COMMANDS, MOTIVES, PERSONS_PER_INCIDENT, _Maker, Plan


def _s(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)


def known_persons(engine: sa.Engine, limit: int, seed: int) -> list[tuple[str, str | None, dt.date | None]]:
    """(name, records id, dob) of persons on file with a records id or a date of birth, chosen by ``seed``."""
    with engine.connect() as con:
        rows = con.execute(
            sa.text(
                "SELECT name, record_id, dob FROM person WHERE merged_into_id IS NULL "
                "AND (record_id IS NOT NULL OR dob IS NOT NULL) ORDER BY id"
            )
        ).all()
    rng = random.Random(seed)
    chosen = rng.sample(rows, min(limit, len(rows)))
    out = []
    for name, record_id, dob in chosen:
        if isinstance(dob, str):
            dob = dt.date.fromisoformat(dob)
        out.append((name, record_id, dob))
    return out


def write_agenda(
    path: Path,
    *,
    date: dt.date,
    incidents: int,
    known: list[tuple[str, str | None, dt.date | None]],
    seed: int = 11,
) -> int:
    """Write a TOML agenda for the meeting of ``date`` with ``incidents`` incidents; returns the persons written."""
    maker = _Maker(Plan.for_years(0.2), seed)
    r = maker.rng
    known = list(known)
    lines = [
        "# FICTIONAL benchmark agenda: every name, address and case number is invented.",
        "[meeting]",
        f"date = {date.isoformat()}",
        'title = "Weekly Shooting Review"',
        'location = "Real Time Crime Center"',
        'facilitator = "Lt. D. Example"',
        "start_time = 09:00:00",
        f"minutes = {min(600, max(90, incidents * 4))}",
        "",
    ]
    for short, name, kind in AGENCIES:
        lines += ["[[agencies]]", f"short_name = {_s(short)}", f"name = {_s(name)}", f"kind = {_s(kind)}", ""]
    for i, (short, _, _) in enumerate(AGENCIES):
        for j in range(2):
            lines += ["[[attendees]]", f'name = "Attendee {chr(65 + i)}{j}. Example"', f"agency = {_s(short)}",
                      'role = "Liaison"', ""]
    persons = 0
    seen_case: set[str] = set()
    for n in range(incidents):
        while True:
            case = f"{date.year % 100:02d}-{r.randrange(9_000_000, 9_999_999):07d}"
            if case not in seen_case:
                seen_case.add(case)
                break
        when = dt.datetime.combine(date - dt.timedelta(days=7), dt.time()) + dt.timedelta(
            minutes=r.randrange(6 * 24 * 60)
        )
        type_ = maker.pick([("homicide", 0.12), ("non_fatal", 0.38), ("shots_fired", 0.45), ("other", 0.05)])
        lines += [
            "[[incidents]]",
            f"case_number = {_s(case)}",
            f"occurred_at = {when.isoformat(timespec='seconds')}",
            f"type = {_s(type_)}",
            f"location = {_s(maker.street())}",
            f"area_command = {_s(r.choice(AREA_COMMANDS))}",
            f"summary = {_s('Shots reported; casings recovered. Detectives canvassing for video.')}",
            f"minutes = {r.choice([3, 4, 5, 6, 8])}",
            f"motive = {_s(r.choice(MOTIVES))}",
            'case_status = "open"',
            f'retaliation_risk = {_s(r.choice(["none", "long_term", "ongoing", "immediate"]))}',
            "",
        ]
        count = maker.pick(PERSONS_PER_INCIDENT[:4])  # 2-5 per incident in a week's file
        roles = maker._roles(type_, count)
        names_here: set[str] = set()
        for role in roles:
            entry: dict[str, Any]
            if known and r.random() < 0.5:
                name, record_id, dob = known.pop()
                entry = {"name": name}
                if record_id and r.random() < 0.35:
                    entry["record_id"] = record_id
                elif dob is not None:
                    entry["dob"] = dob
                elif record_id:
                    entry["record_id"] = record_id
            else:
                name = f"{maker.first_name()} {maker.last_name()}"
                entry = {"name": name}
                if r.random() < 0.8:
                    entry["dob"] = dt.date(2026 - r.randrange(14, 50), 1, 1) + dt.timedelta(days=r.randrange(365))
                if r.random() < 0.5:
                    entry["record_id"] = f"MNI-N{n:04d}{len(names_here)}"
            key = entry["name"].casefold()
            if key in names_here:
                continue
            names_here.add(key)
            lines += ["  [[incidents.persons]]", f"  name = {_s(entry['name'])}", f"  role = {_s(role)}"]
            if "dob" in entry:
                lines.append(f"  dob = {entry['dob'].isoformat()}")
            if "record_id" in entry:
                lines.append(f"  record_id = {_s(entry['record_id'])}")
            if r.random() < 0.2:
                lines.append(f"  group = {_s('Loma ' + maker.first_name() + ' Crew')}")
            lines.append("")
            persons += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return persons
