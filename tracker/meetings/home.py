"""What the home page shows everyone about their meetings: the next meeting of each of
"my" forums (a forum where I am a contact linked to my account; a samordnare's or admin's
are all the organisation's forums), my open action items and the latest finalised minutes.
Three statements, kept per process until the organisation's data changes or the hour turns
(the same for a user all that time), as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, func, true
from sqlmodel import Session, col, select

from ..dataversion import cached, data_key
from ..faults.common import MANAGERS
from ..orgs.context import current_org, in_current_org, scoped_with
from ..timeutil import utcnow
from .action_queries import ActionRow, mine
from .models import Contact, Forum, Meeting

SHOWN_ACTIONS = 5


class MeetingBrief(NamedTuple):
    id: int
    starts_at: datetime
    place: str


class ActionBrief(NamedTuple):
    title: str
    due_on: date


class HomeAction(NamedTuple):
    action: ActionBrief
    overdue: bool


@dataclass
class MemberHome:
    next_meetings: list[tuple[MeetingBrief, str]]  # (meeting, forum name), soonest first
    actions: list[HomeAction]  # the first few of my open items, soonest due first
    action_count: int
    minutes: list[tuple[MeetingBrief, str]]  # the latest finalised meeting of each forum


def _brief(m: Meeting) -> MeetingBrief:
    return MeetingBrief(m.id or 0, m.starts_at, m.place or "")


def _home_action(row: ActionRow) -> HomeAction:
    return HomeAction(ActionBrief(row.action.title, row.action.due_on), row.overdue)


def _my_forums(user_id: int, role: str | None) -> Any:
    """The WHERE clause on Meeting.forum_id: all forums for samordnare and admin."""
    if role in MANAGERS:
        return true()
    return col(Meeting.forum_id).in_(
        select(Contact.forum_id).where(in_current_org(Contact), Contact.user_id == user_id)
    )


def member_home(session: Session, user_id: int, role: str | None) -> MemberHome:
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    key = (data_key(current_org()), user_id, role, hour)
    return cached("member_home", key, lambda: _member_home(session, user_id, role, hour))


def _member_home(session: Session, user_id: int, role: str | None, hour: datetime) -> MemberHome:
    mine_only = _my_forums(user_id, role)
    upcoming = session.exec(
        scoped_with(Meeting, Forum.name)
        .join(Forum, col(Forum.id) == Meeting.forum_id)
        .where(
            mine_only,
            Meeting.status == "planerat",
            Meeting.starts_at >= hour - timedelta(hours=12),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    seen: set[int] = set()
    next_meetings = []
    for meeting, forum_name in upcoming:
        if meeting.forum_id not in seen:
            seen.add(meeting.forum_id)
            next_meetings.append((_brief(meeting), forum_name))
    latest = (
        select(Meeting.forum_id, func.max(Meeting.starts_at).label("at"))
        .where(in_current_org(Meeting), Meeting.status == "genomfort", mine_only)
        .group_by(Meeting.forum_id)
        .subquery()
    )
    minutes = [
        (_brief(meeting), forum_name)
        for meeting, forum_name in session.exec(
            scoped_with(Meeting, Forum.name)
            .join(
                latest,
                and_(
                    col(Meeting.forum_id) == latest.c.forum_id,
                    col(Meeting.starts_at) == latest.c.at,
                ),
            )
            .join(Forum, col(Forum.id) == Meeting.forum_id)
            .where(Meeting.status == "genomfort")
            .order_by(col(Meeting.starts_at).desc())
        ).all()
    ]
    actions = mine(session, user_id, role=role)
    shown = [_home_action(row) for row in actions[:SHOWN_ACTIONS]]
    return MemberHome(next_meetings, shown, len(actions), minutes)
