"""The documents a finalising freezes: the agenda (the staff's and the members' view, with
that day's statistics) and the minutes, as Markdown in `meeting_minutes`. Served from there,
a finalised meeting's documents are byte-identical however much data is added later.

A meeting finalised before snapshots existed (or by code without an application context)
has none: its documents are built from the live data (`documents`), as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import g, has_app_context
from flask_babel import force_locale
from sqlmodel import Session, col, select

from ..orgs.models import Organisation
from ..timeutil import local
from . import export, queries
from .forms import outcome_labels
from .models import AgendaItem, Escalation, Meeting, MeetingMinutes

TIME = "%Y-%m-%d kl. %H:%M"


@contextmanager
def _org_scope(org: Organisation) -> Iterator[None]:
    """The scoping helper reads the organisation from `g`: serve it outside a request (the
    demo loader), as the digest jobs do, and leave `g` as it was."""
    had, previous = "org" in g, g.get("org")
    g.org = org
    try:
        yield
    finally:
        if had:
            g.org = previous
        else:
            g.pop("org", None)


@dataclass
class Documents:
    agenda_md: str
    agenda_member_md: str
    minutes_md: str
    revision: int
    finalised_at: datetime | None
    frozen: bool  # False: built from live data (no snapshot)


def build(
    session: Session, org: Organisation, meeting: Meeting, *, revision: int, at: datetime | None
) -> Documents:
    with force_locale("sv"), _org_scope(org):
        staff = queries.meeting_page(session, org, meeting, member=False)
        member = queries.meeting_page(session, org, meeting, member=True)
        limit = org.small_count_limit
        return Documents(
            agenda_md=export.agenda_markdown(staff, small_limit=limit),
            agenda_member_md=export.agenda_markdown(member, small_limit=limit),
            minutes_md=minutes_markdown(member, small_limit=limit, revision=revision, at=at),
            revision=revision,
            finalised_at=at,
            frozen=False,
        )


def take(
    session: Session, meeting: Meeting, *, revision: int, actor_id: int | None
) -> MeetingMinutes | None:
    """Freeze the documents in the finalising's transaction (needs an application context
    for the scoping helper; without one – bare sessions in scripts – nothing is frozen)."""
    if not has_app_context():
        return None
    org = session.get(Organisation, meeting.org_id)
    assert org is not None and meeting.finalised_at is not None
    docs = build(session, org, meeting, revision=revision, at=meeting.finalised_at)
    row = MeetingMinutes(
        org_id=meeting.org_id,
        meeting_id=meeting.id or 0,
        revision=revision,
        agenda_md=docs.agenda_md,
        agenda_member_md=docs.agenda_member_md,
        minutes_md=docs.minutes_md,
        finalised_by_id=actor_id,
        finalised_at=meeting.finalised_at,
    )
    session.add(row)
    session.flush()
    return row


def latest(session: Session, meeting_id: int) -> MeetingMinutes | None:
    return session.exec(
        select(MeetingMinutes)
        .where(MeetingMinutes.meeting_id == meeting_id)
        .order_by(col(MeetingMinutes.revision).desc())
        .limit(1)
    ).first()


def documents(session: Session, org: Organisation, meeting: Meeting) -> Documents | None:
    """The newest frozen documents of a finalised (or reopened) meeting; None when the
    minutes were never finalised."""
    if meeting.status != "genomfort":
        return None
    row = latest(session, meeting.id or 0)
    if row is not None:
        return Documents(
            row.agenda_md,
            row.agenda_member_md,
            row.minutes_md,
            row.revision,
            row.finalised_at,
            frozen=True,
        )
    return build(session, org, meeting, revision=1, at=meeting.finalised_at)


def _text(value: str) -> str:
    """Free text inside a Markdown list item: continuation lines stay in the item."""
    return "\n     ".join(line.rstrip() for line in value.strip().splitlines())


def minutes_markdown(
    p: queries.MeetingPage, *, small_limit: int, revision: int, at: datetime | None
) -> str:
    """ "Minnesanteckningar": the forum's contacts, every item's discussion, decision,
    outcome, response and action items (owner, due date), and the statistics as forum
    members see them."""
    m = p.meeting
    lines = [
        f"# Minnesanteckningar: {p.forum.name}",
        "",
        f"**Tid:** {local(m.starts_at).strftime(TIME)}  ",
    ]
    if m.place:
        lines.append(f"**Plats:** {m.place}  ")
    if at is not None:
        lines.append(f"**Fastställda:** {local(at).strftime(TIME)}  ")
    if revision > 1:
        lines.append(f"**Rättad version {revision}.**  ")
    lines += ["", "## Kallade (forumets kontakter)", ""]
    lines += [f"- {c.name}" + (f", {c.represents}" if c.represents else "") for c in p.contacts]
    if not p.contacts:
        lines.append("Inga kontakter.")
    lines.append("")
    labels = outcome_labels()
    forums = {f.id: f.name for f in p.forums}
    contacts = {c.id: c.name for c in p.contacts}

    def details(item: AgendaItem, esc: Escalation | None) -> list[str]:
        out = []
        if esc is not None and esc.ask:
            out.append(f"Fråga till forumet: {_text(esc.ask)}")
        if item.discussion:
            out.append(f"Diskussion: {_text(item.discussion)}")
        if item.decision:
            out.append(f"Beslut: {_text(item.decision)}")
        who = item.responsible or contacts.get(item.responsible_contact_id, "")
        if who:
            out.append(f"Ansvarig: {_text(who)}")
        if item.outcome:
            due = f" (klart senast {item.due_on.isoformat()})" if item.due_on else ""
            out.append(f"Utfall: {labels.get(item.outcome, item.outcome)}{due}")
        if item.forward_forum_id in forums:
            out.append(f"Vidarebefordras till: {forums[item.forward_forum_id]}")
        if item.response:
            out.append(f"Svar: {_text(item.response)}")
        return out + export.action_details(p, item)

    lines += export.sections_markdown(p, small_limit, details)
    return "\n".join(lines).rstrip() + "\n"
