"""What is due, computed from the database on every run: a scheduler that was down
catches up, and the unique dedup keys make every message exist once."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from sqlmodel import Session, col, func, select

from .. import db
from ..meetings.models import Contact, Forum, Meeting
from ..meetings.queries import meeting_page
from ..orgs.models import Organisation
from ..timeutil import utcnow
from . import compose, outbox, reminders, weekly
from .models import OutboxMessage


def queue_meeting_mail(
    session: Session,
    org: Organisation,
    meeting: Meeting,
    forum: Forum,
    contacts: list[Contact],
    kind: str,
    revision: int = 1,
) -> int:
    """`revision` > 1: the corrected minutes after a reopening, once per correction."""
    key_tail = {
        "agenda": "",
        "update": f":seq{meeting.sequence}",
        "cancel": "",
        "minutes": f":rev{revision}" if revision > 1 else "",
    }[kind]
    keys = {c.id: f"{kind}:{meeting.id}:{c.id}{key_tail}" for c in contacts if c.email}
    # Most passes find every message already queued: look that up in one statement and
    # build the meeting's data (a dozen statements) only when someone is still due, once.
    existing = set(
        session.exec(
            select(OutboxMessage.dedup_key).where(col(OutboxMessage.dedup_key).in_(keys.values()))
        ).all()
    )
    due = [c for c in contacts if c.id in keys and keys[c.id] not in existing]
    if not due:
        return 0
    page = meeting_page(session, org, meeting, member=True)  # contacts are forum members
    queued = 0
    for contact in due:
        fields = compose.meeting_message(
            session, org, meeting, contact, kind, page, revision=revision
        )
        if (
            outbox.queue(
                session,
                dedup_key=keys[contact.id],
                kind=kind,
                org_id=org.id,
                meeting_id=meeting.id,
                contact_id=contact.id,
                meeting_sequence=meeting.sequence,
                to_addr=contact.email,
                **fields,
            )
            is not None
        ):
            queued += 1
    return queued


def queue_minutes(session: Session, meeting: Meeting, revision: int = 1) -> int:
    """Called by the finalise view, in its transaction; a re-finalising (revision > 1)
    sends the corrected minutes."""
    org = session.get(Organisation, meeting.org_id)
    forum = session.get(Forum, meeting.forum_id)
    assert org is not None and forum is not None
    contacts = list(session.exec(select(Contact).where(Contact.forum_id == forum.id)).all())
    return queue_meeting_mail(session, org, meeting, forum, contacts, "minutes", revision)


def queue_due(session: Session, *, now: datetime | None = None) -> int:
    """Pre-meeting digests, updates after a move or cancellation, weekly digests, and
    reminders of action items (tracker.digests.reminders)."""
    now = now or utcnow()
    queued = 0
    for org in session.exec(select(Organisation)).all():
        g.org = org  # the scoping helper serves jobs as it serves requests
        rows = session.exec(
            select(Meeting, Forum)
            .join(Forum, col(Forum.id) == Meeting.forum_id)
            .where(
                Meeting.org_id == org.id,
                Meeting.starts_at > now,
                col(Meeting.status).in_(["planerat", "installt"]),
            )
        ).all()
        for meeting, forum in rows:
            contacts = list(session.exec(select(Contact).where(Contact.forum_id == forum.id)).all())
            sent_before = _digest_sequences(session, meeting.id or 0)
            if meeting.status == "planerat":
                if now >= compose.send_from(meeting, forum):
                    queued += queue_meeting_mail(session, org, meeting, forum, contacts, "agenda")
                changed = [
                    c
                    for c in contacts
                    if c.id in sent_before and sent_before[c.id] < meeting.sequence
                ]
                queued += queue_meeting_mail(session, org, meeting, forum, changed, "update")
            else:
                told = [c for c in contacts if c.id in sent_before]
                queued += queue_meeting_mail(session, org, meeting, forum, told, "cancel")
        queued += weekly.queue_weekly(session, org, now=now)
        queued += reminders.queue_action_reminders(session, org, now=now)
        session.commit()
    g.pop("org", None)
    return queued


def _digest_sequences(session: Session, meeting_id: int) -> dict[int, int]:
    """Per contact: the meeting SEQUENCE of the latest agenda or update they were sent."""
    rows = session.exec(
        select(OutboxMessage.contact_id, func.max(OutboxMessage.meeting_sequence))
        .where(
            OutboxMessage.meeting_id == meeting_id,
            col(OutboxMessage.kind).in_(["agenda", "update"]),
        )
        .group_by(OutboxMessage.contact_id)
    ).all()
    return {cid: seq for cid, seq in rows if cid is not None}


def run_once(app: Flask) -> tuple[int, int]:
    """One due pass and one send pass."""
    with app.app_context():
        s = db.session()
        queued = queue_due(s)
        sent = outbox.send_pass(s, app.config)
        return queued, sent
