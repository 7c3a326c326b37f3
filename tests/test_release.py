"""The release review's service (vip_tui.services.release): passages, decisions, hits, exemptions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.export_helpers import add_partner_texts, build_sample
from vip_tui.enums import ReleaseDecision
from vip_tui.models import AuditLog, Incident, ReleaseExemption
from vip_tui.services import release as rel


def _by_key(db, meeting_id: int) -> dict[str, rel.Passage]:  # noqa: ANN001
    return {p.key: p for p in rel.passages(db, meeting_id)}


def test_passages_hold_partner_texts_and_never_law_enforcement_free_text(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    note_id = add_partner_texts(
        database, sample, summary="A man was hurt on Central Ave.", note="Family asks for support."
    )
    found = rel.passages(database, sample.ids["meeting"])
    keys = [p.key for p in found]
    first = sample.ids["first"]
    assert f"incident:{first}:partner_summary" in keys and f"note:{note_id}" in keys
    # Document order: the meeting first, attendance, then old business, then the incident.
    assert keys.index(f"meeting:{sample.ids['meeting']}:title") < keys.index(f"incident:{first}:partner_summary")
    texts = " ".join(p.text for p in found)
    for le_text in (sample.summary, sample.le_note, sample.open_note, "Ongoing dispute", "Shot in the leg",
                    "friends of", "Two reads passed to Homicide"):  # fmt: skip
        assert le_text not in texts
    action = next(p for p in found if p.field == "action 47-1")
    assert action.needs_release and action.decision is None and not action.resolved and action.goes is None
    summary = next(p for p in found if p.field == "partner summary")
    assert not summary.needs_release and summary.resolved and summary.goes == "A man was hurt on Central Ave."


def test_a_hit_keeps_a_passage_unresolved_until_exempted_edited_or_withheld(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    note_id = add_partner_texts(database, sample, summary="Shot near Quarrington Park.", note="Zebulon is stable.")
    passages = _by_key(database, mid)
    summary = passages[f"incident:{sample.ids['first']}:partner_summary"]
    assert [(h.token, h.exempt) for h in summary.hits] == [("quarrington", False)]
    assert 'a name part of "Zebulon Quarrington"' in summary.hits[0].what
    assert summary.text[summary.hits[0].start : summary.hits[0].end] == "Quarrington"
    assert not summary.resolved and summary.goes is None

    # "Not this person": a park, not the victim. Recorded and audited.
    after = rel.not_this_person(database, mid, summary.key, "Quarrington")
    assert after.resolved and after.goes == "Shot near Quarrington Park." and after.hits[0].exempt
    with database.session() as s:
        exemption = s.exec(select(ReleaseExemption)).one()
        assert (exemption.token, exemption.decided_by) == ("quarrington", "tester")
        assert s.exec(select(AuditLog).where(AuditLog.entity == "release_exemption")).first() is not None

    # Edited to clean wording, the note goes in that wording.
    note = passages[f"note:{note_id}"]
    edited = rel.edit(database, mid, note.key, "Victim 1 is stable.", version=note.version)
    assert edited.decision == ReleaseDecision.edited and edited.goes == "Victim 1 is stable." and not edited.hits
    # An edit that still names someone is still unresolved.
    again = rel.edit(database, mid, note.key, "Zebulon's family thanks you.", version=edited.version)
    assert not again.resolved and again.goes is None
    withheld = rel.withhold(database, mid, note.key, version=again.version)
    assert withheld.resolved and withheld.goes is None


def test_a_changed_text_is_undecided_again_and_its_exemption_no_longer_counts(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    add_partner_texts(database, sample, summary="Shot near Quarrington Park.", note="ok then")
    key = f"incident:{sample.ids['first']}:partner_summary"
    rel.not_this_person(database, mid, key, "quarrington")
    decided = rel.release(database, mid, key, version=None)
    assert decided.decision == ReleaseDecision.released and decided.resolved
    with database.transaction() as s:
        s.get(Incident, sample.ids["first"]).partner_summary = "Quarrington was shot."
    changed = _by_key(database, mid)[key]
    assert changed.decision is None and not changed.resolved and not changed.hits[0].exempt
    assert changed.version == decided.version  # the row is still there: the screen writes against it


def test_a_decision_made_elsewhere_meanwhile_is_not_overwritten(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    action = next(p for p in rel.passages(database, mid) if p.field == "action 47-1")
    rel.release(database, mid, action.key, version=action.version)  # another instance
    with pytest.raises(rel.StaleRelease, match="changed by someone else since you opened it; reloaded"):
        rel.withhold(database, mid, action.key, version=action.version)
    assert _by_key(database, mid)[action.key].decision == ReleaseDecision.released


def test_refusals_say_what_to_do(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    action = next(p for p in rel.passages(database, mid) if p.field == "action 47-1")
    with pytest.raises(rel.ReleaseError, match="partner wording is empty"):
        rel.edit(database, mid, action.key, "  \n", version=None)
    with pytest.raises(rel.ReleaseError, match="not a protected token of this passage"):
        rel.not_this_person(database, mid, action.key, "canvass")
    with pytest.raises(rel.ReleaseError, match="not in the partner edition"):
        rel.release(database, mid, "note:999999", version=None)
    assert _by_key(database, mid)[action.key].decision is None


def test_release_all_clean_leaves_passages_with_hits_to_the_facilitator(database) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    released = rel.release_all_clean(database, mid)
    left = rel.unresolved(database, mid)
    assert released > 0
    assert [p.text for p in left] == [f"Check curfew compliance of {sample.suspect}"]
    assert left[0].problem() == 'protected: "orrin blackwood tesh"'
    assert rel.release_all_clean(database, mid) == 0  # nothing undecided and clean is left


def test_dates_of_birth_and_records_ids_are_hits(database, clock) -> None:  # noqa: ANN001
    sample = build_sample(database)
    mid = sample.ids["meeting"]
    add_partner_texts(database, sample, summary="Born 14 March 2002; file 55821.", note="x")
    summary = _by_key(database, mid)[f"incident:{sample.ids['first']}:partner_summary"]
    assert [h.token for h in summary.hits] == ["14 march 2002", "55821"]
    assert summary.hits[0].what.startswith("the date of birth of") and summary.hits[1].what.startswith("the records id")
    assert isinstance(clock(), dt.datetime)
