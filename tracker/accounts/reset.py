"""Password reset by e-mail ("Glömt lösenord?")."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import func
from sqlmodel import Session, select

from ..audit import audit_log
from ..outbox import queue
from ..timeutil import utcnow
from . import services, tokens
from .models import AccountToken, User

# At most this many reset mails per account and hour, so the form cannot flood a mailbox.
MAX_PER_HOUR = 3


def request_reset(session: Session, email: str, *, base_url: str) -> None:
    """Send a reset link if the address belongs to an active account; otherwise nothing.

    The caller answers the same in both cases, so the form never reveals an account."""
    user = services.find_user(session, email)
    if user is None or not user.active or user.id is None:
        return
    recent = session.exec(
        select(func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.kind == "reset",
            AccountToken.user_id == user.id,
            AccountToken.created_at > utcnow() - timedelta(hours=1),
        )
    ).one()
    if recent >= MAX_PER_HOUR:
        return
    raw, row = tokens.issue(
        session, kind="reset", email=user.email, user_id=user.id, valid=tokens.RESET_VALID
    )
    data = {
        "user": user,
        "url": f"{base_url.rstrip('/')}/password/reset/{raw}",
        "hours": int(tokens.RESET_VALID.total_seconds() // 3600),
    }
    queue(
        session,
        dedup_key=f"reset:{row.id}",
        kind="reset",
        to_addr=user.email,
        subject="Återställ ditt lösenord – Systemfel tracker",
        text_body=render_template("email/reset.txt", **data),
        html_body=render_template("email/reset.html", **data),
    )
    audit_log(
        session,
        "password.reset_requested",
        actor_id=None,
        org_id=None,
        object_type="user",
        object_id=user.id,
    )


def complete_reset(session: Session, row: AccountToken, new_password: str) -> User:
    """Set the new password, use the link up and end every session of the user."""
    user = session.get(User, row.user_id)
    assert user is not None and user.id is not None
    user.password_hash = services.hash_password(new_password)
    user.must_change_password = False
    services.rotate_session_token(user)
    session.add(user)
    row.used_at = utcnow()
    session.add(row)
    tokens.close_others(session, kind="reset", user_id=user.id, keep=row.id)
    audit_log(
        session,
        "password.reset",
        actor_id=user.id,
        org_id=None,
        object_type="user",
        object_id=user.id,
    )
    return user
