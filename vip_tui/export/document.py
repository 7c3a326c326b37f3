"""The Word document every vip export starts from, and the pieces it is built of.

This module imports python-docx; the rest of ``vip_tui.export`` imports it
only inside the functions that write (start-up time).

Everything is styled with Word's built-in styles (Title, Heading 1-3, List
Bullet, Strong, a built-in table style) and no direct formatting, so the
navigation pane shows the sections and a partner can restyle or edit the
document as they like. The only layout set by hand is the page (US Letter,
one-inch margins) and column widths, which Word has no style for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from docx.table import Table
from docx.text.paragraph import Paragraph

from .format import PROGRAM
from .redact import Marks, Said, Words
from .sanitize import clean

# A piece of text with an optional character style ("Strong", "Emphasis"); a
# cell or paragraph holds one span or a list of them.
Span = str | tuple[str, str | None]
Cell = Span | list[Span]

TABLE_STYLE = "Light List Accent 1"
FACTS_STYLE = "Light Shading Accent 1"
TEXT_WIDTH = 6.5  # inches: US Letter less one-inch margins


def _spans(content: Cell) -> list[tuple[str, str | None]]:
    if isinstance(content, str):
        return [(content, None)]
    if isinstance(content, tuple):
        return [content]
    return [(s, None) if isinstance(s, str) else s for s in content]


class DocWriter:
    """A new document with header, footer and properties set; add content in reading order.

    ``allowed`` collects the paragraphs and table rows in which a subject's
    name may appear in a partner document; ``exempt`` the tokens marked "not
    this person" in the passages (:class:`~.redact.Said`) each paragraph
    holds; ``own`` the document's own wording in each paragraph (every span
    that is not a passage); see :mod:`vip_tui.export.redact`.
    """

    def __init__(self, *, title: str, subject: str, marking: str, footer: str, created: dt.datetime) -> None:
        self.doc: Document = new_document()
        self.allowed: dict[Any, frozenset[Words]] = {}
        self.exempt: dict[Any, frozenset[str]] = {}
        self.own: dict[Any, list[str]] = {}
        self.furniture = (PROGRAM, title, subject, marking, footer, " Page ", " of ")
        self.fact_words: set[str] = set()  # words of structured facts (case numbers): see Marks
        self._style_ids: dict[str, str] = {}
        self._page_setup()
        self._header(marking)
        self._footer(footer)
        self._properties(title=title, subject=subject, marking=marking, created=created)

    # ------------------------------------------------------------------ page furniture

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
        section.header_distance = section.footer_distance = Inches(0.5)

    def _header(self, marking: str) -> None:
        header = self.doc.sections[0].header
        first = header.paragraphs[0]
        first.style = self.doc.styles["Header"]
        first.add_run(clean(PROGRAM))
        second = header.add_paragraph(style="Header")
        second.add_run(clean(marking), style="Strong")

    def _footer(self, text: str) -> None:
        p = self.doc.sections[0].footer.paragraphs[0]
        p.style = self.doc.styles["Footer"]
        # The Footer style's tab stops: centre, then right margin.
        p.add_run(clean(text) + "\t\tPage ")
        _field(p, "PAGE")
        p.add_run(" of ")
        _field(p, "NUMPAGES")

    def _properties(self, *, title: str, subject: str, marking: str, created: dt.datetime) -> None:
        props = self.doc.core_properties
        props.title = clean(title)
        props.subject = clean(subject)
        props.author = PROGRAM
        props.last_modified_by = PROGRAM
        props.category = marking
        props.comments = ""
        props.keywords = ""
        props.created = props.modified = created
        props.last_printed = created
        props.revision = 1
        # The template's thumbnail shows an empty page in file browsers: drop it.
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                package.rels.pop(rid)

    # ------------------------------------------------------------------ content

    def _style_id(self, name: str) -> str:
        # python-docx resolves a style name with an XPath search on every
        # paragraph and run: a 60-incident meeting spent most of its time there.
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    @property
    def marks(self) -> Marks:
        """Where the leak scan lets a protected token stand (see :func:`~.redact.scan_document`)."""
        return Marks(self.allowed, self.exempt, self.own, self.furniture, frozenset(self.fact_words))

    def _fill(self, p: Paragraph, spans: Sequence[tuple[str, str | None]]) -> None:
        for text, style in spans:
            if text:
                if isinstance(text, Said):
                    if text.exempt:
                        self.exempt[p._p] = self.exempt.get(p._p, frozenset()) | text.exempt
                else:
                    self.own.setdefault(p._p, []).append(text)
                run = p.add_run(clean(text))
                if style:
                    run._r.style = self._style_id(style)

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.paragraph(text, style="Title")
        if subtitle:
            self.paragraph(subtitle, style="Subtitle")

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, style=f"Heading {level}")

    def paragraph(self, *content: Span, style: str | None = None, allow: frozenset[Words] | None = None) -> Paragraph:
        """A paragraph of spans; ``allow`` lists the names that may stand in it (a subject's entry)."""
        p = self.doc.add_paragraph()
        if style:
            p._p.style = self._style_id(style)
        self._fill(p, _spans(list(content)))
        if allow:
            self.allowed[p._p] = allow
        return p

    def bullet(self, *content: Span, allow: frozenset[Words] | None = None) -> Paragraph:
        return self.paragraph(*content, style="List Bullet", allow=allow)

    def table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[float],
        *,
        style: str = TABLE_STYLE,
        allow: Sequence[frozenset[Words] | None] | None = None,
        first_column: bool = False,
    ) -> Table:
        """A table in a built-in style; ``widths`` in inches; ``allow[i]`` names allowed in row ``i``."""
        n_header = 1 if header else 0
        table = self.doc.add_table(rows=len(rows) + n_header, cols=len(widths))
        table._tbl.tblStyle_val = self._style_id(style)
        table.autofit = False
        _look(table, first_row=bool(header), first_column=first_column)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Inches(width)
        if header:
            first = table.rows[0]
            _repeat_as_header(first)
            for cell, text in zip(first.cells, header, strict=True):
                self._fill(cell.paragraphs[0], [(text, None)])
        # python-docx rebuilds the whole row list on every table.rows[i]: quadratic
        # in a long table (the old business of a five-year program: 0.4 s, issue 7).
        table_rows = list(table.rows)
        for row in table_rows:
            _keep_rows_whole(row)
        for i, values in enumerate(rows):
            row = table_rows[i + n_header]
            for cell, width, value in zip(row.cells, widths, values, strict=True):
                cell.width = Inches(width)
                self._fill(cell.paragraphs[0], _spans(value))
            names = allow[i] if allow else None
            if names:
                self.allowed[row._tr] = names
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = Inches(width)
        return table

    def facts(self, pairs: Sequence[tuple[str, Cell]]) -> Table:
        """A two-column table of labelled facts (the label column in the style's first-column look)."""
        return self.table(
            None,
            [(label, value) for label, value in pairs],
            (1.9, TEXT_WIDTH - 1.9),
            style=FACTS_STYLE,
            first_column=True,
        )

    def merge_down(self, table: Table, column: int, first_row: int, last_row: int) -> None:
        """Merge a column's cells over rows (an agency spanning its attendees), keeping the first text."""
        if last_row <= first_row:
            return
        top = table.cell(first_row, column)
        text = top.text
        merged = top.merge(table.cell(last_row, column))
        for p in merged.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        merged.paragraphs[0].text = text


def _look(table: Table, *, first_row: bool, first_column: bool) -> None:
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    look.set(qn("w:firstRow"), "1" if first_row else "0")
    look.set(qn("w:firstColumn"), "1" if first_column else "0")
    look.set(qn("w:lastRow"), "0")
    look.set(qn("w:lastColumn"), "0")
    look.set(qn("w:noHBand"), "0")
    look.set(qn("w:noVBand"), "1")
    look.set(qn("w:val"), f"{0x0020 * first_row | 0x0080 * first_column | 0x0400:04X}")


def _repeat_as_header(row: Any) -> None:
    """Repeat the header row on every page the table runs over."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _keep_rows_whole(row: Any) -> None:
    """A row moves to the next page whole rather than breaking mid-entry."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _field(p: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin/instruction/separate/result/end runs."""

    def run_with(element: Any) -> None:
        p.add_run()._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    p.add_run("1")  # shown until the reader's word processor updates the field
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)
