"""Markdown (generated or the author's draft) to a Word document with real structure:
heading styles in order, bulleted lists and tables – so it pastes into the form."""

from __future__ import annotations

import functools
import io
import re
import zipfile

from docx import Document
from docx.document import Document as DocumentType

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _runs(paragraph: object, text: str) -> None:
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos : m.start()])  # type: ignore[attr-defined]
        paragraph.add_run(m.group(1)).bold = True  # type: ignore[attr-defined]
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])  # type: ignore[attr-defined]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@functools.lru_cache(maxsize=16)
def markdown_to_docx(markdown: str) -> bytes:
    """The Word file of a Markdown text; memoised by content (the same text always gives the
    same bytes), so downloading an unchanged report again costs only reading its data."""
    doc: DocumentType = Document()
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            doc.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        elif line.lstrip().startswith(("- ", "* ")):
            _runs(doc.add_paragraph(style="List Bullet"), line.lstrip()[2:])
        elif re.match(r"^\d+\.\s", line.lstrip()):
            _runs(doc.add_paragraph(style="List Number"), line.lstrip().split(" ", 1)[1])
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.match(r"^\|[\s:|-]+\|?$", lines[i].strip()):
                    rows.append(_cells(lines[i]))
                i += 1
            table = doc.add_table(rows=0, cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                # Row by row: Table.cell() rebuilds the whole grid on every call, so a
                # report with large tables spent most of its time there.
                row_cells = table.add_row().cells
                for c, text in enumerate(cells):
                    row_cells[c].text = text
                    if r == 0:
                        for run in row_cells[c].paragraphs[0].runs:
                            run.bold = True
            continue
        elif line.startswith("*") and line.endswith("*") and not line.startswith("**"):
            doc.add_paragraph().add_run(line.strip("*")).italic = True
        else:
            _runs(doc.add_paragraph(), line)
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_timestamps(buf.getvalue())


def _fixed_timestamps(data: bytes) -> bytes:
    """The same document gives the same bytes: the zip's entries get one fixed time (the
    save time otherwise changes every two seconds), so a frozen document stays identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
