"""Editing a fault with optimistic locking per field: a save against a newer version keeps
what others changed and writes what this person changed (`tracker.conflicts`); a field both
changed is a conflict the person resolves. Keyword-only, audited, flushes; the caller
commits."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..audit import audit_log
from ..conflicts import Merge, merge, normalise, take_mine
from ..timeutil import utcnow
from . import search
from .models import Fault, FaultAuthority, FaultTheme
from .services import VersionConflict, _event, _set_links

FIELDS = (
    "title",
    "description",
    "primary_authority_id",
    "other_authority_ids",
    "level",
    "theme_ids",
    "report_summary",
)


class FieldConflict(VersionConflict):
    """Someone saved since the form was loaded and changed a field this person changed too.
    `merge.values` is what the form should show now: this person's text where they
    conflict, the stored value where only the other person changed a field."""

    def __init__(self, current: Fault, merge: Merge, stored: dict[str, Any]) -> None:
        super().__init__(current)
        self.merge = merge
        self.stored = stored


def fault_values(session: Session, fault: Fault) -> dict[str, Any]:
    """The stored values of the fields the edit form edits (normalised, for merging)."""
    assert fault.id is not None
    others = session.exec(
        select(FaultAuthority.authority_id).where(FaultAuthority.fault_id == fault.id)
    ).all()
    themes = session.exec(select(FaultTheme.theme_id).where(FaultTheme.fault_id == fault.id)).all()
    raw = {
        "title": fault.title,
        "description": fault.description,
        "primary_authority_id": fault.primary_authority_id,
        "other_authority_ids": others,
        "level": fault.level,
        "theme_ids": themes,
        "report_summary": fault.report_summary,
    }
    return {name: normalise(v) for name, v in raw.items()}


def update_fault(
    session: Session,
    *,
    fault: Fault,
    actor_id: int | None,
    expected_version: int,
    title: str,
    description: str,
    primary_authority_id: int,
    other_authority_ids: list[int],
    level: str | None,
    theme_ids: list[int],
    report_summary: str,
    loaded: dict[str, Any] | None = None,
    keep_theirs: Collection[str] = (),
) -> Merge:
    """Save an edit made on version `expected_version`, per field (`tracker.conflicts`).

    On the version it was loaded from, every field is written as typed, except those in
    `keep_theirs`. On a newer version, a field this person did not change (by `loaded`, the
    snapshot of what they loaded) keeps the stored value, a field only they changed is
    written, and a field both changed raises FieldConflict – nothing is written. The UPDATE
    checks the version it merged against, so two simultaneous saves cannot both win: the
    loser merges again against the winner's values.
    """
    assert fault.id is not None
    mine = {
        "title": title,
        "description": description,
        "primary_authority_id": primary_authority_id,
        "other_authority_ids": other_authority_ids,
        "level": level,
        "theme_ids": theme_ids,
        "report_summary": report_summary,
    }
    for _attempt in range(3):
        session.refresh(fault)
        stored = fault_values(session, fault)
        if fault.version == expected_version:
            result = take_mine(stored, mine, keep_theirs)
        else:
            result = merge(loaded=loaded or {}, stored=stored, mine=mine, keep_theirs=keep_theirs)
            if not result.ok:
                raise FieldConflict(fault, result, stored)
        v = result.values
        written = session.exec(
            update(Fault)
            .where(col(Fault.id) == fault.id, col(Fault.version) == fault.version)
            .values(
                title=v["title"],
                description=v["description"],
                primary_authority_id=v["primary_authority_id"],
                level=v["level"] or None,
                report_summary=v["report_summary"],
                updated_at=utcnow(),
                version=fault.version + 1,
            )
        )
        if written.rowcount == 1:
            break
        session.rollback()  # someone saved between the read and the write: merge again
    else:  # pragma: no cover - three saves in between
        raise VersionConflict(fault)
    session.refresh(fault)
    _set_links(session, fault, sorted(v["other_authority_ids"]), sorted(v["theme_ids"]))
    _event(session, fault, actor_id, "edited")
    audit_log(
        session,
        "fault.edited",
        actor_id=actor_id,
        org_id=fault.org_id,
        object_type="fault",
        object_id=fault.id,
    )
    session.flush()
    search.index_fault(session, fault)
    return result
