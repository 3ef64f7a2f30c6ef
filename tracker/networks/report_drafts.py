"""The rules of the network report's draft: a nätverkssamordnare makes it from the
generated text, saves it with an optimistic version check and marks it final; the final
text is what the report page and the downloads show."""

from __future__ import annotations

from sqlmodel import Session, select

from ..audit import audit_log
from ..timeutil import utcnow
from . import report
from .models import Network, NetworkReportDraft


class StaleDraft(Exception):
    """The draft was saved by someone else since the form was opened."""


class FinalDraft(Exception):
    """The draft is final and no longer changes."""


def get_draft(session: Session, network_id: int, year: int) -> NetworkReportDraft | None:
    return session.exec(
        select(NetworkReportDraft).where(
            NetworkReportDraft.network_id == network_id, NetworkReportDraft.year == year
        )
    ).first()


def _audit(session: Session, action: str, draft: NetworkReportDraft, actor_id: int | None) -> None:
    audit_log(
        session,
        f"network_report.{action}",
        actor_id=actor_id,
        org_id=None,
        object_type="network_report_draft",
        object_id=draft.id,
    )


def create_draft(
    session: Session, *, network: Network, year: int, generated: str, actor_id: int | None
) -> NetworkReportDraft:
    """The draft starts as the generated text; an existing draft is kept as it is."""
    assert network.id is not None
    draft = get_draft(session, network.id, year)
    if draft is not None:
        return draft
    draft = NetworkReportDraft(
        network_id=network.id,
        year=year,
        markdown=generated,
        generated=generated,
        updated_by_id=actor_id,
    )
    session.add(draft)
    session.flush()
    _audit(session, "created", draft, actor_id)
    return draft


def _locked(session: Session, draft: NetworkReportDraft) -> NetworkReportDraft:
    """The committed row, locked until the commit (PostgreSQL; SQLite's writers queue on
    BEGIN IMMEDIATE), so two saves never both start from the same version."""
    session.refresh(draft, with_for_update=True)
    return draft


def _checked(session: Session, draft: NetworkReportDraft, version: int) -> None:
    """Lock the draft; refuse a change of a final one or one typed against another version."""
    _locked(session, draft)
    if draft.final:
        raise FinalDraft
    if draft.version != version:
        raise StaleDraft


def _changed(
    session: Session, draft: NetworkReportDraft, action: str, actor_id: int | None
) -> None:
    draft.version += 1
    draft.updated_by_id = actor_id
    draft.updated_at = utcnow()
    session.add(draft)
    session.flush()
    _audit(session, action, draft, actor_id)


def save_draft(
    session: Session,
    *,
    draft: NetworkReportDraft,
    markdown: str,
    version: int,
    actor_id: int | None,
) -> None:
    """Save the text when `version` is the draft's version now; StaleDraft otherwise."""
    _checked(session, draft, version)
    draft.markdown = markdown
    _changed(session, draft, "saved", actor_id)


def finalise(
    session: Session, *, draft: NetworkReportDraft, version: int, actor_id: int | None
) -> None:
    """Mark the draft final, as it was when the coordinator confirmed (`version`)."""
    _checked(session, draft, version)
    draft.final = True
    _changed(session, draft, "finalised", actor_id)


class NotFinal(Exception):
    """Only a final report is opened again."""


def reopen(
    session: Session,
    *,
    draft: NetworkReportDraft,
    version: int,
    reason: str,
    actor_id: int | None,
) -> None:
    """Open a final report for changes again, with the reason (kept on the draft, shown
    on the page; the audit log names only the draft)."""
    _locked(session, draft)
    if not draft.final:
        raise NotFinal
    if draft.version != version:
        raise StaleDraft
    draft.final = False
    draft.reopen_reason = reason.strip()
    draft.reopened_by_id = actor_id
    draft.reopened_at = utcnow()
    _changed(session, draft, "reopened", actor_id)


def current_text(
    session: Session, network: Network, year: int, draft: NetworkReportDraft | None = None
) -> tuple[str, bool]:
    """The text the page and the downloads show, and whether it is final: the final
    draft, else the text generated now from what the members share."""
    assert network.id is not None
    if draft is None:
        draft = get_draft(session, network.id, year)
    if draft is not None and draft.final:
        return draft.markdown, True
    return report.generated(session, network, year), False


def export_bytes(markdown: str, fmt: str, *, network: Network, year: int) -> bytes:
    """The Markdown as a file: .md as UTF-8, .docx through the report's Word export."""
    if fmt == "docx":
        from ..reports.docx_export import markdown_to_docx

        return markdown_to_docx(
            markdown,
            title=f"Uppmärksammade brister {year}",
            author=network.name,
            created=utcnow().date(),
        )
    return markdown.encode()
