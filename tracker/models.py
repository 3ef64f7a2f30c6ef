"""Imports every table so SQLModel.metadata is complete (Alembic, tests)."""

from .accounts.models import LoginAttempt, User
from .audit import AuditEntry
from .faults.models import (
    Fault,
    FaultAuthority,
    FaultEvent,
    FaultRelation,
    FaultTheme,
    Occurrence,
    Theme,
)
from .orgs.models import Authority, Membership, Organisation, ReportSection

__all__ = [
    "AuditEntry",
    "Authority",
    "Fault",
    "FaultAuthority",
    "FaultEvent",
    "FaultRelation",
    "FaultTheme",
    "LoginAttempt",
    "Membership",
    "Occurrence",
    "Organisation",
    "ReportSection",
    "Theme",
    "User",
]
