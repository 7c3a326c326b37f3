"""Start-up as a user meets it: the installed ``vip`` console script in a pseudo-terminal, to its first rows.

    python -m bench.startup PATH_OR_URL [--repeat 7]     # vip against the bare app, printed

Each run forks a child on a new pseudo-terminal of 120x36 (the size set on
the terminal before the program starts), runs ``vip --db PATH_OR_URL`` (the
console script next to this interpreter, as installed by pip) or
``python bench/bare_app.py DATE`` (the same interpreter), reads what the
program writes to the terminal until the date of the newest meeting appears
(the first row of the list: the frame with the rows), and kills it. The time
is from the fork to that output. Runs alternate (bare, vip, bare, vip...)
after one warm-up pair that is not counted (page cache, compiled bytecode).

Nothing beyond the standard library is imported: the parent's imports do not
matter, but it keeps the module usable before the venv is complete.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

SIZE = (120, 36)
BARE_APP = Path(__file__).with_name("bare_app.py")
TIMEOUT = 60.0


class StartupFailed(RuntimeError):
    pass


def vip_command(db: str) -> list[str]:
    """The installed console script beside the running interpreter (``.venv/bin/vip``)."""
    script = Path(sys.executable).with_name("vip")
    if not script.exists():
        raise StartupFailed(f"no installed vip console script at {script}; run `make .venv/.installed`")
    return [str(script), "--db", db]


def bare_command(first_date: str) -> list[str]:
    return [sys.executable, str(BARE_APP), first_date]


def first_frame(argv: list[str], needle: str, env: dict[str, str] | None = None) -> float:
    """Seconds from starting ``argv`` on a new 120x36 pseudo-terminal to ``needle`` in its output."""
    columns, lines = SIZE
    wanted = needle.encode()
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size its terminal, then become the program
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
            os.execve(argv[0], argv, {**(env or os.environ), "TERM": "xterm-256color",
                                       "COLUMNS": str(columns), "LINES": str(lines)})
        finally:
            os._exit(127)
    seen = b""
    try:
        while wanted not in seen[-(len(wanted) + 65536):]:
            remaining = TIMEOUT - (time.perf_counter() - t0)
            ready, _, _ = select.select([fd], [], [], max(0.0, remaining))
            if not ready:
                raise StartupFailed(f"{argv[0]}: no {needle!r} on screen after {TIMEOUT:.0f} s: {seen[-300:]!r}")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child ended (EIO on Linux)
                chunk = b""
            if not chunk:
                raise StartupFailed(f"{' '.join(argv)} ended before showing {needle!r}: {seen[-600:]!r}")
            seen += chunk
        return time.perf_counter() - t0
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


@dataclass
class Startup:
    vip: list[float]
    bare: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.vip) / statistics.median(self.bare)


def measure(db: str, first_date: str, repeat: int = 7, env: dict[str, str] | None = None) -> Startup:
    """``vip --db db`` against the bare app, alternated, ``repeat`` runs each after one warm-up pair."""
    vip, bare = vip_command(db), bare_command(first_date)
    first_frame(bare, first_date, env), first_frame(vip, first_date, env)  # not counted
    result = Startup([], [])
    for _ in range(repeat):
        result.bare.append(first_frame(bare, first_date, env))
        result.vip.append(first_frame(vip, first_date, env))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", metavar="PATH_OR_URL")
    parser.add_argument("--date", default="2026-11-24", help="the newest meeting's date (default: the history's)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    r = measure(args.db, args.date, args.repeat)
    print("vip ", " ".join(f"{x * 1000:.0f}" for x in r.vip))
    print("bare", " ".join(f"{x * 1000:.0f}" for x in r.bare))
    print(f"median vip {statistics.median(r.vip) * 1000:.0f} ms, bare {statistics.median(r.bare) * 1000:.0f} ms, "
          f"ratio {r.ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
