import pytest
from sqlmodel import select

from tests.conftest import do_login, post
from tracker.audit import AuditEntry
from tracker.orgs.defaults import REPORT_SECTIONS
from tracker.orgs.models import Authority, Membership, ReportSection


def test_new_org_gets_default_catalogues(make, session):
    org = make.org("ekero")
    headings = [
        s.heading
        for s in session.exec(
            select(ReportSection)
            .where(ReportSection.org_id == org.id)
            .order_by(ReportSection.position)
        ).all()
    ]
    expected = []
    for heading, children in REPORT_SECTIONS:
        expected += [heading, *children]
    assert headings == expected
    auths = {
        a.name: a for a in session.exec(select(Authority).where(Authority.org_id == org.id)).all()
    }
    assert auths["Försäkringskassan"].huvudman == "stat"
    fk_section = session.get(ReportSection, auths["Försäkringskassan"].section_id)
    assert fk_section.heading == "FÖRSÄKRINGSKASSAN"
    assert session.get(ReportSection, auths["Psykiatri"].section_id).heading.startswith("HÄLSO")
    assert len(auths) == 21


@pytest.mark.parametrize("role", ["ombud", "samordnare", "ledamot"])
def test_admin_pages_are_for_admins_only(client, login, role):
    login(role)
    for url in [
        "/admin/users",
        "/admin/authorities",
        "/admin/sections",
        "/admin/settings",
        "/admin/audit",
    ]:
        assert client.get(url).status_code == 403, url


def test_other_organisations_objects_are_404(client, login, make, session):
    login("admin", "soderort")
    other = make.org("nacka")
    stranger = make.user("ombud", "nacka")
    auth = session.exec(select(Authority).where(Authority.org_id == other.id)).first()
    sec = session.exec(select(ReportSection).where(ReportSection.org_id == other.id)).first()
    mem = session.exec(select(Membership).where(Membership.user_id == stranger.id)).one()
    for url in [
        f"/admin/authorities/{auth.id}",
        f"/admin/sections/{sec.id}",
        f"/admin/users/{mem.id}",
    ]:
        assert client.get(url).status_code == 404, url
    token_page = "/admin/authorities"
    for url in [
        f"/admin/authorities/{auth.id}/delete",
        f"/admin/sections/{sec.id}/delete",
        f"/admin/users/{mem.id}/remove",
    ]:
        assert post(client, url, form_url=token_page).status_code == 404, url
    assert session.get(Authority, auth.id) is not None
    # nothing about the other organisation leaks into lists
    assert "nacka" not in client.get("/admin/users").get_data(as_text=True).lower()


def test_last_admin_cannot_be_demoted_or_removed(client, login, session):
    admin = login("admin")
    m = session.exec(select(Membership).where(Membership.user_id == admin.id)).one()
    resp = post(client, f"/admin/users/{m.id}", {"m-role": "ombud"})
    assert resp.status_code == 400
    assert "minst en administratör" in resp.get_data(as_text=True)
    resp = post(client, f"/admin/users/{m.id}/remove", form_url=f"/admin/users/{m.id}")
    assert resp.status_code == 400
    session.expire_all()
    assert session.get(Membership, m.id).role == "admin"


def test_admin_changes_role(client, login, make, session):
    login("admin")
    other = make.user("ombud")
    m = session.exec(select(Membership).where(Membership.user_id == other.id)).one()
    assert post(client, f"/admin/users/{m.id}", {"m-role": "ledamot"}).status_code == 302
    session.expire_all()
    assert session.get(Membership, m.id).role == "ledamot"


def test_authority_catalogue_is_editable(client, login, session):
    admin = login("admin")
    sec = session.exec(select(ReportSection).where(ReportSection.heading == "ALLMÄNT")).first()
    resp = post(
        client,
        "/admin/authorities/new",
        {"name": "Hyresnämnden", "huvudman": "stat", "section_id": sec.id},
    )
    assert resp.status_code == 302
    a = session.exec(select(Authority).where(Authority.name == "Hyresnämnden")).one()
    assert a.section_id == sec.id
    # duplicate name: 400, input kept
    resp = post(
        client,
        "/admin/authorities/new",
        {"name": "hyresnämnden", "huvudman": "stat", "section_id": sec.id},
    )
    assert resp.status_code == 400
    assert "finns redan" in resp.get_data(as_text=True)
    # empty name: 400
    resp = post(
        client, f"/admin/authorities/{a.id}", {"name": "", "huvudman": "stat", "section_id": sec.id}
    )
    assert resp.status_code == 400 and "Fyll i namn." in resp.get_data(as_text=True)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "authority.saved")).one()
    assert entry.actor_id == admin.id and entry.object_id == a.id


def test_report_sections_are_editable(client, login, session):
    login("admin")
    resp = post(
        client, "/admin/sections/new", {"heading": "BOSTAD", "parent_id": 0, "position": "2"}
    )
    assert resp.status_code == 302
    sec = session.exec(select(ReportSection).where(ReportSection.heading == "BOSTAD")).one()
    assert sec.position == 2 and sec.parent_id is None
    page = client.get("/admin/sections").get_data(as_text=True)
    assert "BOSTAD" in page
    resp = post(
        client, f"/admin/sections/{sec.id}", {"heading": "BOSTAD", "parent_id": 0, "position": "x"}
    )
    assert resp.status_code == 400


def test_settings_validate_and_save(client, login, session):
    login("admin")
    form = {
        "name": "PO Söderort",
        "kommuner": "Stockholm",
        "recurrence_threshold": "4",
        "recurrence_months": "6",
        "age_bands": "18–29, 30–39, 40–64, 65+",
        "digest_lead_days": "5",
        "small_count_limit": "3",
        "session_idle_hours": "8",
    }
    assert post(client, "/admin/settings", form).status_code == 302
    from tracker.orgs.models import Organisation

    org = session.exec(select(Organisation)).one()
    assert (org.recurrence_threshold, org.recurrence_months) == (4, 6)
    assert org.age_band_list == ["18–29", "30–39", "40–64", "65+"]
    resp = post(client, "/admin/settings", {**form, "recurrence_months": "0", "age_bands": "x"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "mellan 1 och 60" in html and "minst två åldersgrupper" in html


def test_audit_page_lists_and_filters(client, login, make):
    login("admin")
    other = make.user("ombud")
    do_login(client.application.test_client(), other.email, "fel")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "membership.created" in page
    filtered = client.get("/admin/audit?action=membership.created").get_data(as_text=True)
    assert "membership.created" in filtered and "org.created" not in filtered.split("<tbody>")[1]
    bad = client.get("/admin/audit?from=igår")
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in bad.get_data(as_text=True)


def test_audit_log_is_append_only(app, make, session):
    make.user("ombud")
    from sqlmodel import Session

    with Session(app.extensions["db_engine"]) as s:
        entry = s.exec(select(AuditEntry)).first()
        entry.action = "tampered.action"
        s.add(entry)
        with pytest.raises(PermissionError):
            s.flush()


def test_themes_are_configurable(client, login, session):
    from tracker.faults.models import Theme

    login("admin")
    page = client.get("/admin/themes").get_data(as_text=True)
    assert "handläggningstid" in page and "digitalisering" in page
    assert post(client, "/admin/themes", {"name": "Tandvård"}).status_code == 302
    theme = session.exec(select(Theme).where(Theme.name == "tandvård")).one()
    dup = post(client, "/admin/themes", {"name": "tandvård"})
    assert dup.status_code == 400 and "finns redan" in dup.get_data(as_text=True)
    resp = post(client, f"/admin/themes/{theme.id}/delete", form_url="/admin/themes")
    assert resp.status_code == 302
    assert session.exec(select(Theme).where(Theme.name == "tandvård")).first() is None


def test_catalogue_and_settings_fields_refuse_identifiers(client, login, session):
    login("admin")
    pnr = "811228-9874"
    sec = session.exec(select(ReportSection)).first()
    cases = [
        (
            "/admin/authorities/new",
            {"name": f"Myndighet {pnr}", "huvudman": "stat", "section_id": sec.id},
        ),
        ("/admin/sections/new", {"heading": f"Rubrik {pnr}", "parent_id": 0}),
        ("/admin/themes", {"name": f"tema {pnr}"}),
        (
            "/admin/settings",
            {
                "name": "PO",
                "kommuner": "ring 070-123 45 67",
                "recurrence_threshold": "3",
                "recurrence_months": "12",
                "age_bands": "18–29, 30+",
                "digest_lead_days": "7",
                "small_count_limit": "3",
                "session_idle_hours": "8",
            },
        ),
    ]
    for url, data in cases:
        resp = post(client, url, data)
        assert resp.status_code == 400, url
        assert "Texten innehåller" in resp.get_data(as_text=True), url


def test_cli_refuses_identifiers(runner):
    result = runner.invoke(args=["org", "create", "--slug", "x", "--name", "PO 811228-9874"])
    assert result.exit_code != 0 and "personnummer" in result.output


def test_an_authority_in_use_cannot_be_deleted(client, login, make, session):
    login("admin")
    fault = make.fault(authority="Försäkringskassan")
    used = fault.primary_authority_id
    resp = post(client, f"/admin/authorities/{used}/delete", form_url="/admin/authorities")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "används av 1 systemfel" in html
    assert 'value="Försäkringskassan"' in html
    assert session.get(Authority, used) is not None
    unused = session.exec(select(Authority.id).where(Authority.name == "Bank")).one()
    resp = post(client, f"/admin/authorities/{unused}/delete", form_url="/admin/authorities")
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Authority, unused) is None
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "authority.deleted")).one()
    assert entry.object_id == unused
