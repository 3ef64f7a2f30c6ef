"""`tracker import occurrences FILE --org SLUG`: real files, a real database."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from tests.imports.files import csv_bytes, xlsx
from tracker.audit import AuditEntry
from tracker.faults.models import Fault, FaultMonth, Occurrence
from tracker.imports.models import ImportRun

GOOD = [
    [
        date(2024, 3, 15),
        "Försäkringskassan",
        "Långa handläggningstider",
        "Väntade i fyra månader.",
        "Kvinna",
        "30–49",
        "Inkomstbortfall",
        "",
    ],
    [
        "15/3/2024",
        "försäkringskassan",
        "  långa   HANDLÄGGNINGSTIDER ",
        "Ingen återkoppling.",
        "",
        "",
        "",
        "",
    ],
    [
        45366,
        "Kronofogden",
        "Utmätning utan förvarning",
        "",
        "man",
        "52",
        "Skuldsättning, Risk för vräkning",
        "",
    ],
]


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_cli_imports_a_template_file(runner, make, session, tmp_path) -> None:
    make.org()
    make.fault(title="Utmätning utan förvarning", authority="Kronofogden")
    path = tmp_path / "lista.xlsx"
    path.write_bytes(xlsx(GOOD))
    result = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert result.exit_code == 0, result.output
    assert "Importerade 3 förekomster och skapade 1 systemfel" in result.output
    faults = {f.title: f for f in session.exec(select(Fault))}
    assert set(faults) == {"Långa handläggningstider", "Utmätning utan förvarning"}
    long = faults["Långa handläggningstider"]
    assert long.occurrence_count == 2
    assert long.last_observed_on == date(2024, 3, 15)
    assert faults["Utmätning utan förvarning"].occurrence_count == 1
    months = session.exec(select(FaultMonth).where(FaultMonth.fault_id == long.id)).all()
    assert [(m.month, m.n) for m in months] == [(date(2024, 3, 1), 2)]
    occ = session.exec(
        select(Occurrence).where(Occurrence.fault_id == faults["Utmätning utan förvarning"].id)
    ).one()
    assert occ.observed_on == date(2024, 3, 15)  # Excel serial 45366
    assert occ.gender == "man" and occ.age_band == "50–64"
    assert occ.consequence_list == ["skulder", "vrakning"]
    run = session.exec(select(ImportRun)).one()
    assert (run.filename, run.occurrences_created, run.faults_created) == ("lista.xlsx", 3, 1)
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "occurrences.imported")
    ).one()
    assert entry.object_id == run.id and entry.count == 3

    # the same file again: nothing new
    again = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert again.exit_code == 0, again.output
    assert "3 redan importerade" in again.output
    assert _count(session, Occurrence) == 3
    assert _count(session, Fault) == 2


def test_cli_refuses_invalid_rows_and_writes_nothing(runner, make, session, tmp_path) -> None:
    make.org()
    rows = [
        *GOOD,
        ["2024-04-01", "Okänd myndighet", "Något fel", "", "", "", "", ""],
        [
            "2024-04-02",
            "Kronofogden",
            "Något fel",
            "Klienten 19850101-1234 fick avslag",
            "",
            "",
            "",
            "",
        ],
        ["31/2/2024", "Kronofogden", "Något fel", "", "", "", "", ""],
    ]
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes(rows, encoding="cp1252"))
    result = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert result.exit_code != 0
    out = result.output
    assert "Rad 5, Myndighet: Myndigheten finns inte i verksamhetens katalog. Välj en av:" in out
    assert "Försäkringskassan" in out
    assert "Rad 6, Iakttagelse: Cellen innehåller ett personnummer" in out
    assert "19850101" not in out
    assert "Rad 7, Datum: Datumet kunde inte läsas" in out
    assert "ingenting importerades" in out
    assert _count(session, Occurrence) == 0 and _count(session, Fault) == 0

    dry = runner.invoke(
        args=[
            "import",
            "occurrences",
            str(path),
            "--org",
            "soderort",
            "--skip-invalid",
            "--dry-run",
        ]
    )
    assert dry.exit_code == 0, dry.output
    assert "Provkörning" in dry.output
    assert _count(session, Occurrence) == 0

    skip = runner.invoke(
        args=["import", "occurrences", str(path), "--org", "soderort", "--skip-invalid"]
    )
    assert skip.exit_code == 0, skip.output
    assert _count(session, Occurrence) == 3
    assert session.exec(select(ImportRun)).one().rows_refused == 3


def test_cli_refuses_a_file_that_is_no_spreadsheet(runner, make, tmp_path) -> None:
    make.org()
    path = tmp_path / "bild.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    result = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert result.exit_code != 0
    assert "Filen är inget kalkylark" in result.output


def test_cli_possible_names_need_the_confirmation_and_themes_match(
    runner, make, session, tmp_path
) -> None:
    make.org()
    merged = make.fault(title="Gammal rubrik", authority="Kronofogden")
    survivor = make.fault(title="Ny rubrik", authority="Kronofogden")
    with session.begin():
        from tracker.faults import services

        services.merge_into(
            session,
            fault=session.get(Fault, merged.id),
            into=session.get(Fault, survivor.id),
            actor_id=None,
        )
    rows = [
        [
            "2024-05-02",
            "Kronofogden",
            "GAMMAL RUBRIK",
            "Anna Svensson fick avslag",
            "",
            "",
            "",
            "Bemötande",
        ],
        ["2024-05-03", "Kronofogden", "Helt nytt fel", "", "", "", "", "bemötande, Regelverk"],
    ]
    path = tmp_path / "namn.xlsx"
    path.write_bytes(xlsx(rows))
    refused = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert refused.exit_code != 0
    assert "Rad 2, Iakttagelse: Cellen kan innehålla ett namn" in refused.output
    assert "Anna" not in refused.output
    ok = runner.invoke(
        args=["import", "occurrences", str(path), "--org", "soderort", "--confirm-anonymous"]
    )
    assert ok.exit_code == 0, ok.output
    session.expire_all()
    # a merged duplicate's title leads to the fault it was merged into
    assert session.get(Fault, survivor.id).occurrence_count == 1
    new = session.exec(select(Fault).where(Fault.title == "Helt nytt fel")).one()
    from tracker.faults.models import FaultTheme, Theme

    names = set(
        session.exec(
            select(Theme.name)
            .join(FaultTheme, FaultTheme.theme_id == Theme.id)
            .where(FaultTheme.fault_id == new.id)
        )
    )
    assert names == {"bemötande", "regelverk"}


def test_cli_unknown_theme_lists_the_choices(runner, make, tmp_path) -> None:
    make.org()
    path = tmp_path / "tema.csv"
    path.write_bytes(
        csv_bytes([["2024-05-02", "Kronofogden", "Fel", "", "", "", "", "Okänt"]], delimiter=",")
    )
    result = runner.invoke(args=["import", "occurrences", str(path), "--org", "soderort"])
    assert result.exit_code != 0
    assert "Rad 2, Tema: Okänt tema. Välj bland: bemötande" in result.output
