import secrets
from datetime import datetime

from sqlmodel import Field, SQLModel

from ..models_base import free_text_field, utc_field


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
    created_at: datetime = utc_field()

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
