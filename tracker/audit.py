"""Append-only audit log. Entries name who did what to which object, never content."""

from __future__ import annotations

import re
from datetime import datetime

from flask import has_request_context, request
from sqlmodel import Field, Session, SQLModel

from .models_base import utc_field

_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    # the audit log comes with the change it records; nothing is computed from it
    __dataversion_skip__ = True

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    action: str = Field(max_length=60, index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = Field(default=None)
    ip: str | None = Field(default=None, max_length=45)
    count: int | None = Field(default=None)  # how many, for bulk actions such as gallring


def audit_log(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    org_id: int | None,
    object_type: str | None = None,
    object_id: int | None = None,
    count: int | None = None,
) -> AuditEntry:
    """Add an entry to the session; it commits with the change it records.

    `action` is a dotted code such as ``login.failure`` – a fixed vocabulary,
    so no free text (and nothing a user typed) can ever reach the log.
    """
    if not _ACTION.match(action):
        raise ValueError(f"audit action must be a dotted code, got {action!r}")
    ip = request.remote_addr if has_request_context() else None
    entry = AuditEntry(
        actor_id=actor_id,
        org_id=org_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        count=count,
        ip=ip,
    )
    session.add(entry)
    return entry


def _refuse_changes(session: Session, _ctx: object, _instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("the audit log is append-only")


def install_append_only_guard() -> None:
    from sqlalchemy import event

    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
