"""The outbox table: every e-mail the app sends is a row, written in the transaction of
its cause (tracker.digests delivers them). Low in the layers so every area can queue mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from .models_base import utc_field

STATUSES = ("queued", "sending", "sent", "failed")
# Messages that carry a personal single-use link: admins never see their body, and the
# stored body loses the link once SMTP has accepted the message.
SECRET_KINDS = frozenset({"invite", "reset"})
LINK_REMOVED = "[Innehållet är borttaget efter utskick: det innehöll en personlig länk.]"


class OutboxMessage(SQLModel, table=True):
    """Every e-mail is a row, written in the same transaction as its cause and delivered by
    the sender job. `dedup_key` is unique: it decides that a message exists once."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    dedup_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)  # agenda, update, cancel, minutes, weekly, invite, reset
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

    @property
    def secret(self) -> bool:
        return self.kind in SECRET_KINDS


def queue(session: Session, *, dedup_key: str, **fields: Any) -> OutboxMessage | None:
    """Add a message unless one with this key exists. Runs in the caller's transaction, so
    the message commits (or not) with its cause; the unique key settles races."""
    if (
        session.exec(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)).first()
        is not None
    ):
        return None
    msg = OutboxMessage(dedup_key=dedup_key, **fields)
    try:
        with session.begin_nested():
            session.add(msg)
            session.flush()
    except IntegrityError:  # another process queued it first
        return None
    return msg
