"""Drafts of the annual report section: seeded from the generated text, edited, kept with
their history, and locked when final."""

from __future__ import annotations

from sqlmodel import Session, select

from ..audit import audit_log
from ..dataversion import lock_organisation
from ..guard import FreeTextRefused, check_free_text, require_clean
from ..timeutil import utcnow
from . import draft_changes, draft_sections
from .draft_sections import Edit, Merge
from .models import ReportDraft, ReportDraftVersion


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
    session: Session,
    *,
    org_id: int,
    year: int,
    generated: str,
    actor_id: int | None,
    facts: draft_changes.Facts | None = None,
) -> ReportDraft:
    """The draft starts as the generated text; the data behind it (`facts`) is kept, so
    later changes in the data can be listed in words."""
    draft = get_draft(session, org_id, year)
    if draft is not None:
        return draft
    draft = ReportDraft(
        org_id=org_id,
        year=year,
        markdown=generated,
        generated=generated,
        snapshot=draft_changes.dumps(facts),
        updated_by_id=actor_id,
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


def _read_committed(session: Session, draft: ReportDraft) -> None:
    """Read the draft again under the organisation's lock (tracker.dataversion), so that a
    change starts from the committed text and no other save can commit before this one.
    Without it, two writes could both start from the same old text on PostgreSQL and the
    later overwrite the earlier."""
    if lock_organisation(session, draft.org_id):
        session.refresh(draft)


def _saved(session: Session, draft: ReportDraft, markdown: str, actor_id: int | None) -> None:
    draft.markdown = markdown
    draft.version += 1
    draft.updated_by_id = actor_id
    draft.updated_at = utcnow()
    session.add(draft)
    _version(session, draft, actor_id)


def save_sections(
    session: Session,
    *,
    draft: ReportDraft,
    edits: list[Edit],
    actor_id: int | None,
    confirmed: bool,
) -> Merge:
    """Write the sections this person changed (per-section optimistic locking,
    tracker.reports.draft_sections.merge). Nothing is written when any of them is in
    conflict (the result says which) or when the guard refuses a changed section's text
    (FreeTextRefused, its errors keyed by the edit's position: "0", "1", …)."""
    _read_committed(session, draft)
    if draft.status == "slutlig":
        raise DraftLocked
    current = draft_sections.split(draft.markdown)
    todo = {id(e) for e in draft_sections.changed(current, edits)}
    result = check_free_text(
        {str(i): e.body for i, e in enumerate(edits) if id(e) in todo}, confirmed=confirmed
    )
    if not result.ok:
        raise FreeTextRefused(result)
    merged = draft_sections.merge(draft.markdown, edits)
    if not merged.ok or not merged.saved:
        return merged
    _saved(session, draft, merged.markdown, actor_id)
    audit_log(
        session,
        "report_draft.saved",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )
    return merged


def take_in(
    session: Session,
    *,
    draft: ReportDraft,
    keys: list[str],
    generated: str,
    facts: draft_changes.Facts | None,
    actor_id: int | None,
) -> None:
    """Take the newly generated text of the given sections into the draft (a section whose
    generated text did not change keeps the draft's text) and count those sections' data
    as seen. The text replaced stays in the history. The draft is read again first, so a
    save committed since the caller read it is kept."""
    _read_committed(session, draft)
    if draft.status == "slutlig":
        raise DraftLocked
    fresh = draft_sections.split(generated)
    fresh_by = draft_sections.by_key(fresh)
    order = [s.key for s in fresh]
    base = draft_sections.split(draft.generated)
    base_by = draft_sections.by_key(base)
    mine = draft_sections.split(draft.markdown)
    kept = draft_changes.loads(draft.snapshot)
    for key in keys:
        new, old = fresh_by.get(key), base_by.get(key)
        if (new.text if new else None) != (old.text if old else None):
            mine = draft_sections.replace(mine, key, new, order)
        base = draft_sections.replace(base, key, new, order)
        if kept is not None and facts is not None:
            if key in facts:
                kept[key] = facts[key]
            else:
                kept.pop(key, None)
    draft.generated = draft_sections.join(base)
    draft.snapshot = draft_changes.dumps(kept)
    _saved(session, draft, draft_sections.join(mine), actor_id)
    audit_log(
        session,
        "report_draft.taken_in",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )


def adopt_generated(
    session: Session,
    *,
    draft: ReportDraft,
    generated: str,
    actor_id: int | None,
    facts: draft_changes.Facts | None = None,
) -> None:
    """Mark the current data as seen: later changes are listed against it."""
    if draft.status == "slutlig":
        raise DraftLocked
    draft.generated = generated
    draft.snapshot = draft_changes.dumps(facts)
    session.add(draft)
    audit_log(
        session,
        "report_draft.changes_reviewed",
        actor_id=actor_id,
        org_id=draft.org_id,
        object_type="report_draft",
        object_id=draft.id,
    )


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
