"""The network's compiled "Uppmärksammade brister": only what the members share, small
counts suppressed, network roles only, the coordinator's draft and final text, the CLI."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from tests.conftest import csrf_token, do_login, post
from tracker.faults.models import Fault
from tracker.networks import services
from tracker.networks.models import Network, NetworkReportDraft

from .conftest import engine_session

YEAR = date.today().year
URL = f"/networks/stockholm/reports/{YEAR}"
NARRATIVE = "HEMLIG-IAKTTAGELSE om en klient"
DESCRIPTION = "INTERN-BESKRIVNING som aldrig delas"


def set_summary(app, fault, summary):
    with engine_session(app) as s:
        f = s.get(Fault, fault.id)
        f.report_summary = summary
        s.add(f)
        s.commit()


@pytest.fixture
def shared(app, make, network, escalate):
    """Two linked faults (soderort 5 occurrences, nacka 1), a single shared fault of
    nacka, and an unshared fault of soderort with a narrative."""
    a = make.fault(
        title="Lång väntan på handläggare",
        occurrences=5,
        narrative=NARRATIVE,
        description=DESCRIPTION,
    )
    b = make.fault(org="nacka", title="Handläggare svarar inte", occurrences=1)
    c = make.fault(
        org="nacka", title="Psykiatrin ställer in besök", authority="Psykiatri", occurrences=4
    )
    # two occurrences: neither escalated nor recurring (3 within 12 months), so not shared
    hidden = make.fault(title="Inte delat systemfel", occurrences=2, narrative=NARRATIVE)
    for f in (a, b, c):
        escalate(f)
    set_summary(app, a, "Klienter får vänta i månader på beslut")
    with engine_session(app) as s:
        services.link(
            s,
            network=s.get(Network, network.id),
            a=s.get(Fault, a.id),
            b=s.get(Fault, b.id),
            actor_id=None,
        )
        s.commit()
    return a, b, c, hidden


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_only_shared_faults_in_page_md_and_docx(client, coordinator, shared):
    coordinator(client, role="natverksledamot")
    html = client.get(URL).get_data(as_text=True)
    md = client.get(f"{URL}.md")
    docx = client.get(f"{URL}.docx")
    assert md.status_code == docx.status_code == 200
    assert md.mimetype == "text/markdown"
    text = docx_text(docx.data)
    for body in (html, md.get_data(as_text=True), text):
        assert "Lång väntan på handläggare" in body
        assert "Psykiatrin ställer in besök" in body
        assert "Klienter får vänta i månader på beslut" in body
        assert "Inte delat systemfel" not in body
        assert "HEMLIG" not in body and "INTERN-BESKRIVNING" not in body
        assert "Sett i 2 av 2 verksamheter" in body
        assert "FÖRSÄKRINGSKASSAN" in body.upper()
    markdown = md.get_data(as_text=True)
    # grouped by heading and authority, as the organisation's section
    assert "#### Försäkringskassan" in markdown and "#### Psykiatri" in markdown
    assert "## Bilaga: statistik per verksamhet" in markdown


def appendix_rows(md):
    return {
        line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
        for line in md.splitlines()
        if line.startswith("| PO ") or line.startswith("| Totalt")
    }


def test_counts_in_the_appendix(client, coordinator, shared):
    coordinator(client)
    rows = appendix_rows(client.get(f"{URL}.md").get_data(as_text=True))
    # nacka: 1 + 4 = 5 occurrences; soderort: 5 (the unshared fault's 2 never count)
    assert rows["PO Nacka"][:2] == ["2", "5"] and rows["PO Soderort"][:2] == ["1", "5"]
    assert rows["Totalt"][:2] == ["3", "10"]


def test_small_counts_are_suppressed_in_the_appendix(app, client, make, network, escalate):
    today = date.today()
    small = make.fault(title="Ett enstaka fel", occurrences=1, observed_on=today)
    big = make.fault(org="nacka", title="Ett vanligt fel", occurrences=4, observed_on=today)
    escalate(small)
    escalate(big)
    client_user = make.user("natverk", org=None)
    with engine_session(app) as s:
        net = s.get(Network, network.id)
        services.set_role(
            s, network=net, user_id=client_user.id, role="natverksledamot", actor_id=None
        )
        s.commit()
    assert do_login(client, client_user.email).status_code == 302
    md = client.get(f"{URL}.md").get_data(as_text=True)
    rows = appendix_rows(md)
    soderort, nacka, total = rows["PO Soderort"], rows["PO Nacka"], rows["Totalt"]
    assert soderort[1] == "färre än 3"  # 1 occurrence
    # the small count cannot be computed back: the total or nacka's count is hidden too
    assert not (nacka[1].isdigit() and total[1].isdigit())
    assert "dold" in (nacka[1], total[1])
    # the same in the quarter of today, and in the text's per-fault counts
    q = 2 + (today.month - 1) // 3
    assert soderort[q] in ("färre än 3", "dold")
    assert not (nacka[q].isdigit() and total[q].isdigit())
    assert re.search(r"PO Soderort (färre än 3|dold)\.", md) and "PO Soderort 1." not in md
    html = client.get(URL).get_data(as_text=True)
    assert "färre än 3" in html


def test_network_roles_only(app, client, make, network, shared):
    member = make.user("admin", "soderort")  # a member organisation's worker, no role
    assert do_login(client, member.email).status_code == 302
    assert client.get("/networks/stockholm/").status_code == 200
    assert URL not in client.get("/networks/stockholm/").get_data(as_text=True)
    for url in (URL, f"{URL}.md", f"{URL}.docx"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/account/password")
    assert client.post(f"{URL}/draft", data={"csrf_token": token}).status_code == 404
    client = app.test_client()
    other = make.user("natverk", org=None)
    with engine_session(app) as s:
        net = services.create_network(s, slug="goteborg", name="Göteborg", actor_id=None)
        services.set_role(
            s, network=net, user_id=other.id, role="natverkssamordnare", actor_id=None
        )
        s.commit()
    assert do_login(client, other.email).status_code == 302
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}.md").status_code == 404
    assert client.get(f"/networks/goteborg/reports/{YEAR}").status_code == 200
    token = csrf_token(client, "/account/password")
    assert client.post(f"{URL}/draft", data={"csrf_token": token}).status_code == 404


def test_ledamot_reads_but_cannot_write(client, coordinator, shared):
    coordinator(client, role="natverksledamot")
    html = client.get(URL).get_data(as_text=True)
    assert "Skapa utkast" not in html
    token = csrf_token(client, "/account/password")
    assert client.post(f"{URL}/draft", data={"csrf_token": token}).status_code == 404


def test_draft_save_stale_and_final(app, client, make, network, coordinator, shared):
    coordinator(client)
    register = client.get("/networks/stockholm/").get_data(as_text=True)
    assert URL in register  # the link for network roles
    # without CSRF nothing is made
    assert client.post(f"{URL}/draft").status_code == 400
    resp = post(client, f"{URL}/draft", form_url=URL)
    assert resp.status_code == 302
    with engine_session(app) as s:
        draft = s.exec(select(NetworkReportDraft)).one()
    assert draft.version == 1 and not draft.final and "Sett i 2 av 2" in draft.markdown
    edited = draft.markdown + "\nSamordnarens tillägg om året.\n"
    resp = post(client, f"{URL}/save", {"markdown": edited, "version": "1"}, form_url=URL)
    assert resp.status_code == 302
    # a stale save (version 1 again) is refused and the typed text kept
    typed = "Min text som inte får försvinna"
    stale = post(client, f"{URL}/save", {"markdown": typed, "version": "1"}, form_url=URL)
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "sparats av någon annan" in page and typed in page
    bad = post(client, f"{URL}/save", {"markdown": "", "version": "2"}, form_url=URL)
    assert bad.status_code == 400
    # not final yet: the page shows the generated text
    assert "Samordnarens tillägg" not in client.get(f"{URL}.md").get_data(as_text=True)
    no_confirm = post(client, f"{URL}/final", {"version": "2"}, form_url=URL)
    assert no_confirm.status_code == 400
    final = post(client, f"{URL}/final", {"version": "2", "confirm": "y"}, form_url=URL)
    assert final.status_code == 302
    with engine_session(app) as s:
        draft = s.exec(select(NetworkReportDraft)).one()
    assert draft.final and draft.version == 3
    html = client.get(URL).get_data(as_text=True)
    assert "Samordnarens tillägg om året." in html and "Slutlig" in html
    assert "Samordnarens tillägg" in client.get(f"{URL}.md").get_data(as_text=True)
    assert "Samordnarens tillägg" in docx_text(client.get(f"{URL}.docx").data)
    again = post(client, f"{URL}/save", {"markdown": typed, "version": "3"}, form_url=URL)
    assert again.status_code == 409
    # a reader sees the final text too
    reader = app.test_client()
    coordinator(reader, role="natverksledamot")
    assert "Samordnarens tillägg" in reader.get(URL).get_data(as_text=True)


def test_an_identifier_in_the_draft_is_refused(app, client, coordinator, shared):
    coordinator(client)
    post(client, f"{URL}/draft", form_url=URL)
    resp = post(
        client, f"{URL}/save", {"markdown": "Klient 811228-9874", "version": "1"}, form_url=URL
    )
    assert resp.status_code == 400
    with engine_session(app) as s:
        assert "811228" not in s.exec(select(NetworkReportDraft)).one().markdown


def test_statements_per_request(client, coordinator, shared, count_queries):
    coordinator(client)
    post(client, f"{URL}/draft", form_url=URL)
    for url in (URL, f"{URL}.md", f"{URL}.docx", "/networks/stockholm/"):
        count_queries.reset()
        assert client.get(url).status_code == 200, url
        assert count_queries.count <= 15, (url, count_queries.count)
    count_queries.reset()
    token = csrf_token(client, URL)
    count_queries.reset()
    resp = client.post(
        f"{URL}/save", data={"csrf_token": token, "markdown": "# Ny text", "version": "1"}
    )
    assert resp.status_code == 302 and count_queries.count <= 15, count_queries.count


def test_cli_md_and_docx(app, runner, make, network, shared, tmp_path):
    out = tmp_path / "r.md"
    args = ["report", "--network", "stockholm", "--year", str(YEAR), "--out"]
    result = runner.invoke(args=[*args, str(out), "--format", "md"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "Lång väntan på handläggare" in text and "Inte delat" not in text
    assert "HEMLIG" not in text and "genererad text" in result.output
    docx = tmp_path / "r.docx"
    result = runner.invoke(args=[*args, str(docx), "--format", "docx"])
    assert result.exit_code == 0, result.output
    body = docx_text(docx.read_bytes())
    assert "Sett i 2 av 2 verksamheter" in body and "HEMLIG" not in body
    both = runner.invoke(args=[*args, str(out), "--org", "soderort"])
    assert both.exit_code != 0 and "antingen --org eller --network" in both.output
    neither = runner.invoke(args=["report", "--year", str(YEAR), "--out", str(out)])
    assert neither.exit_code != 0 and "antingen --org eller --network" in neither.output
    missing = runner.invoke(args=["report", "--network", "nope", "--year", "2026", "--out", "x"])
    assert missing.exit_code != 0 and "Inget nätverk" in missing.output


def test_year_out_of_range_and_unknown_format(client, coordinator, shared):
    coordinator(client)
    assert client.get("/networks/stockholm/reports/1999").status_code == 404
    assert client.get(f"{URL}.pdf").status_code == 404
    assert re.search(r"Uppmärksammade brister", client.get(URL).get_data(as_text=True))


def test_a_fault_kept_by_its_admin_leaves_the_generated_report(app, client, coordinator, shared):
    _a, _b, c, _hidden = shared
    coordinator(client)
    assert "Psykiatrin ställer in besök" in client.get(f"{URL}.md").get_data(as_text=True)
    with engine_session(app) as s:
        services.set_fault_share(s, fault=s.get(Fault, c.id), choice="keep", actor_id=None)
        s.commit()
    md = client.get(f"{URL}.md").get_data(as_text=True)
    assert "Psykiatrin ställer in besök" not in md and "#### Psykiatri" not in md
    nacka = appendix_rows(md)["PO Nacka"]
    assert nacka[0] == "1" and nacka[1] in ("färre än 3", "dold")


def test_a_final_report_is_opened_again_with_a_reason(app, client, coordinator, shared):
    coordinator(client)
    post(client, f"{URL}/draft", form_url=URL)
    assert (
        post(client, f"{URL}/final", {"version": "1", "confirm": "y"}, form_url=URL).status_code
        == 302
    )
    # a reader cannot open it
    reader = app.test_client()
    coordinator(reader, role="natverksledamot")
    refused = post(reader, f"{URL}/reopen", {"reason": "Fel", "version": "2"}, form_url=URL)
    assert refused.status_code == 404
    # no reason, or a personnummer in it: refused with the text kept
    assert (
        post(client, f"{URL}/reopen", {"reason": "", "version": "2"}, form_url=URL).status_code
        == 400
    )
    typed = "Siffran för ombudet 811228-9874 var fel"
    resp = post(client, f"{URL}/reopen", {"reason": typed, "version": "2"}, form_url=URL)
    assert resp.status_code == 400 and typed in resp.get_data(as_text=True)
    reason = "Nackas siffror för kvartal fyra kom sent."
    resp = post(client, f"{URL}/reopen", {"reason": reason, "version": "2"}, form_url=URL)
    assert resp.status_code == 302
    with engine_session(app) as s:
        draft = s.exec(select(NetworkReportDraft)).one()
    assert not draft.final and draft.version == 3 and draft.reopen_reason == reason
    page = client.get(URL).get_data(as_text=True)
    assert reason in page and "Spara utkastet" in page  # editable again, and why
    # opened once: a second try with the old version is refused
    again = post(client, f"{URL}/reopen", {"reason": reason, "version": "2"}, form_url=URL)
    assert again.status_code == 409
