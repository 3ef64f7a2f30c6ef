"""Minutes: writing them, finalising (locks them, carries follow-ups, freezes the
documents), reopening with a reason to correct them, and re-finalising the correction.

Keyword-only rules; each writes its audit entry (never free text) and flushes, the caller
commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..faults.models import Fault
from ..guard import require_clean
from ..timeutil import utcnow
from . import snapshot, updates
from .models import AgendaItem, Escalation, Forum, Meeting, MeetingReopening
from .proposals import escalate
from .rules import RuleError, is_reopened, require_minutes_editable, require_open


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
    """In reopened minutes only the text can be corrected: the outcome already moved the
    escalation (closed it, carried it to the next meeting or forwarded it)."""
    require_minutes_editable(meeting)
    if is_reopened(meeting):
        if minutes.outcome and minutes.outcome != item.outcome:
            raise RuleError("outcome_fixed")
        minutes.outcome, minutes.forward_forum_id = item.outcome, item.forward_forum_id
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
    updates.responded(session, item=item, actor_id=actor_id)  # tell who logged on the fault


@dataclass
class Finalised:
    next_meeting: Meeting | None
    proposed_start: datetime | None
    follow_ups: int
    revision: int = 1

    @property
    def corrected(self) -> bool:
        return self.revision > 1


def revision_after(session: Session, meeting: Meeting) -> int:
    """The revision the next finalising gets: 1, then one more per reopening."""
    reopened = session.exec(
        select(func.count())
        .select_from(MeetingReopening)
        .where(MeetingReopening.meeting_id == meeting.id)
    ).one()
    return int(reopened) + 1


def finalise(session: Session, *, meeting: Meeting, actor_id: int | None) -> Finalised:
    """Lock the minutes, carry every open follow-up to the forum's next planned meeting and
    freeze the agenda and minutes (tracker.meetings.snapshot). A reopened meeting is
    re-finalised: only the documents are frozen again, as the next revision."""
    if is_reopened(meeting):
        return _refinalise(session, meeting=meeting, actor_id=actor_id)
    from . import services

    require_open(meeting)
    if meeting.starts_at > utcnow():
        raise RuleError("not_started")
    items = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.section), col(AgendaItem.position))
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
    for item in items:  # who logged on each fault hears the decision
        updates.decided(session, item=item, actor_id=actor_id)
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
    snapshot.take(session, meeting, revision=1, actor_id=actor_id)
    nxt = services.next_planned_meeting(session, meeting.forum_id)
    if nxt is not None:
        services.build_agenda(session, nxt)
        return Finalised(nxt, None, follow_ups)
    forum = session.get(Forum, meeting.forum_id)
    assert forum is not None
    return Finalised(None, services.proposed_next_start(session, forum), follow_ups)


def _refinalise(session: Session, *, meeting: Meeting, actor_id: int | None) -> Finalised:
    revision = revision_after(session, meeting)
    meeting.finalised_at = utcnow()
    session.add(meeting)
    audit_log(
        session,
        "meeting.refinalised",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()
    snapshot.take(session, meeting, revision=revision, actor_id=actor_id)
    return Finalised(None, None, 0, revision)


def reopen(
    session: Session, *, meeting: Meeting, reason: str, actor_id: int | None
) -> MeetingReopening:
    """Open finalised minutes for a correction. The reason is kept with the meeting (free
    text, guarded); the audit entry names only the meeting."""
    if meeting.status != "genomfort" or meeting.finalised_at is None:
        raise RuleError("not_finalised")
    reason = reason.strip()
    if not reason:
        raise RuleError("reason")
    require_clean({"reason": reason}, confirmed=True)  # identifiers never; the view warns
    row = MeetingReopening(
        org_id=meeting.org_id,
        meeting_id=meeting.id or 0,
        revision=revision_after(session, meeting),  # the current one, before this row
        reason=reason,
        reopened_by_id=actor_id,
    )
    session.add(row)
    meeting.finalised_at = None
    session.add(meeting)
    session.flush()
    audit_log(
        session,
        "meeting.reopened",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()
    return row
