"""Personal API tokens: one user, one organisation (acting with the user's role there)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date
from sqlmodel import Field, SQLModel

from ..models_base import free_text_field, utc_field


class ApiToken(SQLModel, table=True):
    """Only the SHA-256 of the token is stored; the token itself is shown once."""

    __tablename__ = "api_token"
    # a token is no data of the organisation's reports
    __dataversion_skip__ = True

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = free_text_field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = utc_field()
    expires_at: datetime | None = utc_field(default_now=False, nullable=True)
    revoked_at: datetime | None = utc_field(default_now=False, nullable=True)
    last_used_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
