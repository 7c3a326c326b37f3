"""Nothing typed is lost: a note typed into the real app survives SIGKILL one second later."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import AGENDAS, REPO
from vip_tui.agenda.importer import import_files
from vip_tui.db import open_database
from vip_tui.services import items, meetings

NOTE = "Typed one second before the crash"


class Terminal:
    """The real `vip` in a pseudo-terminal, driven by keystrokes."""

    def __init__(self, db: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36", "TEXTUAL_ANIMATIONS": "none"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vip_tui", "--db", str(db), "--user", "facilitator"],
            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True,
        )
        os.close(slave)
        self.seen = b""

    def pump(self, seconds: float) -> None:
        """Read what the app draws for ``seconds``: an unread terminal blocks the app's writes."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    return

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        needle = text.encode()
        while needle not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never appeared on the screen")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break

    def type(self, keys: str, pause: float = 0.05) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            self.pump(pause)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_note_survives_sigkill_one_second_after_typing(tmp_path: Path) -> None:
    db_path = tmp_path / "vip.db"
    database = open_database(str(db_path), user="analyst")
    import_files(database, sorted(AGENDAS.glob("week*")))
    meeting = meetings.meeting_by_date(database, __import__("datetime").date(2026, 11, 24))
    meetings.start_meeting(database, meeting.id, version=None)
    database.dispose()

    term = Terminal(db_path)
    try:
        term.wait_for("2026-11-24")
        term.type("3")  # not a meeting key: nothing happens on the meetings list
        term.type("\r")  # open the in-progress meeting (listed first): it opens at the review
        term.wait_for("Barrientos-Luna")  # the item has loaded
        term.type("e")
        term.pump(0.3)  # a person's pause between the key and the first word
        term.type(NOTE)
        term.pump(1.0)
    finally:
        term.kill()

    database = open_database(str(db_path))
    first = items.agenda(database, meeting.id)[0]
    notes = items.item_detail(database, first.id, with_history=False).notes
    assert [n.text for n in notes] == [NOTE]
    assert notes[0].author == "facilitator"
    database.dispose()

    # And the restarted app shows it where it was typed.
    term = Terminal(db_path)
    try:
        term.wait_for("2026-11-24")
        term.type("\r")
        term.wait_for(NOTE[:20])
    finally:
        term.kill()
