"""Column helpers shared by the area models."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field

from .db import UTCDateTime
from .timeutil import utcnow

# Marks a column that holds text people type: the flush guard (tracker.db) refuses any
# write of a blocking identifier into it, whichever code path writes it.
FREE_TEXT = {"privacy": "free_text"}


def free_text_field(**kwargs: Any) -> Any:
    """A short free-text column (``max_length`` given), marked for the flush guard."""
    return Field(sa_column_kwargs={"info": FREE_TEXT}, **kwargs)


def free_text_column() -> Any:
    """A long free-text column (Text, default ""), marked for the flush guard."""
    return Field(default="", sa_column=Column(Text, nullable=False, default="", info=FREE_TEXT))


def utc_field(*, default_now: bool = True, nullable: bool = False, index: bool = False) -> Any:
    kwargs: dict[str, Any] = {"default_factory": utcnow} if default_now else {"default": None}
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index), **kwargs)


__all__ = ["FREE_TEXT", "datetime", "free_text_column", "free_text_field", "utc_field"]
