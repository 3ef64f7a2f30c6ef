"""What an upload keeps between its pages (column choice, preview, import): the table as it
was read, with every cell in which the privacy guard finds an identifier (a personnummer,
an e-mail address, a phone number …) replaced by a marker of what was found – never the
file itself. So not even for the hour between upload and import is an identifier stored;
the preview still refuses the row and names the column and the kind, as the guard would
on the text.

Possible names (not blocking) stay as text: a catalogue column (Myndighet, Tema) holds
names by nature, and elsewhere the person either vouches for the file at upload or the row
is refused at the preview."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from ..privacy import Finding
from .parsing import Table, cell_text
from .scan import scan_all

MAGIC = b"tracker-import-table/1\n"
WITHHELD = "\x00withheld:"


def _marker(found: list[Finding]) -> str:
    return WITHHELD + json.dumps(sorted({f.kind for f in found if f.blocking}))


def withheld_findings(text: str) -> list[Finding] | None:
    """The findings a marker stands for; None for ordinary text."""
    if not text.startswith(WITHHELD):
        return None
    return [Finding(kind, 0, 0, "", True) for kind in json.loads(text[len(WITHHELD) :])]


def withhold(table: Table) -> Table:
    """The table with every cell (and header) that holds an identifier replaced by a
    marker; dates, numbers and other text unchanged."""
    texts = {cell_text(c) for _n, cells in table.rows for c in cells} | set(table.headers)
    found = scan_all(texts)

    def keep(value: Any) -> Any:
        hits = found.get(cell_text(value)) or []
        return _marker(hits) if any(f.blocking for f in hits) else value

    headers = ["" if any(f.blocking for f in found.get(h) or []) else h for h in table.headers]
    return Table(headers, [(n, [keep(c) for c in cells]) for n, cells in table.rows])


def _encode_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _decode_cell(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "time" in value:
            return time.fromisoformat(value["time"])
    return value


def dumps(table: Table) -> bytes:
    body = {
        "headers": table.headers,
        "rows": [[n, [_encode_cell(c) for c in cells]] for n, cells in table.rows],
    }
    return MAGIC + json.dumps(body, ensure_ascii=False).encode()


def loads(data: bytes) -> Table:
    if not data.startswith(MAGIC):
        raise ValueError("not a stored import table")
    body = json.loads(data[len(MAGIC) :])
    return Table(
        list(body["headers"]),
        [(int(n), [_decode_cell(c) for c in cells]) for n, cells in body["rows"]],
    )
