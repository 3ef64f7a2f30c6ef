"""Read side of action items: a meeting's own and followed-up items, "Mina åtgärder", and
the owners one can choose. One statement each, whatever the number of items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..orgs.context import in_current_org, scoped_with
from ..orgs.models import Membership
from ..timeutil import local
from .actions import today
from .models import ActionItem, AgendaItem, Contact, Forum, Meeting


@dataclass
class ActionRow:
    action: ActionItem
    owner: str  # the owner's name ("" when the owner contact was removed)
    owner_account: int | None  # the user who may mark it done: the owner, or the contact's
    source_title: str  # the agenda item whose decision created it
    source_meeting_id: int
    source_starts_at: datetime
    forum_name: str = ""
    overdue: bool = False
    visible: bool = True  # the user may open the meeting it came from


@dataclass
class MeetingActions:
    own: dict[int, list[ActionRow]] = field(default_factory=dict)  # by agenda item id
    carried: list[ActionRow] = field(default_factory=list)  # open from earlier meetings


def reference_day(meeting: Meeting) -> date:
    """An open item due before this day is late (försenad): today, or the meeting's day
    for a meeting already held – so frozen minutes say what was late at the meeting."""
    return min(today(), local(meeting.starts_at).date())


def _owner(contact_name: str | None, represents: str | None, user_name: str | None) -> str:
    if user_name:
        return user_name
    if contact_name:
        return contact_name + (f" ({represents})" if represents else "")
    return ""


def _rows(session: Session, where: Any, *, order: Any, user_id: int | None = None) -> list[Any]:
    owner_user = aliased(User)
    q = (
        scoped_with(
            ActionItem,
            AgendaItem.title,
            AgendaItem.meeting_id,
            Meeting.starts_at,
            Forum.name,
            owner_user.name,
            Contact.name,
            Contact.represents,
            Contact.user_id,
        )
        .join(AgendaItem, col(AgendaItem.id) == ActionItem.agenda_item_id)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .join(Forum, col(Forum.id) == ActionItem.forum_id)
        .outerjoin(owner_user, col(owner_user.id) == ActionItem.owner_user_id)
        .outerjoin(Contact, col(Contact.id) == ActionItem.owner_contact_id)
        .where(where)
        .order_by(*order)
    )
    if user_id is not None:  # may the user open the meeting? (a ledamot: their forums only)
        member = aliased(Contact)
        q = q.add_columns(
            exists().where(member.forum_id == ActionItem.forum_id, member.user_id == user_id)
        )
    return list(session.exec(q).all())


def _row(r: Any, late_before: date) -> ActionRow:
    action = r[0]
    return ActionRow(
        action=action,
        owner=_owner(r[6], r[7], r[5]),
        owner_account=action.owner_user_id or r[8],
        source_title=r[1],
        source_meeting_id=r[2],
        source_starts_at=r[3],
        forum_name=r[4],
        overdue=action.status == "oppen" and action.due_on < late_before,
        visible=bool(r[9]) if len(r) > 9 else True,
    )


def for_meeting(session: Session, meeting: Meeting) -> MeetingActions:
    """The items decided at this meeting, by agenda item, and – under Uppföljning – the
    forum's items from earlier meetings that were still open when this one started."""
    carried = and_(
        ActionItem.forum_id == meeting.forum_id,
        Meeting.starts_at < meeting.starts_at,
        or_(ActionItem.status == "oppen", col(ActionItem.closed_at) > meeting.starts_at),
    )
    rows = _rows(
        session,
        or_(AgendaItem.meeting_id == meeting.id, carried),
        order=(ActionItem.due_on, ActionItem.id),
    )
    late_before = reference_day(meeting)
    out = MeetingActions()
    for r in rows:
        row = _row(r, late_before)
        if row.source_meeting_id == meeting.id:
            out.own.setdefault(row.action.agenda_item_id, []).append(row)
        else:
            out.carried.append(row)
    return out


def mine(session: Session, user_id: int, *, role: str | None) -> list[ActionRow]:
    """The user's open items in the current organisation, across forums, soonest due
    first: owned by them, or by a forum contact linked to their account."""
    rows = _rows(
        session,
        and_(
            ActionItem.status == "oppen",
            or_(ActionItem.owner_user_id == user_id, Contact.user_id == user_id),
        ),
        order=(ActionItem.due_on, ActionItem.id),
        user_id=user_id,
    )
    out = [_row(r, today()) for r in rows]
    if role != "ledamot":  # everyone else sees every forum's meetings
        for row in out:
            row.visible = True
    return out


def owner_choices(session: Session, contacts: list[Contact]) -> list[tuple[str, list[Any]]]:
    """Who can own an item of a meeting: the organisation's active users, and the forum's
    contacts (values "u<id>" and "c<id>"), as the groups of a select."""
    users = session.exec(
        select(User.id, User.name)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(in_current_org(Membership), col(Membership.active).is_(True))
        .order_by(User.name)
    ).all()
    return [
        ("contacts", [(f"c{c.id}", _owner(c.name, c.represents, None)) for c in contacts]),
        ("users", [(f"u{uid}", name) for uid, name in users]),
    ]


def parse_owner(value: str | None) -> tuple[int | None, int | None]:
    """ "u12" → (12, None), "c5" → (None, 5); anything else → (None, None)."""
    value = (value or "").strip()
    if len(value) > 1 and value[0] in "uc" and value[1:].isdigit():
        n = int(value[1:])
        return (n, None) if value[0] == "u" else (None, n)
    return None, None
