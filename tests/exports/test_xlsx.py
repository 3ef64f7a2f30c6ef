"""XLSX exports next to the CSV ones: the fault list as filtered, the annual report's
statistics appendix (small counts hidden exactly as on screen) and a meeting's action
items – real spreadsheets, opened with openpyxl and converted by LibreOffice."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import do_login
from tests.faults.bulk import bulk_load
from tests.meetings.test_actions import add, scenario
from tests.reports.test_report import YEAR, fault_on
from tracker.meetings.actions import today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Calc opens spreadsheets; Debian ships it apart from the Writer the Word export needs
CALC = bool(SOFFICE) and any(Path(os.path.realpath(SOFFICE or "")).parent.glob("libsclo*"))
MISSING_CALC = "LibreOffice Calc is needed: apt-get install libreoffice-calc-nogui"


def sheet_of(resp) -> tuple[openpyxl.Workbook, Worksheet]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == XLSX
    assert resp.headers["Content-Disposition"].endswith('.xlsx"')
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert len(wb.worksheets) == 1
    return wb, wb.worksheets[0]


def header_of(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def rows_of(ws: Worksheet) -> list[list]:
    """The table's rows under the header, up to the first empty row (notes follow it)."""
    out = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if all(v is None for v in row):
            break
        out.append(list(row))
    return out


def assert_spreadsheet_shape(ws: Worksheet) -> None:
    assert all(c.font.b for c in ws[1]), "the header row is bold"
    assert ws.freeze_panes == "A2", "the header row stays in view"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
    assert all(w and w >= 8 for w in widths), widths


# ---- the fault list ----------------------------------------------------------------------


def test_fault_list_as_filtered_with_dates_as_dates(app, client, login, make):
    org = make.org()
    login("ombud")
    long_title = "Beslut om bostadstillägg dröjer över ett halvår"
    fk = make.fault(title=long_title, occurrences=3, observed_on=date(2026, 3, 15))
    make.fault(title="=2+3 ser ut som en formel", occurrences=1)
    make.fault(title="Väntetider hos psykiatrin", authority="Psykiatri", occurrences=2)

    wb, ws = sheet_of(client.get("/faults/export.xlsx?authority=" + str(fk.primary_authority_id)))
    assert ws.title == "Systemfel"
    assert wb.properties.creator == org.name
    assert_spreadsheet_shape(ws)
    assert header_of(ws) == [
        "Referens",
        "Rubrik",
        "Myndighet",
        "Huvudman",
        "Status",
        "Nivå",
        "Teman",
        "Förekomster",
        "Senast",
        "Återkommande",
        "Skapad",
    ]
    rows = rows_of(ws)
    assert sorted(r[1] for r in rows) == ["=2+3 ser ut som en formel", long_title]  # filtered
    row = next(r for r in rows if r[1] == long_title)
    assert row[0] == fk.ref and row[2] == "Försäkringskassan" and row[4] == "Ny"
    assert row[7] == 3 and isinstance(row[7], int)
    assert row[8] == datetime(2026, 3, 15)  # a real date …
    assert isinstance(row[10], datetime) and row[10].date() >= date.today() - timedelta(days=1)
    cell = ws.cell(row=rows.index(row) + 2, column=9)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"  # … shown as 2026-03-15
    formula = ws.cell(row=2 + [r[1] for r in rows].index("=2+3 ser ut som en formel"), column=2)
    assert formula.data_type == "s", "a title that looks like a formula stays text"
    title_width = ws.column_dimensions["B"].width
    assert len(long_title) <= title_width <= 60, "the title column fits the longest title"

    # the same faults as the CSV export with the same filters
    csv_resp = client.get("/faults/export.csv?authority=" + str(fk.primary_authority_id))
    csv_rows = list(
        csv.reader(io.StringIO(csv_resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert sorted(r[0] for r in csv_rows[1:]) == sorted(r[0] for r in rows)


def test_fault_list_refuses_a_bad_date_and_other_roles(app, client, login, make):
    make.org()
    login("ombud")
    assert client.get("/faults/export.xlsx?from=15/3").status_code == 400
    member, ledamot = app.test_client(), make.user("ledamot")
    assert do_login(member, ledamot.email).status_code == 302
    assert member.get("/faults/export.xlsx").status_code in (403, 404)


def test_the_list_page_links_to_the_xlsx_with_its_filters(client, login, make):
    make.org()
    login("ombud")
    page = client.get("/faults/?status=ny&q=bostad").get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'href="(/faults/export\.xlsx[^"]*)"', page)]
    assert links and "status=ny" in links[0] and "q=bostad" in links[0]


# ---- the statistics appendix -------------------------------------------------------------


def screen_appendix(page: str) -> list[list[str]]:
    """The appendix table as the report page shows it: the rows' cells as text."""
    table = page.split("Bilaga: statistik", 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def statistics_scenario(app, make):
    org = make.org()
    # Arbetsförmedlingen: 5 = "färre än 3" + 0 + 0 + 3 → a quarter is hidden as "dold"
    fault_on(app, org, "Få fel hos AF", "Arbetsförmedlingen", [date(YEAR, 1, 10)] * 2)
    fault_on(app, org, "Fler fel hos AF", "Arbetsförmedlingen", [date(YEAR, 10, 3)] * 3)
    fault_on(app, org, "Många", "Försäkringskassan", [date(YEAR, 3, d) for d in range(1, 10)])
    return org


def test_statistics_appendix_hides_small_counts_exactly_as_on_screen(app, client, make):
    org = statistics_scenario(app, make)
    user = make.user("samordnare")
    assert do_login(client, user.email).status_code == 302
    page = client.get(f"/reports/{YEAR}").get_data(as_text=True)
    assert f"/reports/{YEAR}/statistics.xlsx" in page
    on_screen = screen_appendix(page)
    assert on_screen, "the report page shows the appendix"

    wb, ws = sheet_of(client.get(f"/reports/{YEAR}/statistics.xlsx"))
    assert ws.title == f"Statistik {YEAR}"
    assert wb.properties.creator == org.name
    assert_spreadsheet_shape(ws)
    assert header_of(ws) == [
        "Avsnitt",
        "Myndighet",
        "Systemfel",
        "Förekomster",
        "K1",
        "K2",
        "K3",
        "K4",
    ]
    rows = rows_of(ws)
    assert [[str(v) for v in r] for r in rows] == on_screen
    af = next(r for r in rows if r[1] == "Arbetsförmedlingen")
    assert af[2:] == [2, 5, "färre än 3", 0, 0, "dold"]
    fk = next(r for r in rows if r[1] == "Försäkringskassan")
    assert fk[2:] == [1, 9, 9, 0, 0, 0] and all(isinstance(v, int) for v in fk[2:])
    notes = [r[0] for r in ws.iter_rows(min_row=len(rows) + 2, values_only=True) if r[0]]
    assert any(n.startswith("K1–K4 = kvartal") for n in notes)
    assert any(n.startswith("”dold” = dolt för att skydda små tal") for n in notes)


def test_statistics_only_for_authors_and_years_in_range(app, client, login, make):
    make.org()
    member, ledamot = app.test_client(), make.user("ledamot")
    assert do_login(member, ledamot.email).status_code == 302
    assert member.get(f"/reports/{YEAR}/statistics.xlsx").status_code in (403, 404)
    login("ombud")
    assert client.get("/reports/1999/statistics.xlsx").status_code == 404
    _wb, ws = sheet_of(client.get(f"/reports/{YEAR}/statistics.xlsx"))  # a year without data
    assert rows_of(ws) == [] and header_of(ws)[0] == "Avsnitt"


# ---- a meeting's action items ------------------------------------------------------------


def test_meeting_action_items_with_due_dates_as_dates(app, client, login, make):
    me = login("samordnare")
    sc = scenario(app, make)
    due = today() + timedelta(days=10)
    assert add(client, sc, title="Ta fram väntetider", due=due.isoformat()).status_code == 302
    assert add(client, sc, title="Bjud in FK", owner=f"u{me.id}").status_code == 302
    page = client.get(f"/meetings/{sc.meeting.id}").get_data(as_text=True)
    assert f"/meetings/{sc.meeting.id}/actions.xlsx" in page

    wb, ws = sheet_of(client.get(f"/meetings/{sc.meeting.id}/actions.xlsx"))
    assert ws.title == "Åtgärder"
    assert wb.properties.creator == sc.org.name
    assert_spreadsheet_shape(ws)
    assert header_of(ws) == [
        "Åtgärd",
        "Ansvarig",
        "Klart senast",
        "Status",
        "Försenad",
        "Ärende",
        "Mötet",
        "Avslutad",
        "Del",
    ]
    rows = {r[0]: r for r in rows_of(ws)}
    assert set(rows) == {"Ta fram väntetider", "Bjud in FK"}
    first = rows["Ta fram väntetider"]
    assert first[1] == "FK:s representant (Försäkringskassan)"
    assert first[2] == datetime(due.year, due.month, due.day) and first[3] == "Öppen"
    assert first[5] == sc.item.title and first[8] == "Beslutad på mötet"
    assert rows["Bjud in FK"][1] == me.name
    row_no = 2 + [r[0] for r in rows_of(ws)].index("Ta fram väntetider")
    assert ws.cell(row=row_no, column=3).is_date
    assert ws.cell(row=row_no, column=3).number_format == "yyyy-mm-dd"


def test_meeting_actions_of_another_organisation_are_not_found(app, client, make):
    sc = scenario(app, make)
    stranger = make.user("samordnare", org="annan")
    assert do_login(client, stranger.email).status_code == 302
    assert client.get(f"/meetings/{sc.meeting.id}/actions.xlsx").status_code == 404


# ---- constant statements -----------------------------------------------------------------


def test_exports_issue_a_constant_number_of_statements(app, make, count_queries):
    """The XLSX exports read their rows in a fixed number of statements, like the pages."""
    counts = []
    for slug, n_faults, n_occ in (("liten", 5, 20), ("stor", 120, 900)):
        make.org(slug, f"PO {slug.title()}")
        bulk_load(app, slug, n_faults, n_occ)
        user, client = make.user("samordnare", org=slug), app.test_client()
        assert do_login(client, user.email).status_code == 302
        per_url = []
        for url in ("/faults/export.xlsx", f"/reports/{date.today().year - 1}/statistics.xlsx"):
            count_queries.reset()
            assert client.get(url).status_code == 200
            per_url.append(count_queries.count)
        counts.append(per_url)
    assert counts[0] == counts[1], counts


# ---- LibreOffice -------------------------------------------------------------------------


@pytest.mark.skipif(not CALC and not os.environ.get("TRACKER_REQUIRE_BROWSER"), reason=MISSING_CALC)
def test_libreoffice_opens_the_fault_list(app, client, login, make, tmp_path: Path):
    assert SOFFICE and CALC, MISSING_CALC
    make.org()
    login("ombud")
    make.fault(title="Återkrav år efteråt", occurrences=2, observed_on=date(2026, 3, 15))
    source = tmp_path / "systemfel.xlsx"
    source.write_bytes(client.get("/faults/export.xlsx").data)
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs side by side
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rows = list(csv.reader((tmp_path / "systemfel.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][:3] == ["Referens", "Rubrik", "Myndighet"]
    assert rows[1][1] == "Återkrav år efteråt"
    assert rows[1][7] == "2" and rows[1][8] == "2026-03-15"  # a number; a date as yyyy-mm-dd
