"""The ledningsgrupp's loop: forums, contacts, meetings and their agenda. Escalations are in
`proposals`, the minutes and finalising in `minutes`.

Keyword-only rules; each writes its audit entry and flushes, the caller commits once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..faults.models import Fault
from ..timeutil import utcnow

# Moved to their own modules; still importable from here (the demo, the CLI, the tests).
from .minutes import Finalised, Minutes, finalise, respond, save_minutes  # noqa: E402
from .models import AgendaItem, Contact, Escalation, Forum, Meeting
from .proposals import accept_escalation, decline_escalation, escalate  # noqa: E402
from .rules import OPEN_ESCALATION, Locked, RuleError, require_open


def create_forum(
    session: Session,
    *,
    org_id: int,
    actor_id: int | None,
    name: str,
    kind: str,
    lead_days: int = 7,
    cadence_per_year: int = 4,
    reminder_days: int = 3,
) -> Forum:
    forum = Forum(
        org_id=org_id,
        name=name.strip(),
        kind=kind,
        lead_days=lead_days,
        cadence_per_year=cadence_per_year,
        reminder_days=reminder_days,
    )
    session.add(forum)
    session.flush()
    audit_log(
        session,
        "forum.created",
        actor_id=actor_id,
        org_id=org_id,
        object_type="forum",
        object_id=forum.id,
    )
    return forum


def add_contact(
    session: Session,
    *,
    forum: Forum,
    actor_id: int | None,
    name: str,
    email: str = "",
    represents: str = "",
    user_id: int | None = None,
) -> Contact:
    contact = Contact(
        org_id=forum.org_id,
        forum_id=forum.id or 0,
        name=name.strip(),
        email=email.strip().lower(),
        represents=represents.strip(),
        user_id=user_id,
    )
    session.add(contact)
    session.flush()
    audit_log(
        session,
        "contact.created",
        actor_id=actor_id,
        org_id=forum.org_id,
        object_type="contact",
        object_id=contact.id,
    )
    return contact


class ContactInUse(RuleError):
    """The contact is named in minutes (responsible on agenda items): it stays."""

    def __init__(self, items: int) -> None:
        super().__init__("contact_in_use")
        self.items = items


def delete_contact(session: Session, *, contact: Contact, actor_id: int | None) -> int:
    """Remove a forum contact. Refused while an agenda item names the contact responsible
    (the minutes keep who answered for what); the mail sent to the contact stays in the
    outbox without the link (returned: how many messages), action items it owned lose
    their owner (the column's ON DELETE SET NULL)."""
    from ..outbox import OutboxMessage

    items = session.exec(
        select(func.count())
        .select_from(AgendaItem)
        .where(AgendaItem.responsible_contact_id == contact.id)
    ).one()
    if items:
        raise ContactInUse(int(items))
    detached = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.contact_id) == contact.id)
        .values(contact_id=None)
    ).rowcount
    session.delete(contact)
    session.flush()
    audit_log(
        session,
        "contact.deleted",
        actor_id=actor_id,
        org_id=contact.org_id,
        object_type="contact",
        object_id=contact.id,
        count=int(detached or 0),
    )
    return int(detached or 0)


# ---- meetings and the agenda -------------------------------------------------------------


def next_planned_meeting(session: Session, forum_id: int) -> Meeting | None:
    return session.exec(
        select(Meeting)
        .where(
            Meeting.forum_id == forum_id,
            Meeting.status == "planerat",
            Meeting.starts_at >= utcnow() - timedelta(hours=12),
        )
        .order_by(Meeting.starts_at)
    ).first()


def proposed_next_start(session: Session, forum: Forum) -> datetime:
    """The usual cadence after the last meeting (or from today), at the same hour."""
    last = session.exec(
        select(func.max(Meeting.starts_at)).where(
            Meeting.forum_id == forum.id, Meeting.status != "installt"
        )
    ).one()
    step = timedelta(days=round(365 / max(forum.cadence_per_year, 1)))
    start = (last + step) if last else None
    now = utcnow()
    if start is None or start < now:
        start = (now + timedelta(days=14)).replace(hour=8, minute=0, second=0, microsecond=0)
    return start


def _next_position(session: Session, meeting_id: int, section: str) -> int:
    last = session.exec(
        select(func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting_id, AgendaItem.section == section
        )
    ).one()
    return (last or 0) + 1


def _add_escalation_item(
    session: Session, meeting: Meeting, esc: Escalation, section: str, fault: Fault | None = None
) -> AgendaItem | None:
    exists = session.exec(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.escalation_id == esc.id
        )
    ).first()
    if exists is not None:
        return None
    fault = fault or session.get(Fault, esc.fault_id)
    assert fault is not None and meeting.id is not None
    item = AgendaItem(
        org_id=meeting.org_id,
        meeting_id=meeting.id,
        section=section,
        escalation_id=esc.id,
        title=f"{fault.ref} {fault.title}",
        position=_next_position(session, meeting.id, section),
    )
    session.add(item)
    if section == "nytt":
        esc.status = "pa_dagordning"
        session.add(esc)
    session.flush()
    return item


def build_agenda(session: Session, meeting: Meeting) -> None:
    """Fill the agenda: open follow-ups and queued escalations of the forum that are not on
    another planned meeting, and the statistics part. Idempotent."""
    assert meeting.id is not None
    on_planned = (
        select(AgendaItem.escalation_id)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .where(
            Meeting.forum_id == meeting.forum_id,
            Meeting.status == "planerat",
            col(AgendaItem.escalation_id).is_not(None),
        )
    )
    for section, status in (("uppfoljning", "uppfoljning"), ("nytt", "koad")):
        rows = session.exec(
            select(Escalation, Fault)
            .join(Fault, col(Fault.id) == Escalation.fault_id)
            .where(
                Escalation.forum_id == meeting.forum_id,
                Escalation.status == status,
                col(Escalation.id).not_in(on_planned),
            )
            .order_by(Escalation.created_at)
        ).all()
        for esc, fault in rows:
            _add_escalation_item(session, meeting, esc, section, fault)
    has_stats = session.exec(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.section == "statistik"
        )
    ).first()
    if has_stats is None:
        session.add(
            AgendaItem(
                org_id=meeting.org_id,
                meeting_id=meeting.id,
                section="statistik",
                title="Statistik sedan föregående möte",
                position=1,
            )
        )
    session.flush()


def plan_meeting(
    session: Session, *, forum: Forum, starts_at: datetime, place: str, actor_id: int | None
) -> Meeting:
    if starts_at < utcnow():
        raise RuleError("past")
    meeting = Meeting(
        org_id=forum.org_id, forum_id=forum.id or 0, starts_at=starts_at, place=place.strip()
    )
    session.add(meeting)
    session.flush()
    build_agenda(session, meeting)
    audit_log(
        session,
        "meeting.planned",
        actor_id=actor_id,
        org_id=forum.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    return meeting


def reschedule(
    session: Session, *, meeting: Meeting, starts_at: datetime, place: str, actor_id: int | None
) -> None:
    require_open(meeting)
    if starts_at < utcnow():
        raise RuleError("past")
    if starts_at != meeting.starts_at or place.strip() != meeting.place:
        meeting.sequence += 1
    meeting.starts_at = starts_at
    meeting.place = place.strip()
    session.add(meeting)
    audit_log(
        session,
        "meeting.rescheduled",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()


def cancel(session: Session, *, meeting: Meeting, actor_id: int | None) -> None:
    require_open(meeting)
    meeting.status = "installt"
    meeting.sequence += 1
    session.add(meeting)
    # New items go back to the queue; follow-ups stay follow-ups for the next meeting.
    for esc in session.exec(
        select(Escalation)
        .join(AgendaItem, col(AgendaItem.escalation_id) == Escalation.id)
        .where(AgendaItem.meeting_id == meeting.id)
    ).all():
        if esc.status == "pa_dagordning":
            esc.status = "koad"
            session.add(esc)
    audit_log(
        session,
        "meeting.cancelled",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()


def add_item(session: Session, *, meeting: Meeting, title: str, actor_id: int | None) -> AgendaItem:
    require_open(meeting)
    item = AgendaItem(
        org_id=meeting.org_id,
        meeting_id=meeting.id or 0,
        section="ovrigt",
        title=title.strip(),
        position=_next_position(session, meeting.id or 0, "ovrigt"),
    )
    session.add(item)
    session.flush()
    audit_log(
        session,
        "agenda_item.added",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="agenda_item",
        object_id=item.id,
    )
    return item


def move_item(session: Session, *, meeting: Meeting, item: AgendaItem, up: bool) -> None:
    require_open(meeting)
    siblings = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.section == item.section)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).all()
    )
    i = next(n for n, s in enumerate(siblings) if s.id == item.id)
    j = i - 1 if up else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    for n, s in enumerate(siblings, start=1):
        s.position = n
        session.add(s)
    session.flush()


def back_to_queue(
    session: Session, *, meeting: Meeting, item: AgendaItem, actor_id: int | None
) -> None:
    require_open(meeting)
    if item.section != "nytt" or item.escalation_id is None:
        raise RuleError("not_new")
    esc = session.get(Escalation, item.escalation_id)
    assert esc is not None
    esc.status = "koad"
    session.add(esc)
    session.delete(item)
    audit_log(
        session,
        "agenda_item.unqueued",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="escalation",
        object_id=esc.id,
    )
    session.flush()


__all__ = [
    "OPEN_ESCALATION",
    "Finalised",
    "Locked",
    "Minutes",
    "RuleError",
    "accept_escalation",
    "decline_escalation",
    "escalate",
    "finalise",
    "respond",
    "save_minutes",
]
