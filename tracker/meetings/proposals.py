"""Escalations: an ombud proposes, a samordnare approves (queued for the forum's next
meeting) or declines with a reason the proposer sees on the fault page.

Keyword-only rules; each writes its audit entry (never the free text) and flushes, the
caller commits once.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..dataversion import cached, data_key
from ..faults import services as faults
from ..faults.models import Fault
from ..guard import require_clean
from ..orgs.context import current_org, in_current_org, scoped_with
from ..timeutil import utcnow
from .models import Escalation, Forum
from .rules import OPEN_ESCALATION, RuleError


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
    from .services import _add_escalation_item, next_planned_meeting
    from .updates import escalated

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
    escalated(session, esc=esc, fault=fault, actor_id=actor_id)  # tell who logged on it
    upcoming = next_planned_meeting(session, esc.forum_id)
    if upcoming is not None:
        _add_escalation_item(session, upcoming, esc, "nytt", fault)


def decline_escalation(
    session: Session, *, esc: Escalation, reason: str, actor_id: int | None
) -> None:
    """Decline a proposal. The fault keeps its status (a proposal never changed it); the
    same fault may be proposed to the forum again later."""
    if esc.status != "foreslagen":
        raise RuleError("not_proposed")
    reason = reason.strip()
    if not reason:
        raise RuleError("reason")
    require_clean({"reason": reason}, confirmed=True)  # identifiers never; the view warns
    esc.status = "avbojd"
    esc.decline_reason = reason
    esc.declined_by_id = actor_id
    esc.closed_at = utcnow()
    session.add(esc)
    audit_log(
        session,
        "escalation.declined",
        actor_id=actor_id,
        org_id=esc.org_id,
        object_type="escalation",
        object_id=esc.id,
    )
    session.flush()


def pending_proposals(session: Session) -> list[tuple[Escalation, Fault, str]]:
    """The current organisation's proposals waiting for a samordnare, oldest first."""
    return list(
        session.exec(
            scoped_with(Escalation, Fault, Forum.name)
            .join(Fault, col(Fault.id) == Escalation.fault_id)
            .join(Forum, col(Forum.id) == Escalation.forum_id)
            .where(Escalation.status == "foreslagen")
            .order_by(Escalation.created_at, Escalation.id)
        ).all()
    )


def pending_count(session: Session) -> int:
    """For the navigation's badge on every page of a samordnare: kept per process until the
    organisation's data changes."""

    def count() -> int:
        return int(
            session.exec(
                select(func.count())
                .select_from(Escalation)
                .where(in_current_org(Escalation), Escalation.status == "foreslagen")
            ).one()
        )

    return cached("pending_proposals", data_key(current_org()), count)
