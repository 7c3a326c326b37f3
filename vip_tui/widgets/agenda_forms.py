"""The agenda builder's forms: the meeting, an incident, an invitee (named as the agenda files name them)."""

from __future__ import annotations

from typing import Any

from ..enums import CaseStatus, IncidentType, RetaliationRisk
from ..services import agenda_builder as ab
from .person_suggest import CompactForm, FormField

TYPE_WORDS = IncidentType.values()
CASE_STATUS_WORDS = CaseStatus.values()
RISK_WORDS = RetaliationRisk.values()


def incident_fields(values: dict[str, str], areas: list[str]) -> list[FormField]:
    """The SPEC §4 incident fields, named as the agenda files name them."""
    v = values.get
    return [
        FormField("case_number", "case_number", v("case_number", ""), True, "26-0098123"),
        FormField("occurred_at", "occurred_at", v("occurred_at", ""), True, "2026-11-18T23:42"),
        FormField("type", "type", v("type", ""), True, " | ".join(TYPE_WORDS), TYPE_WORDS),
        FormField("location", "location", v("location", ""), True, "5600 block Central Ave SE"),
        FormField("area_command", "area_command", v("area_command", ""), False, "Southeast", areas),
        FormField("minutes", "minutes (budget)", v("minutes", ""), False, "8"),
        FormField("summary", "summary", v("summary", "")),
        FormField("motive", "motive", v("motive", ""), False, "ongoing dispute"),
        FormField("case_status", "case_status", v("case_status", ""), False, " | ".join(CASE_STATUS_WORDS),
                  CASE_STATUS_WORDS),
        FormField("retaliation_risk", "retaliation_risk", v("retaliation_risk", ""), False, " | ".join(RISK_WORDS),
                  RISK_WORDS),
        FormField("nibin_leads", "nibin_leads", v("nibin_leads", ""), False, "N-2026-0042; N-2026-0043"),
        FormField("partner_summary", "partner_summary", v("partner_summary", ""), False,
                  "for partners: no names, no dates of birth"),
    ]


def partner_apart(values: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The incident form's values without the partner summary (written on its own), and the checked summary."""
    partner = ab.check_partner_summary(values.get("partner_summary"))
    return {k: v for k, v in values.items() if k != "partner_summary"}, partner


def meeting_fields(values: dict[str, str]) -> list[FormField]:
    v = values.get
    return [
        FormField("date", "date", v("date", ""), True, "2026-12-08"),
        FormField("title", "title", v("title", ""), False, "Weekly Shooting Review"),
        FormField("location", "location", v("location", ""), False, "Real Time Crime Center"),
        FormField("facilitator", "facilitator", v("facilitator", ""), False, "Lt. A. Example"),
        FormField("start_time", "start_time", v("start_time", ""), False, "09:00"),
        FormField("minutes", "minutes (length)", v("minutes", ""), False, "90"),
    ]


def new_meeting_form(today_text: str, save: Any) -> CompactForm:
    """The form that creates a meeting (from the meetings screen)."""
    return CompactForm(
        "New meeting", meeting_fields({"date": today_text, "title": "Weekly Shooting Review"}), save,
        note="Only the date is required; everything else can be set later with t in the agenda builder.",
    )


def invitee_fields(agencies: list[str], values: dict[str, str]) -> list[FormField]:
    return [
        FormField("name", "name", values.get("name", ""), True, "Det. B. Example"),
        FormField("agency", "agency (short name)", values.get("agency", ""), True,
                  ", ".join(agencies[:6]) or "RMPD", agencies),
        FormField("role", "role", values.get("role", ""), False, "Homicide"),
    ]
