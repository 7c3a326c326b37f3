"""A throwaway PostgreSQL server for the tests: initdb, pg_ctl start, and stop at the end.

As root, the server runs as an unprivileged user (postgres refuses root).
Without PostgreSQL binaries the tests that need it skip with a message, unless
VIP_REQUIRE_POSTGRES is set (CI sets it): then they fail, so a green run
always includes PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@dataclass
class PgServer:
    bin: Path
    root: Path
    port: int
    user: str | None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd="/")

    @classmethod
    def start(cls, bin_dir: Path) -> "PgServer":
        user = _server_user()
        root = Path(tempfile.mkdtemp(prefix="vip-pg-"))
        if user:
            info = pwd.getpwnam(user)
            os.chown(root, info.pw_uid, info.pw_gid)
        server = cls(bin_dir, root, _free_port(), user)
        server._run("initdb", "-D", str(root / "data"), "-U", "vip", "-A", "trust", "-E", "UTF8", "--no-sync")
        server._run(
            "pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-w", "-t", "60",
            "-o", f"-h 127.0.0.1 -p {server.port} -k {root} -F -c fsync=off -c full_page_writes=off",
            "start",
        )
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://vip@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=vip dbname=postgres", autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
