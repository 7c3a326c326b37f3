"""What an export refuses to do, in words a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ExportError(Exception):
    """A document that cannot be produced as asked; nothing was written or recorded."""


class MeetingNotFound(ExportError):
    """The date is not a date, or no meeting was held on it."""


class UnknownAgency(ExportError):
    """``--to`` names an agency short name that the database does not know."""


@dataclass(frozen=True)
class Leak:
    """One protected string found in a partner document: what it is, and where."""

    what: str
    where: str

    def __str__(self) -> str:
        return f"{self.what} in {self.where}"


class LeakError(ExportError):
    """The redacted document still holds protected text, so it was not written."""

    SHOWN = 5

    def __init__(self, document: str, leaks: Sequence[Leak]) -> None:
        self.leaks = list(leaks)
        shown = "; ".join(str(leak) for leak in self.leaks[: self.SHOWN])
        more = len(self.leaks) - self.SHOWN
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(
            f"refused to write the {document}: protected text would appear in it: {shown}. "
            "Nothing was written and no dissemination was recorded."
        )
