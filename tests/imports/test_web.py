"""The import pages: upload → (columns) → preview → import, with real files."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlmodel import func, select

from tests.conftest import post
from tests.imports.files import csv_bytes, xlsx
from tracker.faults.models import Fault, Occurrence
from tracker.imports.models import ImportMapping, ImportUpload

ROWS = [
    [
        "2024-03-15",
        "Försäkringskassan",
        "Långa handläggningstider",
        "Väntade länge.",
        "",
        "",
        "",
        "",
    ],
    ["2024-03-16", "Kronofogden", "Utmätning utan förvarning", "", "", "", "", ""],
]
BAD = [
    "2024-03-17",
    "Kronofogden",
    "Utmätning utan förvarning",
    "Ring 070-123 45 67",
    "",
    "",
    "",
    "",
]


def _upload(client, data: bytes, name: str, **extra):
    return post(
        client,
        "/import/",
        {"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_upload_preview_then_import(client, login, session) -> None:
    login("samordnare")
    resp = _upload(client, xlsx(ROWS), "lista.xlsx")
    assert resp.status_code == 302
    preview_url = resp.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Inget är sparat än" in page
    assert "2 förekomster att importera" in page and "2 nya systemfel" in page
    assert _count(session, Occurrence) == 0  # nothing written by the preview
    resp = post(client, preview_url + "/importera", {"mode": "all"}, form_url=preview_url)
    assert resp.status_code == 302
    done = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 förekomster importerade" in done and "lista.xlsx" in done
    assert _count(session, Occurrence) == 2
    assert _count(session, ImportUpload) == 0  # the file is gone once imported
    listed = client.get("/import/").get_data(as_text=True)
    assert "Senaste importerna" in listed and "lista.xlsx" in listed
    titles = set(session.exec(select(Fault.title)))
    assert titles == {"Långa handläggningstider", "Utmätning utan förvarning"}


def test_all_or_nothing_and_import_of_the_valid_rows(client, login, session) -> None:
    login("admin")
    resp = _upload(client, csv_bytes([*ROWS, BAD]), "lista.csv")
    preview_url = resp.headers["Location"]
    # what the upload keeps until the import holds no identifier, only what was found
    session.expire_all()
    kept = session.exec(select(ImportUpload)).one().data
    assert b"070" not in kept and "Väntade länge.".encode() in kept
    page = client.get(preview_url).get_data(as_text=True)
    assert "Avvisade rader" in page
    assert "telefonnummer" in page and "070-123" not in page
    assert ">Importera<" not in page and "Importera de giltiga raderna" in page
    # all-or-nothing asked for anyway: refused, nothing written
    resp = post(client, preview_url + "/importera", {"mode": "all"}, form_url=preview_url)
    assert resp.status_code == 400
    assert "ingenting importerades" in resp.get_data(as_text=True)
    assert _count(session, Occurrence) == 0
    refused = client.get(preview_url + "/avvisade.csv")
    rows = list(
        csv.reader(io.StringIO(refused.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Rad", "Kolumn", "Orsak"]
    assert rows[1][:2] == ["4", "Iakttagelse"] and "telefonnummer" in rows[1][2]
    resp = post(client, preview_url + "/importera", {"mode": "valid"}, form_url=preview_url)
    assert resp.status_code == 302
    result_url = resp.headers["Location"]
    assert "1 avvisade rader" in client.get(result_url).get_data(as_text=True)
    assert _count(session, Occurrence) == 2
    later = client.get(result_url + "/avvisade.csv").get_data(as_text=True)
    assert "4;Iakttagelse;" in later and "070" not in later

    # the same file again: the imported rows are recognised
    resp = _upload(client, csv_bytes([*ROWS, BAD]), "lista.csv")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 rader är redan importerade" in page
    assert "0 förekomster att importera" in page


def test_other_layout_goes_through_the_column_mapping_and_is_remembered(
    client, login, session
) -> None:
    login("samordnare")
    header = ["Löpnr", "När", "Vad", "Var", "Text"]
    data = csv_bytes(
        [["1", "15/3/2024", "Långa handläggningstider", "FÖRSÄKRINGSKASSAN", "x"]],
        header,
        delimiter=",",
    )
    resp = _upload(client, data, "egen.csv")
    assert resp.headers["Location"].endswith("/kolumner")
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Välj kolumner" in page and "Löpnr" in page
    # a required field left out: 400, the choices kept
    resp = post(client, url, {"datum": "1", "systemfel": "2"})
    assert resp.status_code == 400
    assert "Välj kolumnen." in resp.get_data(as_text=True)
    resp = post(
        client,
        url,
        {"datum": "1", "systemfel": "2", "myndighet": "3", "iakttagelse": "4", "save": "y"},
    )
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "1 förekomster att importera" in page
    assert _count(session, ImportMapping) == 1
    # the next file with the same headers skips the mapping step
    resp = _upload(client, data, "egen2.csv")
    assert not resp.headers["Location"].endswith("/kolumner")


def test_files_that_are_no_spreadsheet_get_a_swedish_error(client, login, monkeypatch) -> None:
    from tracker.imports import views

    login("samordnare")
    resp = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "bild.png")
    assert resp.status_code == 400
    assert "Filen är inget kalkylark" in resp.get_data(as_text=True)
    resp = _upload(client, b"PK\x03\x04 not really a zip", "trasig.xlsx")
    assert resp.status_code == 400
    assert "Filen är inget kalkylark" in resp.get_data(as_text=True)
    # (a smaller limit for the test: the test client spools bodies over 500 kB to a file)
    monkeypatch.setattr(views, "WEB_MAX_BYTES", 100 * 1024)
    big = b"Datum;Myndighet;Systemfel\n" + b"2024-01-01;x;y\n" * 20_000
    resp = _upload(client, big, "stor.csv")
    assert resp.status_code == 413
    assert "Filen är för stor" in resp.get_data(as_text=True)


def test_template_download_has_an_instructions_sheet(client, login) -> None:
    login("samordnare")
    resp = client.get("/import/mall.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Förekomster", "Instruktioner"]
    header = [c.value for c in wb["Förekomster"][1]]
    assert header[:4] == ["Datum", "Myndighet", "Systemfel", "Iakttagelse"]
    assert "Försäkringskassan" in str(wb["Instruktioner"]["B9"].value)


def test_ombud_and_ledamot_cannot_import(client, make, login) -> None:
    login("ombud")
    assert client.get("/import/").status_code == 403
    assert "/import/" not in client.get("/faults/").get_data(as_text=True)


def test_another_users_upload_is_not_found(client, make, login, app) -> None:
    from tests.conftest import do_login

    login("samordnare")
    resp = _upload(client, xlsx(ROWS), "lista.xlsx")
    url = resp.headers["Location"]
    other = app.test_client()
    user = make.user("admin")
    do_login(other, user.email)
    assert other.get(url).status_code == 404
    assert client.get(url).status_code == 200


def test_dates_swedish_formats() -> None:
    from tracker.imports.parsing import parse_date

    assert parse_date("2024-03-15") == date(2024, 3, 15)
    assert parse_date("15/3/2024") == date(2024, 3, 15)
    assert parse_date("15.03.2024") == date(2024, 3, 15)
    assert parse_date(45366) == date(2024, 3, 15)
    assert parse_date("45366") == date(2024, 3, 15)
    assert parse_date("31/2/2024") is None
    assert parse_date("igår") is None


def test_an_uploaded_personnummer_is_never_stored_even_before_the_import(
    client, login, session
) -> None:
    login("samordnare")
    row = ["15/3/2024", "Försäkringskassan", "Långa handläggningstider", "", "", "", "", ""]
    bad = [*row[:3], "Klienten 811228-9874 väntade.", "", "", "", ""]
    header_bad = ["Datum", "Myndighet", "Systemfel", "Iakttagelse 811228-9874"]
    resp = _upload(client, xlsx([row, bad]), "lista.xlsx")
    assert resp.status_code == 302
    session.expire_all()
    kept = session.exec(select(ImportUpload)).one().data
    assert b"811228" not in kept and b"9874" not in kept
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "personnummer" in page and "811228" not in page
    # an identifier in a header row is not kept either
    resp = _upload(client, csv_bytes([row[:4]], header_bad), "egen.csv")
    assert resp.status_code == 302
    session.expire_all()
    assert all(b"811228" not in u.data for u in session.exec(select(ImportUpload)).all())


def test_two_people_importing_the_same_file_at_once_import_it_once(app, make, session):
    """Both previews are made before either import; whichever comes second gets a clear
    answer (nothing left to import, or someone imported it meanwhile) – never a 500 and
    never a row twice."""
    import threading

    from tests.conftest import do_login

    clients = []
    for n in range(2):
        c = app.test_client()
        user = make.user("samordnare", email=f"samordnare{n}@example.se")
        assert do_login(c, user.email).status_code == 302
        resp = _upload(c, xlsx(ROWS), "lista.xlsx")
        url = resp.headers["Location"]
        assert c.get(url).status_code == 200
        clients.append((c, url))
    statuses: list[int] = []
    start = threading.Barrier(2)

    def run(c, url) -> None:
        start.wait()
        statuses.append(post(c, url + "/importera", {"mode": "all"}, form_url=url).status_code)

    threads = [threading.Thread(target=run, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (400, 409), statuses
    assert _count(session, Occurrence) == len(ROWS)
