"""The fields an import fills, their headers in the template, and the column mapping."""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l

# (code, header in the template): the first three are required in every mapping
FIELDS: tuple[tuple[str, str], ...] = (
    ("datum", "Datum"),
    ("myndighet", "Myndighet"),
    ("systemfel", "Systemfel"),
    ("iakttagelse", "Iakttagelse"),
    ("kon", "Kön"),
    ("alder", "Ålder"),
    ("konsekvenser", "Konsekvenser"),
    ("tema", "Tema"),
)
REQUIRED = ("datum", "myndighet", "systemfel")
HEADERS = dict(FIELDS)


def field_labels() -> dict[str, str]:
    return {
        "datum": str(_l("Datum")),
        "myndighet": str(_l("Myndighet")),
        "systemfel": str(_l("Systemfel")),
        "iakttagelse": str(_l("Iakttagelse")),
        "kon": str(_l("Kön")),
        "alder": str(_l("Ålder")),
        "konsekvenser": str(_l("Konsekvenser")),
        "tema": str(_l("Tema")),
    }


def fold(text: str) -> str:
    """Case- and space-insensitive form of a text, for matching."""
    return " ".join(str(text).split()).casefold()


def signature(headers: list[str]) -> str:
    """The same header row gives the same signature (a saved mapping applies to it)."""
    return hashlib.sha256("\x1f".join(fold(h) for h in headers).encode()).hexdigest()


def template_mapping(headers: list[str]) -> dict[str, int] | None:
    """The mapping when the file uses the template's headers (any order, any case), else
    None."""
    by_header = {fold(h): i for i, h in enumerate(headers) if h}
    mapping = {code: by_header[fold(h)] for code, h in FIELDS if fold(h) in by_header}
    return mapping if all(code in mapping for code in REQUIRED) else None


def dumps(mapping: dict[str, int]) -> str:
    return json.dumps(mapping, sort_keys=True)


def loads(text: str, width: int) -> dict[str, int] | None:
    """A stored mapping, if it still fits a file with `width` columns."""
    try:
        raw = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    mapping = {
        k: v
        for k, v in raw.items()
        if k in HEADERS and isinstance(v, int) and not isinstance(v, bool) and 0 <= v < width
    }
    return mapping if all(code in mapping for code in REQUIRED) else None
