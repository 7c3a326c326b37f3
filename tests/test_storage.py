"""Storage (SPEC §3): file mode, pragmas, migrations, refusing foreign files, audit, constraints, backup."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from vip_tui import db as dbmod
from vip_tui.db import HEAD, KNOWN_REVISIONS, StorageError, backup, open_database, resolve_url
from vip_tui.enums import AgencyKind, IncidentType
from vip_tui.models import Agency, AuditLog, Incident, Involvement, Person, SQLModel


def _digest(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


# --------------------------------------------------------------------------- SQLite file


def test_new_sqlite_file_is_private_and_uses_wal_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "vip.db"
    path.parent.mkdir()  # a missing folder is refused (tests/test_cli_hostile.py)
    database = open_database(str(path), user="tester")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with database.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == dbmod.BUSY_TIMEOUT_MS
        assert con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    database.dispose()


def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        open_database(str(tmp_path / "vip.db")).dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "vip.db").stat().st_mode) == 0o600


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    url = resolve_url(None)
    assert url.startswith("sqlite:///")
    assert url.endswith("/vip-tui/vip.db")
    assert str(Path(os.environ["XDG_DATA_HOME"])) in url


def test_vip_db_environment_and_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIP_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(StorageError, match="not a database URL"):
        resolve_url("nonsense://::")


@pytest.mark.parametrize(
    "content",
    [b"just some notes\n", b"\x00\x01binary", b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage"],
    ids=["text", "binary", "corrupt-sqlite"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    before = _digest(path)
    with pytest.raises(StorageError, match="nothing was changed"):
        open_database(str(path))
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('soup')")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StorageError) as info:
        open_database(str(path))
    assert "not a vip database" in str(info.value)
    assert "recipes" in str(info.value)
    assert _digest(path) == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vip.db"
    open_database(str(path)).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StorageError, match="newer or unknown version of vip"):
        open_database(str(path))
    assert _digest(path) == before


def test_a_postgresql_database_of_another_program_or_a_newer_vip_is_refused_and_left_alone(pg_server) -> None:  # noqa: ANN001
    import sqlalchemy as sa

    other = pg_server.create_database()
    engine = sa.create_engine(other)
    with engine.begin() as con:
        con.execute(sa.text("CREATE TABLE recipes (id integer PRIMARY KEY, name text)"))
    with pytest.raises(StorageError) as info:
        open_database(other)
    assert "not a vip database" in str(info.value) and "recipes" in str(info.value)
    with engine.connect() as con:
        assert sa.inspect(con).get_table_names() == ["recipes"]  # nothing created next to it
    engine.dispose()

    newer = pg_server.create_database()
    open_database(newer).dispose()
    engine = sa.create_engine(newer)
    with engine.begin() as con:
        con.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StorageError, match="newer or unknown version of vip"):
        open_database(newer)
    with engine.connect() as con:
        assert con.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    engine.dispose()
    fresh = open_database(pg_server.create_database())  # an empty database becomes a vip database
    assert fresh.upgraded_from is None
    fresh.dispose()


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "vip.db"
    path.touch()
    open_database(str(path)).dispose()
    assert sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)


def test_an_older_schema_is_upgraded_in_place_after_a_copy_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database at today's head, then a vip that knows one more revision.
    path = tmp_path / "vip.db"
    database = open_database(str(path))
    with database.transaction() as s:
        s.add(Agency(short_name="RMPD", kind=AgencyKind.law_enforcement))
    database.dispose()

    migrations = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0002_test.py").write_text(
        f'''
from alembic import op
import sqlalchemy as sa
revision = "0002_test"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None
def upgrade():
    with op.batch_alter_table("agency") as b:
        b.add_column(sa.Column("phone", sa.String(40), nullable=True))
def downgrade():
    with op.batch_alter_table("agency") as b:
        b.drop_column("phone")
'''
    )
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(dbmod, "KNOWN_REVISIONS", (*KNOWN_REVISIONS, "0002_test"))
    monkeypatch.setattr(dbmod, "HEAD", "0002_test")

    upgraded = dbmod.open_database(str(path))
    upgraded.dispose()
    assert upgraded.upgraded_from == HEAD
    assert upgraded.backup_path is not None and upgraded.backup_path.exists()
    assert stat.S_IMODE(upgraded.backup_path.stat().st_mode) == 0o600
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002_test",)
    assert "phone" in [r[1] for r in con.execute("PRAGMA table_info(agency)")]
    assert con.execute("SELECT short_name FROM agency").fetchall() == [("RMPD",)]
    kept = sqlite3.connect(upgraded.backup_path)
    assert kept.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    assert kept.execute("SELECT short_name FROM agency").fetchall() == [("RMPD",)]


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(dbmod.MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [HEAD]
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == KNOWN_REVISIONS


# --------------------------------------------------------------------------- both backends


def test_migrations_create_exactly_the_models(database) -> None:  # noqa: ANN001
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with database.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_every_write_is_audited_with_who_and_what(database, clock) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Agency(short_name="ATF", kind=AgencyKind.law_enforcement))
    clock.advance(minutes=5)
    with database.transaction() as s:
        agency = s.exec(select(Agency)).one()
        agency.name = "Bureau of Alcohol, Tobacco, Firearms and Explosives"
    clock.advance(minutes=5)
    with database.transaction() as s:
        s.delete(s.exec(select(Agency)).one())
    with database.session() as s:
        rows = s.exec(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.action.value, r.entity, r.user) for r in rows] == [
        ("create", "agency", "tester"),
        ("update", "agency", "tester"),
        ("delete", "agency", "tester"),
    ]
    assert rows[0].entity_id == rows[1].entity_id == rows[2].entity_id is not None
    assert rows[0].changes["short_name"] == "ATF"
    assert rows[0].changes["kind"] == "law_enforcement"
    assert rows[1].changes == {"name": [None, "Bureau of Alcohol, Tobacco, Firearms and Explosives"]}
    assert [r.at for r in rows] == [
        dt.datetime(2026, 11, 24, 9, 30),
        dt.datetime(2026, 11, 24, 9, 35),
        dt.datetime(2026, 11, 24, 9, 40),
    ]


def test_a_rolled_back_write_leaves_no_audit_row(database) -> None:  # noqa: ANN001
    with pytest.raises(RuntimeError):
        with database.transaction() as s:
            s.add(Agency(short_name="DEA"))
            s.flush()
            raise RuntimeError("changed my mind")
    with database.session() as s:
        assert s.exec(select(AuditLog)).all() == []
        assert s.exec(select(Agency)).all() == []


def test_bulk_statements_are_audited_too(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Agency(short_name="DA"))
    with database.transaction() as s:
        s.exec(sa.update(Agency).values(name="District Attorney"))
    with database.session() as s:
        actions = [(r.action.value, r.entity) for r in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions == [("create", "agency"), ("update", "agency")]


def test_the_audit_log_is_append_only(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Agency(short_name="FBI"))
    for statement in ("DELETE FROM audit_log", "UPDATE audit_log SET \"user\" = 'someone else'"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with database.engine.begin() as con:
                con.exec_driver_sql(statement)


def _incident(case: str) -> Incident:
    return Incident(
        case_number=case, occurred_at=dt.datetime(2026, 11, 18, 23, 42), type=IncidentType.non_fatal, location="x"
    )


def test_case_numbers_and_record_ids_are_unique(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(_incident("26-0000001"))
        s.add(Person(name="C. Example", name_key="c example", record_id="MNI-1"))
    with pytest.raises(IntegrityError):
        with database.transaction() as s:
            s.add(_incident("26-0000001"))
    with pytest.raises(IntegrityError):
        with database.transaction() as s:
            s.add(Person(name="D. Example", name_key="d example", record_id="MNI-1"))


def test_enums_are_real_types_in_the_database(database) -> None:  # noqa: ANN001
    with pytest.raises((IntegrityError, sa.exc.DataError, sa.exc.ProgrammingError)):
        with database.engine.begin() as con:
            con.exec_driver_sql(
                "INSERT INTO incident (case_number, occurred_at, type, location, nibin_leads) "
                "VALUES ('26-1', '2026-11-18 23:42:00', 'drive_by', 'x', '[]')"
            )
    with pytest.raises(StatementError):
        with database.transaction() as s:
            bad = _incident("26-2")
            bad.type = "drive_by"  # type: ignore[assignment]
            s.add(bad)


def test_foreign_keys_are_enforced(database) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError):
        with database.transaction() as s:
            s.add(Involvement(incident_id=999, person_id=999, role="victim"))


# --------------------------------------------------------------------------- backup


def test_backup_of_sqlite_is_consistent_while_another_writer_is_mid_transaction(tmp_path: Path, clock) -> None:  # noqa: ANN001
    database = open_database(str(tmp_path / "vip.db"), clock=clock)
    with database.transaction() as s:
        s.add(_incident("26-0000001"))
    writer = sqlite3.connect(tmp_path / "vip.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO incident (case_number, occurred_at, type, location, nibin_leads) "
        "VALUES ('26-0000002', '2026-11-18 23:42:00', 'homicide', 'x', '[]')"
    )
    done = threading.Event()
    result: list[int] = []

    def run() -> None:
        result.append(backup(database, tmp_path / "copy.db"))
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert done.wait(10), "backup blocked by an open write transaction"
    writer.execute("COMMIT")
    writer.close()
    copy = open_database(str(tmp_path / "copy.db"))
    with copy.session() as s:
        assert [i.case_number for i in s.exec(select(Incident))] == ["26-0000001"]
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    assert result[0] > 0


def test_backup_copies_every_table_into_a_vip_file(database, tmp_path: Path) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(_incident("26-0000001"))
        s.add(Agency(short_name="RMPD", kind=AgencyKind.law_enforcement))
    backup(database, tmp_path / "copy.db")
    copy = open_database(str(tmp_path / "copy.db"))
    with copy.session() as s, database.session() as orig:
        for model in (Incident, Agency, AuditLog):
            assert len(s.exec(select(model)).all()) == len(orig.exec(select(model)).all()) > 0
    with pytest.raises(StorageError, match="already exists"):
        backup(database, tmp_path / "copy.db")


# --------------------------------------------------------------------------- import hygiene


def test_the_core_does_not_import_textual() -> None:
    code = (
        "import sys; import vip_tui.db, vip_tui.models, vip_tui.agenda.importer, vip_tui.services.meetings, "
        "vip_tui.cli, vip_tui.demo; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_nul_characters_are_dropped_on_both_backends(database) -> None:  # noqa: ANN001
    with database.transaction() as s:
        s.add(Agency(short_name="RM\x00PD", name="Rio\x00 Mesa"))
    with database.session() as s:
        agency = s.exec(select(Agency)).one()
    assert (agency.short_name, agency.name) == ("RMPD", "Rio Mesa")
