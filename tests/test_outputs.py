"""Outputs never destroy anything (issue 12 item 1): every command that writes a file, and the core writer.

Each writing command (minutes export, agenda export, figures --csv, backup)
is aimed at the database, its companions, a hard link and a symbolic link to
it, a device, a FIFO, a folder and an existing file: each is refused with a
message saying what to do, and the target is byte for byte as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.export_helpers import build_sample
from vip_tui.cli import main
from vip_tui.db import open_database
from vip_tui.outputs import OutputRefused, database_files, write_file

WRITERS = {
    "minutes": ("minutes", "export", "2026-11-24", "-o"),
    "agenda": ("agenda", "export", "2026-11-24", "-o"),
    "figures": ("figures", "--csv"),
    "backup": ("backup",),
}


def vip(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db_file(tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "vip.db"
    database = open_database(str(path), user="tester", clock=clock)
    build_sample(database)
    database.dispose()
    (tmp_path / "vip.db.before-0003_disclosure-20261101-090000.bak").write_bytes(path.read_bytes())
    return path


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = f"-> {os.readlink(p)}"
        elif p.is_file():
            out[p.name] = p.read_bytes()
        else:
            out[p.name] = stat.filemode(p.lstat().st_mode)
    return out


def _refused(db_file: Path, writer: str, target: str, *extra: str) -> str:
    before = _snapshot(db_file.parent)
    code, out, err = vip("--db", str(db_file), *WRITERS[writer], target, *extra)
    assert code == 1, (writer, target, out)
    assert "Traceback" not in err
    after = _snapshot(db_file.parent)
    # The database's -wal/-shm may appear or change on opening; nothing else may.
    ignore = {f"{db_file.name}-wal", f"{db_file.name}-shm"}
    assert {k: v for k, v in after.items() if k not in ignore} == {k: v for k, v in before.items() if k not in ignore}
    return err


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_the_database_and_its_files_are_never_an_output(db_file: Path, writer: str, force: tuple[str, ...]) -> None:
    folder = db_file.parent
    os.link(db_file, folder / "hard.db")
    (folder / "soft.db").symlink_to(db_file)
    # SQLite's companions: present (the -wal of an open database) or not.
    (folder / "vip.db-journal").write_bytes(b"")
    for target in (
        "vip.db",
        str(db_file),
        "./sub/../vip.db",
        "vip.db-wal",
        "vip.db-shm",
        "vip.db-journal",
        "vip.db.before-0003_disclosure-20261101-090000.bak",
        "hard.db",
        "soft.db",
    ):
        (folder / "sub").mkdir(exist_ok=True)
        err = _refused(db_file, writer, target, *force)
        assert "is the database or one of its files; vip never writes over it, not even with --force" in err, err


@pytest.mark.parametrize("writer", WRITERS)
def test_devices_fifos_and_folders_are_refused(db_file: Path, writer: str) -> None:
    folder = db_file.parent
    os.mkfifo(folder / "pipe")
    err = _refused(db_file, writer, "/dev/null", "--force")
    assert "/dev/null is a device, not a file; vip writes only regular files" in err
    err = _refused(db_file, writer, "pipe", "--force")
    assert "pipe is a FIFO (named pipe), not a file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("writer", ["figures", "backup"])
def test_a_folder_is_not_a_file(db_file: Path, writer: str) -> None:
    (db_file.parent / "out").mkdir()
    err = _refused(db_file, writer, "out", "--force")
    assert "out is a folder, not a file" in err


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_is_replaced_only_with_force_and_then_private(db_file: Path, writer: str) -> None:
    target = db_file.parent / "out.bin"
    target.write_bytes(b"")
    target.chmod(0o644)  # a pre-existing empty file with a permissive mode
    err = _refused(db_file, writer, "out.bin")
    assert "out.bin already exists; give a new file name, or add --force to replace it" in err
    code, _, err = vip("--db", str(db_file), *WRITERS[writer], "out.bin", "--force")
    assert code == 0, err
    assert target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("writer", WRITERS)
def test_a_new_file_is_private_even_with_a_permissive_umask(db_file: Path, writer: str) -> None:
    old = os.umask(0)
    try:
        code, _, err = vip("--db", str(db_file), *WRITERS[writer], "new.out")
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((db_file.parent / "new.out").stat().st_mode) == 0o600
    assert [p.name for p in db_file.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("writer", WRITERS)
def test_a_missing_folder_is_refused(db_file: Path, writer: str) -> None:
    err = _refused(db_file, writer, "nowhere/out.bin")
    assert "does not exist" in err
    assert not (db_file.parent / "nowhere").exists()


# --------------------------------------------------------------------------- the core writer


def test_write_file_never_replaces_what_appeared_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vip_tui import outputs

    target = tmp_path / "report.csv"
    real = outputs.write_temporary

    def racing(path: Path, data: bytes) -> Path:
        temporary = real(path, data)
        target.write_bytes(b"written by someone else meanwhile")
        return temporary

    monkeypatch.setattr(outputs, "write_temporary", racing)
    with pytest.raises(OutputRefused, match="already exists"):
        write_file(target, b"ours")
    assert target.read_bytes() == b"written by someone else meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_database_files_lists_companions_and_copies(tmp_path: Path) -> None:
    db = tmp_path / "v[1].db"
    (tmp_path / "v[1].db.before-x.bak").write_bytes(b"")
    (tmp_path / "other.db.bak").write_bytes(b"")
    names = [p.name for p in database_files(db)]
    assert names == ["v[1].db", "v[1].db-wal", "v[1].db-shm", "v[1].db-journal", "v[1].db.before-x.bak"]


def test_only_the_core_writer_writes_files() -> None:
    """A new command that writes a file cannot forget the rules: it has to go through vip_tui.outputs."""
    import re

    import vip_tui

    writes = re.compile(
        r"os\.(replace|rename|link)\(|mkstemp|NamedTemporaryFile|shutil\.(copy|move)|"
        r"\.write_(text|bytes)\(|open\([^)]*['\"][wxa]b?\+?['\"]"
    )
    root = Path(vip_tui.__file__).parent
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "outputs.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []


# --------------------------------------------------------------------------- long work (issue 12)


def test_ctrl_c_during_an_export_or_a_backup_leaves_nothing_and_says_so(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted while the document is being saved or the copy made: a message, exit 1, no file, no log row."""
    import docx.document

    from vip_tui import db as dbmod

    def files() -> dict[str, bytes | str]:  # the database's own files change as it is opened: not ours to compare
        return {k: v for k, v in _snapshot(db_file.parent).items() if not k.startswith("vip.db")}

    before = files()

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(docx.document.Document, "save", interrupted)
        code, out, err = vip("--db", str(db_file), "minutes", "export", "2026-11-24", "-o", "m.docx")
    assert (code, out) == (1, "")
    assert err == "vip: interrupted (ctrl+c); nothing was written or changed\n"
    with monkeypatch.context() as m:
        m.setattr(dbmod, "_sqlite_copy", interrupted)
        code, out, err = vip("--db", str(db_file), "backup", "copy.db")
    assert (code, err) == (1, "vip: interrupted (ctrl+c); nothing was written or changed\n")
    assert files() == before  # no document, no copy, no temporary file
    assert "m.docx" not in vip("--db", str(db_file), "disseminations")[1]  # and no log row


class _Terminal:
    """A stderr that says it is a terminal, and keeps what was written to it."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.written.append(text)

    def flush(self) -> None:
        pass


def test_slow_work_says_what_it_is_doing_on_a_terminal_and_clears_the_line() -> None:
    import threading

    from vip_tui.commands.common import working

    terminal, shown = _Terminal(), threading.Event()
    original = terminal.write
    terminal.write = lambda text: (original(text), shown.set())  # type: ignore[method-assign]
    with working("backing up to copy.db", after=0, every=0.01, stream=terminal):
        assert shown.wait(30)  # the line appears while the work goes on
    assert terminal.written[0].startswith("\r\x1b[2Kvip: backing up to copy.db… ")
    assert terminal.written[-1] == "\r\x1b[2K"  # and is gone when it ends
    quiet = _Terminal()
    quiet.isatty = lambda: False  # type: ignore[method-assign]
    with working("writing", after=0, stream=quiet):
        pass
    assert quiet.written == []  # redirected output stays clean
