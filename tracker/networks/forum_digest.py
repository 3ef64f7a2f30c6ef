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
from markupsafe import Markup
from sqlmodel import Session, col, select

from ..accounts.models import User
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


def _people(session: Session, network_id: int) -> list[User]:
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
    for person in _people(session, network.id):
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
        people = _people(session, network.id)
        keys = {p.id: f"network-agenda:{meeting.id}:{p.id}" for p in people}
        sent = set(
            session.exec(
                select(OutboxMessage.dedup_key).where(
                    col(OutboxMessage.dedup_key).in_(list(keys.values()))
                )
            ).all()
        )
        people = [p for p in people if keys[p.id] not in sent]
        if not people:
            continue  # most passes: everyone has it already
        assert network.id is not None
        page = meeting_page(session, network.id, meeting)
        text = agenda_markdown(page, network.name)
        url = f"{base}/networks/{network.slug}/meetings/{meeting.id}"
        html = render_template(
            "networks/forum_email.html", p=page, network=network, url=url, when=_when(page)
        )
        subject = " ".join(f"{_('Dagordning')}: {forum.name} {_when(page)}".split())[:300]
        for person in people:
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
                )
                is not None
            ):
                queued += 1
    session.commit()
    return queued
