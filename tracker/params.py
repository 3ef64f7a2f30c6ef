"""Request values that must be numbers or short texts: parsed once, bounded, never a 500.

Every integer the app takes from a URL, a query string or a form goes through here, so a
value a database column cannot hold (beyond 32 bits – PostgreSQL's `integer`), a Unicode
digit ("²", "١٢") or a sign where none belongs is refused before it reaches a query:
a 404 in a path (`BoundedInt`, the app-wide `int` converter), the default for a query or
form value (`bounded_int` as werkzeug's `type=`, or `to_int`).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from flask import request
from werkzeug.routing import IntegerConverter, Map

MAX_INT = 2**31 - 1  # the largest value of an `integer` column on PostgreSQL (and SQLite)
MIN_INT = -(2**31)
# The longest text a query-string parameter may carry (a search, a filter, a return link).
MAX_QUERY_VALUE = 1000
# A search text: what the fault list and the quick log's suggestions look for.
MAX_SEARCH = 200

_INT = re.compile(r"[+-]?[0-9]{1,10}")
D = TypeVar("D")


def bounded_int(value: Any) -> int:
    """int() for request values: ASCII digits within the range every integer column holds.
    Raises ValueError otherwise, so `request.args.get(name, type=bounded_int)` falls back
    to the default."""
    text = str(value).strip()
    if not _INT.fullmatch(text):
        raise ValueError("not a bounded integer")
    number = int(text)
    if not MIN_INT <= number <= MAX_INT:
        raise ValueError("out of range")
    return number


def to_int(value: Any, default: D = None) -> int | D:  # type: ignore[assignment]
    """`value` as a bounded integer, or `default` when it is none."""
    try:
        return bounded_int(value)
    except (TypeError, ValueError):
        return default


def search_text(name: str = "q") -> str:
    """A search parameter from the query string, trimmed and cut to MAX_SEARCH characters
    (the one place that limits what a search sends to the database)."""
    return (request.args.get(name) or "").strip()[:MAX_SEARCH]


class BoundedInt(IntegerConverter):
    """The app's `<int:…>`: ASCII digits only and at most MAX_INT, so an id no column can
    hold is a 404 (werkzeug's own converter accepts any length and Unicode digits)."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,  # noqa: A002 – werkzeug's name
        fixed_digits: int = 0,
        min: int | None = 0,  # noqa: A002
        max: int | None = MAX_INT,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)
