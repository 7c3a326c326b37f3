"""How dates, times, durations and decisions read in the documents.

Dates are written out ("Tuesday 24 November 2026", "Wed 25 Nov 2026"): they
cannot be misread across agencies, and they never look like the ISO dates of
birth that the partner leak scan searches for. Month and day names are
English whatever the machine's locale, like the rest of the document.
"""

from __future__ import annotations

import datetime as dt

from ..enums import DEFAULT_MEETING_TITLE, IncidentType
from ..models import Meeting, NotificationAttempt

PROGRAM = "Violence Intervention Program — Weekly Shooting Review"
MARKINGS = {
    "full": "LAW ENFORCEMENT SENSITIVE — DO NOT DISSEMINATE",
    "partner": "CONFIDENTIAL — PARTNER DISTRIBUTION",
}

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

INCIDENT_TYPES = {
    IncidentType.homicide: "Homicide",
    IncidentType.non_fatal: "Non-fatal shooting",
    IncidentType.shots_fired: "Shots fired",
    IncidentType.other: "Other incident",
}


def long_date(d: dt.date) -> str:
    """``Tuesday 24 November 2026``."""
    return f"{_DAYS[d.weekday()]} {day_month_year(d)}"


def day_month_year(d: dt.date) -> str:
    """``24 November 2026``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def short_date(d: dt.date | None) -> str:
    """``Tue 24 Nov 2026``; an em dash for no date."""
    if d is None:
        return "—"
    return f"{_DAYS[d.weekday()][:3]} {compact_date(d)}"


def compact_date(d: dt.date | None) -> str:
    """``24 Nov 2026``; an em dash for no date."""
    if d is None:
        return "—"
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"


def when(t: dt.datetime) -> str:
    """``Wed 25 Nov 2026, 01:20``."""
    return f"{short_date(t.date())}, {t:%H:%M}"


def duration(minutes: int | float) -> str:
    """``1 h 05 min``, ``45 min``."""
    total = round(minutes)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def sentence(text: str) -> str:
    """``text`` ending as a sentence, so that the next one can follow it."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


DEFAULT_TITLE = DEFAULT_MEETING_TITLE  # one default title for the documents, the TUI and the CLI


def meeting_title(meeting: Meeting) -> str:
    return meeting.title or DEFAULT_TITLE


def meeting_times(meeting: Meeting, *, planned_only: bool = False) -> tuple[str, str]:
    """(time, length) of a meeting: the actual ones once it was held, else (or if asked) the planned ones."""
    planned = duration(meeting.minutes) if meeting.minutes else None
    if planned_only:
        return (f"{meeting.start_time:%H:%M}" if meeting.start_time else "not set"), planned or "not set"
    if meeting.started_at and meeting.closed_at:
        spent = (meeting.closed_at - meeting.started_at).total_seconds() / 60
        time = f"{meeting.started_at:%H:%M}–{meeting.closed_at:%H:%M}"
        return time, duration(spent) + (f" (planned {planned})" if planned else "")
    start = meeting.started_at.time() if meeting.started_at else meeting.start_time
    time = f"{start:%H:%M}" if start else "not set"
    if meeting.started_at:
        time += " (in progress)"
    return time, f"{planned} planned" if planned else "not set"


def attempt(a: NotificationAttempt) -> str:
    """``Fri 20 Nov 2026, 18:10: not home (door hanger left)``."""
    left = [what for what, flag in (("letter", a.letter_left), ("door hanger", a.door_hanger_left)) if flag]
    extra = f" ({' and '.join(left)} left)" if left else ""
    return f"{when(a.attempted_at)}: {a.result.label}{extra}"
