"""The annual report's "Uppmärksammade brister" section."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import docx
from sqlmodel import Session, select

from tests.conftest import do_login, post
from tracker.audit import AuditEntry
from tracker.faults import services as faults
from tracker.faults.models import Fault, Theme
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem, Meeting
from tracker.orgs.defaults import REPORT_SECTIONS
from tracker.orgs.models import Authority, Organisation
from tracker.reports.build import build
from tracker.reports.docx_export import markdown_to_docx
from tracker.reports.writing import to_markdown

from ..test_suppression import solutions

YEAR = date.today().year - 1  # a whole past year: every date in it is valid


def fault_in(
    app,
    org: Organisation,
    title: str,
    authority: str,
    n: int,
    *,
    year=YEAR,
    themes: tuple[str, ...] = (),
    others: tuple[str, ...] = (),
    summary: str = "",
) -> Fault:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        auths = {a.name: a.id for a in s.exec(select(Authority).where(Authority.org_id == org.id))}
        theme_ids = [
            t.id for t in s.exec(select(Theme).where(Theme.org_id == org.id)) if t.name in themes
        ]
        f = faults.create_fault(
            s,
            org_id=org.id,
            actor_id=None,
            title=title,
            primary_authority_id=auths[authority],
            theme_ids=theme_ids,
            other_authority_ids=[auths[o] for o in others],
            report_summary=summary,
            created_on=date(year, 1, 5),
        )
        for i in range(n):
            faults.log_occurrence(
                s,
                fault=f,
                actor_id=None,
                observed_on=date(year, 1 + (i * 3) % 12, 10),
                narrative="Hemlig berättelse om en klient",
                consequences=["inkomstbortfall"],
            )
        s.commit()
        return f


def markdown_for(app, orgs, year=YEAR) -> str:
    with app.app_context():
        from flask import g

        from tracker import db

        g.memberships = []
        return to_markdown(build(db.session(), orgs, year))


def test_headings_in_order_and_faults_under_the_right_one(app, make):
    org = make.org()
    fk = fault_in(
        app,
        org,
        "Långa handläggningstider",
        "Försäkringskassan",
        5,
        summary="Beslut dröjer i månader.",
    )
    fs = fault_in(app, org, "Svårt att nå handläggare", "Försörjningsstöd (ekonomiskt bistånd)", 4)
    sip = fault_in(
        app, org, "SIP följs inte upp", "Socialpsykiatri/boendestöd", 3, themes=("samordning",)
    )
    two = fault_in(
        app, org, "Krav som inte går ihop", "Arbetsförmedlingen", 3, others=("Psykiatri",)
    )
    bank = fault_in(app, org, "Inget BankID", "Skatteverket", 3, themes=("digitalisering",))
    few = fault_in(app, org, "Sällsynt fel", "Psykiatri", 1)
    old = fault_in(app, org, "Förra årets fel", "Kronofogden", 4, year=YEAR - 1)
    md = markdown_for(app, [org])
    assert md.startswith(f"# Uppmärksammade brister {YEAR}")
    assert "Rutiner har upprättats för hur uppmärksammade brister ska hanteras" in md
    order = [h for h, _c in REPORT_SECTIONS]
    present = [h for h in order if f"### {h}" in md]
    assert present == [h for h in order if h in present]  # configured order
    assert "### ALLMÄNT" not in md  # empty sections are left out

    def section_of(f: Fault) -> str:
        pos = md.index(f"({f.ref},")
        return md[:pos].rsplit("\n### ", 1)[1].split("\n", 1)[0]

    assert section_of(fk) == "FÖRSÄKRINGSKASSAN"
    assert section_of(fs) == "KOMMUN" and md.index("#### Försörjningsstöd") < md.index(fs.ref)
    assert section_of(sip).startswith("SAMVERKAN") and section_of(two).startswith("SAMVERKAN")
    assert section_of(bank) == "DIGITALISERING"
    assert "Beslut dröjer i månader." in md and "5 förekomster under året" in md
    assert "inkomstbortfall" in md
    assert f"{few.ref}" in md and "färre än 3 förekomster" in md
    assert old.ref not in md.split("## Bilaga")[0]
    assert "Hemlig berättelse" not in md
    assert f"Jämfört med {YEAR - 1}: 6 nya systemfel, 0 kvarstående" in md


def test_actions_match_the_minuted_decisions(app, make):
    org = make.org()
    f = fault_in(app, org, "Läkarbrist", "Psykiatri", 3)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        meetings.escalate(
            s, fault=s.get(Fault, f.id), forum=forum, ask="x", actor_id=None, accept=True
        )
        for month, decision, outcome in (
            (3, "Psykiatrin utreder", "foljs_upp"),
            (6, "Fler läkare anställda", "atgardat"),
        ):
            m = Meeting(
                org_id=org.id, forum_id=forum.id, starts_at=datetime(YEAR, month, 15, 8, tzinfo=UTC)
            )
            s.add(m)
            s.flush()
            meetings.build_agenda(s, m)
            item = s.exec(
                select(AgendaItem).where(
                    AgendaItem.meeting_id == m.id, AgendaItem.section != "statistik"
                )
            ).one()
            meetings.save_minutes(
                s,
                meeting=m,
                item=item,
                actor_id=None,
                minutes=meetings.Minutes(decision=decision, outcome=outcome),
            )
            meetings.finalise(s, meeting=m, actor_id=None)
        s.commit()
    md = markdown_for(app, [org])
    actions = md.split("## Ge exempel")[1].split("## Bilaga")[0]
    lines = [line for line in actions.splitlines() if line.startswith("- ")]
    # one bullet per fault, with when it was raised and its latest decision and result
    assert lines == [
        f"- Läkarbrist: lyftes i ledningsgruppen 15 mars {YEAR} och 15 juni {YEAR}; "
        "senaste beslut: Fler läkare anställda; resultat: avslutat – åtgärdat.",
    ]
    assert "0 kvarstående och 1 åtgärdat." in md  # singular


def test_docx_has_the_same_headings_in_order_with_heading_styles(app, make, client):
    org = make.org()
    fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", 4)
    fault_in(app, org, "Svårt att nå", "Försörjningsstöd (ekonomiskt bistånd)", 4)
    md = markdown_for(app, [org])
    do_login(client, make.user("ombud").email)
    resp = client.get(f"/reports/{YEAR}.docx")
    assert resp.status_code == 200
    document = docx.Document(io.BytesIO(resp.data))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    expected = [
        (f"Heading {line.count('#', 0, 4)}", line.lstrip("#").strip())
        for line in md.splitlines()
        if line.startswith("#")
    ]
    assert headings == expected
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "Avsnitt" and len(table.rows) >= 3


def test_rollup_labels_organisations(app, make, client):
    a, b = make.org("soderort", "PO Söderort"), make.org("nacka", "PO Nacka")
    fault_in(app, a, "Fel i Söderort", "Försäkringskassan", 3)
    fault_in(app, b, "Fel i Nacka", "Försäkringskassan", 3)
    user = make.user("samordnare", "soderort")
    with Session(app.extensions["db_engine"]) as s:
        from tracker.orgs import services as orgs

        orgs.set_membership(s, user_id=user.id, org_id=b.id, role="samordnare", actor_id=None)
        s.commit()
    do_login(client, user.email)
    page = client.get(f"/reports/{YEAR}/combined?org={a.id}&org={b.id}").get_data(as_text=True)
    assert "Fel i Söderort</strong> (PO Söderort)" in page
    assert "Fel i Nacka</strong> (PO Nacka)" in page
    # an organisation the user is not in cannot be added
    other = make.org("ekero", "PO Ekerö")
    fault_in(app, other, "Fel i Ekerö", "Försäkringskassan", 3)
    page = client.get(f"/reports/{YEAR}/combined?org={a.id}&org={other.id}").get_data(as_text=True)
    assert "Fel i Ekerö" not in page


def test_draft_workflow_diff_history_final_and_guard(app, make, client, session):
    org = make.org()
    fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", 3)
    do_login(client, make.user("ombud").email)
    url = f"/reports/{YEAR}"
    assert "Skapa utkast" in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/draft", form_url=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Version 1" in page and "Långa handläggningstider" in page
    from .test_draft_editor import sections, set_text, stored

    form = sections(page)
    saved = post(client, f"{url}/draft/save", set_text(form, "# ", "Vår egen text."), url)
    assert saved.status_code == 302
    edited = stored(app, org).markdown
    assert "Vår egen text." in edited
    # a personnummer is refused with the span, the text kept
    form = sections(client.get(url).get_data(as_text=True))
    bad = post(
        client, f"{url}/draft/save", set_text(form, "# ", "Vår egen text.\nKlient 811228-9874"), url
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "811228-9874" in html and "Vår egen text." in html
    # the old one-text form is refused, not taken as "nothing changed"
    old = post(client, f"{url}/draft/save", {"markdown": "Gammal", "version": "1"}, form_url=url)
    assert old.status_code == 400
    # new data: listed in words beside the draft, which is not overwritten
    fault_in(app, org, "Nytt fel efter utkastet", "Arbetsförmedlingen", 3)
    page = client.get(url).get_data(as_text=True)
    assert "Underlaget har ändrats" in page and "Nytt fel efter utkastet" in page
    assert "Vår egen text." in page
    assert "Version 2" in page  # history
    # an ombud cannot make it final; a samordnare must confirm
    assert client.get(f"{url}/final").status_code == 403
    assert post(client, f"{url}/final", {"confirm": "y"}, form_url=url).status_code == 403
    samordnare = app.test_client()
    do_login(samordnare, make.user("samordnare").email)
    refused = post(samordnare, f"{url}/final", {}, form_url=f"{url}/final")
    assert refused.status_code == 400
    assert "Kryssa i att du vill markera avsnittet som slutligt" in refused.get_data(as_text=True)
    final = post(samordnare, f"{url}/final", {"confirm": "y"}, form_url=f"{url}/final")
    assert final.status_code == 302
    assert client.get(f"{url}.md").get_data(as_text=True) == edited
    locked = post(client, f"{url}/draft/save", set_text(form, "# ", "x"), form_url=url)
    assert locked.status_code == 409
    # only an admin reopens it, with a reason that is kept and guarded
    assert samordnare.get(f"{url}/reopen").status_code == 403
    admin = app.test_client()
    do_login(admin, make.user("admin").email)
    reopen = f"{url}/reopen"
    assert post(admin, reopen, {"reason": ""}, form_url=reopen).status_code == 400
    bad = post(admin, reopen, {"reason": "Klient 811228-9874"}, form_url=reopen)
    assert bad.status_code == 400 and "811228-9874" in bad.get_data(as_text=True)
    assert post(admin, reopen, {"reason": "En åtgärd saknades"}, form_url=reopen).status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "Skäl: En åtgärd saknades" in page and "Spara utkastet" in page
    assert "Version 2" in page  # the versions are kept
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "report_draft.reopened"))
    assert entry.one().object_type == "report_draft"


def test_members_cannot_reach_reports(client, login):
    login("ledamot")
    assert client.get(f"/reports/{YEAR}").status_code == 403


def test_cli_report_writes_final_or_generated(app, make, runner, tmp_path):
    org = make.org()
    fault_in(app, org, "Fel för CLI", "Försäkringskassan", 3)
    out = tmp_path / "r.md"
    result = runner.invoke(
        args=["report", "--org", org.slug, "--year", str(YEAR), "--format", "md", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Fel för CLI" in out.read_text() and "genererad text" in result.output
    result = runner.invoke(
        args=[
            "report",
            "--org",
            org.slug,
            "--year",
            str(YEAR),
            "--format",
            "docx",
            "--out",
            str(tmp_path / "r.docx"),
        ]
    )
    assert result.exit_code == 0
    assert docx.Document(str(tmp_path / "r.docx")).paragraphs[0].style.name == "Heading 1"


# ---- small counts ------------------------------------------------------------------------


def fault_on(app, org: Organisation, title: str, authority: str, days: list[date]) -> Fault:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        auth = s.exec(
            select(Authority).where(Authority.org_id == org.id, Authority.name == authority)
        ).one()
        f = faults.create_fault(
            s,
            org_id=org.id,
            actor_id=None,
            title=title,
            primary_authority_id=auth.id,
            created_on=date(YEAR, 1, 2),
        )
        for day in days:
            faults.log_occurrence(s, fault=f, actor_id=None, observed_on=day, narrative="")
        s.commit()
        return f


_FAULT_LINE = re.compile(
    r"^- \*\*.+?\*\*(?: \(PO [^)]+\))? \((?P<ref>SF-\d+-\d+), (?P<auth>[^)]+)\)(?:\..*)?"
    r"(?: \(|: )(?:(?P<n>\d+|färre än \d+) förekomster under året"
    r"|(?P<dold>antalet förekomster under året är dolt))"
)


def hidden_cells_with_one_possible_value(md: str, limit: int) -> list[tuple]:
    """Read the report as a reader would: the appendix rows (total = sum of quarters) and
    the per-fault counts (total = sum of the row's faults), with "färre än N" = 1..N-1 and
    "dold" = any count; enumerate every table that fits and return the hidden cells that
    have only one possible value."""
    summary, appendix = md.split("## Bilaga: statistik")
    labels: dict[tuple, str] = {}
    faults_of: dict[tuple, list[tuple]] = {}
    heading = ""
    for i, line in enumerate(summary.splitlines()):
        if line.startswith(("### ", "#### ")):
            heading = line.split(" ", 1)[1]
        m = _FAULT_LINE.match(line)
        if m:
            key = ("fault", i)  # a combined report repeats refs across organisations
            labels[key] = "dold" if m["dold"] else m["n"]
            faults_of.setdefault((heading, m["auth"]), []).append(key)
    lines: list = []
    for row in appendix.splitlines()[4:]:
        if not row.startswith("| "):
            break
        section, auth, _n, *counts = [c.strip() for c in row.strip("|").split("|")]
        keys = [(section, auth, col) for col in ("total", "K1", "K2", "K3", "K4")]
        labels.update(zip(keys, counts, strict=True))
        lines.append((keys[0], keys[1:]))
        lines.append((keys[0], faults_of.pop((section, auth))))
    assert not faults_of, "every fault belongs to a row of the appendix"
    cap = max(int(v) for v in labels.values() if v.isdigit()) + limit + 2
    domains = {
        k: [int(v)] if v.isdigit() else range(1, limit) if v.startswith("färre") else range(cap)
        for k, v in sorted(labels.items(), key=lambda kv: kv[0][-1] == "total")
    }
    seen: dict[tuple, set[int]] = {k: set() for k, v in labels.items() if not v.isdigit()}
    for table in solutions(domains, lines):
        for k in seen:
            seen[k].add(table[k])
    assert seen, "the example has hidden cells"
    return [k for k, values in seen.items() if len(values) < 2]


def test_no_small_count_can_be_computed_from_the_report(app, make):
    org = make.org()
    # Arbetsförmedlingen: 5 = "färre än 3" + 0 + 0 + 3, and per fault 5 = "färre än 3" + 3
    few = fault_on(app, org, "Få fel hos AF", "Arbetsförmedlingen", [date(YEAR, 1, 10)] * 2)
    more = fault_on(app, org, "Fler fel hos AF", "Arbetsförmedlingen", [date(YEAR, 10, 3)] * 3)
    # four times "färre än 3" next to a shown 4 can only be 1 + 1 + 1 + 1
    fault_on(app, org, "Jämnt spritt", "Psykiatri", [date(YEAR, m, 5) for m in (2, 5, 8, 11)])
    fault_on(app, org, "Många", "Försäkringskassan", [date(YEAR, 3, d) for d in range(1, 10)])
    md = markdown_for(app, [org])
    assert "| ARBETSFÖRMEDLINGEN | Arbetsförmedlingen | 2 | 5 | färre än 3 | 0 | 0 | dold |" in md
    assert "| Försäkringskassan | 1 | 9 | 9 | 0 | 0 | 0 |" in md  # nothing small: all shown
    line_of = {f.ref: next(x for x in md.splitlines() if f"({f.ref}," in x) for f in (few, more)}
    assert "färre än 3 förekomster under året" in line_of[few.ref]
    assert "dolt för att skydda små tal" in line_of[more.ref] and "3 förek" not in line_of[more.ref]
    assert "K1–K4 = kvartal 1–4 (jan–mar, apr–jun, jul–sep, okt–dec)" in md
    assert "”dold” = dolt för att skydda små tal" in md
    assert hidden_cells_with_one_possible_value(md, 3) == []
    # the Word export is built from the same Markdown
    document = docx.Document(io.BytesIO(markdown_to_docx(md)))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "dold" in cells and "färre än 3" in cells
    assert any(p.text.startswith("K1–K4 = kvartal") for p in document.paragraphs)


def test_the_combined_report_hides_with_the_highest_limit(app, make):
    a, b = make.org("soderort", "PO Söderort"), make.org("nacka", "PO Nacka")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        b = s.get(Organisation, b.id)
        b.small_count_limit = 4
        s.commit()
    fault_on(app, a, "Fel i Söderort", "Arbetsförmedlingen", [date(YEAR, 1, 10)] * 3)
    fault_on(app, b, "Fel i Nacka", "Arbetsförmedlingen", [date(YEAR, 10, 3)] * 4)
    md = markdown_for(app, [a, b])
    assert "färre än 4" in md and "färre än 3" not in md
    assert "| Arbetsförmedlingen | 2 | 7 | färre än 4 | 0 | 0 | dold |" in md
    assert hidden_cells_with_one_possible_value(md, 4) == []


def test_counts_quarters_and_consequences_come_from_the_database(app, make):
    org = make.org()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        auth = s.exec(
            select(Authority).where(
                Authority.org_id == org.id, Authority.name == "Försäkringskassan"
            )
        ).one()
        f = faults.create_fault(
            s,
            org_id=org.id,
            actor_id=None,
            title="Konsekvenser räknas",
            primary_authority_id=auth.id,
            created_on=date(YEAR, 1, 5),
        )
        mixes = [["halsa", "skulder"], ["halsa"], ["halsa", "barn"], ["skulder"], [], ["vrakning"]]
        mixes += [["halsa"], ["skulder"], ["annat"]]
        for i, mix in enumerate(mixes):
            faults.log_occurrence(
                s, fault=f, actor_id=None, observed_on=date(YEAR, 1 + i, 3), consequences=mix
            )
        faults.log_occurrence(
            s,
            fault=f,
            actor_id=None,
            observed_on=date(YEAR - 1, 12, 31),
            consequences=["barn", "barn"],
        )
        s.commit()
    md = markdown_for(app, [org])
    line = next(x for x in md.splitlines() if "Konsekvenser räknas" in x and "konsekvenser:" in x)
    # hälsa 4, skulder 3, then one of the single ones; the previous year's row is not counted
    assert "9 förekomster under året" in line
    assert "vanligaste konsekvenser: försämrad hälsa, skuldsättning, " in line


def test_a_fault_line_reads_as_text(app, make):
    org = make.org()
    bare = fault_in(app, org, "Sen utbetalning", "Försäkringskassan", 4)
    told = fault_in(
        app, org, "Svårt att nå", "Arbetsförmedlingen", 5, summary="Handläggare svarar inte"
    )
    md = markdown_for(app, [org])
    line = next(x for x in md.splitlines() if f"({bare.ref}," in x)
    # no summary: the title is not repeated as the text
    assert line.count("Sen utbetalning") == 1
    assert line.startswith(f"- **Sen utbetalning** ({bare.ref}, Försäkringskassan): 4 förekomster")
    assert line.endswith(".")
    # a summary becomes a sentence with its full stop
    line = next(x for x in md.splitlines() if f"({told.ref}," in x)
    assert "Handläggare svarar inte. (5 förekomster under året" in line
    assert f"Jämfört med {YEAR - 1}: 2 nya systemfel, 0 kvarstående och 0 åtgärdade." in md


def test_one_occurrence_is_written_in_the_singular(app, make):
    """With no small-count limit a single occurrence is shown as "1 förekomst"."""
    org = make.org()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        row = s.get(Organisation, org.id)
        row.small_count_limit = 1
        s.commit()
        org = row
    fault_on(app, org, "Ensamt fel", "Arbetsförmedlingen", [date(YEAR, 2, 3)])
    fault_on(app, org, "Dubbelt fel", "Arbetsförmedlingen", [date(YEAR, 2, 3)] * 2)
    md = markdown_for(app, [org])
    assert "1 förekomst under året" in md and "1 förekomster" not in md
    assert "2 förekomster under året" in md
