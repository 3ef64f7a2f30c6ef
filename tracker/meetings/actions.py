"""Action items (åtgärdspunkter): created from a decision on an agenda item while the
minutes can be written, with an owner (a user of the organisation or a contact of the
forum) and a due date; then done (klar), struck (struken) or reopened, and moved to a new
due date (which earns a new reminder, see tracker.digests.reminders).

Keyword-only rules; each writes its audit entry (never free text) and flushes, the caller
commits once.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from ..audit import audit_log
from ..guard import require_clean
from ..orgs.models import Membership
from ..timeutil import local, utcnow
from .models import ACTION_STATUSES, ActionItem, AgendaItem, Contact, Meeting
from .rules import RuleError, require_minutes_editable

STATUS_ACTIONS = {"oppen": "reopened", "klar": "done", "struken": "struck"}


def today() -> date:
    """Today in Stockholm: a due date is a Swedish calendar day."""
    return local(utcnow()).date()


def _check_due(due_on: date | None, *, on: date | None) -> date:
    if due_on is None:
        raise RuleError("due_missing")
    if due_on < (on or today()):
        raise RuleError("due_past")
    return due_on


def check_owner(
    session: Session,
    *,
    meeting: Meeting,
    owner_user_id: int | None,
    owner_contact_id: int | None,
) -> None:
    """Exactly one owner: an active member of the meeting's organisation, or a contact of
    the meeting's forum."""
    if (owner_user_id is None) == (owner_contact_id is None):
        raise RuleError("owner")
    if owner_user_id is not None:
        found = session.exec(
            select(Membership.id).where(
                Membership.user_id == owner_user_id,
                Membership.org_id == meeting.org_id,
                col(Membership.active).is_(True),
            )
        ).first()
    else:
        found = session.exec(
            select(Contact.id).where(
                Contact.id == owner_contact_id,
                Contact.forum_id == meeting.forum_id,
                Contact.org_id == meeting.org_id,
            )
        ).first()
    if found is None:
        raise RuleError("owner")


def add_action(
    session: Session,
    *,
    meeting: Meeting,
    item: AgendaItem,
    title: str,
    owner_user_id: int | None = None,
    owner_contact_id: int | None = None,
    due_on: date | None,
    actor_id: int | None,
    on: date | None = None,
) -> ActionItem:
    """`on`: the day the due date may not be before (today; the demo loader backdates)."""
    require_minutes_editable(meeting)
    title = title.strip()
    if not title:
        raise RuleError("title")
    require_clean({"title": title}, confirmed=True)  # identifiers never; the view warns
    check_owner(
        session, meeting=meeting, owner_user_id=owner_user_id, owner_contact_id=owner_contact_id
    )
    action = ActionItem(
        org_id=meeting.org_id,
        forum_id=meeting.forum_id,
        agenda_item_id=item.id or 0,
        title=title,
        owner_user_id=owner_user_id,
        owner_contact_id=owner_contact_id,
        due_on=_check_due(due_on, on=on),
        created_by_id=actor_id,
    )
    session.add(action)
    session.flush()
    audit_log(
        session,
        "action_item.created",
        actor_id=actor_id,
        org_id=meeting.org_id,
        object_type="action_item",
        object_id=action.id,
    )
    session.flush()
    return action


def set_status(session: Session, *, action: ActionItem, status: str, actor_id: int | None) -> bool:
    """Done, struck or open again; False when it already had that status."""
    if status not in ACTION_STATUSES:
        raise RuleError("status")
    if status == action.status:
        return False
    action.status = status
    action.closed_at = None if status == "oppen" else utcnow()
    action.closed_by_id = None if status == "oppen" else actor_id
    session.add(action)
    audit_log(
        session,
        f"action_item.{STATUS_ACTIONS[status]}",
        actor_id=actor_id,
        org_id=action.org_id,
        object_type="action_item",
        object_id=action.id,
    )
    session.flush()
    return True


def move_due(
    session: Session, *, action: ActionItem, due_on: date | None, actor_id: int | None
) -> None:
    """A new due date for an open item; its owner is reminded again before the new one."""
    if action.status != "oppen":
        raise RuleError("action_closed")
    new = _check_due(due_on, on=None)
    if new == action.due_on:
        return
    action.due_on = new
    session.add(action)
    audit_log(
        session,
        "action_item.moved",
        actor_id=actor_id,
        org_id=action.org_id,
        object_type="action_item",
        object_id=action.id,
    )
    session.flush()
