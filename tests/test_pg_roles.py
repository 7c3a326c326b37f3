"""The audit log is out of the run-time role's reach on PostgreSQL (issue 12 item 6), on a real server.

The schema belongs to ``vip_owner``, which runs the migrations (``vip db
upgrade --owner-url``); vip runs as ``vip_app``, which may read and append to
the audit log and nothing more, while its ordinary work is still done and
audited. All data fictional.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result

from tests.conftest import AGENDAS, FixedClock
from tests.pg import PgServer
from vip_tui.cli import main
from vip_tui.db import OWNER_URL_ENV, StorageError, open_database

psycopg = pytest.importorskip("psycopg")


def vip(*argv: str) -> Result:
    return CliRunner().invoke(main, list(argv), catch_exceptions=False)


def _admin(server: PgServer, dbname: str = "postgres") -> "psycopg.Connection":
    return psycopg.connect(f"host=127.0.0.1 port={server.port} user=vip dbname={dbname}", autocommit=True)


@pytest.fixture
def roles(pg_server: PgServer) -> Iterator[SimpleNamespace]:
    """A database owned by its own owner role, and a login role for vip to run as (names unique per test)."""
    tag = uuid.uuid4().hex[:8]
    owner, app, name = f"owner_{tag}", f"app_{tag}", f"r_{tag}"
    with _admin(pg_server) as con:
        con.execute(f'CREATE ROLE "{owner}" LOGIN')
        con.execute(f'CREATE ROLE "{app}" LOGIN')
        con.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    base = f"127.0.0.1:{pg_server.port}/{name}"
    yield SimpleNamespace(
        owner=owner, app=app, name=name,
        owner_url=f"postgresql+psycopg://{owner}@{base}", app_url=f"postgresql+psycopg://{app}@{base}",
        app_dsn=f"host=127.0.0.1 port={pg_server.port} user={app} dbname={name}",
    )


def _audit_count(dsn: str) -> int:
    with psycopg.connect(dsn) as con:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_the_runtime_role_works_and_audits_but_cannot_touch_the_audit_log(
    roles: SimpleNamespace, clock: FixedClock
) -> None:
    done = vip("--db", roles.app_url, "db", "upgrade", "--owner-url", roles.owner_url)
    assert done.exit_code == 0, done.output
    assert f"granted {roles.app}" in done.output

    # Ordinary work as the runtime role: an import and a note, both audited.
    imported = vip("--db", roles.app_url, "agenda", "import", str(AGENDAS / "week1-2026-11-10.toml"))
    assert imported.exit_code == 0, imported.output
    from vip_tui.services import items, meetings

    db = open_database(roles.app_url, user="facilitator", clock=clock)
    try:
        meeting = meetings.meeting_by_date(db, __import__("datetime").date(2026, 11, 10))
        item = items.agenda(db, meeting.id)[0]
        note_id = items.save_note(db, item.id, "Canvass planned for Friday", version=None)
    finally:
        db.dispose()
    with psycopg.connect(roles.app_dsn) as con:
        actions = {r[0] for r in con.execute("SELECT entity FROM audit_log")}
        assert {"meeting", "incident", "person", "note"} <= actions
        assert con.execute(
            "SELECT count(*) FROM audit_log WHERE entity = 'note' AND entity_id = %s AND \"user\" = 'facilitator'",
            (str(note_id),),
        ).fetchone()[0] == 1
    before = _audit_count(roles.app_dsn)

    for statement in (
        "TRUNCATE audit_log",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET \"user\" = 'nobody'",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TABLE audit_log",
        "UPDATE alembic_version SET version_num = 'x'",
    ):
        with psycopg.connect(roles.app_dsn, autocommit=True) as con:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
    assert _audit_count(roles.app_dsn) == before

    # The owner still can (it is the one that migrates): the rights are the runtime role's only.
    with psycopg.connect(roles.app_dsn.replace(roles.app, roles.owner)) as con:
        assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_a_runtime_role_finding_the_schema_out_of_date_says_which_command_to_run(
    roles: SimpleNamespace, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vip_tui.db import KNOWN_REVISIONS, _migrate, grant_runtime, make_engine

    older = KNOWN_REVISIONS[-2]
    owner = make_engine(roles.owner_url)
    try:
        _migrate(owner, older)  # the schema as the previous vip left it
        grant_runtime(owner, roles.app)
    finally:
        owner.dispose()

    with pytest.raises(StorageError) as refused:
        open_database(roles.app_url, clock=clock)
    message = str(refused.value)
    assert f"has schema {older}" in message and "vip --db URL db upgrade --owner-url" in message
    assert OWNER_URL_ENV in message and "Nothing was changed" in message
    cli = vip("--db", roles.app_url, "meetings")
    assert cli.exit_code == 1 and "db upgrade --owner-url" in cli.output and "Traceback" not in cli.output
    with psycopg.connect(roles.app_dsn) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == older

    # With the owner's URL in the environment, opening upgrades through it and re-grants the new columns.
    monkeypatch.setenv(OWNER_URL_ENV, roles.owner_url)
    db = open_database(roles.app_url, clock=clock)
    try:
        with db.engine.connect() as con:
            assert con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == KNOWN_REVISIONS[-1]
            assert con.exec_driver_sql("SELECT count(*) FROM referral WHERE version = 1").scalar() == 0
    finally:
        db.dispose()
    with psycopg.connect(roles.app_dsn) as con:
        owner_of = con.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'").fetchone()[0]
    assert owner_of == roles.owner


def test_grant_refuses_an_unknown_role_and_a_url_that_is_not_the_owner(roles: SimpleNamespace) -> None:
    assert vip("--db", roles.app_url, "db", "upgrade", "--owner-url", roles.owner_url).exit_code == 0
    unknown = vip("db", "grant", "no_such_role", "--owner-url", roles.owner_url)
    assert unknown.exit_code == 1 and "there is no role 'no_such_role'" in unknown.output
    not_owner = vip("db", "grant", roles.owner, "--owner-url", roles.app_url)
    assert not_owner.exit_code == 1 and "does not own the vip schema" in not_owner.output
    again = vip("db", "grant", roles.app, "--owner-url", roles.owner_url)
    assert again.exit_code == 0 and f"granted {roles.app}" in again.output
    elsewhere = vip("--db", roles.app_url.replace(roles.name, "postgres"), "db", "upgrade", "--owner-url", roles.owner_url)
    assert elsewhere.exit_code == 1 and "name different databases" in elsewhere.output
