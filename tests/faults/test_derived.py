"""Counts kept on write (tracker.faults.derived) equal a rebuild from the base rows, and
the pages that read them show what the occurrences say."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.faults import derived
from tracker.faults import services as faults
from tracker.faults.models import Fault, FaultConsequenceMonth, FaultMonth, Occurrence
from tracker.faults.services import Recurrence
from tracker.orgs.models import Organisation


def _snapshot(session: Session) -> tuple[list, list, list]:
    session.expire_all()
    counts = sorted(
        (f.id, f.occurrence_count, f.last_observed_on) for f in session.exec(select(Fault)).all()
    )
    months = sorted(
        (m.fault_id, m.month, m.n)
        for m in session.exec(select(FaultMonth).where(FaultMonth.n != 0)).all()
    )
    per_code = sorted(
        (m.fault_id, m.month, m.code, m.n)
        for m in session.exec(
            select(FaultConsequenceMonth).where(FaultConsequenceMonth.n != 0)
        ).all()
    )
    return counts, months, per_code


def _truth(session: Session) -> tuple[list, list, list]:
    """What the occurrences say, computed in Python."""
    occs = session.exec(select(Occurrence)).all()
    counts = []
    for f in session.exec(select(Fault)).all():
        mine = [o.observed_on for o in occs if o.fault_id == f.id]
        counts.append((f.id, len(mine), max(mine) if mine else None))
    per_month: dict[tuple[int, date], int] = {}
    per_code: dict[tuple[int, date, str], int] = {}
    for o in occs:
        key = (o.fault_id, o.observed_on.replace(day=1))
        per_month[key] = per_month.get(key, 0) + 1
        for code in set(o.consequence_list):
            per_code[(*key, code)] = per_code.get((*key, code), 0) + 1
    return (
        sorted(counts),
        sorted((f, m, n) for (f, m), n in per_month.items()),
        sorted((f, m, c, n) for (f, m, c), n in per_code.items()),
    )


def test_writes_keep_the_counts_that_a_recompute_rebuilds(app, make, runner, session):
    a = make.fault(title="Långa väntetider")
    b = make.fault(title="Krav på e-legitimation", authority="Arbetsförmedlingen")
    c = make.fault(title="Ingen tolk")
    engine = app.extensions["db_engine"]
    days = [date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28), date(2025, 12, 31)]
    with Session(engine, expire_on_commit=False) as s:
        fa, fb, fc = (s.get(Fault, x.id) for x in (a, b, c))
        mixes = [["halsa"], ["halsa", "skulder"], [], ["barn"]]
        logged = [
            faults.log_occurrence(s, fault=f, actor_id=None, observed_on=d, consequences=mix)
            for f in (fa, fb, fc)
            for d, mix in zip(days, mixes, strict=True)
        ]
        s.commit()
        # Move one to another month, one within its month, and the latest one back in time.
        for occ, new_day, mix in [
            (logged[0], date(2026, 3, 15), ["halsa"]),
            (logged[1], date(2026, 2, 10), ["vardglapp"]),
            (logged[6], date(2025, 6, 1), []),
            (logged[9], logged[9].observed_on, ["annat", "halsa"]),
        ]:
            faults.update_occurrence(
                s,
                occ=occ,
                actor_id=None,
                observed_on=new_day,
                narrative="",
                gender=None,
                age_band=None,
                consequences=mix,
            )
        s.commit()
        faults.merge_into(s, fault=s.get(Fault, c.id), into=s.get(Fault, b.id), actor_id=None)
        s.commit()
    maintained = _snapshot(session)
    assert maintained == _truth(session)
    survivor = next(x for x in maintained[0] if x[0] == b.id)
    assert survivor[1] == 8 and survivor[2] == date(2026, 2, 28)  # from the merged fault
    assert next(x for x in maintained[0] if x[0] == c.id)[1] == 0

    with Session(engine) as s:  # scramble the derived data, as a bulk import would leave it
        s.exec(FaultMonth.__table__.delete())  # type: ignore[attr-defined]
        s.exec(FaultConsequenceMonth.__table__.delete())  # type: ignore[attr-defined]
        for f in s.exec(select(Fault)).all():
            f.occurrence_count, f.last_observed_on = 999, None
            s.add(f)
        s.commit()
    result = runner.invoke(args=["db", "recompute"])
    assert result.exit_code == 0, result.output
    assert _snapshot(session) == maintained
    result = runner.invoke(args=["db", "recompute", "--org", "soderort"])
    assert result.exit_code == 0 and _snapshot(session) == maintained
    assert runner.invoke(args=["db", "recompute", "--org", "finns-inte"]).exit_code != 0


def test_recurrence_window_is_exact_to_the_day(app, make, session):
    fault = make.fault()
    org = session.exec(select(Organisation)).one()
    since = Recurrence.of(org).since()
    engine = app.extensions["db_engine"]
    inside = [since, since + timedelta(days=40), date.today()]
    outside = [since - timedelta(days=1), since - timedelta(days=100)]
    with Session(engine) as s:
        f = s.get(Fault, fault.id)
        for d in inside + outside:
            faults.log_occurrence(s, fault=f, actor_id=None, observed_on=d)
        s.commit()
        recent_q = derived.recent_counts(org.id, since, fault_id=fault.id)
        recent = s.exec(select(recent_q.c.n)).one()
        listed = s.exec(select(recent_q.c.fault_id, recent_q.c.n)).all()
    assert recent == 3 and listed == [(fault.id, 3)]
    direct = session.exec(
        select(func.count()).where(Occurrence.fault_id == fault.id, Occurrence.observed_on >= since)
    ).one()
    assert direct == recent


def test_fault_page_pages_through_older_occurrences(client, login, make):
    user = login("ombud")
    fault = make.fault(occurrences=60, actor=user)
    first = client.get(f"/faults/{fault.ref}").get_data(as_text=True)
    ids_first = re.findall(r'id="occ-(\d+)"', first)
    assert len(ids_first) == 50 and "60 förekomster totalt" in first
    more = re.search(r'href="([^"]*older=[^"#]+)', first)
    assert more, "no link to older occurrences"
    second = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    ids_second = re.findall(r'id="occ-(\d+)"', second)
    assert len(ids_second) == 10 and not set(ids_first) & set(ids_second)
    assert "Visa äldre förekomster" not in second and "Till de senaste" in second
    assert client.get(f"/faults/{fault.ref}?older=trasig").status_code == 200


def test_list_and_dashboard_read_the_kept_counts(client, login, make):
    user = login("ombud")
    make.fault(title="Fyra gånger", occurrences=4, actor=user)
    make.fault(title="En gång", authority="Arbetsförmedlingen", occurrences=1, actor=user)
    listing = client.get("/faults/?sort=count").get_data(as_text=True)
    assert listing.index("Fyra gånger") < listing.index("En gång")
    assert "Återkommande" in listing
    home = client.get("/").get_data(as_text=True)
    assert "Försäkringskassan" in home


def test_counts_between_any_two_days_equal_the_occurrences(app, make, session):
    import random

    fault = make.fault()
    other = make.fault(title="Annat fel")
    rng = random.Random(7)
    start = date(2025, 1, 1)
    engine = app.extensions["db_engine"]
    with Session(engine) as s:
        for f in (s.get(Fault, fault.id), s.get(Fault, other.id)):
            for _ in range(120):
                day = start + timedelta(days=rng.randint(0, 500))
                faults.log_occurrence(s, fault=f, actor_id=None, observed_on=day)
        s.commit()
    days = [o.observed_on for o in session.exec(select(Occurrence)).all()]
    cases = [(date(2025, 2, 1), date(2025, 2, 28)), (date(2025, 3, 5), date(2025, 3, 20))]
    cases += [(date(2025, 1, 31), None), (date(2025, 12, 1), None)]
    for _ in range(40):
        a = start + timedelta(days=rng.randint(-10, 510))
        cases.append((a, a + timedelta(days=rng.randint(0, 200))))
    with Session(engine) as s:
        for first, last in cases:
            q = derived.counts_between(fault.org_id, first, last)
            got = {fid: int(n) for fid, n in s.exec(select(q.c.fault_id, q.c.n)).all()}
            expected: dict[int, int] = {}
            for o in session.exec(select(Occurrence)).all():
                if o.observed_on >= first and (last is None or o.observed_on <= last):
                    expected[o.fault_id] = expected.get(o.fault_id, 0) + 1
            assert got == expected, (first, last)
    assert len(days) == 240


def test_search_follows_narrative_edits_and_merges(client, login, make, session):
    user = login("ombud")
    a = make.fault(title="Första felet", occurrences=1, narrative="Ingen tolkbrist här", actor=user)
    b = make.fault(title="Andra felet", authority="Arbetsförmedlingen")

    def found(q: str) -> set[str]:
        html = client.get(f"/faults/?q={q}").get_data(as_text=True)
        return {ref for ref in (a.ref, b.ref) if f">{ref}<" in html or f'/faults/{ref}"' in html}

    assert found("tolkbrist") == {a.ref}
    occ = session.exec(select(Occurrence)).one()
    with Session(client.application.extensions["db_engine"]) as s:
        o = s.get(Occurrence, occ.id)
        faults.update_occurrence(
            s,
            occ=o,
            actor_id=None,
            observed_on=o.observed_on,
            narrative="Väntetid åtta veckor",
            gender=None,
            age_band=None,
            consequences=[],
        )
        s.commit()
    assert found("tolkbrist") == set() and found("väntetid") == {a.ref}
    with Session(client.application.extensions["db_engine"]) as s:
        faults.merge_into(s, fault=s.get(Fault, a.id), into=s.get(Fault, b.id), actor_id=None)
        s.commit()
    assert found("väntetid") == {b.ref}
