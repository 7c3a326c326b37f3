"""Plain functions over a database session, shared by the CLI and the TUI (no Textual here)."""
