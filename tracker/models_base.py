"""Column helpers shared by the area models."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field

from .db import UTCDateTime
from .timeutil import utcnow


def utc_field(*, default_now: bool = True, nullable: bool = False, index: bool = False) -> Any:
    kwargs: dict[str, Any] = {"default_factory": utcnow} if default_now else {"default": None}
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index), **kwargs)


__all__ = ["datetime", "utc_field"]
