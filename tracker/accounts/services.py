"""Passwords, authentication with throttling, and session rotation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from .. import config as default_config
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


# ---- login throttle ----------------------------------------------------------------------
#
# Check and record must not interleave: two workers that both count four failures would both
# let a fifth attempt through. So the check takes a lock that the login's transaction holds
# until the view commits the recorded attempt:
#
# * PostgreSQL: transaction-level advisory locks, pg_advisory_xact_lock(namespace, key), one
#   per client address and one per account (e-mail). Always address first, then account, so
#   two logins never wait on each other in opposite order. The app runs in READ COMMITTED,
#   so each query after the lock sees the attempts the previous holder committed.
# * SQLite: no advisory locks; the database's write lock serialises instead. Every request
#   that may write (the login POST, the second step's POST) begins its transaction with
#   BEGIN IMMEDIATE (tracker.db), so the throttle queries already run under the write lock,
#   which is held until the view commits. (In a deferred transaction – a GET – they would
#   not be serialised; the login never runs there.)

_LOCK_NS_ADDRESS = 0x7379_5301  # pg advisory lock namespaces (first int of the two-int form)
_LOCK_NS_ACCOUNT = 0x7379_5302


def _lock_key(value: str) -> int:
    """A stable signed 32-bit key (Python's hash() differs between processes). Two values
    that share a key only share a lock, which costs a little waiting, never correctness."""
    digest = hashlib.blake2b(value.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _serialise(session: Session, namespace: int, value: str) -> None:
    """Hold a lock on (namespace, value) until this transaction ends (PostgreSQL only;
    SQLite already holds its write lock – see above)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:ns AS integer), CAST(:key AS integer))"),
            {"ns": namespace, "key": _lock_key(value)},
        )


def _setting(name: str, given: Any) -> Any:
    """An explicit argument, else the app's setting, else the default in tracker.config."""
    if given is not None:
        return given
    if has_app_context():
        return current_app.config.get(name, getattr(default_config, name))
    return getattr(default_config, name)


def _as_delta(value: timedelta | float) -> timedelta:
    """Settings may come from the environment as seconds."""
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def _failure_delay(
    failures: int, *, max_failures: int, first_delay: timedelta, cap: timedelta
) -> timedelta | None:
    """The wait after the latest of `failures` counted failures: none below `max_failures`,
    then `first_delay`, doubling with each further failure, never above `cap`."""
    if failures < max_failures:
        return None
    delay = first_delay
    for _ in range(failures - max_failures):
        if delay >= cap:
            break
        delay *= 2
    return min(delay, cap)


def _throttle(
    session: Session,
    email: str,
    *,
    max_failures: int,
    window: timedelta,
    first_delay: timedelta | None = None,
    memory: timedelta | None = None,
) -> timedelta | None:
    """How long the account is refused, or None. Takes the account's lock (see above).

    The rule: failures count since the account's last success (a success resets the count)
    and within `memory` (LOGIN_FAILURE_MEMORY, 24 h). Below `max_failures` (5) counted
    failures nothing waits. From the `max_failures`-th on, the account waits after its
    latest failure: `first_delay` (LOGIN_FAILURE_DELAY, 30 s) after the 5th, 60 s after the
    6th, 2 min after the 7th – doubling with each further failure – but never more than
    `window` (LOGIN_FAILURE_WINDOW, 15 min). Attempts refused here are not recorded
    (authenticate), so nobody can grow the wait without first sitting it out: the account is
    never locked for longer than `window` after the latest real guess, and a right password
    once the wait has passed logs in (and resets the count).
    """
    _serialise(session, _LOCK_NS_ACCOUNT, email)
    max_failures = max(1, max_failures)
    window = _as_delta(window)
    first_delay = max(_as_delta(_setting("LOGIN_FAILURE_DELAY", first_delay)), timedelta(seconds=1))
    memory = _as_delta(_setting("LOGIN_FAILURE_MEMORY", memory))
    now = utcnow()
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, col(LoginAttempt.success).is_(True)
        )
    ).one()
    since = now - memory
    if last_success is not None and last_success > since:
        since = last_success
    # Enough rows to reach the cap: beyond it more failures change nothing.
    needed, delay = max_failures, first_delay
    while delay < window:
        needed, delay = needed + 1, delay * 2
    failures = session.exec(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.email == email,
            col(LoginAttempt.success).is_(False),
            LoginAttempt.at > since,
        )
        .order_by(col(LoginAttempt.at).desc())
        .limit(needed)
    ).all()
    wait = _failure_delay(
        len(failures), max_failures=max_failures, first_delay=first_delay, cap=window
    )
    if wait is None:
        return None
    remaining = failures[0] + wait - now
    if remaining <= timedelta(0):
        return None
    return max(remaining, timedelta(seconds=1))


def _address_throttle(
    session: Session, ip: str, *, max_failures: int, window: timedelta
) -> timedelta | None:
    """How long the client address is refused, or None: at most `max_failures` failures
    (over all accounts, successes do not reset) in any sliding `window`."""
    _serialise(session, _LOCK_NS_ADDRESS, ip)
    max_failures = max(1, max_failures)
    now = utcnow()
    failures = session.exec(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.ip == ip,
            col(LoginAttempt.success).is_(False),
            LoginAttempt.at > now - window,
        )
        .order_by(col(LoginAttempt.at).desc())
        .limit(max_failures)
    ).all()
    if len(failures) < max_failures:
        return None
    return max(failures[-1] + window - now, timedelta(seconds=1))


def throttle_for(
    session: Session,
    email: str,
    *,
    ip: str | None,
    max_failures: int,
    window: timedelta,
    first_delay: timedelta | None = None,
    memory: timedelta | None = None,
    max_failures_per_address: int | None = None,
    address_window: timedelta | None = None,
) -> timedelta | None:
    """How long a login attempt for `email` from `ip` must wait, or None (all checks).

    Two limits, the longer wait wins: the account's growing delay (`_throttle`) and the
    address's cap of LOGIN_MAX_FAILURES_PER_ADDRESS failures per LOGIN_ADDRESS_WINDOW
    (`ip` None – CLI, tests – skips it). Settings not given come from the app's config.
    Takes the address's lock, then the account's; they hold until the caller commits the
    attempt it records (`record_attempt`), so parallel attempts are checked one at a time.
    """
    waits: list[timedelta] = []
    if ip is not None:
        address_wait = _address_throttle(
            session,
            ip,
            max_failures=int(_setting("LOGIN_MAX_FAILURES_PER_ADDRESS", max_failures_per_address)),
            window=_as_delta(_setting("LOGIN_ADDRESS_WINDOW", address_window)),
        )
        if address_wait is not None:
            waits.append(address_wait)
    account_wait = _throttle(
        session,
        normalise_email(email),
        max_failures=max_failures,
        window=window,
        first_delay=first_delay,
        memory=memory,
    )
    if account_wait is not None:
        waits.append(account_wait)
    return max(waits) if waits else None


def record_attempt(session: Session, email: str, *, ip: str | None, success: bool) -> None:
    """Count an attempt (the password step, or the second step of a login with MFA).

    Call it only for attempts that `throttle_for` let through, in the same transaction."""
    session.add(LoginAttempt(email=normalise_email(email), success=success, ip=ip, at=utcnow()))


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
