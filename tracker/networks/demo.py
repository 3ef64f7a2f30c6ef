"""Demo network (`tracker demo`): `stockholm` with `soderort` and `nacka`, which their demo
admins joined, a nätverkssamordnare without an organisation (natverk@demo.se), a few
faults shared by choice and two linked as one network fault each, and a network forum
with a held and a planned meeting. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ..accounts import services as accounts
from ..faults.models import Fault
from ..orgs.models import Organisation
from ..timeutil import STOCKHOLM, utcnow
from . import forum_services, services
from .models import Network, NetworkAgendaItem, NetworkFaultLink

SLUG = "stockholm"
NAME = "Stockholms stad – personligt ombud"
COORDINATOR = ("natverk@demo.se", "Nätverkssamordnare Stockholm")
MEMBERS = (("soderort", "admin@demo.se"), ("nacka", "admin.nacka@demo.se"))
# Faults both verksamheter log (tracker.demo_faults), shared by choice and linked.
LINKED = (
    "Försörjningsstöd svårt att nå per telefon",
    "Ingen personlig handläggare på Arbetsförmedlingen",
)
SHARED_TOO = ("Långa handläggningstider för bostadsbidrag och sjukpenning",)


def load_demo_network(s: Session, password: str) -> list[tuple[str, str, str]]:
    """Returns the network's demo logins (email, role, network)."""
    logins = [(COORDINATOR[0], "natverkssamordnare", SLUG)]
    if s.exec(select(Network).where(Network.slug == SLUG)).first() is not None:
        return logins
    network = services.create_network(s, slug=SLUG, name=NAME, actor_id=None)
    orgs: dict[str, Organisation] = {}
    for slug, admin_email in MEMBERS:
        org = s.exec(select(Organisation).where(Organisation.slug == slug)).first()
        admin = accounts.find_user(s, admin_email)
        if org is None or org.id is None or admin is None:
            continue
        orgs[slug] = org
        row = services.invite_org(s, network=network, org_id=org.id, actor_id=None, notify=False)
        services.answer_invitation(s, row=row, accept=True, actor_id=admin.id)
    user = accounts.find_user(s, COORDINATOR[0])
    if user is None:
        user = accounts.create_user(
            s,
            email=COORDINATOR[0],
            name=COORDINATOR[1],
            password=password,
            actor_id=None,
            org_id=None,
        )
    assert user.id is not None
    services.set_role(s, network=network, user_id=user.id, role="natverkssamordnare", actor_id=None)

    def fault_of(org: Organisation, title: str) -> Fault | None:
        return s.exec(select(Fault).where(Fault.org_id == org.id, Fault.title == title)).first()

    for title in (*LINKED, *SHARED_TOO):
        for org in orgs.values():
            f = fault_of(org, title)
            if f is not None:
                services.set_fault_share(s, fault=f, choice="share", actor_id=None)
    if len(orgs) == 2:
        a_org, b_org = orgs["soderort"], orgs["nacka"]
        for title in LINKED:
            a, b = fault_of(a_org, title), fault_of(b_org, title)
            if a is not None and b is not None:
                services.link(s, network=network, a=a, b=b, actor_id=user.id)
    s.flush()
    _demo_forum(s, network, user.id)
    return logins


def _at(now: datetime, days: int, hour: int) -> datetime:
    day = (now + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


def _demo_forum(s: Session, network: Network, actor_id: int | None) -> None:
    """ "Samverkansforum Stockholm": a held meeting (minutes final, one decision, one action
    item) and a planned one whose agenda follows the first fault up and has a new one."""
    assert network.id is not None
    found = s.exec(
        select(NetworkFaultLink.network_fault_id, Fault.title)
        .join(Fault, col(Fault.id) == NetworkFaultLink.fault_id)
        .where(NetworkFaultLink.network_id == network.id)
    ).all()
    nf = {title: nid for nid, title in found}
    if not all(t in nf for t in LINKED):
        return
    now = utcnow()
    forum = forum_services.create_forum(
        s,
        network_id=network.id,
        name="Samverkansforum Stockholm",
        kind="samverkansforum",
        actor_id=actor_id,
    )
    first, second = LINKED
    forum_services.escalate(
        s,
        forum=forum,
        network_fault_id=nf[first],
        title=first,
        ask="Att staden inför en direktlinje till försörjningsstöd för personliga ombud.",
        actor_id=actor_id,
    )
    held = forum_services.plan_meeting(
        s, forum=forum, starts_at=_at(now, -21, 13), place="Stadshuset", actor_id=actor_id
    )
    item = s.exec(select(NetworkAgendaItem).where(NetworkAgendaItem.meeting_id == held.id)).one()
    forum_services.save_minutes(
        s,
        meeting=held,
        item=item,
        discussion="Alla verksamheter ser samma mönster: telefontiden räcker inte.",
        decision="Socialförvaltningen utreder en direktlinje; återkoppling vid nästa möte.",
        responsible="Socialförvaltningen",
        outcome="foljs_upp",
        due_on=None,
        actor_id=actor_id,
    )
    forum_services.add_action(
        s,
        meeting=held,
        item=item,
        title="Ta fram förslag på direktlinje",
        owner="Socialförvaltningen",
        due_on=_at(now, 7, 9).date(),
        actor_id=actor_id,
    )
    forum_services.mark_held(s, meeting=held, actor_id=actor_id)
    forum_services.finalise(s, meeting=held, actor_id=actor_id)
    forum_services.escalate(
        s,
        forum=forum,
        network_fault_id=nf[second],
        title=second,
        ask="Att Arbetsförmedlingen redovisar hur personer med stora behov får stöd.",
        actor_id=actor_id,
    )
    forum_services.plan_meeting(
        s, forum=forum, starts_at=_at(now, 10, 13), place="Videomöte", actor_id=actor_id
    )
