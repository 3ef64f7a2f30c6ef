"""Rules of the network forum: forums, escalating a network fault, planning a meeting
(its agenda built from the escalations), the minutes, action items, holding and
finalising. Keyword-only, each writes its audit entry and flushes; the caller commits.

The agenda of the forum's next planned meeting is kept up to date when something changes
it (an escalation, a finalising): section 1 "Uppföljning" holds the open escalations
discussed at an earlier held meeting whose latest outcome did not close them, section 2
"Nya ärenden" the escalations on no agenda yet. Items are added, never removed."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from ..audit import audit_log
from ..meetings.models import ITEM_OUTCOMES
from ..timeutil import utcnow
from .errors import NetworkRuleError
from .models import (
    NETWORK_FORUM_KINDS,
    NetworkActionItem,
    NetworkAgendaItem,
    NetworkEscalation,
    NetworkForum,
    NetworkMeeting,
)

# Minuted outcomes that end an escalation in this forum (tracker.meetings' codes);
# "foljs_upp" or no outcome keeps it on the next agenda.
CLOSING_OUTCOMES = ("atgardat", "ingen_atgard", "vidarebefordras")


def _audit(
    session: Session, action: str, *, actor_id: int | None, obj: str, oid: int | None
) -> None:
    audit_log(session, action, actor_id=actor_id, org_id=None, object_type=obj, object_id=oid)


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def create_forum(
    session: Session, *, network_id: int, name: str, kind: str, actor_id: int | None
) -> NetworkForum:
    name = one_line(name)
    if not name:
        raise NetworkRuleError("no_name")
    if kind not in NETWORK_FORUM_KINDS:
        raise NetworkRuleError("bad_kind")
    forum = NetworkForum(network_id=network_id, name=name[:200], kind=kind)
    session.add(forum)
    session.flush()
    _audit(session, "network_forum.created", actor_id=actor_id, obj="network_forum", oid=forum.id)
    return forum


def escalate(
    session: Session,
    *,
    forum: NetworkForum,
    network_fault_id: int,
    title: str,
    ask: str,
    actor_id: int | None,
) -> NetworkEscalation:
    """A network fault raised in a forum; at most one open escalation per fault and forum.
    It joins the agenda of the forum's next planned meeting."""
    open_one = session.exec(
        select(NetworkEscalation.id).where(
            NetworkEscalation.forum_id == forum.id,
            NetworkEscalation.network_fault_id == network_fault_id,
            NetworkEscalation.status == "oppen",
        )
    ).first()
    if open_one is not None:
        raise NetworkRuleError("already_escalated")
    assert forum.id is not None
    esc = NetworkEscalation(
        network_id=forum.network_id,
        network_fault_id=network_fault_id,
        forum_id=forum.id,
        title=one_line(title)[:300],
        ask=(ask or "").strip(),
        created_by_id=actor_id,
    )
    session.add(esc)
    session.flush()
    _audit(
        session,
        "network_escalation.created",
        actor_id=actor_id,
        obj="network_fault",
        oid=network_fault_id,
    )
    sync_next_agenda(session, forum.id)
    return esc


def plan_meeting(
    session: Session, *, forum: NetworkForum, starts_at: datetime, place: str, actor_id: int | None
) -> NetworkMeeting:
    assert forum.id is not None
    meeting = NetworkMeeting(
        network_id=forum.network_id, forum_id=forum.id, starts_at=starts_at, place=one_line(place)
    )
    session.add(meeting)
    session.flush()
    build_agenda(session, meeting)
    _audit(
        session, "network_meeting.planned", actor_id=actor_id, obj="network_meeting", oid=meeting.id
    )
    return meeting


def sync_next_agenda(session: Session, forum_id: int) -> None:
    """Bring the agenda of the forum's earliest planned meeting up to date."""
    nxt = session.exec(
        select(NetworkMeeting)
        .where(NetworkMeeting.forum_id == forum_id, NetworkMeeting.status == "planerat")
        .order_by(col(NetworkMeeting.starts_at), col(NetworkMeeting.id))
    ).first()
    if nxt is not None:
        build_agenda(session, nxt)


def build_agenda(session: Session, meeting: NetworkMeeting) -> int:
    """Add the follow-up and new items the meeting's agenda lacks; returns how many."""
    open_escs = list(
        session.exec(
            select(NetworkEscalation)
            .where(
                NetworkEscalation.forum_id == meeting.forum_id,
                NetworkEscalation.status == "oppen",
            )
            .order_by(col(NetworkEscalation.created_at), col(NetworkEscalation.id))
        ).all()
    )
    if not open_escs:
        return 0
    ids = [e.id for e in open_escs]
    rows = session.exec(
        select(NetworkAgendaItem, NetworkMeeting)
        .join(NetworkMeeting, col(NetworkMeeting.id) == NetworkAgendaItem.meeting_id)
        .where(col(NetworkAgendaItem.escalation_id).in_(ids))
        .order_by(col(NetworkMeeting.starts_at), col(NetworkMeeting.id))
    ).all()
    on_this = {i.escalation_id for i, m in rows if m.id == meeting.id}
    on_any = {i.escalation_id for i, m in rows if m.status != "installt"}
    latest: dict[int, str | None] = {}  # outcome at the latest earlier held meeting
    for item, m in rows:
        if m.status == "genomfort" and m.starts_at < meeting.starts_at and item.escalation_id:
            latest[item.escalation_id] = item.outcome
    existing = session.exec(
        select(NetworkAgendaItem.section, NetworkAgendaItem.position).where(
            NetworkAgendaItem.meeting_id == meeting.id
        )
    ).all()
    pos = {
        s: max([p for sec, p in existing if sec == s], default=0) for s in ("uppfoljning", "nytt")
    }
    added = 0
    for esc in open_escs:
        if esc.id in on_this:
            continue
        if esc.id in latest:
            if latest[esc.id] in CLOSING_OUTCOMES:
                continue
            section = "uppfoljning"
        elif esc.id not in on_any:
            section = "nytt"
        else:
            continue  # on another meeting's agenda that has not been held
        pos[section] += 1
        assert meeting.id is not None
        session.add(
            NetworkAgendaItem(
                network_id=meeting.network_id,
                meeting_id=meeting.id,
                escalation_id=esc.id,
                network_fault_id=esc.network_fault_id,
                section=section,
                position=pos[section],
                title=esc.title,
            )
        )
        added += 1
    session.flush()
    return added


def move_item(
    session: Session, *, meeting: NetworkMeeting, item: NetworkAgendaItem, up: bool
) -> None:
    """Move an agenda item one step up or down within its section, before the meeting."""
    if meeting.status != "planerat":
        raise NetworkRuleError("not_planned")
    siblings = list(
        session.exec(
            select(NetworkAgendaItem)
            .where(
                NetworkAgendaItem.meeting_id == meeting.id,
                NetworkAgendaItem.section == item.section,
            )
            .order_by(col(NetworkAgendaItem.position), col(NetworkAgendaItem.id))
        ).all()
    )
    i = next(n for n, other in enumerate(siblings) if other.id == item.id)
    j = i - 1 if up else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    for n, other in enumerate(siblings, start=1):
        other.position = n
        session.add(other)
    session.flush()


def editable(meeting: NetworkMeeting) -> bool:
    return not meeting.minutes_final and meeting.status != "installt"


def save_minutes(
    session: Session,
    *,
    meeting: NetworkMeeting,
    item: NetworkAgendaItem,
    discussion: str,
    decision: str,
    responsible: str,
    outcome: str | None,
    due_on: date | None,
    actor_id: int | None,
) -> None:
    if not editable(meeting):
        raise NetworkRuleError("minutes_final")
    if outcome is not None and outcome not in ITEM_OUTCOMES:
        raise NetworkRuleError("bad_outcome")
    item.discussion = (discussion or "").strip()
    item.decision = (decision or "").strip()
    item.responsible = one_line(responsible)[:200]
    item.outcome = outcome
    item.due_on = due_on
    session.add(item)
    session.flush()
    _audit(
        session, "network_minutes.saved", actor_id=actor_id, obj="network_meeting", oid=meeting.id
    )


def _end_planned(
    session: Session, meeting: NetworkMeeting, status: str, action: str, actor_id: int | None
) -> None:
    """A planned meeting held (genomfort) or cancelled (installt)."""
    if meeting.status != "planerat":
        raise NetworkRuleError("not_planned")
    meeting.status = status
    session.add(meeting)
    session.flush()
    _audit(session, action, actor_id=actor_id, obj="network_meeting", oid=meeting.id)


def mark_held(session: Session, *, meeting: NetworkMeeting, actor_id: int | None) -> None:
    _end_planned(session, meeting, "genomfort", "network_meeting.held", actor_id)


def cancel(session: Session, *, meeting: NetworkMeeting, actor_id: int | None) -> None:
    _end_planned(session, meeting, "installt", "network_meeting.cancelled", actor_id)


def finalise(session: Session, *, meeting: NetworkMeeting, actor_id: int | None) -> None:
    """Freeze the minutes: a closing outcome closes its escalation; the rest are followed
    up at the next meeting (whose agenda is brought up to date)."""
    if meeting.status != "genomfort":
        raise NetworkRuleError("not_held")
    if meeting.minutes_final:
        raise NetworkRuleError("minutes_final")
    now = utcnow()
    meeting.minutes_final = True
    meeting.finalised_at = now
    session.add(meeting)
    items = session.exec(
        select(NetworkAgendaItem).where(NetworkAgendaItem.meeting_id == meeting.id)
    ).all()
    closing = [i.escalation_id for i in items if i.escalation_id and i.outcome in CLOSING_OUTCOMES]
    if closing:
        for esc in session.exec(
            select(NetworkEscalation).where(col(NetworkEscalation.id).in_(closing))
        ).all():
            esc.status = "stangd"
            esc.closed_at = now
            session.add(esc)
    session.flush()
    _audit(
        session,
        "network_meeting.finalised",
        actor_id=actor_id,
        obj="network_meeting",
        oid=meeting.id,
    )
    sync_next_agenda(session, meeting.forum_id)


def add_action(
    session: Session,
    *,
    meeting: NetworkMeeting,
    item: NetworkAgendaItem,
    title: str,
    owner: str,
    due_on: date | None,
    actor_id: int | None,
) -> NetworkActionItem:
    if not editable(meeting):
        raise NetworkRuleError("minutes_final")
    assert item.id is not None
    action = NetworkActionItem(
        network_id=meeting.network_id,
        forum_id=meeting.forum_id,
        agenda_item_id=item.id,
        title=one_line(title)[:200],
        owner=one_line(owner)[:200],
        due_on=due_on,
        created_by_id=actor_id,
    )
    session.add(action)
    session.flush()
    _audit(session, "network_action.added", actor_id=actor_id, obj="network_action", oid=action.id)
    return action


def close_action(session: Session, *, action: NetworkActionItem, actor_id: int | None) -> None:
    if action.status != "oppen":
        raise NetworkRuleError("action_closed")
    action.status = "klar"
    action.closed_at = utcnow()
    session.add(action)
    session.flush()
    _audit(session, "network_action.done", actor_id=actor_id, obj="network_action", oid=action.id)
