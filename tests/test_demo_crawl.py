"""Every GET route of the app, with ids of the demo data, as every demo role: no 500.

A page nobody requested in a test can still fail (the audit log's second page did); this
walks `app.url_map` so a new route is covered the day it is added."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.faults.models import Fault, Occurrence
from tracker.meetings.models import AgendaItem, Contact, Escalation, Forum, Meeting
from tracker.orgs.models import Authority, Membership, Organisation, ReportSection

from .conftest import do_login


def demo_ids(app) -> dict[str, str]:
    with Session(app.extensions["db_engine"]) as s:
        load_demo(s)
        s.commit()
        org = s.exec(select(Organisation).where(Organisation.slug == "soderort")).one()

        def first(model):
            return str(s.exec(select(model.id).where(model.org_id == org.id)).first())

        held = s.exec(
            select(Meeting.id).where(Meeting.org_id == org.id, Meeting.status == "genomfort")
        ).first()
        return {
            "ref": s.exec(select(Fault.ref).where(Fault.org_id == org.id)).first() or "",
            "other_ref": s.exec(select(Fault.ref).where(Fault.org_id == org.id)).all()[-1],
            "occ_id": first(Occurrence),
            "forum_id": first(Forum),
            "meeting_id": str(held or first(Meeting)),
            "item_id": first(AgendaItem),
            "esc_id": first(Escalation),
            "contact_id": first(Contact),
            "authority_id": first(Authority),
            "section_id": first(ReportSection),
            "membership_id": first(Membership),
            "msg_id": "1",
            "year": "2026",
            "fmt": "docx",
            **network_ids(s, org.id),
        }


def network_ids(s, org_id) -> dict[str, str]:
    """The demo network's ids (tracker/networks/demo.py): a linked, shared fault of the
    organisation, its membership row and the nätverkssamordnare's role."""
    from tracker.networks.models import NetworkFaultLink, NetworkOrg, NetworkRole

    return {
        "slug": "stockholm",
        "fault_id": str(
            s.exec(
                select(NetworkFaultLink.fault_id).where(NetworkFaultLink.org_id == org_id)
            ).first()
        ),
        "row_id": str(s.exec(select(NetworkOrg.id).where(NetworkOrg.org_id == org_id)).first()),
        "role_id": str(s.exec(select(NetworkRole.id)).first()),
    }


@pytest.mark.parametrize("role", ["ombud", "samordnare", "ledamot", "admin", "natverk"])
def test_every_get_route_with_demo_data(app, client, role) -> None:
    ids = demo_ids(app)
    assert do_login(client, f"{role}@demo.se", DEMO_PASSWORD).status_code == 302
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in (rule.methods or ()):
            continue
        url = rule.build({arg: ids.get(arg, "1") for arg in rule.arguments})[1]
        for query in ({}, {"page": "2"}, {"page": "3"}):
            resp = client.get(url, query_string=query)
            assert resp.status_code < 500, (role, url, query, resp.status_code)
            checked += 1
    assert checked > 100


def test_audit_log_pages_in_swedish_words(app, client) -> None:
    demo_ids(app)
    assert do_login(client, "admin@demo.se", DEMO_PASSWORD).status_code == 302
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Nästa" in first and "Inloggning" in first
    assert ">login.success<" not in first and ">fault.created<" not in first
    second = client.get("/admin/audit?page=2")
    assert second.status_code == 200 and "Föregående" in second.get_data(as_text=True)
