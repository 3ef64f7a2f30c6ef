"""REST API v1: reads and writes through the same rules as the pages – scoping (another
organisation's object is a 404), the privacy guard (422 with the span, never the text),
optimistic locking (409), role rules, problem details."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlmodel import Session, select

from tests.conftest import Factories
from tracker.audit import AuditEntry
from tracker.faults.models import Fault, Occurrence
from tracker.orgs.models import Authority

PROBLEM = "application/problem+json"


def authority_id(session: Session, org_id: int, name: str = "Försäkringskassan") -> int:
    a = session.exec(
        select(Authority).where(Authority.org_id == org_id, Authority.name == name)
    ).one()
    assert a.id is not None
    return a.id


def test_openapi_document_is_3_1_and_lists_the_operations(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    for path in (
        "/api/v1/authorities",
        "/api/v1/faults",
        "/api/v1/faults/{ref}",
        "/api/v1/faults/{ref}/occurrences",
        "/api/v1/faults/{ref}/status",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/reports/{year}",
    ):
        assert path in paths, path
    assert "/api/v1/docs" not in paths and "/api/v1/{rest}" not in paths
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == [PROBLEM]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_lists_operations_without_scripts(client) -> None:
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "POST /api/v1/faults/{ref}/occurrences" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_ombud_logs_an_occurrence_and_reads_the_counts(
    app: Flask, make: Factories, api_as, session
) -> None:
    fault = make.fault(occurrences=2)
    api, user = api_as("ombud")
    resp = api.post(
        f"/api/v1/faults/{fault.ref}/occurrences",
        {"observed_on": date.today().isoformat(), "narrative": "Fick vänta fyra månader."},
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["occurrence_count"] == 3
    occ = session.exec(select(Occurrence).where(Occurrence.id == resp.get_json()["id"])).one()
    assert occ.logged_by_id == user.id and occ.narrative == "Fick vänta fyra månader."
    audit = session.exec(select(AuditEntry).where(AuditEntry.object_id == occ.id)).all()
    assert [(a.action, a.actor_id) for a in audit] == [("occurrence.created", user.id)]

    detail = api.get(f"/api/v1/faults/{fault.ref.lower()}").get_json()
    assert detail["occurrence_count"] == 3
    assert detail["recent_count"] == 3
    assert sum(m["count"] for m in detail["monthly"]) == 3
    assert detail["primary_authority"]["name"] == "Försäkringskassan"
    assert "Fick vänta fyra månader." in [o["narrative"] for o in detail["occurrences"]]


def test_fault_list_filters_and_pages_like_the_register(make: Factories, api_as) -> None:
    for i in range(3):
        make.fault(title=f"Fel nummer {i}", occurrences=i + 1)
    make.fault(title="Hos kommunen", authority="Färdtjänst", occurrences=1)
    api, _user = api_as("ombud")
    page = api.get("/api/v1/faults?per_page=2&sort=count").get_json()
    assert page["total"] == 4 and page["pages"] == 2 and len(page["items"]) == 2
    assert page["items"][0]["title"] == "Fel nummer 2"
    assert page["items"][0]["occurrence_count"] == 3
    second = api.get("/api/v1/faults?per_page=2&sort=count&page=2").get_json()
    assert len(second["items"]) == 2
    kommun = api.get("/api/v1/faults?huvudman=kommun").get_json()
    assert [f["title"] for f in kommun["items"]] == ["Hos kommunen"]
    bad = api.get("/api/v1/faults?status=trasig&from=igår")
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert set(bad.get_json()["errors"]["query"]) == {"status", "from"}


def test_create_fault_checks_catalogue_duplicates_and_writes_audit(
    app: Flask, make: Factories, api_as, session
) -> None:
    org = make.org()
    nacka = make.org("nacka")
    api, user = api_as("ombud")
    body = {"title": "Ingen tolk vid möten", "primary_authority_id": authority_id(session, org.id)}
    resp = api.post("/api/v1/faults", body)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert created["status"] == "ny" and created["version"] == 1
    assert created["ref"].startswith(f"SF-{date.today().year}-")
    again = api.post("/api/v1/faults", {**body, "title": "  ingen TOLK vid möten "})
    assert again.status_code == 409
    assert again.get_json()["existing_ref"] == created["ref"]
    foreign = api.post(
        "/api/v1/faults",
        {"title": "Annat", "primary_authority_id": authority_id(session, nacka.id)},
    )
    assert foreign.status_code == 422 and "katalog" in foreign.get_json()["detail"]
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "fault.created")).all()
    assert [a.actor_id for a in audit] == [user.id]


def test_guard_refuses_identifiers_with_position_and_kind_never_the_text(
    make: Factories, api_as, session
) -> None:
    fault = make.fault()
    api, _user = api_as("ombud")
    text = "Klienten 19811218-9876 ringde från 070-123 45 67."
    resp = api.post(
        f"/api/v1/faults/{fault.ref}/occurrences",
        {"observed_on": date.today().isoformat(), "narrative": text},
    )
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    raw = resp.get_data(as_text=True)
    assert "9876" not in raw and "45 67" not in raw
    findings = resp.get_json()["findings"]
    kinds = {f["kind"] for f in findings}
    assert "personnummer" in kinds and "phone" in kinds
    pnr = next(f for f in findings if f["kind"] == "personnummer")
    assert text[pnr["start"] : pnr["end"]] == "19811218-9876"
    assert pnr["field"] == "narrative" and pnr["blocking"] is True
    assert session.exec(select(Occurrence)).all() == []

    # a name is a warning: refused until the caller confirms the text is anonymised
    named = {"observed_on": date.today().isoformat(), "narrative": "Anna Svensson fick avslag."}
    warned = api.post(f"/api/v1/faults/{fault.ref}/occurrences", named)
    assert warned.status_code == 422
    assert [f["kind"] for f in warned.get_json()["findings"]] == ["name"]
    ok = api.post(f"/api/v1/faults/{fault.ref}/occurrences", {**named, "confirm_anonymous": True})
    assert ok.status_code == 201

    title = api.post(
        "/api/v1/faults",
        {"title": "Mejla fk@example.se", "primary_authority_id": fault.primary_authority_id},
    )
    assert title.status_code == 422 and title.get_json()["findings"][0]["field"] == "title"
    assert "example.se" not in title.get_data(as_text=True)


def test_status_change_needs_the_current_version(make: Factories, api_as, session) -> None:
    fault = make.fault()
    boss, _user = api_as("samordnare")
    url = f"/api/v1/faults/{fault.ref}/status"
    first = boss.post(url, {"to": "bekraftad", "version": 1})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = boss.post(url, {"to": "atgardad", "version": 1})
    assert stale.status_code == 409 and stale.mimetype == PROBLEM
    assert stale.get_json()["current_version"] == 2
    assert session.get(Fault, fault.id).status == "bekraftad"
    wrong = boss.post(url, {"to": "ny", "version": 2})
    assert wrong.status_code == 422
    done = boss.post(url, {"to": "atgardad", "version": 2, "comment": "Rutinen ändrad."})
    assert done.status_code == 200 and done.get_json()["status"] == "atgardad"


def test_role_rules(make: Factories, api_as) -> None:
    fault = make.fault(occurrences=1, narrative="Väntade länge.")
    ombud, _u = api_as("ombud")
    ledamot, _l = api_as("ledamot")
    status = {"to": "bekraftad", "version": 1}
    assert ombud.post(f"/api/v1/faults/{fault.ref}/status", status).status_code == 403
    # a ledamot's token: aggregates only – never the faults, their occurrences or narratives
    for url in ("/api/v1/faults", f"/api/v1/faults/{fault.ref}"):
        resp = ledamot.get(url)
        assert resp.status_code == 403 and resp.mimetype == PROBLEM
        assert "Väntade" not in resp.get_data(as_text=True)
    log = {"observed_on": date.today().isoformat()}
    assert ledamot.post(f"/api/v1/faults/{fault.ref}/occurrences", log).status_code == 403
    assert ledamot.get(f"/api/v1/reports/{date.today().year}").status_code == 403
    assert ledamot.get("/api/v1/authorities").status_code == 200
    assert ledamot.get("/api/v1/meetings").status_code == 200
    report = ombud.get(f"/api/v1/reports/{date.today().year}")
    assert report.status_code == 200, report.get_json()
    assert report.get_json()["markdown"].startswith("# Uppmärksammade brister")
    assert fault.title in report.get_json()["markdown"]
    assert ombud.get("/api/v1/reports/1999").status_code == 404


def test_two_organisations_never_see_each_other(make: Factories, api_as) -> None:
    mine = make.fault(title="Söderorts fel", occurrences=1)
    theirs = make.fault(org="nacka", title="Nackas fel", occurrences=1)
    soderort, _a = api_as("samordnare", "soderort")
    nacka, _b = api_as("samordnare", "nacka")
    assert [f["title"] for f in soderort.get("/api/v1/faults").get_json()["items"]] == [
        "Söderorts fel"
    ]
    assert [f["title"] for f in nacka.get("/api/v1/faults").get_json()["items"]] == ["Nackas fel"]
    # the same reference exists in both: each token reads its own organisation's
    assert mine.ref == theirs.ref
    assert soderort.get(f"/api/v1/faults/{mine.ref}").get_json()["title"] == "Söderorts fel"
    assert nacka.get(f"/api/v1/faults/{mine.ref}").get_json()["title"] == "Nackas fel"
    ids = {a["id"] for a in nacka.get("/api/v1/authorities").get_json()}
    assert mine.primary_authority_id not in ids
    assert (
        nacka.post(
            "/api/v1/faults", {"title": "Nytt", "primary_authority_id": mine.primary_authority_id}
        ).status_code
        == 422
    )
    missing = nacka.get("/api/v1/faults/SF-2000-999")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_meetings_cross_organisation_is_404_and_ledamot_sees_own_forums(
    app: Flask, runner, api_as
) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    api, _u = api_as("samordnare", "soderort")
    meetings = api.get("/api/v1/meetings").get_json()
    assert meetings, "the demo has meetings"
    held = [m for m in meetings if m["status"] == "genomfort"]
    assert held and held[0]["minutes_markdown"]
    assert all(m["agenda"] for m in held)
    one = api.get(f"/api/v1/meetings/{meetings[0]['id']}")
    assert one.status_code == 200 and one.get_json()["id"] == meetings[0]["id"]
    nacka, _n = api_as("samordnare", "nacka")
    assert nacka.get(f"/api/v1/meetings/{meetings[0]['id']}").status_code == 404
    assert meetings[0]["id"] not in {m["id"] for m in nacka.get("/api/v1/meetings").get_json()}
    # a ledamot who sits in no forum sees no meetings
    ledamot, _l = api_as("ledamot", "soderort")
    assert ledamot.get("/api/v1/meetings").get_json() == []
    assert ledamot.get(f"/api/v1/meetings/{meetings[0]['id']}").status_code == 404


def test_future_date_and_unknown_fields_are_refused(make: Factories, api_as) -> None:
    fault = make.fault()
    api, _u = api_as("ombud")
    url = f"/api/v1/faults/{fault.ref}/occurrences"
    future = api.post(url, {"observed_on": (date.today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 422
    extra = api.post(url, {"observed_on": date.today().isoformat(), "klient": "x"})
    assert extra.status_code == 422 and "klient" in extra.get_json()["errors"]["json"]
    not_json = api.client.post(
        url, data="observed_on=2026-01-01", headers=api._headers(), content_type="text/plain"
    )
    assert not_json.status_code in (415, 422) and not_json.mimetype == PROBLEM


def test_unknown_paths_and_methods_are_problems_too(api_as) -> None:
    api, _u = api_as("ombud")
    for url in ("/api/v1/nothing", "/api/v1/meetings/2147483648", "/api/v1/reports/١٢"):
        resp = api.get(url)
        assert resp.status_code == 404 and resp.mimetype == PROBLEM, url
    wrong = api.client.delete("/api/v1/faults", headers=api._headers())
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM
    assert set(wrong.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
