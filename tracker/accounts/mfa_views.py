"""Two-step verification (TOTP): enrolment, the login's second step, recovery codes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .models import User

bp = Blueprint("mfa", __name__)


def start_mfa(user: User, *, remember: bool, next_url: str | None) -> Any:
    raise NotImplementedError
