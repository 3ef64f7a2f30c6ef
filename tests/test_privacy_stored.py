"""Stored text under today's rules: `tracker privacy scan`, the admin page, and gallring."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from tracker.audit import AuditEntry
from tracker.faults import services as faults
from tracker.faults.models import Fault, FaultEvent, Occurrence
from tracker.faults.retention import PURGED, months_before
from tracker.orgs.models import Organisation
from tracker.privacy.stored import REDACTED

from .conftest import post

OLD_PNR = "19850312-2381"  # wrong check digit: passed the old guard, blocks today


def store_around_the_guard(session, model, row_id: int, **values: str) -> None:
    """Text saved before today's rules: written with Core, as an old release would have."""
    table = model.__table__
    session.connection().execute(table.update().where(table.c.id == row_id).values(**values))
    session.commit()


def redact(client, table: str, column: str, row: int):
    data = {"table": table, "column": column, "row": str(row)}
    return post(client, "/admin/privacy/redact", data, form_url="/admin/privacy/")


def test_scan_cli_lists_old_text_masked_and_exits_1(runner, make, session) -> None:
    f = make.fault(title="Väntetider", occurrences=1, narrative="Inget särskilt.")
    occ = session.exec(select(Occurrence).where(Occurrence.fault_id == f.id)).one()
    store_around_the_guard(session, Occurrence, occ.id, narrative=f"Klienten {OLD_PNR} väntar.")
    make.fault(org="nacka", title="Annat fel")

    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 1
    assert f"occurrence\t{occ.id}\tnarrative\tpersonnummer\ttecken 9\t" in result.output
    assert "•••••••••••81" in result.output and OLD_PNR not in result.output

    assert runner.invoke(args=["privacy", "scan", "--org", "nacka"]).exit_code == 0
    assert runner.invoke(args=["privacy", "scan", "--org", "soderort"]).exit_code == 1
    assert runner.invoke(args=["privacy", "scan", "--org", "finns-inte"]).exit_code == 2


def test_admin_page_links_to_edit_and_removes_text(client, login, make, session) -> None:
    login("admin")
    f = make.fault(title="Väntetider", description="Ren text.")
    store_around_the_guard(session, Fault, f.id, description=f"Ring 070\u2011123 45 67 ({OLD_PNR})")
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert f"/faults/{f.ref}/edit" in page
    assert "ett telefonnummer" in page and "ett personnummer" in page
    assert "070" not in page and OLD_PNR not in page

    # Another organisation's admin sees nothing of it and cannot remove it.
    assert redact(client, "fault", "description", f.id).status_code == 302
    session.expire_all()
    assert session.get(Fault, f.id).description == REDACTED
    assert "Ingen lagrad text innehåller" in client.get("/admin/privacy/").get_data(as_text=True)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "privacy.text_redacted"))
    assert entry.one().object_id == f.id


def test_redact_is_scoped_to_the_organisation(client, login, make, session) -> None:
    f = make.fault(org="nacka", title="Väntetider")
    store_around_the_guard(session, Fault, f.id, description=OLD_PNR)
    login("admin")  # of soderort
    assert OLD_PNR not in client.get("/admin/privacy/").get_data(as_text=True)
    assert redact(client, "fault", "description", f.id).status_code == 404
    for bad in ({"table": "user", "column": "password_hash", "row": "1"}, {"row": "x"}):
        resp = post(client, "/admin/privacy/redact", bad, form_url="/admin/privacy/")
        assert resp.status_code == 404
    session.expire_all()
    assert session.get(Fault, f.id).description == OLD_PNR


def close_fault(session, fault_id: int, closed_at: datetime) -> None:
    fault = session.get(Fault, fault_id)
    faults.change_status(session, fault=fault, to="atgardad", actor_id=None)
    session.flush()
    event = session.exec(
        select(FaultEvent).where(
            FaultEvent.fault_id == fault_id, FaultEvent.to_status == "atgardad"
        )
    ).one()
    event.at = closed_at
    session.commit()


def test_gallring_deletes_expired_narratives_only(runner, make, session) -> None:
    old = make.fault(title="Stängt länge sedan", occurrences=2, narrative="Beslut dröjde.")
    recent = make.fault(title="Stängt nyss", occurrences=1, narrative="Beslut dröjde.")
    still_open = make.fault(title="Öppet", occurrences=1, narrative="Beslut dröjde.")
    now = datetime.now(UTC)
    close_fault(session, old.id, now - timedelta(days=37 * 31))
    close_fault(session, recent.id, now - timedelta(days=30))

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"soderort: 2 iakttagelser skulle raderas ({old.ref})" in dry.output
    session.expire_all()
    assert {o.narrative for o in session.exec(select(Occurrence))} == {"Beslut dröjde."}

    done = runner.invoke(args=["privacy", "purge"])
    assert "Totalt 2 iakttagelser raderades." in done.output
    session.expire_all()
    by_fault = {o.fault_id: o.narrative for o in session.exec(select(Occurrence))}
    assert by_fault[old.id] == PURGED
    assert by_fault[recent.id] == by_fault[still_open.id] == "Beslut dröjde."
    # Facts and counts stay.
    assert len(session.exec(select(Occurrence).where(Occurrence.fault_id == old.id)).all()) == 2
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "privacy.narratives_purged")
    ).one()
    assert entry.count == 2
    # Idempotent: nothing more to do.
    assert "Totalt 0" in runner.invoke(args=["privacy", "purge"]).output


def test_gallring_can_be_turned_off(runner, make, session) -> None:
    old = make.fault(title="Stängt länge sedan", occurrences=1, narrative="Beslut dröjde.")
    close_fault(session, old.id, datetime.now(UTC) - timedelta(days=40 * 31))
    org = session.exec(select(Organisation).where(Organisation.slug == "soderort")).one()
    org.narrative_retention_months = None
    session.commit()
    assert "Totalt 0" in runner.invoke(args=["privacy", "purge"]).output


def test_settings_page_sets_retention(client, login, session) -> None:
    login("admin")
    form = {
        "name": "PO Söderort",
        "kommuner": "",
        "recurrence_threshold": "3",
        "recurrence_months": "12",
        "age_bands": "18–29,30–49,50–64,65+",
        "digest_lead_days": "7",
        "small_count_limit": "3",
        "session_idle_hours": "8",
        "narrative_retention_months": "0",
    }
    resp = post(client, "/admin/settings", form)
    assert resp.status_code == 400
    assert "Ange ett tal mellan 1 och 240" in resp.get_data(as_text=True)
    assert (
        post(client, "/admin/settings", {**form, "narrative_retention_months": "24"}).status_code
        == 302
    )
    assert (
        post(client, "/admin/settings", {**form, "narrative_retention_months": ""}).status_code
        == 302
    )
    session.expire_all()
    org = session.exec(select(Organisation).where(Organisation.slug == "soderort")).one()
    assert org.narrative_retention_months is None


def test_months_before() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 36) == date(2023, 1, 15)
