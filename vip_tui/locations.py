"""Every path vip uses, through platformdirs."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "vip-tui"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The embedded default database: one SQLite file in the user's data directory."""
    return data_dir() / "vip.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


DOCUMENTS_ENV = "VIP_DOCUMENTS_DIR"


def documents_dir(*, create: bool = False) -> Path:
    """Where documents (minutes, the pre-read agenda) go when no path is given: ``<Documents>/vip``.

    Never the current folder (issue 13: minutes were written into a git
    checkout). ``VIP_DOCUMENTS_DIR`` overrides it (tests point it at a
    temporary folder). With ``create`` the folder is made, owner-only, if it
    does not exist yet.
    """
    import os

    override = os.environ.get(DOCUMENTS_ENV, "").strip()
    if override:
        folder = Path(override).expanduser().absolute()
    else:
        from platformdirs import user_documents_path

        folder = user_documents_path() / "vip"
    if create:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def documents_dir_for_form() -> Path:
    """The folder an export dialog proposes: the documents folder, made now so the dialog accepts it.

    If it cannot be made (a read-only home), the home folder, which the
    person sees in the dialog and can change; never the current folder.
    """
    try:
        return documents_dir(create=True)
    except OSError:
        return Path.home()
