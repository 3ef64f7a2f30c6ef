"""Spreadsheets (XLSX) for the exports: one table per sheet with a bold, frozen header row
and a filter on it, column widths from the content, dates as real dates (yyyy-mm-dd) and
counts as numbers; the organisation as the document's creator.

Text cells are always stored as text – never as formulas – whatever they start with, and
characters a spreadsheet cannot hold (control characters) are left out."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .timeutil import local, utcnow

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60
Value = str | int | float | date | None


@dataclass
class Table:
    """One sheet: `title` (at most 31 characters, no []:*?/\\), the header and the rows.
    `notes` are lines of text under the table (explanations, not data)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Value]]
    notes: Sequence[str] = field(default_factory=tuple)


def _value(value: Value) -> Value:
    if isinstance(value, datetime):  # aware UTC in the database, shown as the Swedish day
        return local(value).date() if value.tzinfo else value.date()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _width(value: Value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fill(ws: Worksheet, table: Table) -> None:
    bold = Font(bold=True)
    widths = [len(h) for h in table.header]
    ws.append(list(table.header))
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
    n_rows = 1
    for row in table.rows:
        n_rows += 1
        for i, v in enumerate((_value(v) for v in row), start=1):
            cell = ws.cell(row=n_rows, column=i, value=v)
            if isinstance(v, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(v, str):
                cell.data_type = "s"  # a text starting with "=" stays text, not a formula
            if i > len(widths):
                widths.append(0)
            widths[i - 1] = max(widths[i - 1], _width(v))
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(table.header), 1))
    ws.auto_filter.ref = f"A1:{last}{n_rows}"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, MIN_WIDTH), MAX_WIDTH)
    if table.notes:
        ws.append([])
        for note in table.notes:
            ws.append([_value(note)])
            ws.cell(row=ws.max_row, column=1).data_type = "s"


def workbook(tables: Sequence[Table], *, creator: str, title: str) -> bytes:
    """The tables as one XLSX file, a sheet each, in order."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    wb.remove(first)
    for table in tables:
        _fill(wb.create_sheet(table.title[:31]), table)
    now = utcnow().replace(tzinfo=None, microsecond=0)  # the file format has no zone: UTC
    props = wb.properties
    props.creator = creator
    props.lastModifiedBy = creator
    props.title = title
    props.language = "sv-SE"
    props.created = now
    props.modified = now
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def response(data: bytes, filename: str) -> Any:
    """The file as a download."""
    return Response(
        data,
        mimetype=MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
