"""Real XLSX (openpyxl) and CSV files for the import tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

HEADER = ["Datum", "Myndighet", "Systemfel", "Iakttagelse", "Kön", "Ålder", "Konsekvenser", "Tema"]


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(
    rows: list[list[Any]],
    header: list[str] | None = None,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    lines = [header or HEADER, *rows]
    text = "\r\n".join(delimiter.join(str(c) for c in line) for line in lines) + "\r\n"
    return text.encode(encoding)
