"""Minutes and agendas as Word documents, redaction for partners, the dissemination log (SPEC §7).

Nothing here imports Textual, and python-docx is imported only by the
functions that write a document.
"""

from .agenda import build_agenda, default_agenda_name, export_agenda
from .dissemination import DisseminationRow, FileCheck, NotAllowed, list_disseminations, verify_file
from .errors import ExportError, Leak, LeakError, MeetingNotFound, UnknownAgency, UnresolvedPassages
from .minutes import build_minutes, default_minutes_name, export_minutes

__all__ = [
    "DisseminationRow",
    "ExportError",
    "FileCheck",
    "NotAllowed",
    "Leak",
    "LeakError",
    "MeetingNotFound",
    "UnknownAgency",
    "UnresolvedPassages",
    "build_agenda",
    "build_minutes",
    "default_agenda_name",
    "default_minutes_name",
    "export_agenda",
    "export_minutes",
    "list_disseminations",
    "verify_file",
]
