"""Writing a file that vip produces (a document, a CSV, a backup) without destroying anything.

Every command that writes a file goes through here, so that none can forget
a rule (issue 12 item 1):

- never onto the database or one of its files (``-wal``, ``-shm``,
  ``-journal``, the ``.bak`` copies), compared by resolved path and by inode,
  not even with ``force``;
- never onto a device, FIFO, socket or folder;
- never onto an existing file unless ``force`` (then only a regular file);
- the data goes to a temporary file in the same folder, owner-only (0600),
  and is linked into place only where nothing is (or renamed onto the
  regular file ``force`` allows), so a reader never sees half a file and a
  file created meanwhile is not replaced.

The core's own modules use it; nothing here imports Textual or click.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

# Beside a database file: SQLite's own companions and vip's upgrade copies.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class OutputRefused(Exception):
    """A file that will not be written where asked; the message says what to do. Nothing was written."""


def database_files(db_file: Path | None) -> list[Path]:
    """The SQLite file ``db_file`` and every file that belongs to it (companions and ``.bak`` copies)."""
    if db_file is None:
        return []
    db_file = Path(db_file)
    files = [db_file, *(db_file.with_name(db_file.name + s) for s in SQLITE_COMPANIONS)]
    try:
        files += sorted(db_file.parent.glob(f"{_glob_escape(db_file.name)}*.bak"))
    except OSError:
        pass
    return files


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _is_protected(target: Path, protected: Iterable[Path]) -> bool:
    resolved = target.resolve()
    try:
        st = os.stat(target)
        here: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except OSError:
        here = None
    for p in protected:
        if Path(p).resolve() == resolved:
            return True
        if here is not None:
            try:
                other = os.stat(p)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == here:
                return True
    return False


def check_output(path: Path | str, *, force: bool = False, protected: Iterable[Path] = ()) -> Path:
    """``path`` if a file may be written there, else :class:`OutputRefused` saying what to do."""
    target = Path(path).expanduser()
    protected = list(protected)
    if _is_protected(target, protected):
        raise OutputRefused(
            f"{target} is the database or one of its files; vip never writes over it, not even with --force. "
            "Choose another file name."
        )
    parent = target.parent
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a folder"
        raise OutputRefused(f"cannot write {target}: the folder {parent} {what}; create it first or choose another path")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        if os.path.islink(target):
            raise OutputRefused(f"{target} is a link to nothing; choose another file name") from None
        return target
    except OSError as exc:
        raise OutputRefused(f"cannot write {target}: {exc.strerror or exc}") from None
    kind = _kind(st.st_mode)
    if kind is not None:
        raise OutputRefused(f"{target} is {kind}, not a file; vip writes only regular files. Give a file name.")
    if not force:
        raise OutputRefused(
            f"{target} already exists; give a new file name, or add --force to replace it (nothing was written)"
        )
    return target


def write_temporary(target: Path, fill: bytes | Callable[[Path], None]) -> Path:
    """A new owner-only (0600) file beside ``target`` holding ``fill`` (bytes, or a function that writes the path)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp")
    except OSError as exc:
        raise OutputRefused(
            f"cannot write in {target.parent}: {exc.strerror or exc}; choose a folder you may write to"
        ) from None
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(fill, bytes):
                fh.write(fill)
                fh.flush()
                os.fsync(fh.fileno())
        if not isinstance(fill, bytes):
            fill(temporary)
        os.chmod(temporary, 0o600)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputRefused(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def place(temporary: Path, target: Path, *, force: bool = False, protected: Iterable[Path] = ()) -> None:
    """Move ``temporary`` to ``target``: onto nothing, or with ``force`` onto a regular file. Checked again first.

    On a refusal or failure the temporary file is removed and ``target`` is as it was.
    """
    try:
        check_output(target, force=force, protected=protected)
        if force and target.exists():
            os.replace(temporary, target)
            return
        try:
            # A link fails if anything appeared at target since the check: never a silent replace.
            os.link(temporary, target)
        except FileExistsError:
            raise OutputRefused(f"{target} already exists; give a new file name (nothing was written)") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(target):  # no hard links here (some network shares): check, then rename
                raise OutputRefused(f"{target} already exists; give a new file name (nothing was written)") from None
            os.rename(temporary, target)
            return
        temporary.unlink()
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputRefused(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_file(
    path: Path | str, data: bytes | Callable[[Path], None], *, force: bool = False, protected: Iterable[Path] = ()
) -> Path:
    """Write ``data`` to ``path`` by the rules above; returns the path written."""
    protected = list(protected)
    target = check_output(path, force=force, protected=protected)
    place(write_temporary(target, data), target, force=force, protected=protected)
    return target
