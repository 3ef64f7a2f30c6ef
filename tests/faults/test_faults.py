import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from tests.conftest import post
from tracker.faults.models import Fault, FaultEvent, Occurrence
from tracker.orgs.models import Authority

PNR = "811228-9874"  # a valid personnummer (Luhn) used as the forbidden input


def authority_id(session, name="Försäkringskassan", slug="soderort"):
    from tracker.orgs.models import Organisation

    org = session.exec(select(Organisation).where(Organisation.slug == slug)).one()
    return (
        session.exec(select(Authority).where(Authority.org_id == org.id, Authority.name == name))
        .one()
        .id
    )


def quick(client, **data):
    base = {
        "mode": "existing",
        "observed_on": date.today().isoformat(),
        "narrative": "",
        "gender": "",
        "age_band": "",
    }
    base.update(data)
    return post(client, "/log", base)


def test_quick_log_new_fault_then_existing(client, login, session):
    login("ombud")
    aid = authority_id(session)
    resp = quick(
        client,
        mode="new",
        new_title="Sjukpenning dröjer",
        new_authority_id=aid,
        narrative="Beslut dröjde i fyra månader.",
        consequences=["inkomstbortfall"],
    )
    assert resp.status_code == 302
    year = date.today().year
    assert resp.headers["Location"] == f"/faults/SF-{year}-001"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Sjukpenning dröjer" in page and "Beslut dröjde i fyra månader." in page
    assert "1 förekomst totalt" in page
    resp = quick(client, fault_ref=f"sf-{year}-001", narrative="Igen.")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 förekomster totalt" in page


def test_quick_log_defaults_to_today_and_rejects_bad_dates(client, login):
    login("ombud")
    page = client.get("/log").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in page
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for bad, msg in [
        (tomorrow, "framtiden"),
        ("1999-12-31", "före år 2000"),
        ("igår", "ÅÅÅÅ-MM-DD"),
    ]:
        resp = quick(
            client, mode="new", new_title="X", observed_on=bad, narrative="Texten finns kvar"
        )
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400 and msg in html and "Texten finns kvar" in html


def test_quick_log_without_javascript_offers_candidates(client, login, make):
    login("ombud")
    make.fault(title="Bostadsbrist och hotellboende", authority="Hyresvärd/bostadsbolag")
    resp = quick(client, fault_ref="hotellboende", narrative="kvar")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Bostadsbrist och hotellboende" in html and 'name="pick" value="SF-' in html
    resp = quick(client, fault_ref="finns-inte-alls")
    assert "Inget systemfel matchar" in resp.get_data(as_text=True)


def test_suggest_searches_ref_title_authority_and_text(client, login, make):
    login("ombud")
    f = make.fault(
        title="Läkarbrist i psykiatrin", authority="Psykiatri", description="Återbesök ställs in."
    )
    make.fault(title="Annat fel", authority="Bank")
    for q in [f.ref.lower(), "läkarbrist", "psykiatri", "återbesök"]:
        data = client.get(f"/faults/suggest?q={q}").get_json()
        assert [d["ref"] for d in data] == [f.ref], q


def test_personnummer_refused_in_every_free_text_form(client, login, make, session):
    login("samordnare")
    f = make.fault(occurrences=1)
    aid = authority_id(session)
    text = f"Klienten {PNR} fick avslag"
    cases = [
        (
            "/log",
            {
                "mode": "new",
                "new_title": "Nytt",
                "new_authority_id": aid,
                "narrative": text,
                "observed_on": date.today().isoformat(),
            },
            "narrative",
        ),
        (
            "/log",
            {
                "mode": "new",
                "new_title": text,
                "new_authority_id": aid,
                "observed_on": date.today().isoformat(),
            },
            "new_title",
        ),
        ("/faults/new", {"title": text, "primary_authority_id": aid}, "title"),
        ("/faults/new", {"title": "Ok", "description": text, "primary_authority_id": aid}, ""),
        ("/faults/new", {"title": "Ok", "report_summary": text, "primary_authority_id": aid}, ""),
        (
            f"/faults/{f.ref}/edit",
            {"title": "Ok", "description": text, "version": "1", "primary_authority_id": aid},
            "",
        ),
    ]
    occ = session.exec(select(Occurrence)).one()
    cases.append(
        (
            f"/occurrences/{occ.id}/edit",
            {"observed_on": date.today().isoformat(), "narrative": text},
            "",
        )
    )
    before = session.exec(select(func.count()).select_from(Fault)).one()
    for url, data, _name in cases:
        resp = post(client, url, data)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, url
        assert f"ett personnummer: ”{PNR}”" in html, url
        assert "fick avslag" in html, url  # the text stays in the form
    assert session.exec(select(func.count()).select_from(Fault)).one() == before
    # the status comment is free text too
    resp = post(
        client,
        f"/faults/{f.ref}/status",
        {"to": "bekraftad", "comment": text},
        form_url=f"/faults/{f.ref}",
    )
    assert resp.status_code == 400
    session.expire_all()
    assert session.get(Fault, f.id).status == "ny"


def test_name_warning_needs_confirmation(client, login, session):
    login("ombud")
    aid = authority_id(session)
    data = {
        "mode": "new",
        "new_title": "Nytt fel",
        "new_authority_id": aid,
        "narrative": "Handläggaren Anna Svensson svarade inte.",
    }
    resp = quick(client, **data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Anna Svensson" in html
    assert "Jag har kontrollerat att texten är avidentifierad" in html
    assert quick(client, **data, confirm_anonymous="y").status_code == 302


def test_optimistic_locking_gives_409_with_both_versions(app, client, login, make, session):
    login("ombud")
    f = make.fault(description="Ursprunglig text")
    aid = authority_id(session)
    form = {"title": f.title, "primary_authority_id": aid, "version": "1"}
    first = post(client, f"/faults/{f.ref}/edit", {**form, "description": "Första ändringen"})
    assert first.status_code == 302
    second = post(client, f"/faults/{f.ref}/edit", {**form, "description": "Min egen text"})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Första ändringen" in html and "Min egen text" in html
    assert 'name="version" type="hidden" value="2"' in html
    third = post(
        client, f"/faults/{f.ref}/edit", {**form, "version": "2", "description": "Min egen text"}
    )
    assert third.status_code == 302
    session.expire_all()
    saved = session.get(Fault, f.id)
    assert saved.description == "Min egen text" and saved.version == 3


def test_status_transitions_are_audited_with_comment(client, login, make, session):
    login("samordnare")
    f = make.fault()
    url = f"/faults/{f.ref}/status"
    assert (
        post(
            client,
            url,
            {"to": "bekraftad", "comment": "Sett flera gånger"},
            form_url=f"/faults/{f.ref}",
        ).status_code
        == 302
    )
    assert post(client, url, {"to": "ny"}, form_url=f"/faults/{f.ref}").status_code == 400
    assert post(client, url, {"to": "avskriven"}, form_url=f"/faults/{f.ref}").status_code == 302
    assert post(client, url, {"to": "bekraftad"}, form_url=f"/faults/{f.ref}").status_code == 302
    events = session.exec(
        select(FaultEvent).where(FaultEvent.kind == "status").order_by(FaultEvent.id)
    ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        ("ny", "bekraftad"),
        ("bekraftad", "avskriven"),
        ("avskriven", "bekraftad"),
    ]
    assert events[0].comment == "Sett flera gånger"
    page = client.get(f"/faults/{f.ref}").get_data(as_text=True)
    assert "Sett flera gånger" in page


def test_ombud_cannot_change_status(client, login, make):
    login("ombud")
    f = make.fault()
    resp = post(client, f"/faults/{f.ref}/status", {"to": "bekraftad"}, form_url=f"/faults/{f.ref}")
    assert resp.status_code == 403


def test_merge_moves_occurrences_and_redirects(client, login, make, session):
    login("samordnare")
    a = make.fault(title="A", occurrences=2)
    b = make.fault(title="B", occurrences=3)
    resp = post(client, f"/faults/{a.ref}/merge", {"other_ref": b.ref}, form_url=f"/faults/{a.ref}")
    assert resp.status_code == 302
    assert session.exec(select(func.count()).where(Occurrence.fault_id == b.id)).one() == 5
    old = client.get(f"/faults/{a.ref}")
    assert old.status_code == 301 and old.headers["Location"].endswith(b.ref)
    assert "5 förekomster totalt" in client.get(f"/faults/{b.ref}").get_data(as_text=True)
    assert a.ref not in client.get("/faults/").get_data(as_text=True)


def test_relate_faults(client, login, make):
    login("samordnare")
    a, b = make.fault(title="A"), make.fault(title="B")
    post(client, f"/faults/{a.ref}/relate", {"other_ref": b.ref}, form_url=f"/faults/{a.ref}")
    assert f"{a.ref} A" in client.get(f"/faults/{b.ref}").get_data(as_text=True)
    bad = post(
        client, f"/faults/{a.ref}/relate", {"other_ref": "SF-1999-999"}, form_url=f"/faults/{a.ref}"
    )
    assert bad.status_code == 400


def test_recurrence_flag(client, login, make):
    login("ombud")
    hot = make.fault(title="Ofta", occurrences=3)
    old = make.fault(title="Gammalt", occurrences=3, observed_on=date.today() - timedelta(days=400))
    listing = client.get("/faults/?recurring=1").get_data(as_text=True)
    assert hot.ref in listing and old.ref not in listing
    assert "Återkommande" in client.get(f"/faults/{hot.ref}").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert hot.ref in home.split('id="h-recurring"')[1].split("</section>")[0]


def test_list_filters_sort_search_and_csv(client, login, make):
    login("ombud")
    fk = make.fault(title="Återkrav flera år senare", occurrences=1)
    af = make.fault(
        title="Kodning tar lång tid",
        authority="Arbetsförmedlingen",
        occurrences=4,
        narrative="Risk att förlora SGI",
    )
    assert af.ref in client.get("/faults/?huvudman=stat").get_data(as_text=True)
    only_fk = client.get(f"/faults/?authority={fk.primary_authority_id}").get_data(as_text=True)
    assert fk.ref in only_fk and af.ref not in only_fk
    by_count = client.get("/faults/?sort=count").get_data(as_text=True)
    assert by_count.index(af.ref) < by_count.index(fk.ref)
    found = client.get("/faults/?q=sgi").get_data(as_text=True)  # narrative text
    assert af.ref in found and fk.ref not in found
    resp = client.get("/faults/export.csv?sort=count")
    assert resp.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][0] == "Referens" and rows[1][0] == af.ref and rows[1][7] == "4"
    assert "Risk att förlora" not in resp.get_data(as_text=True)
    assert client.get("/faults/?from=igår").status_code == 400


@pytest.mark.parametrize("role", ["ledamot"])
def test_members_cannot_reach_fault_register(client, login, make, role):
    login(role)
    f = make.fault(occurrences=1)
    for url in ["/faults/", f"/faults/{f.ref}", "/log", "/faults/suggest?q=ab"]:
        assert client.get(url).status_code == 403, url


def test_other_organisations_faults_are_404(client, login, make, session):
    login("samordnare", "soderort")
    other = make.fault(org="nacka", occurrences=1)
    occ = session.exec(select(Occurrence)).one()
    for url in [f"/faults/{other.ref}", f"/faults/{other.ref}/edit", f"/occurrences/{occ.id}/edit"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/faults/suggest?q=" + other.ref).get_json() == []
    resp = quick(client, fault_ref=other.ref)
    assert resp.status_code == 400


def test_occurrence_editable_by_author_and_samordnare_only(app, client, login, make, session):
    author = login("ombud")
    f = make.fault(actor=author, occurrences=1)
    occ = session.exec(select(Occurrence)).one()
    assert client.get(f"/occurrences/{occ.id}/edit").status_code == 200
    c2 = app.test_client()
    other = make.user("ombud")
    from tests.conftest import do_login

    do_login(c2, other.email)
    assert c2.get(f"/occurrences/{occ.id}/edit").status_code == 403
    assert f.ref


def test_markdown_is_sanitised(client, login, make):
    login("ombud")
    f = make.fault(description="**fet** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(f"/faults/{f.ref}").get_data(as_text=True)
    assert "<strong>fet</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html


def test_a_new_fault_cannot_repeat_an_existing_title(client, login, session, make):
    existing = make.fault(title="Höga hyror i nybyggen")
    login("ombud")
    aid = authority_id(session)
    before = session.exec(select(func.count()).select_from(Fault)).one()
    resp = quick(client, mode="new", new_title="  höga HYROR i nybyggen ", new_authority_id=aid)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Det finns redan ett systemfel med den rubriken" in html
    assert f'<a href="/faults/{existing.ref}">{existing.ref} Höga hyror i nybyggen</a>' in html
    # the form on /faults/new says the same
    resp = post(
        client, "/faults/new", {"title": "Höga hyror i nybyggen", "primary_authority_id": aid}
    )
    assert resp.status_code == 400 and f'href="/faults/{existing.ref}"' in resp.get_data(
        as_text=True
    )
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Fault)).one() == before
    # a different title is a new fault
    assert (
        quick(client, mode="new", new_title="Höga hyror", new_authority_id=aid).status_code == 302
    )
