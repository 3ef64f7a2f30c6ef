"""Reading a spreadsheet: XLSX through openpyxl, CSV with delimiter and encoding sniffing
(Swedish Excel saves `;`-separated cp1252, or UTF-8 with a BOM), and the dates Swedish
spreadsheets hold (2024-03-15, 15/3/2024, 15.3.2024, Excel serial numbers)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _

# The web takes what a request may carry (4 MB); the command line reads larger files.
MAX_ROWS = 100_000
CLI_MAX_BYTES = 64 * 1024 * 1024
_EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:[.,]0+)?$")


class FileRefused(ValueError):
    """The file cannot be read as a spreadsheet; the message is shown to the user."""


@dataclass
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it, the row's cells)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text, the way every step of the import reads it (1.0 → "1")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str = "", *, max_bytes: int | None = None) -> Table:
    """The first sheet (XLSX) or the file (CSV) as a header row and data rows."""
    if max_bytes is not None and len(data) > max_bytes:
        raise FileRefused(
            _(
                "Filen är för stor (högst %(mb)s MB). Dela upp den i flera filer.",
                mb=max_bytes // (1024 * 1024),
            )
        )
    if not data.strip():
        raise FileRefused(_("Filen är tom."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or filename.lower().endswith(".xls"):
        raise FileRefused(
            _("Filen är i det gamla Excel-formatet (.xls). Spara den som .xlsx eller CSV.")
        )
    if b"\x00" in data[:4096]:
        raise FileRefused(_not_a_spreadsheet())
    return _read_csv(data)


def _not_a_spreadsheet() -> str:
    return _("Filen är inget kalkylark. Välj en XLSX-fil (Excel) eller en CSV-fil.")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FileRefused(_not_a_spreadsheet()) from exc
    except Exception as exc:  # openpyxl raises its own kinds for a broken workbook
        raise FileRefused(_not_a_spreadsheet()) from exc
    try:
        ws = wb.worksheets[0]
        table: Table | None = None
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = list(values)
            if not any(cell_text(c) for c in cells):
                continue
            if table is None:
                table = Table([cell_text(c) for c in cells])
                continue
            _add_row(table, number, cells)
    except FileRefused:
        raise
    except Exception as exc:  # a sheet openpyxl cannot read
        raise FileRefused(_not_a_spreadsheet()) from exc
    finally:
        wb.close()
    if table is None:
        raise FileRefused(_("Filen är tom."))
    return table


def _add_row(table: Table, number: int, cells: list[Any]) -> None:
    if len(table.rows) >= MAX_ROWS:
        raise FileRefused(
            _("Filen har fler än %(n)s rader. Dela upp den i flera filer.", n=f"{MAX_ROWS:,}")
        )
    table.rows.append((number, cells))


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> Table:
    text = decode(data)
    sample = text[:16384]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(";,\t", key=first.count)
        dialect = type("D", (csv.excel,), {"delimiter": delimiter})
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    table: Table | None = None
    try:
        for row in reader:
            number = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if table is None:
                table = Table([c.strip() for c in row])
                continue
            _add_row(table, number, row)
    except csv.Error as exc:
        raise FileRefused(_not_a_spreadsheet()) from exc
    if table is None:
        raise FileRefused(_("Filen är tom."))
    if len(table.headers) < 2:
        raise FileRefused(
            _(
                "Filen har bara en kolumn. Spara den som XLSX, eller som CSV med semikolon "
                "eller komma mellan kolumnerna."
            )
        )
    return table


def parse_date(value: Any) -> date | None:
    """A date from a cell, or None when it is none of the formats Swedish sheets use."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    text = cell_text(value)
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _COMPACT.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    if _SERIAL.match(text):
        return _serial(float(text.replace(",", ".")))
    return None


def _serial(n: float) -> date | None:
    if not 1 <= n < 2_958_466:  # Excel's range: 1900-01-01 … 9999-12-31
        return None
    return _EXCEL_EPOCH + timedelta(days=int(n))
