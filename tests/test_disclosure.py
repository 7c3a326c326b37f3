"""The disclosure layer's protected index as the exports and screens get it (vip_tui.disclosure)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from vip_tui.disclosure import mask, protected_index
from vip_tui.models import Person
from vip_tui.names import name_key


def _tokens(database, text: str, notes: tuple[str, ...] = ()) -> list[str]:  # noqa: ANN001
    with database.session() as s:
        return [m.token for m in protected_index(s, notes).find(text)]


def test_the_reused_index_never_protects_less_than_a_new_one(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Person(name="Tamsin Orrery", name_key=name_key("Tamsin Orrery"), dob=dt.date(2001, 5, 6)))
    assert _tokens(database, "Orrery and Quabble") == ["orrery"]
    with database.transaction() as s:  # renamed by another instance
        person = s.exec(select(Person)).one()
        person.name, person.aliases = "Tamsin Quabble", ["Tee"]
    assert _tokens(database, "Orrery and Quabble, Tee") == ["quabble", "tee"]
    with database.transaction() as s:  # the last row deleted and a new one in its place (same count)
        s.delete(s.exec(select(Person)).one())
    with database.transaction() as s:
        s.add(Person(name="Ivo Plenderleith", name_key="ivo plenderleith", record_id="RM-88123"))
    assert _tokens(database, "Quabble, Ivo, 88123") == ["ivo", "88123"]
    # An LE-only note added for one export is not left in the index for the next.
    assert _tokens(database, "the source says so", ("the source says so",)) == ["the source says so"]
    assert _tokens(database, "the source says so") == []


def test_mask_shows_initials_and_markers_on_the_shared_screen(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Person(name="Jamal Okonkwo-Pratt", name_key="jamal okonkwo pratt", dob=dt.date(2002, 3, 14),
                     record_id="MNI-55821", aliases=["Lil J"]))  # fmt: skip
    with database.session() as s:
        index = protected_index(s)
    shown = mask("Jamal (OkonkwoPratt, Lil J) born March 14, 2002, MNI55821", index)
    assert shown == "J. (O., L. J.) born [date of birth], [records id]"
