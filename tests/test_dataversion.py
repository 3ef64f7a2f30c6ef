"""The organisation's data version: raised once by every transaction that writes the
organisation's data, never by a read or a rolled-back write, and what the annual report
keeps between requests is recomputed as soon as it changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from tests.conftest import do_login, post
from tests.faults.test_faults import quick
from tracker.faults.models import Fault
from tracker.orgs.models import Organisation


def version(app, slug="soderort"):
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(Organisation.data_version).where(Organisation.slug == slug)).one()


def test_a_write_raises_the_version_once_a_read_never(app, client, make):
    make.org("norrort")
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("ombud").email)
    before, other = version(app), version(app, "norrort")
    assert client.get("/faults/").status_code == 200
    assert client.get(f"/faults/{fault.ref}").status_code == 200
    assert version(app) == before
    # one quick log writes an occurrence, counters, an event …: one raise
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    assert version(app) == before + 1
    assert version(app, "norrort") == other  # another organisation's data did not change
    # a refused save writes nothing and raises nothing
    assert quick(client, fault_ref=fault.ref, narrative="Ring 811228-9874").status_code == 400
    assert version(app) == before + 1


def test_a_rolled_back_write_leaves_the_version(app, make):
    fault = make.fault()
    before = version(app)
    with Session(app.extensions["db_engine"]) as s:
        row = s.get(Fault, fault.id)
        row.title = "Ändrad men inte sparad"
        s.add(row)
        s.flush()
        s.rollback()
    assert version(app) == before


def test_a_bulk_write_outside_a_request_raises_every_organisation(app, make):
    make.org("norrort")
    fault = make.fault()
    a, b = version(app), version(app, "norrort")
    with Session(app.extensions["db_engine"]) as s:
        s.execute(update(Fault).where(Fault.id == fault.id).values(report_summary="Ny."))
        s.commit()
    assert (version(app), version(app, "norrort")) == (a + 1, b + 1)


def test_the_report_shows_a_change_at_once(app, client, make):
    fault = make.fault(title="Sjukpenning dröjer", occurrences=6)
    do_login(client, make.user("samordnare").email)
    url = f"/reports/{date.today().year}"
    page = client.get(url).get_data(as_text=True)
    assert "Sjukpenning dröjer" in page and "6 förekomster" in page
    assert quick(client, fault_ref=fault.ref).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "7 förekomster" in page and "6 förekomster" not in page
    # an edit of the fault's text, through its form
    edit = client.get(f"/faults/{fault.ref}/edit").get_data(as_text=True)
    assert "report_summary" in edit
    with Session(app.extensions["db_engine"]) as s:
        row = s.get(Fault, fault.id)
        form = {
            "title": row.title,
            "description": row.description,
            "primary_authority_id": str(row.primary_authority_id),
            "level": row.level,
            "status": row.status,
            "report_summary": "Handläggningen tar fyra månader.",
            "version": str(row.version),
        }
    resp = post(client, f"/faults/{fault.ref}/edit", form)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert "Handläggningen tar fyra månader." in client.get(url).get_data(as_text=True)
