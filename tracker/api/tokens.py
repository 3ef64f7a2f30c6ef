"""Rules for personal API tokens: issue, revoke, and find the token of a request.

The token is `trk_` and 32 random bytes; the database keeps only its SHA-256 (as the
single-use links of tracker.accounts.tokens do), so a copy of the database cannot call the
API. A token acts for its user in its organisation with the user's role there *now*: a
changed role changes what the token may do, a deactivated membership or account stops it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..audit import audit_log
from ..orgs.models import Membership, Organisation
from ..timeutil import utcnow
from .models import ApiToken

PREFIX = "trk_"
NAME_MAX = 100
MAX_DAYS = 3650


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    session: Session,
    *,
    user_id: int,
    org_id: int,
    name: str,
    days: int | None = None,
    actor_id: int | None,
) -> tuple[str, ApiToken]:
    """A new token; returns the raw token (shown once) and the row."""
    raw = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        org_id=org_id,
        name=name.strip()[:NAME_MAX],
        token_hash=hash_token(raw),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    audit_log(
        session,
        "api_token.created",
        actor_id=actor_id,
        org_id=org_id,
        object_type="api_token",
        object_id=row.id,
    )
    return raw, row


def revoke(session: Session, row: ApiToken, *, actor_id: int | None) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.add(row)
    audit_log(
        session,
        "api_token.revoked",
        actor_id=actor_id,
        org_id=row.org_id,
        object_type="api_token",
        object_id=row.id,
    )
    session.flush()


def state(row: ApiToken) -> str:
    """active | revoked | expired – a code for labels."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= utcnow():
        return "expired"
    return "active"


def for_user(session: Session, user_id: int, org_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.org_id == org_id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class Caller:
    """Who a request's token speaks for."""

    token: ApiToken
    user: User
    org: Organisation
    role: str


def authenticate(session: Session, raw: str) -> Caller | None:
    """The caller of a valid token (one statement), or None: unknown, revoked, expired,
    or the user is no longer an active member of the token's organisation."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    row = session.exec(
        select(ApiToken, User, Organisation, Membership.role)
        .join(User, col(User.id) == ApiToken.user_id)
        .join(Organisation, col(Organisation.id) == ApiToken.org_id)
        .join(
            Membership,
            (col(Membership.user_id) == ApiToken.user_id)
            & (col(Membership.org_id) == ApiToken.org_id),
        )
        .where(
            ApiToken.token_hash == hash_token(raw),
            col(ApiToken.revoked_at).is_(None),
            or_(col(ApiToken.expires_at).is_(None), col(ApiToken.expires_at) > utcnow()),
            User.active == True,  # noqa: E712
            Membership.active == True,  # noqa: E712
        )
    ).first()
    if row is None:
        return None
    token, user, org, role = row
    return Caller(token=token, user=user, org=org, role=role)


def mark_used(session: Session, engine: Engine, token: ApiToken, *, writing: bool) -> None:
    """The last-used date, written at most once a day per token. A read request writes it
    in its own short transaction (so the read stays a read); a writing request, which
    already holds the write lock, in its own transaction – below the ORM, so it raises
    no data version."""
    today = utcnow().date()
    if token.last_used_on == today:
        return
    stmt = (
        update(ApiToken)
        .where(
            col(ApiToken.id) == token.id,
            or_(col(ApiToken.last_used_on).is_(None), col(ApiToken.last_used_on) < today),
        )
        .values(last_used_on=today)
    )
    if writing:
        session.connection().execute(stmt)
        return
    with engine.begin() as conn:
        conn.execute(stmt)
