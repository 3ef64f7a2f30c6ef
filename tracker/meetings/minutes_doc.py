"""The minutes of a meeting as one document: every item saved together, optimistic locking
per item across the whole document, and the autosaved draft of what is not saved yet.

Each item's minutes carry a *version*: a short hash of what is stored. The editor sends
back, per item, the version its text was written against. On save, an item someone else
changed in the meantime is a conflict only if this person changed it too (and not to the
same text); then nothing is saved and both versions are shown. Items only the other person
changed keep the other person's text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlmodel import Session, col, delete, select

from ..dataversion import lock_organisation
from ..timeutil import utcnow
from .minutes import Minutes, save_minutes
from .models import AgendaItem, Meeting, MinutesDraft


def _norm(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def version_of(m: Minutes) -> str:
    """The version of an item's minutes: equal for equal content however it was typed."""
    parts = [
        _norm(m.discussion),
        _norm(m.decision),
        _norm(m.responsible),
        m.responsible_contact_id or 0,
        m.outcome or "",
        (m.forward_forum_id or 0) if m.outcome == "vidarebefordras" else 0,
        m.due_on.isoformat() if m.due_on else "",
    ]
    raw = json.dumps(parts, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def stored(item: AgendaItem) -> Minutes:
    return Minutes(
        discussion=item.discussion,
        decision=item.decision,
        responsible=item.responsible,
        responsible_contact_id=item.responsible_contact_id,
        outcome=item.outcome,
        forward_forum_id=item.forward_forum_id,
        due_on=item.due_on,
    )


@dataclass
class Outcome:
    """What a save of the document did, or why it did not."""

    saved: list[int] = field(default_factory=list)  # items written
    taken: list[int] = field(default_factory=list)  # items someone else changed, kept
    conflicts: list[int] = field(default_factory=list)  # nothing written when non-empty

    @property
    def ok(self) -> bool:
        return not self.conflicts


def _compare_committed(session: Session, meeting: Meeting, items: list[AgendaItem]) -> None:
    """Read the items again under the organisation's lock (tracker.dataversion), so that
    their versions are compared with what is committed and no other save can commit between
    the comparison and this write. Without it, two saves typed against the same version
    could both pass on PostgreSQL and the later overwrite the earlier."""
    if not items or not lock_organisation(session, meeting.org_id):
        return
    ids = [item.id for item in items]
    session.exec(
        select(AgendaItem)
        .where(col(AgendaItem.id).in_(ids))
        .execution_options(populate_existing=True)
    ).all()


def save_document(
    session: Session,
    *,
    meeting: Meeting,
    entries: list[tuple[AgendaItem, Minutes, str]],
    actor_id: int | None,
) -> Outcome:
    """Save every changed item (item, what was typed, the version it was typed against)
    in the caller's transaction – or none when any item is in conflict."""
    out = Outcome()
    _compare_committed(session, meeting, [item for item, _typed, _base in entries])
    todo: list[tuple[AgendaItem, Minutes]] = []
    for item, typed, base in entries:
        current = version_of(stored(item))
        mine = version_of(typed)
        if mine == current:
            continue  # nothing to write
        if not base or base == current:
            todo.append((item, typed))
        elif mine == base:
            out.taken.append(item.id or 0)  # only the other person changed it
        else:
            out.conflicts.append(item.id or 0)
    if out.conflicts:
        return out
    for item, typed in todo:
        typed.discussion = _norm(typed.discussion)
        typed.decision = _norm(typed.decision)
        save_minutes(session, meeting=meeting, item=item, minutes=typed, actor_id=actor_id)
        out.saved.append(item.id or 0)
    discard_draft(session, meeting=meeting, user_id=actor_id)
    return out


# ---- the autosaved draft -------------------------------------------------------------------


def save_draft(
    session: Session, *, meeting: Meeting, user_id: int, fields: dict[str, str]
) -> MinutesDraft:
    """Keep the editor's fields (the caller has run the privacy guard on the texts)."""
    row = session.exec(
        select(MinutesDraft).where(
            MinutesDraft.meeting_id == meeting.id, MinutesDraft.user_id == user_id
        )
    ).first()
    if row is None:
        row = MinutesDraft(org_id=meeting.org_id, meeting_id=meeting.id or 0, user_id=user_id)
    row.payload = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    row.saved_at = utcnow()
    session.add(row)
    session.flush()
    return row


def load_draft(session: Session, *, meeting: Meeting, user_id: int) -> MinutesDraft | None:
    return session.exec(
        select(MinutesDraft).where(
            MinutesDraft.meeting_id == meeting.id, MinutesDraft.user_id == user_id
        )
    ).first()


def draft_fields(row: MinutesDraft) -> dict[str, str]:
    try:
        data = json.loads(row.payload)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}


def discard_draft(session: Session, *, meeting: Meeting, user_id: int | None) -> None:
    if user_id is None:
        return
    session.exec(
        delete(MinutesDraft).where(
            col(MinutesDraft.meeting_id) == meeting.id, col(MinutesDraft.user_id) == user_id
        )
    )
