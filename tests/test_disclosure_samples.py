"""The shipped samples (agendas/, as `vip demo` loads them): after `vip minutes release DATE --clean`,
every meeting's partner minutes are written and hold no protected string of any person on file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from tests.export_helpers import Docx
from vip_tui.cli import main
from vip_tui.demo import build_demo
from vip_tui.disclosure import protected_index
from vip_tui.export.redact import own_vocabulary
from vip_tui.models import Meeting, Notification, Person, Referral

AGENDAS = Path(__file__).resolve().parent.parent / "agendas"


def test_every_sample_meeting_exports_partner_minutes_without_a_protected_string(tmp_path: Path) -> None:
    url = str(tmp_path / "demo.db")
    database, _ = build_demo(AGENDAS, url, user="tester")
    with database.session() as s:
        dates = [m.date.isoformat() for m in s.exec(select(Meeting).order_by(Meeting.date))]
        index = protected_index(s)
        subjects = {p.name for p in s.exec(select(Person).join(Notification))} | {
            p.name for p in s.exec(select(Person).join(Referral))
        }
    database.dispose()
    assert len(dates) == 4
    own = own_vocabulary()
    runner = CliRunner()
    for date in dates:
        released = runner.invoke(main, ["--db", url, "minutes", "release", date, "--clean"])
        assert released.exit_code == 0 and "; 0 left for the release review" in released.output, released.output
        result = runner.invoke(
            main, ["--db", url, "minutes", "export", date, "--audience", "partner", "-o", str(tmp_path)]
        )
        assert result.exit_code == 0, result.output
        text = Docx.read(tmp_path / f"minutes-{date}-partner.docx").all_text()
        # Every token of every person: names, aliases, records ids, dates of birth. The subjects of
        # notifications and referrals stand in their own entries (checked by the export's scan);
        # the document's own words ("Victim", "Homicide") are not anyone's.
        found = {
            m.token
            for m in index.find(text)
            if not all(w in own for w in m.seq) and not _subject_line(text, m.start, subjects)
        }
        assert found == set(), (date, found)


def _subject_line(text: str, at: int, subjects: set[str]) -> bool:
    """Whether ``at`` is in a notification's or referral's entry, or a table cell holding just its subject."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)]
    return line.startswith(("Notification ", "Referral for ")) or line in subjects
