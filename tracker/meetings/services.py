"""The ledningsgrupp's loop: escalate → agenda → minutes → finalise → follow-up next time.

Keyword-only rules; each writes its audit entry and flushes, the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..faults import services as faults
from ..faults.models import Fault
from ..timeutil import utcnow
from .models import AgendaItem, Contact, Escalation, Forum, Meeting

OPEN_ESCALATION = ("foreslagen", "koad", "pa_dagordning", "uppfoljning")


class RuleError(ValueError):
    """Refused by the rules; `code` picks the user's message, `names` lists what is missing."""

    def __init__(self, code: str, names: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.names = names or []


class Locked(RuleError):
    """The meeting's minutes are final."""


def create_forum(
    session: Session,
    *,
    org_id: int,
    actor_id: int | None,
    name: str,
    kind: str,
    lead_days: int = 7,
    cadence_per_year: int = 4,
) -> Forum:
    forum = Forum(
        org_id=org_id,
        name=name.strip(),
        kind=kind,
        lead_days=lead_days,
        cadence_per_year=cadence_per_year,
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


# ---- escalations -------------------------------------------------------------------------


def escalate(
    session: Session,
    *,
    fault: Fault,
    forum: Forum,
    ask: str,
    actor_id: int | None,
    accept: bool,
    forwarded_from: Escalation | None = None,
) -> Escalation:
    """Raise `fault` in `forum`. Without `accept` (an ombud) it is only proposed."""
    if fault.status == "avskriven" or fault.duplicate_of_id is not None:
        raise RuleError("fault_closed")
    if fault.org_id != forum.org_id:
        raise RuleError("forum")
    already = session.exec(
        select(Escalation.id).where(
            Escalation.fault_id == fault.id,
            Escalation.forum_id == forum.id,
            col(Escalation.status).in_(OPEN_ESCALATION),
        )
    ).first()
    if already is not None:
        raise RuleError("already_open")
    esc = Escalation(
        org_id=fault.org_id,
        fault_id=fault.id or 0,
        forum_id=forum.id or 0,
        ask=ask.strip(),
        status="foreslagen",
        created_by_id=actor_id,
        forwarded_from_id=forwarded_from.id if forwarded_from else None,
    )
    session.add(esc)
    session.flush()
    audit_log(
        session,
        "escalation.proposed",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="escalation",
        object_id=esc.id,
    )
    if accept:
        accept_escalation(session, esc=esc, fault=fault, actor_id=actor_id)
    return esc


def accept_escalation(
    session: Session, *, esc: Escalation, fault: Fault, actor_id: int | None
) -> None:
    if esc.status != "foreslagen":
        raise RuleError("not_proposed")
    esc.status = "koad"
    esc.accepted_by_id = actor_id
    session.add(esc)
    if fault.status in ("ny", "bekraftad"):
        faults.change_status(session, fault=fault, actor_id=actor_id, to="eskalerad")
    elif fault.status in ("atgardad",):
        faults.change_status(session, fault=fault, actor_id=actor_id, to="bekraftad")
        faults.change_status(session, fault=fault, actor_id=actor_id, to="eskalerad")
    audit_log(
        session,
        "escalation.accepted",
        actor_id=actor_id,
        org_id=esc.org_id,
        object_type="escalation",
        object_id=esc.id,
    )
    session.flush()
    upcoming = next_planned_meeting(session, esc.forum_id)
    if upcoming is not None:
        _add_escalation_item(session, upcoming, esc, "nytt", fault)


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


def _require_open(meeting: Meeting) -> None:
    if meeting.status != "planerat":
        raise Locked("locked")


def reschedule(
    session: Session, *, meeting: Meeting, starts_at: datetime, place: str, actor_id: int | None
) -> None:
    _require_open(meeting)
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
    _require_open(meeting)
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
    _require_open(meeting)
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
    _require_open(meeting)
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
    _require_open(meeting)
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


@dataclass
class Minutes:
    discussion: str = ""
    decision: str = ""
    responsible: str = ""
    responsible_contact_id: int | None = None
    outcome: str | None = None
    forward_forum_id: int | None = None
    due_on: date | None = None


def save_minutes(
    session: Session, *, meeting: Meeting, item: AgendaItem, minutes: Minutes, actor_id: int | None
) -> None:
    _require_open(meeting)
    if minutes.outcome == "vidarebefordras" and not minutes.forward_forum_id:
        raise RuleError("forward_forum")
    item.discussion = minutes.discussion.strip()
    item.decision = minutes.decision.strip()
    item.responsible = minutes.responsible.strip()
    item.responsible_contact_id = minutes.responsible_contact_id
    item.outcome = minutes.outcome
    item.forward_forum_id = (
        minutes.forward_forum_id if minutes.outcome == "vidarebefordras" else None
    )
    item.due_on = minutes.due_on
    session.add(item)
    audit_log(
        session,
        "agenda_item.minuted",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="agenda_item",
        object_id=item.id,
    )
    session.flush()


def respond(session: Session, *, item: AgendaItem, text: str, actor_id: int | None) -> None:
    item.response = text.strip()
    item.response_by_id = actor_id
    session.add(item)
    audit_log(
        session,
        "agenda_item.responded",
        actor_id=actor_id,
        org_id=item.org_id,
        object_type="agenda_item",
        object_id=item.id,
    )
    session.flush()


@dataclass
class Finalised:
    next_meeting: Meeting | None
    proposed_start: datetime | None
    follow_ups: int


def finalise(session: Session, *, meeting: Meeting, actor_id: int | None) -> Finalised:
    """Lock the minutes and carry every open follow-up to the forum's next planned meeting."""
    _require_open(meeting)
    items = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.section, AgendaItem.position)
        ).all()
    )
    missing = [i.title for i in items if i.escalation_id is not None and not i.outcome]
    if missing:
        raise RuleError("missing_outcome", missing)
    follow_ups = 0
    for item in items:
        if item.escalation_id is None:
            continue
        esc = session.get(Escalation, item.escalation_id)
        assert esc is not None
        if item.outcome == "foljs_upp":
            esc.status = "uppfoljning"
            follow_ups += 1
        else:
            esc.status = "avslutad"
            esc.closed_at = utcnow()
            esc.outcome = {
                "atgardat": "atgardat",
                "ingen_atgard": "ingen_atgard",
                "vidarebefordras": "vidarebefordrad",
            }[item.outcome or ""]
        session.add(esc)
        if item.outcome == "vidarebefordras" and item.forward_forum_id:
            target = session.get(Forum, item.forward_forum_id)
            fault = session.get(Fault, esc.fault_id)
            if target is not None and fault is not None and target.org_id == meeting.org_id:
                session.flush()
                escalate(
                    session,
                    fault=fault,
                    forum=target,
                    ask=item.decision or esc.ask,
                    actor_id=actor_id,
                    accept=True,
                    forwarded_from=esc,
                )
    meeting.status = "genomfort"
    meeting.finalised_at = utcnow()
    session.add(meeting)
    audit_log(
        session,
        "meeting.finalised",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()
    nxt = next_planned_meeting(session, meeting.forum_id)
    if nxt is not None:
        build_agenda(session, nxt)
        return Finalised(nxt, None, follow_ups)
    forum = session.get(Forum, meeting.forum_id)
    assert forum is not None
    return Finalised(None, proposed_next_start(session, forum), follow_ups)
