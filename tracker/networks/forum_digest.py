"""The agenda of a planned network meeting, as Markdown (download) and as the e-mail
sent before the meeting to every person with a role in the network (outbox, kind
`network`, one message per meeting and person: the dedup key decides). Titles, asks and
the shared counts only – never a description or narrative. Called by the scheduler's
tick (tracker.scheduler); tracker.digests does not know networks. The approved minutes
(decisions, outcomes, action items) go to the same people once, in the approval's
transaction (`queue_minutes`), as an organisation's forum sends its minutes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress
from markupsafe import Markup
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..digests.outbox import attachment
from ..meetings.forms import outcome_labels
from ..outbox import OutboxMessage, queue
from ..text import render_markdown
from ..timeutil import STOCKHOLM, local, utcnow
from .forum_queries import MeetingPage, meeting_page
from .models import Network, NetworkForum, NetworkMeeting, NetworkRole


def send_from(meeting: NetworkMeeting, forum: NetworkForum) -> datetime:
    """08:00 Stockholm time, the forum's lead days before the meeting (as the
    organisation's digests, tracker.digests.compose.send_from)."""
    day: date = local(meeting.starts_at).date() - timedelta(days=forum.lead_days)
    return datetime.combine(day, time(8, 0), STOCKHOLM)


def _when(page: MeetingPage) -> str:
    return local(page.meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def agenda_markdown(page: MeetingPage, network_name: str) -> str:
    lines = [
        f"# {_('Dagordning')}: {page.forum.name}",
        "",
        f"{network_name} · {_when(page)}"
        + (f" · {page.meeting.place}" if page.meeting.place else ""),
        "",
    ]
    n = 0
    for heading, rows in ((_("Uppföljning"), page.follow_up), (_("Nya ärenden"), page.new)):
        lines += [f"## {heading}", ""]
        if not rows:
            lines += [_("Inga ärenden."), ""]
        for row in rows:
            n += 1
            seen = (
                _("sett i %(n)d av %(m)d verksamheter", n=row.shared.orgs, m=page.members)
                if row.shared.orgs
                else _("delas inte längre")
            )
            lines += [f"{n}. **{row.item.title}** ({seen})"]
            if row.ask:
                lines += ["", "   " + " ".join(row.ask.split()), ""]
        lines.append("")
    if page.earlier_actions:
        lines += [f"## {_('Åtgärder från tidigare möten')}", ""]
        for action, _item, m in page.earlier_actions:
            due = f" – {_('klart senast')} {action.due_on.isoformat()}" if action.due_on else ""
            owner = f" ({action.owner})" if action.owner else ""
            lines.append(f"- {action.title}{owner}{due} [{local(m.starts_at).date().isoformat()}]")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def people(session: Session, network_id: int) -> list[User]:
    """Everyone with a role in the network whose account is active."""
    return list(
        session.exec(
            select(User)
            .join(NetworkRole, col(NetworkRole.user_id) == User.id)
            .where(NetworkRole.network_id == network_id, col(User.active).is_(True))
            .order_by(col(User.id))
        ).all()
    )


def minutes_markdown(page: MeetingPage, network_name: str) -> str:
    """The approved minutes: per agenda item its decision, outcome, who is responsible,
    the due date and the action items – what the coordinator wrote for the network."""
    outcomes = outcome_labels()
    lines = [
        f"# {_('Protokoll')}: {page.forum.name}",
        "",
        f"{network_name} · {_when(page)}",
        "",
    ]
    for n, row in enumerate(page.rows, start=1):
        item = row.item
        lines += [f"## {n}. {item.title}", ""]
        facts = [
            (_("Diskussion:"), item.discussion),
            (_("Beslut:"), item.decision),
            (_("Ansvarig:"), item.responsible),
            (_("Utfall:"), str(outcomes.get(item.outcome, item.outcome)) if item.outcome else ""),
            (_("Klart senast:"), item.due_on.isoformat() if item.due_on else ""),
        ]
        lines += [f"- **{label}** {' '.join(str(v).split())}" for label, v in facts if v]
        for action in row.actions:
            due = f" – {_('klart senast')} {action.due_on.isoformat()}" if action.due_on else ""
            owner = f" ({action.owner})" if action.owner else ""
            lines.append(f"- {_('Åtgärd:')} {action.title}{owner}{due}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def meeting_ics(page: MeetingPage, network: Network, people: list[User]) -> bytes:
    """The meeting as a calendar invitation (as an organisation's, tracker.meetings.export):
    a stable UID, so a cancellation replaces the same event in the calendar programs; the
    network's people as attendees."""
    m = page.meeting
    base = str(current_app.config.get("BASE_URL", "")).rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    cancelled = m.status == "installt"
    cal = Calendar()
    cal.add("prodid", "-//Systemfel tracker//SV")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    ev = Event()
    ev.add("uid", f"network-meeting-{m.id}@{host}")
    ev.add("sequence", 1 if cancelled else 0)
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", m.starts_at)
    ev.add("dtend", m.starts_at + timedelta(hours=2))
    ev.add("summary", f"{page.forum.name}: möte ({network.name})")
    if m.place:
        ev.add("location", m.place)
    sender = str(current_app.config.get("MAIL_DEFAULT_SENDER") or f"systemfel@{host}")
    ev.add("organizer", vCalAddress(f"mailto:{sender}"), parameters={"CN": page.forum.name})
    for person in people:
        ev.add(
            "attendee",
            vCalAddress(f"mailto:{person.email}"),
            parameters={"CN": person.name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"},
        )
    url = f"{base}/networks/{network.slug}/meetings/{m.id}"
    titles = [f"- {row.item.title}" for row in page.rows]
    ev.add("description", "\n".join([f"{_('Dagordning')}:", *titles, "", url]))
    ev.add("url", url)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data


def queue_minutes(session: Session, network: Network, meeting: NetworkMeeting) -> int:
    """Queue the approved minutes for everyone with a role in the network, once per
    meeting and person; in the caller's transaction (it commits with the approval)."""
    assert network.id is not None
    page = meeting_page(session, network.id, meeting)
    text = minutes_markdown(page, network.name)
    base = current_app.config["BASE_URL"].rstrip("/")
    url = f"{base}/networks/{network.slug}/meetings/{meeting.id}"
    subject = " ".join(f"{_('Protokoll')}: {page.forum.name} {_when(page)}".split())[:300]
    link = Markup('<p><a href="{}">{}</a></p>').format(url, _("Öppna mötet i verktyget"))
    html = str(render_markdown(text) + link)
    queued = 0
    for person in people(session, network.id):
        msg = queue(
            session,
            dedup_key=f"network-minutes:{meeting.id}:{person.id}",
            kind="network",
            org_id=None,
            to_addr=person.email,
            subject=subject,
            text_body=f"{text}\n{url}\n",
            html_body=html,
        )
        queued += msg is not None
    return queued


def queue_network_digests(session: Session, *, now: datetime | None = None) -> int:
    """Queue the agenda of every planned network meeting that is due (from `send_from`
    until it starts) for each person with a role in its network; idempotent."""
    now = now or utcnow()
    rows = session.exec(
        select(NetworkMeeting, NetworkForum, Network)
        .join(NetworkForum, col(NetworkForum.id) == NetworkMeeting.forum_id)
        .join(Network, col(Network.id) == NetworkMeeting.network_id)
        .where(NetworkMeeting.status == "planerat", col(NetworkMeeting.starts_at) > now)
    ).all()
    queued = 0
    base = current_app.config["BASE_URL"].rstrip("/")
    for meeting, forum, network in rows:
        if now < send_from(meeting, forum):
            continue
        assert network.id is not None
        everyone = people(session, network.id)
        keys = {p.id: f"network-agenda:{meeting.id}:{p.id}" for p in everyone}
        sent = set(
            session.exec(
                select(OutboxMessage.dedup_key).where(
                    col(OutboxMessage.dedup_key).in_(list(keys.values()))
                )
            ).all()
        )
        due = [p for p in everyone if keys[p.id] not in sent]
        if not due:
            continue  # most passes: everyone has it already
        assert network.id is not None
        page = meeting_page(session, network.id, meeting)
        text = agenda_markdown(page, network.name)
        url = f"{base}/networks/{network.slug}/meetings/{meeting.id}"
        html = render_template(
            "networks/forum_email.html", p=page, network=network, url=url, when=_when(page)
        )
        subject = " ".join(f"{_('Dagordning')}: {forum.name} {_when(page)}".split())[:300]
        ics = attachment(
            f"mote-{meeting.id}.ics", "text/calendar", meeting_ics(page, network, everyone)
        )
        for person in due:
            if (
                queue(
                    session,
                    dedup_key=keys[person.id],
                    kind="network",
                    org_id=None,
                    to_addr=person.email,
                    subject=subject,
                    text_body=f"{text}\n{url}\n",
                    html_body=html,
                    attachments=[ics],
                )
                is not None
            ):
                queued += 1
    session.commit()
    return queued
