"""Single-use links sent by e-mail (invitations, password resets).

The token is 32 random bytes in the link; the database keeps only its SHA-256, so a copy
of the database (or an admin reading it) cannot use a link. A token is valid until it
expires, is used, is revoked or is replaced by a newer one of the same kind.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..timeutil import utcnow
from .models import AccountToken

INVITE_VALID = timedelta(hours=72)
RESET_VALID = timedelta(hours=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    session: Session, *, kind: str, email: str, valid: timedelta, **fields: Any
) -> tuple[str, AccountToken]:
    """A new token row; returns the raw token (for the e-mail only) and the row."""
    raw = secrets.token_urlsafe(32)
    row = AccountToken(
        kind=kind, token_hash=hash_token(raw), email=email, expires_at=utcnow() + valid, **fields
    )
    session.add(row)
    session.flush()
    return raw, row


def renew(session: Session, row: AccountToken, *, valid: timedelta) -> str:
    """A new link for the same row (resend): the old link stops working at once."""
    raw = secrets.token_urlsafe(32)
    row.token_hash = hash_token(raw)
    row.expires_at = utcnow() + valid
    row.revoked_at = None
    session.add(row)
    session.flush()
    return raw


def find_valid(session: Session, kind: str, raw: str) -> AccountToken | None:
    if not raw or len(raw) > 100:
        return None
    row = session.exec(
        select(AccountToken).where(
            AccountToken.kind == kind, AccountToken.token_hash == hash_token(raw)
        )
    ).first()
    if row is None or not is_open(row):
        return None
    return row


def is_open(row: AccountToken) -> bool:
    return row.used_at is None and row.revoked_at is None and row.expires_at > utcnow()


def state(row: AccountToken) -> str:
    """väntar | godtagen | återkallad | utgången – as a code for labels."""
    if row.used_at is not None:
        return "used"
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= utcnow():
        return "expired"
    return "open"


def close_others(session: Session, *, kind: str, user_id: int, keep: int | None = None) -> None:
    """Revoke every other open token of this kind for the user (a reset ends older links)."""
    q = (
        update(AccountToken)
        .where(
            col(AccountToken.kind) == kind,
            col(AccountToken.user_id) == user_id,
            col(AccountToken.used_at).is_(None),
            col(AccountToken.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    if keep is not None:
        q = q.where(col(AccountToken.id) != keep)
    session.exec(q)
