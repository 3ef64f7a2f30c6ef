"""What is shared: the rule (escalated or recurring), the admin's choice per fault, only
the allowed fields, and counts by quarter with small counts suppressed."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tests.conftest import post
from tracker.networks import sharing
from tracker.networks.models import FaultShare, NetworkOrg

from .conftest import engine_session, member_row


def shared_ids(app, network) -> set[int]:
    with engine_session(app) as s:
        orgs = sharing.member_orgs(s, network.id)
        return {fid for fid, _o in s.exec(sharing.shared_select(network.id, orgs)).all()}


def test_rule_shares_escalated_and_recurring_only(app, make, network, escalate):
    plain = make.fault(title="Bara en gång", occurrences=1)
    recurring = make.fault(title="Återkommer ofta", occurrences=3)
    escalated = make.fault(title="Eskalerat fel")
    escalate(escalated)
    old = make.fault(title="Gammalt", occurrences=3, observed_on=date(2020, 1, 1))
    assert shared_ids(app, network) == {recurring.id, escalated.id}
    assert old.id not in shared_ids(app, network)
    # the rule "valda": nothing but what the admin chooses
    with engine_session(app) as s:
        from tracker.networks import services

        row = s.get(NetworkOrg, member_row(app, plain.org_id).id)
        services.set_share_rule(s, row=row, rule="valda", actor_id=None)
        s.commit()
    assert shared_ids(app, network) == set()


def test_admin_chooses_per_fault(app, client, login, make, network, escalate, session):
    plain = make.fault(title="Bara en gång", occurrences=1)
    escalated = make.fault(title="Eskalerat fel")
    escalate(escalated)
    login("admin")
    page = client.get("/admin/networks/sharing")
    assert page.status_code == 200 and "Bara en gång" in page.get_data(as_text=True)
    form = "/admin/networks/sharing"
    assert (
        post(
            client, f"/admin/networks/sharing/{plain.id}", {"choice": "share"}, form_url=form
        ).status_code
        == 302
    )
    assert (
        post(
            client, f"/admin/networks/sharing/{escalated.id}", {"choice": "keep"}, form_url=form
        ).status_code
        == 302
    )
    assert shared_ids(app, network) == {plain.id}
    assert (
        post(
            client, f"/admin/networks/sharing/{escalated.id}", {"choice": "rule"}, form_url=form
        ).status_code
        == 302
    )
    assert shared_ids(app, network) == {plain.id, escalated.id}
    bad = post(client, f"/admin/networks/sharing/{plain.id}", {"choice": "allt"}, form_url=form)
    assert bad.status_code == 400
    other = make.fault(org="nacka", title="Nackas fel")
    refused = post(
        client, f"/admin/networks/sharing/{other.id}", {"choice": "share"}, form_url=form
    )
    assert refused.status_code == 404  # another organisation's fault
    assert session.exec(select(FaultShare).where(FaultShare.fault_id == other.id)).first() is None


def test_only_the_allowed_fields_and_suppressed_counts(
    app, client, make, network, escalate, coordinator
):
    fault = make.fault(
        title="Långa väntetider",
        description="HEMLIG-BESKRIVNING",
        narrative="HEMLIG-IAKTTAGELSE",
        occurrences=2,
        observed_on=date.today(),
    )
    escalate(fault)
    with engine_session(app) as s:
        from tracker.faults.models import Fault

        f = s.get(Fault, fault.id)
        f.report_summary = "Sammanfattning för rapporten."
        s.add(f)
        s.commit()
    coordinator(client)
    for url in ("/networks/stockholm/", f"/networks/stockholm/faults/{fault.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Långa väntetider" in html
        assert "HEMLIG" not in html  # neither description nor narratives
        assert "färre än 3" in html  # 2 occurrences this year
        assert ">2<" not in html and "2 förekomster" not in html
    assert "Sammanfattning för rapporten." in client.get(
        f"/networks/stockholm/faults/{fault.id}"
    ).get_data(as_text=True)
    assert client.get(f"/networks/stockholm/faults/{fault.id}?year=x").status_code == 200


def test_group_suppression_hides_a_small_member_behind_a_total():
    def shared(fid, org, quarters):
        return sharing.SharedFault(
            fid, org, f"Org {org}", "T", "FK", None, "ny", "", None, 1, [], quarters
        )

    big = shared(1, 1, [20, 20, 10, 5])
    small = shared(2, 2, [1, 1, 0, 0])
    grp = sharing.group([big, small], 1, 3)
    assert grp.total == 57
    assert grp.kind(("fault", 2)) == "primary"
    # the total and the big member's total cannot both be shown next to a hidden small one
    assert grp.kind(("total",)) is not None or grp.kind(("fault", 1)) is not None
