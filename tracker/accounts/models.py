import secrets
from datetime import datetime

from sqlmodel import Field, SQLModel

from ..models_base import free_text_field, utc_field

UPDATE_MAIL = ("none", "weekly", "direct")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = free_text_field(max_length=120)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    # Flask-Login identifies the session by this token, so rotating it ends every
    # session and remember cookie of the user at once.
    session_token: str = Field(default_factory=new_session_token, max_length=64, unique=True)
    locale: str = Field(default="sv", max_length=5)
    weekly_digest: bool = Field(default=False)
    # E-mail about updates on faults the user logged on (UPDATE_MAIL): none, in the weekly
    # digest, or at once.
    update_mail: str = Field(default="none", max_length=10)
    # Set when someone else chose the password (`tracker user create`): the next login
    # must choose an own password before anything else.
    must_change_password: bool = Field(default=False)
    last_login_at: datetime | None = utc_field(default_now=False, nullable=True)
    # TOTP (RFC 6238): the base32 secret once enrolment is confirmed, and the last time
    # step accepted, so a code is never accepted twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = Field(default=None)
    mfa_enabled_at: datetime | None = utc_field(default_now=False, nullable=True)
    created_at: datetime = utc_field()

    @property
    def has_mfa(self) -> bool:
        return bool(self.totp_secret)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token


class LoginAttempt(SQLModel, table=True):
    """Kept in the database so throttling holds across worker processes."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    success: bool
    at: datetime = utc_field(index=True)
    # The client address (after the trusted proxy hops), for the limit per address.
    ip: str | None = Field(default=None, max_length=45, index=True)


TOKEN_KINDS = ("invite", "reset")


class AccountToken(SQLModel, table=True):
    """A single-use link sent by e-mail: an invitation or a password reset.

    Only the SHA-256 of the token is stored; the token itself exists only in the e-mail
    (and the outbox row until it is sent)."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="CASCADE")
    # Invitations: the organisation and role the person joins on acceptance.
    org_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )
    role: str | None = Field(default=None, max_length=20)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field(default_now=False)
    used_at: datetime | None = utc_field(default_now=False, nullable=True)
    revoked_at: datetime | None = utc_field(default_now=False, nullable=True)


class RecoveryCode(SQLModel, table=True):
    """One of the ten one-time MFA recovery codes, stored as a SHA-256 hash."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = utc_field(default_now=False, nullable=True)
