"""Reminders of action items (åtgärdspunkter): one e-mail to the owner the forum's
`reminder_days` before the due date. The dedup key names the item and its due date, so the
reminder exists once per item and date – three passes at once still queue one – and an item
moved to a new date is reminded again. A pass that was down catches up while the date is
still ahead (or today). Owners without an e-mail address get none.

The mail says only the item's title, the forum and the date, with a link: never a narrative.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, render_template
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..meetings.models import ActionItem, Contact, Forum
from ..orgs.models import Organisation
from ..timeutil import local
from . import outbox
from .models import OutboxMessage

MAX_REMINDER_DAYS = 30  # the forum setting's upper bound (meetings.forms.ForumForm)


def reminder_key(action: ActionItem) -> str:
    return f"action-reminder:{action.id}:{action.due_on.isoformat()}"


def _due(session: Session, org: Organisation, today: date) -> list[dict[str, Any]]:
    """Open items whose reminder day has come and whose due date has not passed, with the
    owner's address: the user's, or the contact's (else the contact's linked account's)."""
    owner = aliased(User)
    linked = aliased(User)
    rows = session.exec(
        select(
            ActionItem,
            Forum.name,
            Forum.reminder_days,
            owner.name,
            owner.email,
            owner.active,
            Contact.name,
            Contact.email,
            Contact.user_id,
            linked.email,
            linked.active,
        )
        .join(Forum, col(Forum.id) == ActionItem.forum_id)
        .outerjoin(owner, col(owner.id) == ActionItem.owner_user_id)
        .outerjoin(Contact, col(Contact.id) == ActionItem.owner_contact_id)
        .outerjoin(linked, col(linked.id) == Contact.user_id)
        .where(
            ActionItem.org_id == org.id,
            ActionItem.status == "oppen",
            ActionItem.due_on >= today,
            ActionItem.due_on <= today + timedelta(days=MAX_REMINDER_DAYS),
        )
        .order_by(ActionItem.id)
    ).all()
    out = []
    for (
        action,
        forum,
        days,
        u_name,
        u_mail,
        u_active,
        c_name,
        c_mail,
        c_user,
        l_mail,
        l_active,
    ) in rows:
        if action.due_on - timedelta(days=days) > today:
            continue
        if action.owner_user_id is not None:
            to, name, account = (u_mail if u_active else ""), u_name, True
        else:
            to = c_mail or (l_mail if l_active else "")
            name, account = c_name or "", c_user is not None
        if to:
            out.append(
                {"action": action, "forum": forum, "to": to, "name": name, "account": account}
            )
    return out


def queue_action_reminders(session: Session, org: Organisation, *, now: datetime) -> int:
    today = local(now).date()
    due = _due(session, org, today)
    if not due:
        return 0
    keys = {d["action"].id: reminder_key(d["action"]) for d in due}
    queued_before = set(  # most passes find them queued already: one statement
        session.exec(
            select(OutboxMessage.dedup_key).where(col(OutboxMessage.dedup_key).in_(keys.values()))
        ).all()
    )
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    queued = 0
    for d in due:
        action: ActionItem = d["action"]
        key = keys[action.id]
        if key in queued_before:
            continue
        data = {
            **d,
            "org": org,
            "due": action.due_on.isoformat(),
            "days_left": (action.due_on - today).days,
            "url": f"{base}/actions/mine",
        }
        fields = {
            "subject": f"Påminnelse om åtgärd: klart senast {data['due']} ({d['forum']})",
            "text_body": render_template("email/action_reminder.txt", **data),
            "html_body": render_template("email/action_reminder.html", **data),
        }
        if (
            outbox.queue(
                session,
                dedup_key=key,
                kind="action_reminder",
                org_id=org.id,
                to_addr=d["to"],
                **fields,
            )
            is not None
        ):
            queued += 1
    return queued
