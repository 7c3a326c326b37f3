"""The floor for the minutes export: the same paragraphs and tables written with bare python-docx calls.

:func:`extract` reads the content of a document vip built (paragraph styles,
runs with their character styles, tables with their style and cell texts,
header and footer text); :func:`write` writes that content into a new
document the way a plain script would (``add_paragraph``, ``add_run``,
``add_table``, ``cell.text``) and saves it. The time of :func:`write` is what
python-docx itself costs for this document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Para:
    style: str | None
    runs: list[tuple[str, str | None]]


@dataclass
class Tab:
    style: str | None
    rows: list[list[str]]


@dataclass
class Content:
    header: list[str]
    footer: list[str]
    blocks: list[Para | Tab]

    @property
    def paragraphs(self) -> int:
        return sum(1 for b in self.blocks if isinstance(b, Para))

    @property
    def tables(self) -> int:
        return sum(1 for b in self.blocks if isinstance(b, Tab))

    @property
    def cells(self) -> int:
        return sum(len(r) for b in self.blocks if isinstance(b, Tab) for r in b.rows)


def extract(document: Any) -> Content:
    """The paragraphs and tables of a python-docx ``Document``, in reading order."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    names = {s.style_id: s.name for s in document.styles}
    blocks: list[Para | Tab] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = Paragraph(child, document)
            runs = [(r.text, names.get(r._r.style) if r._r.style else None) for r in p.runs if r.text]
            blocks.append(Para(names.get(child.style) if child.style else None, runs))
        elif child.tag == qn("w:tbl"):
            t = Table(child, document)
            rows = [["".join(x.text or "" for x in tc.iter(qn("w:t"))) for tc in tr.tc_lst] for tr in child.tr_lst]
            blocks.append(Tab(names.get(t._tbl.tblStyle_val), rows))
    section = document.sections[0]
    return Content(
        header=[p.text for p in section.header.paragraphs],
        footer=[p.text for p in section.footer.paragraphs],
        blocks=blocks,
    )


def write(content: Content, path: Path) -> None:
    """Write ``content`` with plain python-docx calls and save it to ``path``."""
    from docx import Document

    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = content.header[0] if content.header else ""
    for text in content.header[1:]:
        section.header.add_paragraph(text)
    section.footer.paragraphs[0].text = " ".join(content.footer)
    for block in content.blocks:
        if isinstance(block, Para):
            p = doc.add_paragraph(style=block.style)
            for text, style in block.runs:
                p.add_run(text, style)
        else:
            columns = max(len(r) for r in block.rows)
            table = doc.add_table(rows=len(block.rows), cols=columns)
            if block.style:
                table.style = block.style
            for row, values in zip(table.rows, block.rows):
                for cell, value in zip(row.cells, values):
                    cell.text = value
    doc.save(str(path))
