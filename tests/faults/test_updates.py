"""Updates to the ombud from the fault register: closing a fault tells whoever logged on
it; the home page lists the unread updates and marks them read; the page of all updates;
the choice of e-mail on the user's settings page; the home page's statement count."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select

from tests.conftest import Factories, is_postgres, post
from tests.meetings.test_updates import home, log_on, signed_in, updates_of
from tracker.accounts.models import User
from tracker.faults.models import Fault


def close(app: Flask, fault: Fault, boss: User, to: str = "avskriven") -> None:
    c = signed_in(app, boss)
    url = f"/faults/{fault.ref}/status"
    resp = post(c, url, {"to": to, "comment": ""}, form_url=f"/faults/{fault.ref}")
    assert resp.status_code == 302, resp.get_data(as_text=True)


def test_closing_a_fault_tells_everyone_who_logged_on_it(app: Flask, make: Factories) -> None:
    written_off = make.fault(title="Kö till boendestöd")
    fixed = make.fault(title="Telefontider hos försörjningsstöd")
    anna, bo, boss = make.user("ombud"), make.user("ombud"), make.user("samordnare")
    log_on(app, written_off, anna, n=2)
    log_on(app, written_off, bo)
    log_on(app, written_off, boss)
    log_on(app, fixed, anna)
    close(app, written_off, boss, "avskriven")
    close(app, fixed, boss, "atgardad")

    section = home(signed_in(app, anna))
    assert f"{written_off.ref} Kö till boendestöd" in section and "Avskrivet" in section
    assert f"{fixed.ref} Telefontider hos försörjningsstöd" in section and "Åtgärdat" in section
    assert "Avskrivet" in home(signed_in(app, bo))
    assert "Åtgärdat" not in home(signed_in(app, bo))  # bo never logged on that one
    assert "Inga nya uppdateringar" in home(signed_in(app, boss))  # who closed it
    assert updates_of(app) == sorted(
        [(anna.email, "closed"), (anna.email, "fixed"), (bo.email, "closed")]
    )


def test_mark_as_read_empties_the_list_but_the_page_keeps_them(app: Flask, make: Factories) -> None:
    fault = make.fault(title="Återkrav år efteråt")
    anna, bo, boss = make.user("ombud"), make.user("ombud"), make.user("samordnare")
    log_on(app, fault, anna)
    log_on(app, fault, bo)
    close(app, fault, boss)
    c = signed_in(app, anna)
    section = home(c)
    ids = re.findall(r'name="id" value="(\d+)"', section)
    assert len(ids) == 1 and "Markera som lästa" in section

    # someone else's updates cannot be marked from another account
    post(signed_in(app, bo), "/updates/read", {"id": ids}, form_url="/")
    assert "Avskrivet" in home(c)

    resp = post(c, "/updates/read", {"id": ids, "next": "home"}, form_url="/")
    assert resp.status_code == 302
    page = c.get("/").get_data(as_text=True)
    assert "En uppdatering är markerad som läst." in page
    assert "Inga nya uppdateringar" in home(c) and "Markera som lästa" not in home(c)
    listing = c.get("/updates").get_data(as_text=True)
    assert f"{fault.ref} Återkrav år efteråt" in listing and "Avskrivet" in listing
    assert "Oläst" not in listing
    assert "Avskrivet" in home(signed_in(app, bo))  # bo's own update is still unread

    bad = post(c, "/updates/read", {"id": ["x"]}, form_url="/")
    assert bad.status_code == 400
    assert "Det fanns inga olästa uppdateringar att markera." in bad.get_data(as_text=True)


def test_all_updates_page_is_paged_and_only_for_those_who_log(app: Flask, make: Factories) -> None:
    anna, boss = make.user("ombud"), make.user("samordnare")
    faults = [make.fault(title=f"Systemfel nummer {i}") for i in range(27)]
    for f in faults:
        log_on(app, f, anna)
        close(app, f, boss)
    c = signed_in(app, anna)
    assert "Det finns fler olästa uppdateringar." in home(c)
    assert home(c).count("<li>") == 10
    first = c.get("/updates").get_data(as_text=True)
    assert first.count('<span class="badge">Oläst</span>') == 25 and "Nästa" in first
    assert "Systemfel nummer 26" in first and "Systemfel nummer 1<" not in first
    second = c.get("/updates?page=2").get_data(as_text=True)
    assert "Systemfel nummer 1<" in second and "Systemfel nummer 0<" in second
    assert "Föregående" in second and "Nästa" not in second
    ids = re.findall(r'name="id" value="(\d+)"', second)
    post(c, "/updates/read", {"id": ids, "next": "list", "page": "2"}, form_url="/updates?page=2")
    assert "Oläst" not in c.get("/updates?page=2").get_data(as_text=True)
    assert c.get("/updates?page=1").get_data(as_text=True).count("Oläst") == 25

    member = signed_in(app, make.user("ledamot"))
    assert member.get("/updates").status_code == 403
    assert 'id="h-updates"' not in member.get("/").get_data(as_text=True)


def test_choice_of_e_mail_on_the_settings_page(app: Flask, make: Factories) -> None:
    anna = make.user("ombud")
    c = signed_in(app, anna)
    page = c.get("/account/password").get_data(as_text=True)
    assert "E-post om uppdateringar" in page
    assert re.search(r'value="none" checked', page)  # the default: no e-mail
    for label in ("Ingen e-post", "I veckosammanfattningen", "Direkt"):
        assert label in page

    resp = post(c, "/account/updates", {"update_mail": "direct"}, form_url="/account/password")
    assert resp.status_code == 302
    page = c.get("/account/password").get_data(as_text=True)
    assert "Du får e-post direkt när något händer med dina systemfel." in page
    assert re.search(r'value="direct" checked', page)

    bad = post(c, "/account/updates", {"update_mail": "ibland"}, form_url="/account/password")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Välj ett av alternativen för e-post om uppdateringar." in html
    assert 'aria-describedby="update-mail-error"' in html and "Byt lösenord" in html
    with Session(app.extensions["db_engine"]) as s:
        assert s.exec(select(User.update_mail).where(User.id == anna.id)).one() == "direct"


def test_home_page_statements_do_not_grow_with_updates(
    app: Flask, make: Factories, count_queries
) -> None:
    anna, boss = make.user("ombud"), make.user("samordnare")
    c = signed_in(app, anna)

    def measure() -> int:
        count_queries.reset()
        assert c.get("/").status_code == 200
        return count_queries.count

    first = make.fault(title="Det första")
    log_on(app, first, anna)
    close(app, first, boss)
    one = measure()
    for i in range(12):
        f = make.fault(title=f"Fel {i}")
        log_on(app, f, anna, n=3)
        close(app, f, boss, "atgardad" if i % 2 else "avskriven")
    assert home(c).count("<li>") == 10
    assert measure() == one


def test_the_loggers_query_uses_its_index(app: Flask) -> None:
    from tracker.faults.updates import loggers

    engine = app.extensions["db_engine"]
    stmt = select(loggers(1)).compile(engine, compile_kwargs={"literal_binds": True})
    with Session(engine) as s:
        if is_postgres(app):
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(r[0] for r in s.execute(text(f"EXPLAIN {stmt}")))
        else:
            plan = "\n".join(str(r[-1]) for r in s.execute(text(f"EXPLAIN QUERY PLAN {stmt}")))
    assert "ix_occurrence_fault_logged_by" in plan, plan
