"""Demo forums and a year of meetings: follow-ups carried across meetings, one item
forwarded to the samordningsförbund, and one meeting planned within the coming week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from .accounts.models import User
from .faults.models import Fault, FaultUpdate, Occurrence
from .meetings import actions
from .meetings import services as meetings
from .meetings.models import ActionItem, AgendaItem, Contact, Escalation, Forum, Meeting
from .orgs.models import Membership, Organisation
from .timeutil import local


def _at(now: datetime, days: int, hour: int = 9) -> datetime:
    day = (now + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour - 1, 0, tzinfo=UTC)  # 09:00/10:00 local


def _held(s: Session, forum: Forum, starts_at: datetime) -> Meeting:
    """A meeting in the past: the rules refuse planning one, so demo data builds it directly."""
    m = Meeting(
        org_id=forum.org_id,
        forum_id=forum.id or 0,
        starts_at=starts_at,
        place="Stadshuset, rum 3",
        created_at=starts_at - timedelta(days=30),
    )
    s.add(m)
    s.flush()
    meetings.build_agenda(s, m)
    return m


def _minute(
    s: Session,
    m: Meeting,
    fault: Fault,
    outcome: str,
    decision: str,
    responsible: str = "",
    response: str = "",
    forward: Forum | None = None,
    contact_id: int | None = None,
) -> None:
    item = s.exec(
        select(AgendaItem)
        .join(Escalation, col(Escalation.id) == AgendaItem.escalation_id)
        .where(AgendaItem.meeting_id == m.id, Escalation.fault_id == fault.id)
    ).one()
    meetings.save_minutes(
        s,
        meeting=m,
        item=item,
        actor_id=None,
        minutes=meetings.Minutes(
            discussion="Ombuden beskrev mönstret med anonymiserade exempel.",
            decision=decision,
            responsible=responsible,
            responsible_contact_id=contact_id,
            outcome=outcome,
            forward_forum_id=forward.id if forward else None,
        ),
    )
    if response:
        meetings.respond(s, item=item, text=response, actor_id=None)


def _action(
    s: Session,
    m: Meeting,
    fault: Fault,
    title: str,
    due_in_days: int,
    *,
    contact: Contact | None = None,
    user: User | None = None,
) -> ActionItem:
    """An action item decided on the fault's item at a held meeting, due `due_in_days`
    after it (the rule's "not in the past" is counted from the meeting's day)."""
    item = s.exec(
        select(AgendaItem)
        .join(Escalation, col(Escalation.id) == AgendaItem.escalation_id)
        .where(AgendaItem.meeting_id == m.id, Escalation.fault_id == fault.id)
    ).one()
    day = local(m.starts_at).date()
    action = actions.add_action(
        s,
        meeting=m,
        item=item,
        title=title,
        owner_user_id=user.id if user else None,
        owner_contact_id=None if user else (contact.id if contact else None),
        due_on=day + timedelta(days=due_in_days),
        actor_id=None,
        on=day,
    )
    action.created_at = m.starts_at + timedelta(hours=1)
    return action


def _escalate(s: Session, fault: Fault, forum: Forum, ask: str, when: datetime) -> None:
    esc = meetings.escalate(s, fault=fault, forum=forum, ask=ask, actor_id=None, accept=True)
    esc.created_at = when
    s.add(esc)


def load_demo_meetings(s: Session, org: Organisation, now: datetime) -> bool:
    if s.exec(select(Forum.id).where(Forum.org_id == org.id)).first() is not None:
        return False
    assert org.id is not None
    counts = (
        select(Occurrence.fault_id, func.count().label("n"))
        .group_by(Occurrence.fault_id)
        .subquery()
    )
    top = list(
        s.exec(
            select(Fault)
            .join(counts, counts.c.fault_id == Fault.id)
            .where(Fault.org_id == org.id)
            .order_by(counts.c.n.desc(), Fault.id)
            .limit(6)
        ).all()
    )
    if len(top) < 5:
        return False
    a, b, c, d, e = top[:5]
    lg = meetings.create_forum(
        s,
        org_id=org.id,
        actor_id=None,
        name="Ledningsgruppen",
        kind="ledningsgrupp",
        cadence_per_year=4,
    )
    sf = meetings.create_forum(
        s,
        org_id=org.id,
        actor_id=None,
        name="Samordningsförbundet",
        kind="samordningsforbund",
        cadence_per_year=4,
    )
    member = s.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.org_id == org.id, Membership.role == "ledamot")
    ).first()
    fk = meetings.add_contact(
        s,
        forum=lg,
        actor_id=None,
        name="Försäkringskassans representant",
        email=f"fk.{org.slug}@example.se",
        represents="Försäkringskassan",
        user_id=member.id if member else None,
    )
    meetings.add_contact(
        s,
        forum=lg,
        actor_id=None,
        name="Psykiatrins representant",
        email=f"psykiatri.{org.slug}@example.se",
        represents="Psykiatri",
    )
    social = meetings.add_contact(
        s,
        forum=lg,
        actor_id=None,
        name="Enhetschef socialpsykiatri",
        email=f"socialpsykiatri.{org.slug}@example.se",
        represents="Kommunen",
    )
    meetings.add_contact(
        s,
        forum=lg,
        actor_id=None,
        name="Brukarorganisationens företrädare",
        email=f"brukare.{org.slug}@example.se",
        represents="RSMH",
    )
    meetings.add_contact(
        s,
        forum=sf,
        actor_id=None,
        name="Förbundschef",
        email=f"forbund.{org.slug}@example.se",
        represents="Samordningsförbundet",
    )
    meetings.add_contact(
        s,
        forum=sf,
        actor_id=None,
        name="Arbetsförmedlingens representant",
        email=f"af.{org.slug}@example.se",
        represents="Arbetsförmedlingen",
    )

    _escalate(
        s,
        a,
        lg,
        "Att myndigheten redovisar varför det dröjer och vad som görs.",
        now - timedelta(days=345),
    )
    _escalate(
        s,
        b,
        lg,
        "Att frågan lyfts till parterna i samordningsförbundet.",
        now - timedelta(days=340),
    )
    m1 = _held(s, lg, _at(now, -330))
    _minute(
        s,
        m1,
        a,
        "foljs_upp",
        "Myndighetens representant tar frågan till sin enhet.",
        "FK:s representant",
        contact_id=fk.id,
    )
    _minute(s, m1, b, "vidarebefordras", "Lyfts till samordningsförbundet.", forward=sf)
    meetings.finalise(s, meeting=m1, actor_id=None)
    for forwarded in s.exec(select(Escalation).where(Escalation.forum_id == sf.id)).all():
        forwarded.created_at = m1.starts_at  # forwarded at the meeting
        s.add(forwarded)

    _escalate(s, c, lg, "Att kommunen ser över rutinen.", now - timedelta(days=250))
    m2 = _held(s, lg, _at(now, -240))
    _minute(
        s,
        m2,
        a,
        "foljs_upp",
        "Enheten har fått frågan; svar väntas till nästa möte.",
        "FK:s representant",
        response="Enheten ser över bemanningen av kundtjänst.",
        contact_id=fk.id,
    )
    _minute(s, m2, c, "foljs_upp", "Enhetschefen tar fram en ny rutin.", "Enhetschef")
    meetings.finalise(s, meeting=m2, actor_id=None)

    s_m1 = _held(s, sf, _at(now, -200, 13))
    _minute(s, s_m1, b, "foljs_upp", "Parterna kartlägger kraven och återkommer.", "Förbundschef")
    meetings.finalise(s, meeting=s_m1, actor_id=None)

    _escalate(
        s, d, lg, "Att psykiatrin informerar om överflyttningarna.", now - timedelta(days=160)
    )
    m3 = _held(s, lg, _at(now, -150))
    _minute(
        s,
        m3,
        a,
        "atgardat",
        "Fler handläggare på kundtjänst; ombuden ser kortare väntan.",
        "FK:s representant",
    )
    _minute(s, m3, c, "foljs_upp", "Rutinen är på remiss.", "Enhetschef")
    _minute(s, m3, d, "ingen_atgard", "Forumet kan inte påverka frågan; noteras.")
    sent = _action(
        s, m3, c, "Skicka rutinen på remiss till brukarorganisationerna", 21, contact=social
    )
    _action(
        s, m3, a, "Följa upp väntetiderna i kundtjänsten efter ett halvår", 162, contact=fk
    )  # the forum member's (a ledamot's linked contact); open
    meetings.finalise(s, meeting=m3, actor_id=None)
    actions.set_status(s, action=sent, status="klar", actor_id=None)
    sent.closed_at = m3.starts_at + timedelta(days=18)  # done before the next meeting

    m4 = _held(s, lg, _at(now, -60))
    _minute(s, m4, c, "foljs_upp", "Rutinen antas i nämnden under hösten.", "Enhetschef")
    _action(s, m4, c, "Ta fram en tidplan för införandet av rutinen", 40, contact=social)  # late
    samordnare = s.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.org_id == org.id, Membership.role == "samordnare")
    ).first()
    _action(
        s, m4, c, "Bjuda in Arbetsförmedlingen till nästa möte", 63, user=samordnare
    )  # due within the forum's reminder days: its reminder is queued by the next pass
    meetings.finalise(s, meeting=m4, actor_id=None)

    _escalate(
        s,
        e,
        lg,
        "Att forumet diskuterar hur digitalt utanförskap kan mötas.",
        now - timedelta(days=10),
    )
    meetings.plan_meeting(
        s, forum=lg, starts_at=_at(now, 5), place="Stadshuset, rum 3", actor_id=None
    )
    meetings.plan_meeting(s, forum=sf, starts_at=_at(now, 30, 13), place="Videomöte", actor_id=None)
    _date_updates(s, org, now)
    return True


def _date_updates(s: Session, org: Organisation, now: datetime) -> None:
    """The updates to those who logged (tracker.faults.updates) were written as the demo
    ran: give them the time of their meeting or escalation, and mark those older than five
    months read, so the ombud's home page shows a few recent ones."""
    rows = s.exec(
        select(FaultUpdate, Meeting.starts_at, Escalation.created_at)
        .outerjoin(Meeting, col(Meeting.id) == FaultUpdate.meeting_id)
        .outerjoin(Escalation, col(Escalation.id) == FaultUpdate.escalation_id)
        .where(FaultUpdate.org_id == org.id)
    ).all()
    for update, starts_at, escalated_at in rows:
        at = starts_at + timedelta(hours=3) if starts_at else escalated_at or update.created_at
        update.created_at = at
        update.read_at = at + timedelta(days=2) if at < now - timedelta(days=155) else None
        s.add(update)
    s.flush()
