"""Passwords, authentication with throttling, and session rotation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..timeutil import utcnow
from .models import LoginAttempt, User, new_session_token

# argon2id with the library's current defaults (RFC 9106 low-memory profile);
# check_needs_rehash upgrades stored hashes when these change.
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass
class LoginResult:
    user: User | None
    throttled: bool = False
    retry_after: timedelta | None = None
    # The password was right but the account is deactivated (said only to who knows it).
    deactivated: bool = False
    # The password was right; the second step (TOTP or recovery code) is still to come.
    needs_mfa: bool = False


def _throttle(
    session: Session, email: str, *, max_failures: int, window: timedelta
) -> timedelta | None:
    """How long the account is refused, or None.

    Failures count within `window` and since the last success. After the
    `max_failures`-th failure the account rests until that failure is `window` old,
    so the block lifts by itself – never a permanent lockout.
    """
    now = utcnow()
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, col(LoginAttempt.success).is_(True)
        )
    ).one()
    since = now - window
    if last_success is not None and last_success > since:
        since = last_success
    failures = session.exec(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.email == email,
            col(LoginAttempt.success).is_(False),
            LoginAttempt.at > since,
        )
        .order_by(col(LoginAttempt.at).desc())
        .limit(max_failures)
    ).all()
    if len(failures) < max_failures:
        return None
    oldest_counted = failures[-1]
    return max(oldest_counted + window - now, timedelta(seconds=1))


def throttle_for(
    session: Session,
    email: str,
    *,
    ip: str | None,
    max_failures: int,
    window: timedelta,
) -> timedelta | None:
    """How long a login attempt for `email` from `ip` must wait, or None (all checks)."""
    return _throttle(session, normalise_email(email), max_failures=max_failures, window=window)


def record_attempt(session: Session, email: str, *, ip: str | None, success: bool) -> None:
    """Count an attempt (the password step, or the second step of a login with MFA)."""
    session.add(LoginAttempt(email=normalise_email(email), success=success, ip=ip))


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    max_failures: int,
    window: timedelta,
    ip: str | None = None,
) -> LoginResult:
    email = normalise_email(email)
    retry = throttle_for(session, email, ip=ip, max_failures=max_failures, window=window)
    user = session.exec(select(User).where(User.email == email)).first()
    if retry is not None:
        audit_log(
            session,
            "login.throttled",
            actor_id=None,
            org_id=None,
            object_type="user" if user else None,
            object_id=user.id if user else None,
        )
        return LoginResult(None, throttled=True, retry_after=retry)
    ok = False
    if user is not None:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same time as a real check so timing does not reveal accounts.
        _hasher.hash(password)
    record_attempt(session, email, ip=ip, success=ok)
    if not ok or user is None:
        audit_log(
            session,
            "login.failure",
            actor_id=None,
            org_id=None,
            object_type="user" if user else None,
            object_id=user.id if user else None,
        )
        return LoginResult(None)
    if not user.active:
        audit_log(
            session,
            "login.deactivated",
            actor_id=None,
            org_id=None,
            object_type="user",
            object_id=user.id,
        )
        return LoginResult(None, deactivated=True)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    if user.has_mfa:
        return LoginResult(user, needs_mfa=True)
    record_login(session, user)
    return LoginResult(user)


def record_login(session: Session, user: User) -> None:
    """A completed login (password, and the second step when the user has one)."""
    user.last_login_at = utcnow()
    session.add(user)
    audit_log(
        session,
        "login.success",
        actor_id=user.id,
        org_id=None,
        object_type="user",
        object_id=user.id,
    )


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def rotate_session_token(user: User) -> None:
    """End every session and remember cookie of this user."""
    user.session_token = new_session_token()


def change_password(session: Session, user: User, new_password: str, *, org_id: int | None) -> None:
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    rotate_session_token(user)
    session.add(user)
    audit_log(
        session,
        "user.password_changed",
        actor_id=user.id,
        org_id=org_id,
        object_type="user",
        object_id=user.id,
    )


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    actor_id: int | None,
    org_id: int | None,
    must_change_password: bool = False,
) -> User:
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit_log(
        session,
        "user.created",
        actor_id=actor_id,
        org_id=org_id,
        object_type="user",
        object_id=user.id,
    )
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()
