"""The agenda as Markdown and the meeting as an RFC 5545 invitation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from icalendar import Calendar, Event, vCalAddress

from ..timeutil import local, utcnow
from .action_queries import ActionRow
from .forms import outcome_labels
from .models import AgendaItem, Escalation
from .queries import MeetingPage

SECTION_TITLES = {
    "uppfoljning": "1. Uppföljning från föregående möte",
    "nytt": "2. Nya ärenden",
    "statistik": "3. Statistik sedan föregående möte",
    "ovrigt": "4. Övrigt",
}


def _occurrences(n: int, kind: str | None, limit: int) -> str:
    """ "färre än N" for a small count; a count hidden so that a small one cannot be
    computed back says so (see tracker.suppression)."""
    if kind == "secondary":
        return "dolt antal förekomster (för att skydda små tal)"
    count = f"färre än {limit}" if kind == "primary" else str(n)
    return f"{count} förekomster"


def statistics_lines(s: dict[str, Any], small_limit: int) -> list[str]:
    lines = [f"- Nya systemfel sedan {s['since'].date().isoformat()}: {s['new_faults']}"]
    for name, n, kind in s["per_authority"]:
        lines.append(f"- {name}: {_occurrences(n, kind, small_limit)}")
    for fault, n, kind in s["recurring"]:  # empty in a member's agenda
        lines.append(
            f"- Återkommande, inte eskalerat: {fault.ref} {fault.title} "
            f"({_occurrences(n, kind, small_limit)})"
        )
    if s.get("recurring_more"):
        lines.append(
            f"- … och {s['recurring_more']} fler återkommande systemfel som inte är eskalerade"
        )
    return lines


ACTION_STATUS = {"oppen": "öppen", "klar": "klar", "struken": "struken"}


def action_line(row: ActionRow, *, source: bool = False) -> str:
    """One action item: title, owner, due date, and "försenad" when it is open and late
    (a closed one says so instead). `source`: name the meeting it was decided at."""
    a = row.action
    parts = [a.title, f"ansvarig: {row.owner or 'ingen'}", f"klart senast {a.due_on.isoformat()}"]
    if a.status != "oppen":
        parts.append(ACTION_STATUS.get(a.status, a.status))
    elif row.overdue:
        parts.append("**försenad**")
    if source:
        parts.append(f"från mötet {local(row.source_starts_at).date().isoformat()}")
    return " – ".join(parts)


def action_details(p: MeetingPage, item: AgendaItem) -> list[str]:
    """The action items decided on `item`, as sub-points of it."""
    return [f"Åtgärd: {action_line(row)}" for row in p.actions.own.get(item.id or 0, [])]


def agenda_markdown(p: MeetingPage, *, small_limit: int) -> str:
    m = p.meeting
    when = local(m.starts_at).strftime("%Y-%m-%d kl. %H:%M")
    lines = [f"# Dagordning: {p.forum.name}", "", f"**Tid:** {when}  "]
    if m.place:
        lines.append(f"**Plats:** {m.place}  ")
    if m.status == "installt":
        lines.append("**Mötet är inställt.**  ")
    lines.append("")
    labels = outcome_labels()

    def details(item: AgendaItem, esc: Escalation | None) -> list[str]:
        out = []
        if esc is not None and esc.ask:
            out.append(f"Fråga till forumet: {esc.ask}")
        prev = p.last_decisions.get(esc.id or 0) if esc is not None else None
        if prev is not None and prev.decision:
            out.append(f"Senaste beslut: {prev.decision}")
        if item.decision:
            out.append(f"Beslut: {item.decision}")
        if item.responsible:
            out.append(f"Ansvarig: {item.responsible}")
        if item.outcome:
            out.append(f"Utfall: {labels.get(item.outcome, item.outcome)}")
        if item.response:
            out.append(f"Svar: {item.response}")
        return out + action_details(p, item)

    lines += sections_markdown(p, small_limit, details)
    return "\n".join(lines).rstrip() + "\n"


def sections_markdown(
    p: MeetingPage,
    small_limit: int,
    details: Callable[[AgendaItem, Escalation | None], list[str]],
) -> list[str]:
    """The agenda's sections in order – numbered items with their `details` as sub-points,
    the statistics, "Inga ärenden." for an empty section: shared by the agenda and the
    minutes, which differ only in what they say about each item."""
    lines: list[str] = []
    for section, heading in SECTION_TITLES.items():
        lines += [f"## {heading}", ""]
        if section == "statistik":
            lines += statistics_lines(p.stats, small_limit) + [""]
            continue
        entries = p.items.get(section, [])
        carried = p.actions.carried if section == "uppfoljning" else []
        if not entries and not carried:
            lines += ["Inga ärenden.", ""]
            continue
        for n, (item, esc, _fault) in enumerate(entries, start=1):
            lines.append(f"{n}. **{item.title}**")
            lines += [f"   - {detail}" for detail in details(item, esc)]
        if entries:
            lines.append("")
        if carried:  # open action items of earlier meetings, until they are done
            lines += ["Åtgärdspunkter från tidigare möten:", ""]
            lines += [f"- {action_line(row, source=True)}" for row in carried]
            lines.append("")
    return lines


def meeting_ics(p: MeetingPage) -> bytes:
    m = p.meeting
    base = str(current_app.config.get("BASE_URL", "")).rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    cal = Calendar()
    cal.add("prodid", "-//Systemfel tracker//SV")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if m.status == "installt" else "REQUEST")
    ev = Event()
    ev.add("uid", f"meeting-{m.id}@{host}")  # stable: updates replace the same event
    ev.add("sequence", m.sequence)
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", m.starts_at)
    ev.add("dtend", m.starts_at + timedelta(hours=2))
    ev.add("summary", f"{p.forum.name}: möte")
    if m.place:
        ev.add("location", m.place)
    # The organiser is the address the invitations come from; every contact with an e-mail
    # address is an attendee, so calendar programs show the meeting as an invitation.
    sender = str(current_app.config.get("MAIL_DEFAULT_SENDER") or f"systemfel@{host}")
    ev.add("organizer", vCalAddress(f"mailto:{sender}"), parameters={"CN": p.forum.name})
    for contact in p.contacts:
        if contact.email:
            ev.add(
                "attendee",
                vCalAddress(f"mailto:{contact.email}"),
                parameters={
                    "CN": contact.name,
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "FALSE",
                },
            )
    titles = [item.title for section in p.items.values() for item, _esc, _fault in section]
    lines = [f"- {title}" for title in titles if title]
    ev.add("description", "\n".join(["Dagordning:", *lines, "", f"{base}/meetings/{m.id}"]))
    ev.add("url", f"{base}/meetings/{m.id}")
    ev.add("status", "CANCELLED" if m.status == "installt" else "CONFIRMED")
    cal.add_component(ev)
    return cal.to_ical()
