"""Per contact: when the pre-meeting digest is planned, when it went out, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ..meetings.models import Contact
from ..meetings.queries import MeetingPage
from .compose import send_from
from .models import OutboxMessage


@dataclass
class ContactDigest:
    contact: Contact
    planned_for: datetime
    messages: list[OutboxMessage]


def digest_status(session: Session, page: MeetingPage) -> list[ContactDigest]:
    msgs = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.meeting_id == page.meeting.id)
        .order_by(col(OutboxMessage.id))
    ).all()
    by_contact: dict[int, list[OutboxMessage]] = {}
    for m in msgs:
        by_contact.setdefault(m.contact_id or 0, []).append(m)
    planned = send_from(page.meeting, page.forum)
    return [ContactDigest(c, planned, by_contact.get(c.id or 0, [])) for c in page.contacts]
