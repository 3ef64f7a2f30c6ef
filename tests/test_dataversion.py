"""The organisation's data version: raised once by every transaction that writes the
organisation's data, never by a read or a rolled-back write, and what the annual report
keeps between requests is recomputed as soon as it changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from tests.conftest import do_login, post
from tests.faults.test_faults import quick
from tracker.dataversion import year_versions
from tracker.faults.models import Fault
from tracker.orgs.models import Organisation


def version(app, slug="soderort"):
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(Organisation.data_version).where(Organisation.slug == slug)).one()


def year_version(app, year, slug="soderort"):
    with Session(app.extensions["db_engine"]) as s:
        org_id = s.exec(select(Organisation.id).where(Organisation.slug == slug)).one()
        return year_versions(s, [org_id], [year])[0]


def test_a_write_raises_the_version_once_a_read_never(app, client, make):
    make.org("norrort")
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("samordnare").email)
    before, other = version(app), version(app, "norrort")
    assert client.get("/faults/").status_code == 200
    assert client.get(f"/faults/{fault.ref}").status_code == 200
    assert version(app) == before
    # one edit of the fault through its form: one raise
    with Session(app.extensions["db_engine"]) as s:
        row = s.get(Fault, fault.id)
        form = {
            "title": row.title,
            "description": row.description,
            "primary_authority_id": str(row.primary_authority_id),
            "level": row.level,
            "status": row.status,
            "report_summary": "Ny sammanfattning.",
            "version": str(row.version),
        }
    assert post(client, f"/faults/{fault.ref}/edit", form).status_code == 302
    assert version(app) == before + 1
    assert version(app, "norrort") == other  # another organisation's data did not change
    # a refused save writes nothing and raises nothing
    assert quick(client, fault_ref=fault.ref, narrative="Ring 811228-9874").status_code == 400
    assert version(app) == before + 1


def test_an_occurrence_raises_its_years_version_not_the_organisations(app, client, make):
    """Ombud log this year's occurrences all day: last year's report stays valid."""
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("ombud").email)
    this_year = date.today().year
    before, this, last = (
        version(app),
        year_version(app, this_year),
        year_version(app, this_year - 1),
    )
    # an occurrence, its monthly counts, the fault's counters, the audit entry: one raise
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    assert year_version(app, this_year) == this + 1
    assert (version(app), year_version(app, this_year - 1)) == (before, last)
    # one of last year: last year's version
    day = date(this_year - 1, 6, 15).isoformat()
    assert quick(client, fault_ref=fault.ref, observed_on=day).status_code == 302
    assert year_version(app, this_year - 1) == last + 1
    assert (version(app), year_version(app, this_year)) == (before, this + 1)


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
    # last year's report, kept while this year's occurrences are logged, shows one of its
    # own year at once
    last = f"/reports/{date.today().year - 1}"
    assert "Sjukpenning dröjer" not in client.get(last).get_data(as_text=True)
    assert quick(client, fault_ref=fault.ref).status_code == 302
    day = date(date.today().year - 1, 3, 1).isoformat()
    assert quick(client, fault_ref=fault.ref, observed_on=day).status_code == 302
    assert "Sjukpenning dröjer" in client.get(last).get_data(as_text=True)
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


def test_the_dashboard_is_kept_until_the_data_changes(app, client, make, count_queries):
    """The recurring faults and the counts per authority are computed once per data version
    (tracker.dataversion.cached), and a logged occurrence or a closed fault shows at once."""
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("samordnare").email)
    recurring = f"{fault.ref} Sjukpenning dröjer</a> (3)"
    first = client.get("/").get_data(as_text=True)
    assert recurring not in first and "<td>2</td>" in first
    count_queries.statements.clear()  # keeps what is cached, unlike reset()
    assert client.get("/").get_data(as_text=True) == first
    kept = count_queries.count
    count_queries.reset()
    client.get("/")
    assert kept < count_queries.count  # computed again once forgotten
    # an occurrence: recurring now, three this year
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert recurring in page and "<td>3</td>" in page
    # closed: no longer among the recurring faults not escalated
    with Session(app.extensions["db_engine"]) as s:
        s.execute(update(Fault).where(Fault.id == fault.id).values(status="atgardad"))
        s.commit()
    assert recurring not in client.get("/").get_data(as_text=True)


def test_the_register_shows_a_change_at_once(app, client, make):
    """The register's cards are kept per process (tracker.faults.list_page) and rendered
    again as soon as an occurrence is logged or a fault changes."""
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("ombud").email)
    assert "2 förekomster" in client.get("/faults/").get_data(as_text=True)
    assert "2 förekomster" in client.get("/faults/").get_data(as_text=True)
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    page = client.get("/faults/").get_data(as_text=True)
    assert "3 förekomster" in page and "2 förekomster" not in page
    with Session(app.extensions["db_engine"]) as s:
        s.execute(update(Fault).where(Fault.id == fault.id).values(title="Sjukpenningen dröjer"))
        s.commit()
    assert "Sjukpenningen dröjer" in client.get("/faults/").get_data(as_text=True)


def test_logging_an_occurrence_keeps_what_does_not_count_occurrences(
    app, client, make, count_queries
):
    """The home page's meetings and action items and the proposals' badge are kept under
    the data version alone (tracker.dataversion.data_key): an occurrence logged – what
    happens all day – recomputes only what counts occurrences, while a new meeting shows
    at once."""
    from datetime import UTC, datetime, timedelta

    from tracker.meetings import services as meetings

    org = make.org()
    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="Ledningsgruppen", kind="ledningsgrupp"
        )
        s.commit()
    do_login(client, make.user("samordnare").email)
    count_queries.reset()
    client.get("/")
    cold = count_queries.count  # nothing kept: every part of the page read
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    count_queries.statements.clear()  # keeps what is cached, unlike reset()
    page = client.get("/").get_data(as_text=True)
    after_log = count_queries.count
    assert f"{fault.ref} Sjukpenning dröjer</a> (3)" in page  # the counts: computed again
    assert 0 < after_log < cold  # the meetings, action items and badge: kept
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        meetings.plan_meeting(
            s,
            forum=s.get(type(forum), forum.id),
            starts_at=datetime.now(UTC) + timedelta(days=3),
            place="Rum 7",
            actor_id=None,
        )
        s.commit()
    assert "Ledningsgruppen" in client.get("/").get_data(as_text=True).split("Nästa möte")[1]


def test_the_fault_page_shows_an_edited_occurrence_at_once(app, client, make, session):
    """The fault page's occurrence lines are kept per process (tracker.fragments) until an
    occurrence of the organisation changes: an edit shows on the next view."""
    from tracker.faults.models import Occurrence

    fault = make.fault(title="Sjukpenning dröjer", occurrences=2)
    do_login(client, make.user("samordnare").email)
    client.get(f"/faults/{fault.ref}")
    assert app.extensions["derived_cache"]["part:occurrences"]  # kept
    occ = session.exec(select(Occurrence).where(Occurrence.fault_id == fault.id)).first()
    resp = post(
        client,
        f"/occurrences/{occ.id}/edit",
        {"observed_on": occ.observed_on.isoformat(), "narrative": "Beslutet kom efter ett år."},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert "Beslutet kom efter ett år." in client.get(f"/faults/{fault.ref}").get_data(as_text=True)
