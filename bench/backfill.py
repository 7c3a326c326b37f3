"""Issue 12's large import: a five-year backfill CSV (28,000 rows) through the installed ``vip`` command.

    python -m bench.backfill                 # SQLite, 28,000 rows, bars 60 s and 600 MB peak
    python -m bench.backfill --postgres      # the same on a throwaway PostgreSQL server
    python -m bench.backfill --rows 100000   # a larger file (no bar)

The file is one meeting's agenda holding five years of incidents (about four
persons each; half of the persons appear in more than one incident, matched
by name and date of birth or by records id), all invented like the rest of
the synthetic history. The import runs as ``vip --db URL agenda import FILE``
under ``/usr/bin/time -v``: wall time and peak resident memory of the whole
process, start-up included.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import _Maker, Plan

REPO = Path(__file__).resolve().parent.parent
ROWS = 28_000
BAR_SECONDS = 60.0
BAR_MB = 600.0
MEETING = dt.date(2026, 11, 24)
ROLES = ["victim", "suspect", "associate", "witness"]
COLUMNS = [
    "meeting_date", "case_number", "occurred_at", "type", "location", "area_command", "summary", "motive",
    "case_status", "person_name", "person_role", "person_dob", "person_record_id", "person_group",
    "person_aliases",
]


def write_backfill(path: Path, rows: int = ROWS, seed: int = 12) -> int:
    """Write the CSV; returns the number of incidents."""
    maker = _Maker(Plan.for_years(5), seed)
    r = maker.rng
    pool_size = max(1, rows // 2)
    pool = []
    for n in range(pool_size):
        dob = dt.date(1975, 1, 1) + dt.timedelta(days=r.randrange(30 * 365))
        record = f"MNI-{100000 + n}" if r.random() < 0.3 else ""
        pool.append((f"{maker.first_name()} {maker.last_name()}", dob, record))
    start = MEETING - dt.timedelta(days=5 * 365)
    incidents = 0
    written = 0
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        while written < rows:
            incidents += 1
            when = maker.at(start + dt.timedelta(days=r.randrange(5 * 365 - 1)))
            case = f"{when.year % 100:02d}-{incidents:07d}"
            location = maker.street()
            kind = r.choice(["non_fatal", "non_fatal", "shots_fired", "homicide"])
            persons = r.sample(range(pool_size), min(pool_size, r.randint(2, 6)))
            for index, p in enumerate(persons):
                if written >= rows:
                    break
                name, dob, record = pool[p]
                first = index == 0
                out.writerow([
                    MEETING.isoformat(), case, when.isoformat(timespec="minutes"), kind, location,
                    "Southeast" if first else "", "Invented summary of the shooting." if first else "",
                    "dispute" if first else "", "open" if first else "",
                    name, ROLES[index % 4] if index else "victim", dob.isoformat(), record,
                    f"Crew {p % 90}" if r.random() < 0.2 else "", "",
                ])
                written += 1
    return incidents


def _vip() -> str:
    found = shutil.which("vip") or str(Path(sys.executable).with_name("vip"))
    return found


def measure(url: str, path: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout) of ``vip --db url agenda import path`` under /usr/bin/time -v."""
    began = time.monotonic()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", _vip(), "--db", url, "agenda", "import", str(path)],
        capture_output=True, text=True, env={**os.environ, "VIP_USER": "bench"},
    )
    seconds = time.monotonic() - began
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))  # type: ignore[union-attr]
    return seconds, peak_kb / 1024, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vip-backfill-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "backfill.csv"
        incidents = write_backfill(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1024 / 1024
        server = None
        if args.postgres:
            sys.path.insert(0, str(REPO))
            from tests.pg import PgServer, find_pg_bin

            bin_dir = find_pg_bin()
            if bin_dir is None:
                raise SystemExit("PostgreSQL binaries not found")
            server = PgServer.start(bin_dir)
            url = server.create_database()
        else:
            url = str(folder / "backfill.db")
        try:
            seconds, peak_mb, out = measure(url, csv_path)
        finally:
            if server is not None:
                server.stop()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"backfill import, {backend}: {args.rows:,} rows, {incidents:,} incidents, {size_mb:.1f} MB file")
    print(f"  {out.strip().splitlines()[-1] if out.strip() else ''}")
    verdict = ""
    if args.rows == ROWS:
        ok = seconds < BAR_SECONDS and peak_mb < BAR_MB
        verdict = f"  (bars: < {BAR_SECONDS:.0f} s, < {BAR_MB:.0f} MB: {'met' if ok else 'NOT met'})"
    print(f"  wall {seconds:.1f} s, peak RSS {peak_mb:.0f} MB{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
