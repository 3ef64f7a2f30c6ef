"""Imports every table so SQLModel.metadata is complete (Alembic, tests)."""

from .accounts.models import AccountToken, LoginAttempt, RecoveryCode, User
from .audit import AuditEntry
from .digests.models import OutboxMessage
from .faults.models import (
    Fault,
    FaultAuthority,
    FaultConsequenceMonth,
    FaultEvent,
    FaultMonth,
    FaultRelation,
    FaultTheme,
    FaultUpdate,
    Occurrence,
    Theme,
)
from .meetings.models import AgendaItem, Contact, Escalation, Forum, Meeting
from .orgs.models import Authority, Membership, Organisation, ReportSection
from .reports.models import ReportDraft, ReportDraftVersion

__all__ = [
    "AccountToken",
    "RecoveryCode",
    "AgendaItem",
    "Contact",
    "Escalation",
    "Forum",
    "Meeting",
    "AuditEntry",
    "Authority",
    "Fault",
    "FaultAuthority",
    "FaultConsequenceMonth",
    "FaultEvent",
    "FaultMonth",
    "FaultRelation",
    "FaultTheme",
    "FaultUpdate",
    "LoginAttempt",
    "Membership",
    "Occurrence",
    "OutboxMessage",
    "Organisation",
    "ReportDraft",
    "ReportDraftVersion",
    "ReportSection",
    "Theme",
    "User",
]
