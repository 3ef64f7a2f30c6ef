"""Imports every table so SQLModel.metadata is complete (Alembic, tests)."""

from .accounts.models import LoginAttempt, User
from .audit import AuditEntry
from .orgs.models import Authority, Membership, Organisation, ReportSection

__all__ = ["AuditEntry", "Authority", "LoginAttempt", "Membership", "Organisation",
           "ReportSection", "User"]
