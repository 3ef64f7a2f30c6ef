"""Markdown (generated or the author's draft) to a Word document with real structure:
heading styles in order, bulleted lists and tables – so it pastes into the form.

The document is set up as a Swedish one opens well in Word and LibreOffice: A4 with 25 mm
margins, the language Swedish (sv-SE) in the style defaults (spelling and hyphenation),
title, author (the organisation) and date in the core properties, tables with a header row
that repeats on every page and fixed column widths – text columns wide, count columns
narrow – so that no name breaks letter by letter."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

LANGUAGE = "sv-SE"
PAGE = (Mm(210), Mm(297))  # A4
MARGIN = Mm(25)
TEXT_WIDTH_MM = 210 - 2 * 25
TABLE_FONT_PT = 8
CHAR_MM, UPPER_MM = 1.75, 2.25  # at 8 pt, a little more than a typical letter needs
CELL_MARGIN_TWIPS = 57  # 1 mm each side (Word's default is 1.9 mm)
PADDING_MM = 2 * 1.0 + 0.5
# A count cell: a number, or how a small count is hidden ("färre än 3", "dold"), or empty.
_COUNT = re.compile(r"^(\d[\d\s ]*|färre än \d+|dold|–|-|)$")

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


class _Styled:
    """Paragraphs of a named style, the style looked up once per document: python-docx
    looks a style name up among all the styles (and their defaults) on every paragraph,
    which was most of the time of a long report."""

    def __init__(self, doc: DocumentType) -> None:
        self.doc = doc
        self.ids: dict[str, str] = {}

    def paragraph(self, name: str) -> Any:
        style_id = self.ids.get(name)
        if style_id is None:
            style_id = self.ids[name] = self.doc.styles[name].style_id
        paragraph = self.doc.add_paragraph()
        paragraph._p.style = style_id
        return paragraph


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _swedish_a4(doc: DocumentType) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = PAGE
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            setattr(section, side, MARGIN)
    # the language of every run by default: the style defaults and the Normal style
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    targets: list[Any] = []
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                rpr_default.append(rpr)
            targets.append(rpr)
    targets.append(doc.styles["Normal"].element.get_or_add_rPr())
    for rpr in targets:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)


def _properties(doc: DocumentType, title: str, author: str, created: date | None) -> None:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.language = LANGUAGE
    props.revision = 1
    when = datetime.combine(created or date(2000, 1, 1), datetime.min.time(), UTC)
    props.created = when
    props.modified = when


def _header_repeats(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _word_mm(word: str) -> float:
    """About how wide a word is in the table font, padding included (a little generous)."""
    return sum(UPPER_MM if ch.isupper() else CHAR_MM for ch in word) + PADDING_MM


def _widths(rows: list[list[str]]) -> list[float]:
    """Column widths in mm: each column at least as wide as its longest word (so no word
    breaks inside), the rest of the line to the text columns by how much text they hold;
    a column of counts (numbers, "färre än 3", "dold") gets nothing more than it needs."""
    cols = max(len(r) for r in rows)
    cells = [[r[c].strip() for r in rows if c < len(r)] for c in range(cols)]
    need = [max(_word_mm(w) for text in col for w in (text.split() or [""])) for col in cells]
    body = rows[1:] or rows
    counts = [
        bool(body) and all(_COUNT.match(r[c].strip()) for r in body if c < len(r))
        for c in range(cols)
    ]
    spare = TEXT_WIDTH_MM - sum(need)
    if spare <= 0:  # more than a line can hold: shrink all alike
        return [n * TEXT_WIDTH_MM / sum(need) for n in need]
    weight = [0 if counts[c] else sum(len(t) for t in cells[c]) for c in range(cols)]
    if not sum(weight):
        weight = [1] * cols
    return [need[c] + spare * weight[c] / sum(weight) for c in range(cols)]


def _narrow_cell_margins(table: Any) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _table(doc: DocumentType, rows: list[list[str]]) -> None:
    widths = _widths(rows)
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    _narrow_cell_margins(table)
    for c, mm in enumerate(widths):
        table.columns[c].width = Mm(mm)
    for r, cells in enumerate(rows):
        # Row by row: Table.cell() rebuilds the whole grid on every call, so a report with
        # large tables spent most of its time there.
        row = table.add_row()
        row_cells = row.cells
        for c, cell in enumerate(row_cells):
            cell.width = Mm(widths[c])  # Word reads the cell's width, LibreOffice the grid's
            cell.text = cells[c] if c < len(cells) else ""
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(TABLE_FONT_PT)
                run.bold = r == 0 or None
        if r == 0:
            _header_repeats(row)


@functools.lru_cache(maxsize=16)
def markdown_to_docx(
    markdown: str, *, title: str = "", author: str = "", created: date | None = None
) -> bytes:
    """The Word file of a Markdown text; memoised by its arguments (the same text always
    gives the same bytes), so downloading an unchanged report again costs only reading its
    data. `title`, `author` and `created` go into the document's properties."""
    doc: DocumentType = Document()
    _swedish_a4(doc)
    _properties(doc, title, author, created)
    styled = _Styled(doc)
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            styled.paragraph(f"Heading {len(heading.group(1))}").add_run(heading.group(2).strip())
        elif line.lstrip().startswith(("- ", "* ")):
            _runs(styled.paragraph("List Bullet"), line.lstrip()[2:])
        elif re.match(r"^\d+\.\s", line.lstrip()):
            _runs(styled.paragraph("List Number"), line.lstrip().split(" ", 1)[1])
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.match(r"^\|[\s:|-]+\|?$", lines[i].strip()):
                    rows.append(_cells(lines[i]))
                i += 1
            _table(doc, rows)
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
