"""Drafts of the annual report section: seeded from the generated text, edited, kept with
their history, and locked when final."""

from __future__ import annotations

from sqlmodel import Session, select

from ..audit import audit_log
from ..guard import require_clean
from ..timeutil import utcnow
from .models import ReportDraft, ReportDraftVersion


class DraftConflict(Exception):
    def __init__(self, current: ReportDraft) -> None:
        super().__init__("conflict")
        self.current = current


class DraftLocked(Exception):
    pass


def get_draft(session: Session, org_id: int, year: int) -> ReportDraft | None:
    return session.exec(
        select(ReportDraft).where(ReportDraft.org_id == org_id, ReportDraft.year == year)
    ).first()


def _version(session: Session, draft: ReportDraft, actor_id: int | None) -> None:
    session.add(
        ReportDraftVersion(
            org_id=draft.org_id,
            draft_id=draft.id or 0,
            version=draft.version,
            markdown=draft.markdown,
            saved_by_id=actor_id,
        )
    )


def create_draft(
    session: Session, *, org_id: int, year: int, generated: str, actor_id: int | None
) -> ReportDraft:
    draft = get_draft(session, org_id, year)
    if draft is not None:
        return draft
    draft = ReportDraft(
        org_id=org_id, year=year, markdown=generated, generated=generated, updated_by_id=actor_id
    )
    session.add(draft)
    session.flush()
    _version(session, draft, actor_id)
    audit_log(
        session,
        "report_draft.created",
        actor_id=actor_id,
        org_id=org_id,
        object_type="report_draft",
        object_id=draft.id,
    )
    return draft


def save_draft(
    session: Session,
    *,
    draft: ReportDraft,
    markdown: str,
    expected_version: int,
    actor_id: int | None,
    confirmed: bool,
) -> None:
    """The guard checks the draft like every other free-text field."""
    if draft.status == "slutlig":
        raise DraftLocked
    if draft.version != expected_version:
        raise DraftConflict(draft)
    require_clean({"markdown": markdown}, confirmed=confirmed)
    draft.markdown = markdown.replace("\r\n", "\n")
    draft.version += 1
    draft.updated_by_id = actor_id
    draft.updated_at = utcnow()
    session.add(draft)
    _version(session, draft, actor_id)
    audit_log(
        session,
        "report_draft.saved",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )


def adopt_generated(
    session: Session, *, draft: ReportDraft, generated: str, actor_id: int | None
) -> None:
    """Mark the current generated text as seen: later diffs compare against it."""
    if draft.status == "slutlig":
        raise DraftLocked
    draft.generated = generated
    session.add(draft)


def finalise(session: Session, *, draft: ReportDraft, actor_id: int | None) -> None:
    draft.status = "slutlig"
    draft.updated_at = utcnow()
    session.add(draft)
    audit_log(
        session,
        "report_draft.finalised",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )


def reopen(session: Session, *, draft: ReportDraft, reason: str, actor_id: int | None) -> None:
    """An admin opens a final section again, with a reason (guarded; kept on the draft, the
    audit entry names only the draft). The versions stay; editing continues from the
    final text."""
    if draft.status != "slutlig":
        raise DraftLocked
    reason = reason.strip()
    require_clean({"reason": reason}, confirmed=True)
    draft.status = "utkast"
    draft.reopen_reason = reason
    draft.reopened_by_id = actor_id
    draft.reopened_at = utcnow()
    session.add(draft)
    audit_log(
        session,
        "report_draft.reopened",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )
