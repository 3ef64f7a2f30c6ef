"""Imports every table so SQLModel.metadata is complete (Alembic, tests)."""

from .accounts.models import AccountToken, LoginAttempt, RecoveryCode, User
from .api.models import ApiToken
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
from .imports.models import ImportFingerprint, ImportMapping, ImportRun, ImportUpload
from .meetings.models import AgendaItem, Contact, Escalation, Forum, Meeting
from .networks.models import (
    FaultShare,
    Network,
    NetworkFault,
    NetworkFaultLink,
    NetworkOrg,
    NetworkRole,
)
from .observe import SchedulerRun
from .orgs.models import Authority, Membership, Organisation, ReportSection
from .reports.models import ReportDraft, ReportDraftVersion

__all__ = [
    "SchedulerRun",
    "AccountToken",
    "ApiToken",
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
    "ImportFingerprint",
    "ImportMapping",
    "ImportRun",
    "ImportUpload",
    "LoginAttempt",
    "Membership",
    "FaultShare",
    "Network",
    "NetworkFault",
    "NetworkFaultLink",
    "NetworkOrg",
    "NetworkRole",
    "Occurrence",
    "OutboxMessage",
    "Organisation",
    "ReportDraft",
    "ReportDraftVersion",
    "ReportSection",
    "Theme",
    "User",
]
