"""Agenda files (SPEC §4): read TOML and CSV agendas and report every problem.

Pure parsing and validation; the database import builds on this API.
"""

from vip_tui.agenda.parse import parse_agenda, parse_agendas
from vip_tui.agenda.problems import AgendaErrors, Problem
from vip_tui.agenda.schema import (
    AgencyIn,
    Agenda,
    AttendeeIn,
    IncidentIn,
    MeetingIn,
    PersonIn,
)

__all__ = [
    "AgencyIn",
    "Agenda",
    "AgendaErrors",
    "AttendeeIn",
    "IncidentIn",
    "MeetingIn",
    "PersonIn",
    "Problem",
    "parse_agenda",
    "parse_agendas",
]
