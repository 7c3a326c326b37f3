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


DB_ENV = "VIP_DB"


def env_database() -> str | None:
    """``VIP_DB`` (a path or URL), the one place it is read: by ``vip``'s ``--db`` and by ``db.resolve_url``."""
    import os

    return os.environ.get(DB_ENV) or None


CONFIG_ENV = "VIP_CONFIG"


def config_path() -> Path:
    """The configuration file (see :mod:`vip_tui.config`): ``config.toml`` in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


DOCUMENTS_ENV = "VIP_DOCUMENTS_DIR"

# The documents folder of the configuration file (vip_tui.config), set once by
# the command line when it has read the file; VIP_DOCUMENTS_DIR still wins.
configured_documents_dir: Path | None = None


def use_documents_dir(folder: Path | None) -> None:
    """Documents go to ``folder`` (from the configuration file) unless ``VIP_DOCUMENTS_DIR`` says otherwise."""
    global configured_documents_dir
    configured_documents_dir = folder


def documents_dir(*, create: bool = False) -> Path:
    """Where documents (minutes, the pre-read agenda) go when no path is given: ``<Documents>/vip``.

    Never the current folder (issue 13: minutes were written into a git
    checkout). ``VIP_DOCUMENTS_DIR`` overrides it (tests point it at a
    temporary folder), then ``documents`` in the configuration file. With
    ``create`` the folder is made, owner-only, if it does not exist yet.
    """
    import os

    override = os.environ.get(DOCUMENTS_ENV, "").strip()
    if override:
        folder = Path(override).expanduser().absolute()
    elif configured_documents_dir is not None:
        folder = configured_documents_dir
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
