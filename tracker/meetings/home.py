"""What the home page shows everyone about their meetings: the next meeting of each of
"my" forums (a forum where I am a contact linked to my account; a samordnare's or admin's
are all the organisation's forums), my open action items and the latest finalised minutes.
Three statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, true
from sqlmodel import Session, col, select

from ..faults.common import MANAGERS
from ..orgs.context import in_current_org, scoped_with
from ..timeutil import utcnow
from .action_queries import ActionRow, mine
from .models import Contact, Forum, Meeting

SHOWN_ACTIONS = 5


@dataclass
class MemberHome:
    next_meetings: list[tuple[Meeting, str]]  # (meeting, forum name), soonest first
    actions: list[ActionRow]  # the first few of my open items, soonest due first
    action_count: int
    minutes: list[tuple[Meeting, str]]  # the latest finalised meeting of each forum


def _my_forums(user_id: int, role: str | None) -> Any:
    """The WHERE clause on Meeting.forum_id: all forums for samordnare and admin."""
    if role in MANAGERS:
        return true()
    return col(Meeting.forum_id).in_(
        select(Contact.forum_id).where(in_current_org(Contact), Contact.user_id == user_id)
    )


def member_home(session: Session, user_id: int, role: str | None) -> MemberHome:
    mine_only = _my_forums(user_id, role)
    upcoming = session.exec(
        scoped_with(Meeting, Forum.name)
        .join(Forum, col(Forum.id) == Meeting.forum_id)
        .where(
            mine_only,
            Meeting.status == "planerat",
            Meeting.starts_at >= utcnow() - timedelta(hours=12),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    seen: set[int] = set()
    next_meetings = []
    for meeting, forum_name in upcoming:
        if meeting.forum_id not in seen:
            seen.add(meeting.forum_id)
            next_meetings.append((meeting, forum_name))
    latest = (
        select(Meeting.forum_id, func.max(Meeting.starts_at).label("at"))
        .where(in_current_org(Meeting), Meeting.status == "genomfort", mine_only)
        .group_by(Meeting.forum_id)
        .subquery()
    )
    minutes = [
        (meeting, forum_name)
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
    return MemberHome(next_meetings, actions[:SHOWN_ACTIONS], len(actions), minutes)
