"""What an export refuses to do, in words a person can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services.release import Passage


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
    """The finished partner document still holds protected text, so it was not written."""

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


class UnresolvedPassages(ExportError):
    """The release review still has passages to decide, so the partner edition was not written."""

    def __init__(self, meeting_date: dt.date, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)
        lines = [f"  {p.where}, {p.field}: {p.problem()}" for p in self.passages]
        date = meeting_date.isoformat()
        n = len(self.passages)
        super().__init__(
            f"refused to write the partner minutes of {date}: {n} passage{'' if n == 1 else 's'} "
            "not resolved in the release review:\n" + "\n".join(lines) + "\n"
            f"Release, edit or withhold each (the release review in the wrap-up; `vip minutes passages {date}` "
            f"lists them, `vip minutes release {date} --clean` releases those without protected text). "
            "Nothing was written and no dissemination was recorded."
        )
