"""``vip minutes export``, ``vip agenda export``, ``vip disseminations``: exit codes, messages, the log."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from tests.export_helpers import Sample, build_sample, release_for_partners
from vip_tui.cli import Context, main
from vip_tui.commands.export import agenda_export, disseminations, minutes
from vip_tui.export import redact
from vip_tui.export.sanitize import clean


class _TestContext(Context):
    """The CLI context with the test's database (fixed clock and user) instead of opening one."""

    def __init__(self, database) -> None:
        super().__init__(database.url, "tester")
        self.database = database

    def open(self):
        return self.database


def _cli(database) -> click.Group:
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = _TestContext(database)

    agenda = click.Group("agenda")
    agenda.add_command(agenda_export)
    root.add_command(agenda)
    root.add_command(minutes)
    root.add_command(disseminations)
    return root


@pytest.fixture
def vip(database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_sample(database)
    release_for_partners(database)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    monkeypatch.setenv("VIP_DOCUMENTS_DIR", str(out))  # the default folder and the current one, for _files
    cli = _cli(database)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args))

    return run


def _files() -> list[str]:
    return sorted(p.name for p in Path.cwd().iterdir())


def test_minutes_export_both_audiences(vip) -> None:
    result = vip("minutes", "export", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("minutes-2026-11-24-full.docx")
    result = vip("minutes", "export", "2026-11-24", "--audience", "partner", "--to", "VIP", "-o", "for-vip.docx")
    assert result.exit_code == 0, result.stderr
    assert _files() == ["for-vip.docx", "minutes-2026-11-24-full.docx"]


def test_agenda_export(vip) -> None:
    result = vip("agenda", "export", "2026-11-24", "--receiver", "Night shift", "--method", "printed")
    assert result.exit_code == 1  # a receiver of no known kind: the pre-read is law enforcement's
    assert "is not a known agency, so it may receive the partner minutes only" in result.stderr
    assert _files() == []
    result = vip("agenda", "export", "2026-11-24", "--to", "RMPD", "--receiver", "Night shift", "--method", "printed")
    assert result.exit_code == 0, result.stderr
    assert _files() == ["agenda-2026-11-24.docx"]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("minutes", "export", "2026-11-25"),
            "vip: no meeting on 2026-11-25; nearest meetings: 2026-11-17, 2026-11-24",
        ),
        (
            ("minutes", "export", "24/11/2026"),
            'vip: "24/11/2026" is not a date: write it as YYYY-MM-DD; recent meetings: 2026-11-24, 2026-11-17',
        ),
        (
            ("minutes", "export", "2026-11-24", "--to", "FBI"),
            'vip: no agency with the short name "FBI"; known agencies: ATF, CVI, RMPD, VIP.',
        ),
        (("agenda", "export", "2026-12-01"), "vip: no meeting on 2026-12-01"),
        (("minutes", "export", "2026-11-24", "-o", "missing/x.docx"), "the folder missing does not exist"),
        (("disseminations", "2026-11-30"), "vip: no meeting on 2026-11-30"),
    ],
)
def test_refusals_exit_1_with_a_message_and_write_nothing(vip, args: tuple[str, ...], message: str) -> None:
    result = vip(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert _files() == []
    assert vip("disseminations").stdout.strip() == "no documents exported yet"


def test_leak_exits_1_naming_what_leaked(vip, monkeypatch: pytest.MonkeyPatch) -> None:
    # The builder printing stored text without asking the release review: the scan refuses.
    monkeypatch.setattr(redact.Redactor, "said", lambda self, key, full=None: clean(full) if full else None)
    result = vip("minutes", "export", "2026-11-24", "--audience", "partner", "--to", "VIP")
    assert result.exit_code == 1
    assert f'a name part of "{Sample().suspect}"' in result.stderr
    assert "Nothing was written" in result.stderr
    assert _files() == []
    assert vip("disseminations").stdout.strip() == "no documents exported yet"


def test_usage_errors_exit_2(vip) -> None:
    assert vip("minutes", "export", "2026-11-24", "--audience", "press").exit_code == 2
    assert vip("minutes", "export").exit_code == 2
    assert vip("minutes", "export", "2026-11-24", "--method", "fax").exit_code == 2


def test_disseminations_lists_the_log(vip) -> None:
    assert vip("minutes", "export", "2026-11-24", "--audience", "partner", "--to", "vip").exit_code == 0
    assert vip("agenda", "export", "2026-11-24", "--to", "RMPD", "--receiver", "Night shift",
               "--method", "in_person").exit_code == 0
    result = vip("disseminations")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["when", "meeting", "document", "audience", "to", "method", "by", "sha256", "file"]
    assert lines[2].split()[:10] == ["2026-11-24", "09:30", "2026-11-24", "agenda", "full", "RMPD", "—", "Night", "shift", "in"]
    assert lines[3].split()[:8] == ["2026-11-24", "09:30", "2026-11-24", "minutes", "partner", "VIP", "email", "tester"]
    assert lines[3].endswith("minutes-2026-11-24-partner.docx")
    sent = hashlib.sha256(Path("minutes-2026-11-24-partner.docx").read_bytes()).hexdigest()
    assert lines[3].split()[8] == sent[:12]
    assert vip("disseminations", "2026-11-24").stdout == result.stdout
    assert (
        vip("disseminations", "2026-11-17").stdout.strip() == "no documents exported yet for the meeting of 2026-11-17"
    )


def test_registered_on_vip(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock) -> None:
    from vip_tui.db import open_database

    database = open_database(sqlite_url, user="tester", clock=clock)
    build_sample(database)
    release_for_partners(database)
    database.dispose()
    checkout = tmp_path / "checkout"  # where the command is run: nothing is written here (issue 13)
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    documents = tmp_path / "home" / "Documents" / "vip"  # not there yet: made when needed
    monkeypatch.setenv("VIP_DOCUMENTS_DIR", str(documents))
    runner = CliRunner()
    printed = []
    for args in (
        ["minutes", "export", "2026-11-24", "--audience", "partner"],
        ["agenda", "export", "2026-11-24"],
        ["disseminations"],
    ):
        result = runner.invoke(main, ["--db", sqlite_url, *args])
        assert result.exit_code == 0, result.output
        printed.append(result.stdout)
    assert list(checkout.iterdir()) == []
    assert (documents / "minutes-2026-11-24-partner.docx").is_file()
    assert (documents / "agenda-2026-11-24.docx").is_file()
    # The message names the full path, so the facilitator can find the file.
    assert printed[0].strip() == f"wrote {documents / 'minutes-2026-11-24-partner.docx'}"
    assert printed[1].strip() == f"wrote {documents / 'agenda-2026-11-24.docx'}"


# --------------------------------------------------------------------------- who may receive what (issue 11 item 7)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("minutes", "export", "2026-11-24", "--audience", "full", "--to", "CVI"),
            "CVI is a community agency and may not receive the full edition of the minutes",
        ),
        (
            ("minutes", "export", "2026-11-24", "--to", "VIP"),
            "VIP is a service agency and may not receive the full edition of the minutes",
        ),
        (("agenda", "export", "2026-11-24", "--to", "CVI"), "CVI is a community agency and may not receive the pre-read agenda"),
        (
            ("minutes", "export", "2026-11-24", "--audience", "partner", "--to", "RMPD"),
            "RMPD is a law enforcement agency and may not receive the partner edition of the minutes",
        ),
    ],
)
def test_an_agency_receives_only_what_its_kind_may(vip, args: tuple[str, ...], message: str) -> None:
    result = vip(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "service and community agencies receive the partner minutes only" in result.stderr
    assert _files() == []
    assert vip("disseminations").stdout.strip() == "no documents exported yet"


def test_an_agency_without_a_kind_receives_nothing(vip, database) -> None:
    from sqlmodel import select

    from vip_tui.models import Agency

    with database.transaction() as s:
        agency = s.exec(select(Agency).where(Agency.short_name == "ATF")).one()
        agency.kind = None
    for args in (("minutes", "export", "2026-11-24"), ("minutes", "export", "2026-11-24", "--audience", "partner")):
        result = vip(*args, "--to", "ATF")
        assert result.exit_code == 1
        assert "ATF has no agency kind recorded, so it may receive nothing" in result.stderr
    assert _files() == []
    assert vip("disseminations").stdout.strip() == "no documents exported yet"


def test_each_kind_receives_its_documents(vip) -> None:
    assert vip("minutes", "export", "2026-11-24", "--to", "RMPD").exit_code == 0
    assert vip("agenda", "export", "2026-11-24", "--to", "ATF").exit_code == 0
    assert vip("minutes", "export", "2026-11-24", "--audience", "partner", "--to", "CVI").exit_code == 0
    assert _files() == ["agenda-2026-11-24.docx", "minutes-2026-11-24-full.docx", "minutes-2026-11-24-partner.docx"]


# --------------------------------------------------------------------------- a sent file is never replaced


def test_a_sent_file_is_never_replaced_not_even_with_force(vip) -> None:
    assert vip("minutes", "export", "2026-11-24", "--to", "RMPD").exit_code == 0
    sent = Path("minutes-2026-11-24-full.docx").read_bytes()
    for extra in ((), ("--force",)):
        result = vip("minutes", "export", "2026-11-24", "--to", "ATF", *extra)
        assert result.exit_code == 1
        assert "was sent (the dissemination log points at it)" in result.stderr
        assert "write a new file name" in result.stderr
    assert Path("minutes-2026-11-24-full.docx").read_bytes() == sent
    assert len(vip("disseminations").stdout.splitlines()) == 3  # header, rule, the one row
    result = vip("minutes", "export", "2026-11-24", "--to", "ATF", "-o", "for-atf.docx")
    assert result.exit_code == 0, result.stderr


def test_an_existing_file_is_replaced_only_with_force(vip) -> None:
    Path("mine.docx").write_bytes(b"somebody's draft")
    result = vip("minutes", "export", "2026-11-24", "-o", "mine.docx")
    assert result.exit_code == 1
    assert "mine.docx already exists; give a new file name, or add --force to replace it" in result.stderr
    assert Path("mine.docx").read_bytes() == b"somebody's draft"
    assert vip("disseminations").stdout.strip() == "no documents exported yet"
    assert vip("minutes", "export", "2026-11-24", "-o", "mine.docx", "--force").exit_code == 0
    assert Path("mine.docx").read_bytes().startswith(b"PK")
    assert Path("mine.docx").stat().st_mode & 0o777 == 0o600


def test_verify_recomputes_the_hash_of_files_still_present(vip) -> None:
    assert vip("minutes", "export", "2026-11-24", "--to", "RMPD").exit_code == 0
    assert vip("agenda", "export", "2026-11-24", "--to", "RMPD").exit_code == 0
    result = vip("disseminations", "--verify")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2 same as sent, 0 changed since sent, 0 not on this disk, 0 logged without a hash"
    Path("agenda-2026-11-24.docx").unlink()
    Path("minutes-2026-11-24-full.docx").write_bytes(b"edited after sending")
    result = vip("disseminations", "--verify")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[-3:] == ["file", "check", "file"]
    assert " CHANGED " in next(line for line in lines if "minutes-2026-11-24-full.docx" in line)
    assert " missing " in next(line for line in lines if "agenda-2026-11-24.docx" in line)
    assert "1 file(s) differ from what the log says was sent" in result.stderr
