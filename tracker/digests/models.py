from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from ..models_base import utc_field

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(SQLModel, table=True):
    """Every e-mail is a row, written in the same transaction as its cause and delivered by
    the sender job. `dedup_key` is unique: it decides that a message exists once."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    dedup_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)  # agenda, update, cancel, minutes, weekly
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    meeting_sequence: int | None = Field(default=None)
    to_addr: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    attachments: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default="queued", max_length=10, index=True)
    attempts: int = Field(default=0)
    next_try_at: datetime = utc_field(index=True)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(default_now=False, nullable=True)
