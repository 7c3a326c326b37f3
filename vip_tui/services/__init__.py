"""Plain functions over a database session, shared by the CLI and the TUI (no Textual here).

The modules, by meaning:

- guard: the service errors (ServiceError and its kinds) and the guarded write every service goes through
- meetings: the meetings list (Core only: it is the first screen), the write lock, start and close
- the stages of a meeting: attendance, old_business, items (the agenda, one item, its notes, marks and pace),
  decisions, wrap_up; search finds a person or a case from anywhere
- agenda_builder (the analyst's agenda) and person_match (who a typed person may be)
- the rest of the program: persons, history, notifications, merge, amendments, release, undo, figures, frozen

A service returns frozen dataclasses or plain values, never ORM rows, and refuses with a guard error.
"""
