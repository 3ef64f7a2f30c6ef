"""The refusals shared by the meeting rules, and which state allows what."""

from __future__ import annotations

from .models import Meeting

OPEN_ESCALATION = ("foreslagen", "koad", "pa_dagordning", "uppfoljning")


class RuleError(ValueError):
    """Refused by the rules; `code` picks the user's message, `names` lists what is missing."""

    def __init__(self, code: str, names: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.names = names or []


class Locked(RuleError):
    """The meeting's minutes are final."""


def require_open(meeting: Meeting) -> None:
    if meeting.status != "planerat":
        raise Locked("locked")


def is_reopened(meeting: Meeting) -> bool:
    """Held, finalised once and reopened by a samordnare to correct the minutes."""
    return meeting.status == "genomfort" and meeting.finalised_at is None


def minutes_editable(meeting: Meeting) -> bool:
    return meeting.status == "planerat" or is_reopened(meeting)


def require_minutes_editable(meeting: Meeting) -> None:
    if not minutes_editable(meeting):
        raise Locked("locked")
