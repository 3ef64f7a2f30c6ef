"""Digest contents: one set of template data renders both the plain text and the HTML.
Only what forum members may see: titles, asks, decisions, aggregate counts – never
narratives, no fault that was not escalated – and counts below the organisation's limit
shown as "färre än N" (tracker.suppression). Build `page` with `member=True`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app, render_template

from ..meetings import export
from ..meetings.forms import outcome_labels
from ..meetings.models import Contact, Forum, Meeting
from ..meetings.queries import MeetingPage, meeting_page
from ..orgs.models import Organisation
from ..timeutil import STOCKHOLM, local
from . import outbox


def send_from(meeting: Meeting, forum: Forum) -> datetime:
    """08:00 Stockholm time, lead days before the meeting."""
    day: date = local(meeting.starts_at).date() - timedelta(days=forum.lead_days)
    return datetime.combine(day, time(8, 0), STOCKHOLM)


def _render(name: str, **data: Any) -> tuple[str, str]:
    return (
        render_template(f"email/{name}.txt", **data),
        render_template(f"email/{name}.html", **data),
    )


def meeting_message(
    session: Any,
    org: Organisation,
    meeting: Meeting,
    contact: Contact,
    kind: str,
    page: MeetingPage | None = None,
    *,
    revision: int = 1,
) -> dict[str, Any]:
    """kind: agenda | update | cancel | minutes. Pass `page` to reuse one meeting's data
    for all its contacts. Minutes of `revision` > 1 are the corrected ones ("Rättade")."""
    page = page or meeting_page(session, org, meeting, member=True)
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    data = {
        "p": page,
        "contact": contact,
        "kind": kind,
        "org": org,
        "url": f"{base}/meetings/{meeting.id}",
        "limit": org.small_count_limit,
        "when": local(meeting.starts_at).strftime("%Y-%m-%d kl. %H:%M"),
        "outcome_labels": outcome_labels(),
        "corrected": kind == "minutes" and revision > 1,
        "revision": revision,
    }
    subjects = {
        "agenda": f"Dagordning: {page.forum.name} {data['when']}",
        "update": f"Ändrad tid: {page.forum.name} {data['when']}",
        "cancel": f"Inställt: {page.forum.name} {data['when']}",
        "minutes": f"Minnesanteckningar: {page.forum.name} {data['when']}",
    }
    if data["corrected"]:
        subjects["minutes"] = f"Rättade minnesanteckningar: {page.forum.name} {data['when']}"
    text, html = _render("meeting", **data)
    attachments = []
    if kind in ("agenda", "update", "cancel"):
        attachments.append(
            outbox.attachment(f"mote-{meeting.id}.ics", "text/calendar", export.meeting_ics(page))
        )
    return {
        "subject": subjects[kind],
        "text_body": text,
        "html_body": html,
        "attachments": attachments,
    }
