"""Two-step verification (TOTP, RFC 6238) and one-time recovery codes: the rules.

The secret is stored only once the user has confirmed enrolment with a code from the app.
Every accepted code moves `totp_last_step` forward with a conditional UPDATE, so a code is
never accepted twice – not even by two simultaneous requests. Recovery codes are stored as
SHA-256 hashes and shown once. Audit entries name the user, never a secret or a code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from ..audit import AuditEntry, audit_log
from ..timeutil import utcnow
from .models import RecoveryCode, User
from .services import record_attempt, record_login, throttle_for

ISSUER = "Systemfel tracker"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
# The audit codes of a wrong code: the login's second step, and re-authentication on the
# MFA page. They count towards a limit that a correct password does not reset.
CODE_FAILURE_ACTIONS = ("login.mfa_failure", "mfa.reauth_failure")

_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


# ---- enrolment helpers -------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI (the CSP allows data: images, nothing inline)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=4))


def grouped(secret: str) -> str:
    """'ABCDEFGH…' → 'ABCD EFGH …', for typing the key by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# ---- codes -------------------------------------------------------------------------------


def _totp_step(
    secret: str, code: str, *, after: int | None, now: float | None = None
) -> int | None:
    """The time step (±1 around now) whose code is `code`, if later than `after`."""
    code = _DASHES.sub("", code)
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    found = None
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue  # this step or an earlier one was already used: a replay
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def check_new_secret(secret: str, code: str) -> int | None:
    """The step of a code for a secret not yet stored (the enrolment's confirmation)."""
    return _totp_step(secret, code, after=None)


def accept_totp(session: Session, user: User, code: str) -> bool:
    """True if `code` is the user's current code and was not used before; remembers it."""
    if not user.totp_secret:
        return False
    step = _totp_step(user.totp_secret, code, after=user.totp_last_step)
    if step is None:
        return False
    result = session.exec(
        update(User)
        .where(
            col(User.id) == user.id,
            col(User.totp_secret).is_not(None),
            or_(col(User.totp_last_step).is_(None), col(User.totp_last_step) < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another request accepted this step (or a later) meanwhile
        return False
    user.totp_last_step = step
    return True


def normalise_recovery_code(code: str) -> str:
    return _DASHES.sub("", code).lower()


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def _format(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace every recovery code of the user with ten new ones; returns them (shown once)."""
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    assert user.id is not None
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = _format("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)))
        if code not in codes:
            codes.append(code)
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code)))
    return codes


def use_recovery_code(session: Session, user: User, code: str, *, org_id: int | None) -> bool:
    """Spend one unused recovery code of the user (case, spaces and dashes do not matter)."""
    if len(normalise_recovery_code(code)) != RECOVERY_LENGTH or not user.has_mfa:
        return False
    result = session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash) == _hash(code),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    _audit(session, "mfa.recovery_code_used", user, actor_id=user.id, org_id=org_id)
    return True


def check_code(session: Session, user: User, code: str, *, org_id: int | None) -> str | None:
    """'totp' or 'recovery' when `code` is accepted (and spent), else None."""
    if accept_totp(session, user, code):
        return "totp"
    if use_recovery_code(session, user, code, org_id=org_id):
        return "recovery"
    return None


def remaining_recovery_codes(session: Session, user: User) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(RecoveryCode)
            .where(col(RecoveryCode.user_id) == user.id, col(RecoveryCode.used_at).is_(None))
        ).one()
    )


# ---- throttling --------------------------------------------------------------------------


def code_throttle(
    session: Session, user: User, *, ip: str | None, max_failures: int, window: timedelta
) -> timedelta | None:
    """How long a code must wait, or None.

    The login throttle (failures since the last success), and besides it the wrong codes
    alone within the window: the password step records a success, so without this someone
    who knows the password could guess codes without end by logging in again and again."""
    retry = throttle_for(session, user.email, ip=ip, max_failures=max_failures, window=window)
    if retry is not None:
        return retry
    now = utcnow()
    failures = session.exec(
        select(AuditEntry.at)
        .where(
            col(AuditEntry.action).in_(CODE_FAILURE_ACTIONS),
            col(AuditEntry.object_type) == "user",
            col(AuditEntry.object_id) == user.id,
            col(AuditEntry.at) > now - window,
        )
        .order_by(col(AuditEntry.at).desc())
        .limit(max_failures)
    ).all()
    if len(failures) < max_failures:
        return None
    return max(failures[-1] + window - now, timedelta(seconds=1))


@dataclass
class CodeResult:
    ok: bool
    kind: str | None = None  # 'totp' | 'recovery'
    retry_after: timedelta | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def second_step(
    session: Session,
    user: User,
    code: str,
    *,
    ip: str | None,
    max_failures: int,
    window: timedelta,
) -> CodeResult:
    """The login's second step. On success the login is recorded (`login.success`)."""
    retry = code_throttle(session, user, ip=ip, max_failures=max_failures, window=window)
    if retry is not None:
        _audit(session, "login.throttled", user, actor_id=None, org_id=None)
        return CodeResult(False, retry_after=retry)
    kind = check_code(session, user, code, org_id=None)
    record_attempt(session, user.email, ip=ip, success=kind is not None)
    if kind is None:
        _audit(session, "login.mfa_failure", user, actor_id=None, org_id=None)
        return CodeResult(False)
    record_login(session, user)
    return CodeResult(True, kind=kind)


def reauthenticate(
    session: Session,
    user: User,
    *,
    password_ok: bool,
    code: str | None,
    ip: str | None,
    max_failures: int,
    window: timedelta,
    org_id: int | None,
) -> CodeResult:
    """A logged-in user proves it is them again: the password (checked by the caller),
    and – when `code` is given – a current code or a recovery code."""
    retry = code_throttle(session, user, ip=ip, max_failures=max_failures, window=window)
    if retry is not None:
        return CodeResult(False, retry_after=retry)
    kind = None
    if password_ok and code is not None:
        kind = check_code(session, user, code, org_id=org_id)
    if not password_ok or (code is not None and kind is None):
        record_attempt(session, user.email, ip=ip, success=False)
        _audit(session, "mfa.reauth_failure", user, actor_id=user.id, org_id=org_id)
        return CodeResult(False)
    return CodeResult(True, kind=kind)


# ---- enable, renew, disable, reset -------------------------------------------------------


def enable(
    session: Session, user: User, *, secret: str, code: str, org_id: int | None
) -> list[str] | None:
    """Confirm enrolment with a code for `secret`: store it and return ten recovery codes
    (to show once), or None when the code is wrong."""
    step = check_new_secret(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step  # the confirming code cannot also log in
    user.mfa_enabled_at = utcnow()
    session.add(user)
    codes = _new_recovery_codes(session, user)
    _audit(session, "mfa.enabled", user, actor_id=user.id, org_id=org_id)
    session.flush()
    return codes


def renew_recovery_codes(session: Session, user: User, *, org_id: int | None) -> list[str]:
    """Ten new recovery codes; every earlier one stops working."""
    codes = _new_recovery_codes(session, user)
    _audit(session, "mfa.recovery_codes_renewed", user, actor_id=user.id, org_id=org_id)
    session.flush()
    return codes


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.mfa_enabled_at = None
    session.add(user)
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))


def disable(session: Session, user: User, *, org_id: int | None) -> None:
    """The user turns two-step verification off (after re-authentication in the view)."""
    _clear(session, user)
    _audit(session, "mfa.disabled", user, actor_id=user.id, org_id=org_id)
    session.flush()


def reset_mfa(session: Session, user: User, *, actor_id: int | None, org_id: int | None) -> None:
    """An administrator removes a user's two-step verification (a lost phone): the user
    logs in with the password alone and enrols again."""
    _clear(session, user)
    _audit(session, "mfa.reset", user, actor_id=actor_id, org_id=org_id)
    session.flush()


def _audit(
    session: Session, action: str, user: User, *, actor_id: int | None, org_id: int | None
) -> None:
    audit_log(
        session, action, actor_id=actor_id, org_id=org_id, object_type="user", object_id=user.id
    )
