"""The meeting side of the updates to the ombud (tracker.faults.updates): the events –
escalated to a forum, a decision when minutes are finalised, the authority's response –
and the read side that shows them with the forum, the meeting and the decision's text.

The e-mail side (`mail_rows`) never reads the decision or response text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..faults import updates
from ..faults.models import Fault, FaultUpdate
from ..orgs.context import scoped_with
from ..orgs.models import Authority
from ..timeutil import local
from .forms import outcome_labels
from .models import AgendaItem, Escalation, Forum, Meeting

TEXT_MAX = 300


# ---- events --------------------------------------------------------------------------------


def escalated(session: Session, *, esc: Escalation, fault: Fault, actor_id: int | None) -> None:
    """The escalation was accepted: it is queued for the forum's next meeting."""
    forum = session.get(Forum, esc.forum_id)
    updates.notify(
        session,
        fault=fault,
        kind="escalated",
        source_id=esc.id or 0,
        actor_id=actor_id,
        escalation_id=esc.id,
        forum=forum.name if forum else None,
    )


def _item_event(session: Session, kind: str, *, item: AgendaItem, actor_id: int | None) -> None:
    if item.escalation_id is None:
        return
    esc = session.get(Escalation, item.escalation_id)
    meeting = session.get(Meeting, item.meeting_id)
    if esc is None or meeting is None:
        return
    fault = session.get(Fault, esc.fault_id)
    forum = session.get(Forum, meeting.forum_id)
    assert fault is not None
    updates.notify(
        session,
        fault=fault,
        kind=kind,
        source_id=item.id or 0,
        actor_id=actor_id,
        escalation_id=esc.id,
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        forum=forum.name if forum else None,
        day=local(meeting.starts_at).date(),
    )


def decided(session: Session, *, item: AgendaItem, actor_id: int | None) -> None:
    """The minutes were finalised with this item's outcome (and decision). A response
    written on the item is told too, whichever way it was saved; each event once."""
    _item_event(session, "decision", item=item, actor_id=actor_id)
    if item.response.strip():
        _item_event(session, "response", item=item, actor_id=actor_id)


def responded(session: Session, *, item: AgendaItem, actor_id: int | None) -> None:
    """The authority's response was written on the item."""
    if item.response.strip():
        _item_event(session, "response", item=item, actor_id=actor_id)


# ---- read side -----------------------------------------------------------------------------


@dataclass
class UpdateRow:
    id: int
    ref: str
    title: str
    text: str
    at: datetime
    unread: bool


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1].rstrip() + "…"


def _describe(
    upd: FaultUpdate,
    forum: str | None,
    starts_at: datetime | None,
    decision: str | None,
    outcome: str | None,
    response: str | None,
) -> str:
    day = local(starts_at).date() if starts_at else None
    head = updates.event_label(upd.kind, forum=forum, day=day)
    if upd.kind == "decision":
        said = (decision or "").strip() or outcome_labels().get(outcome or "", "")
        return _("%(event)s: %(text)s", event=head, text=_short(said)) if said else head
    if upd.kind == "response" and (response or "").strip():
        return _("%(event)s: %(text)s", event=head, text=_short(response or ""))
    return head


def _query(user_id: int) -> Any:
    """The user's updates in the current organisation with all they show: one statement.
    (An agenda item's meeting is in its escalation's forum.)"""
    return (
        scoped_with(
            FaultUpdate,
            Fault.ref,
            Fault.title,
            Forum.name,
            Meeting.starts_at,
            AgendaItem.decision,
            AgendaItem.outcome,
            AgendaItem.response,
        )
        .join(Fault, col(Fault.id) == FaultUpdate.fault_id)
        .outerjoin(Escalation, col(Escalation.id) == FaultUpdate.escalation_id)
        .outerjoin(Forum, col(Forum.id) == Escalation.forum_id)
        .outerjoin(Meeting, col(Meeting.id) == FaultUpdate.meeting_id)
        .outerjoin(AgendaItem, col(AgendaItem.id) == FaultUpdate.agenda_item_id)
        .where(FaultUpdate.user_id == user_id)
        .order_by(col(FaultUpdate.created_at).desc(), col(FaultUpdate.id).desc())
    )


def _rows(session: Session, q: Any) -> list[UpdateRow]:
    return [
        UpdateRow(
            upd.id or 0,
            ref,
            title,
            _describe(upd, forum, starts_at, decision, outcome, response),
            upd.created_at,
            upd.read_at is None,
        )
        for upd, ref, title, forum, starts_at, decision, outcome, response in session.exec(q).all()
    ]


@dataclass
class UpdateList:
    rows: list[UpdateRow]
    more: bool

    @property
    def unread_ids(self) -> list[int]:
        return [r.id for r in self.rows if r.unread]


def unread(session: Session, user_id: int, *, limit: int = 10) -> UpdateList:
    """The newest unread updates for the home page (one statement)."""
    rows = _rows(
        session, _query(user_id).where(col(FaultUpdate.read_at).is_(None)).limit(limit + 1)
    )
    return UpdateList(rows[:limit], len(rows) > limit)


def page_of(session: Session, user_id: int, *, page: int, size: int = 25) -> UpdateList:
    """All updates, read and unread, newest first; `page` from 1."""
    rows = _rows(session, _query(user_id).offset((page - 1) * size).limit(size + 1))
    return UpdateList(rows[:size], len(rows) > size)


# ---- e-mail side ---------------------------------------------------------------------------


def mail_rows(
    session: Session, org_id: int, user_ids: list[int], since: datetime, until: datetime
) -> dict[int, list[dict[str, str]]]:
    """Per user, the updates created in [since, until) as the e-mail shows them: reference,
    title, authority and what happened – no decision or response text. One statement."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(  # type: ignore[call-overload]
            FaultUpdate,
            Fault.ref,
            Fault.title,
            Authority.name,
            Forum.name,
            Meeting.starts_at,
        )
        .join(Fault, col(Fault.id) == FaultUpdate.fault_id)
        .join(Authority, col(Authority.id) == Fault.primary_authority_id)
        .outerjoin(Escalation, col(Escalation.id) == FaultUpdate.escalation_id)
        .outerjoin(Forum, col(Forum.id) == Escalation.forum_id)
        .outerjoin(Meeting, col(Meeting.id) == FaultUpdate.meeting_id)
        .where(
            col(FaultUpdate.user_id).in_(user_ids),
            FaultUpdate.org_id == org_id,
            FaultUpdate.created_at >= since,
            FaultUpdate.created_at < until,
        )
        .order_by(col(FaultUpdate.created_at), col(FaultUpdate.id))
    ).all()
    out: dict[int, list[dict[str, str]]] = {}
    for upd, ref, title, authority, forum, starts_at in rows:
        day = local(starts_at).date() if starts_at else None
        out.setdefault(upd.user_id, []).append(
            {
                "ref": ref,
                "title": title,
                "authority": authority,
                "event": updates.event_label(upd.kind, forum=forum, day=day),
            }
        )
    return out
