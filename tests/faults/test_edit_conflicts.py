"""Two people edit the same fault: a save after someone else's keeps the other's changes to
fields this person left alone, and a field both changed comes back (409) with both values
and a choice per field – never a silent revert. Each person is a client that loads the edit
page and posts the form as a browser would (every field the page holds)."""

from __future__ import annotations

import re
import threading
import time
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from tests.conftest import do_login, is_postgres, post
from tracker.audit import AuditEntry
from tracker.conflicts import read_snapshot, snapshot
from tracker.faults.editing import fault_values, update_fault
from tracker.faults.models import Fault, FaultTheme, Theme


class _Form(HTMLParser):
    """The fields of the page's form with class "narrow" as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "narrow" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, self.text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_of(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.fields:
        out.setdefault(name, []).append(value)
    return out


def submit(client, url: str, fields: dict[str, list[str]], **changes):
    data = {**fields, **{k: v if isinstance(v, list) else [v] for k, v in changes.items()}}
    return client.post(url, data=data)


class Person:
    def __init__(self, app, make, role: str = "ombud") -> None:
        self.client = app.test_client()
        assert do_login(self.client, make.user(role).email).status_code == 302

    def open(self, ref: str) -> dict[str, list[str]]:
        resp = self.client.get(f"/faults/{ref}/edit")
        assert resp.status_code == 200
        return form_of(resp.get_data(as_text=True))

    def save(self, ref: str, fields: dict[str, list[str]], **changes):
        return submit(self.client, f"/faults/{ref}/edit", fields, **changes)


def stored(session, fault_id: int) -> Fault:
    session.expire_all()
    fault = session.get(Fault, fault_id)
    assert fault is not None
    return fault


def test_two_people_changing_different_fields_both_keep_their_change(app, make, session):
    fault = make.fault(description="Ursprunglig beskrivning")
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)

    assert anna.save(fault.ref, annas, title=["Handläggningstiden är för lång"]).status_code == 302
    resp = bo.save(fault.ref, bos, description=["Beslut dröjer i månader."])
    assert resp.status_code == 302  # no conflict: Bo never touched the title

    saved = stored(session, fault.id)
    assert saved.title == "Handläggningstiden är för lång"  # Anna's change is not reverted
    assert saved.description == "Beslut dröjer i månader."
    assert saved.version == 3
    page = bo.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Deras ändringar i fält du inte ändrade finns kvar: Rubrik." in page
    edits = session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "fault.edited", AuditEntry.object_id == fault.id
        )
    ).all()
    assert len(edits) == 2


def test_the_same_field_gives_409_with_both_values_and_keep_theirs_keeps_theirs(app, make, session):
    fault = make.fault(description="Ursprunglig beskrivning")
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    assert (
        anna.save(
            fault.ref,
            annas,
            description=["Annas beskrivning."],
            report_summary=["Annas sammanfattning."],
        ).status_code
        == 302
    )

    resp = bo.save(fault.ref, bos, description=["Bos beskrivning."], title=["Bos rubrik"])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Någon annan har ändrat systemfelet medan du redigerade" in html
    assert "Annas beskrivning." in html and "Bos beskrivning." in html
    assert "Behåll min" in html and "Behåll deras" in html
    assert "Den andra personens ändringar i fält som du inte ändrade är redan med" in html
    saved = stored(session, fault.id)
    assert saved.description == "Annas beskrivning." and saved.title == fault.title  # nothing
    assert saved.version == 2

    # the 409 page's form: Bo's title kept, Anna's summary in the field, the choice per field
    again = form_of(html)
    assert again["title"] == ["Bos rubrik"]
    assert again["report_summary"] == ["Annas sammanfattning."]
    assert again["keep-description"] == ["mine"]  # what is in the field unless chosen
    assert bo.save(fault.ref, again, **{"keep-description": "theirs"}).status_code == 302
    saved = stored(session, fault.id)
    assert saved.description == "Annas beskrivning."
    assert saved.title == "Bos rubrik"  # Bo's change that did not conflict is not lost
    assert saved.report_summary == "Annas sammanfattning."  # and Anna's is not reverted


def test_keep_mine_after_409_writes_mine_and_reverts_nothing_else(app, make, session):
    fault = make.fault(description="Ursprunglig beskrivning")
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    anna.save(fault.ref, annas, description=["Annas text."], title=["Annas rubrik"])
    resp = bo.save(fault.ref, bos, description=["Bos text."])
    assert resp.status_code == 409
    again = form_of(resp.get_data(as_text=True))
    # Bo edits the text further on the 409 page, taking in part of Anna's
    resp = bo.save(
        fault.ref, again, description=["Bos text. Annas text."], **{"keep-description": "mine"}
    )
    assert resp.status_code == 302
    saved = stored(session, fault.id)
    assert saved.description == "Bos text. Annas text."
    assert saved.title == "Annas rubrik"  # the second save does not revert Anna's title


def test_a_third_save_while_the_409_page_is_open_is_kept_too(app, make, session):
    fault = make.fault(description="Start")
    anna, bo, cecilia = Person(app, make), Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    anna.save(fault.ref, annas, description=["Anna"])
    resp = bo.save(fault.ref, bos, description=["Bo"])
    assert resp.status_code == 409
    again = form_of(resp.get_data(as_text=True))
    assert cecilia.save(fault.ref, cecilia.open(fault.ref), level=["central"]).status_code == 302
    assert bo.save(fault.ref, again, **{"keep-description": "mine"}).status_code == 302
    saved = stored(session, fault.id)
    assert (saved.description, saved.level) == ("Bo", "central")


def test_a_field_changed_again_while_the_409_page_is_open_conflicts_again(app, make, session):
    fault = make.fault(description="Start")
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    anna.save(fault.ref, annas, description=["Anna 1"])
    resp = bo.save(fault.ref, bos, description=["Bo"])
    again = form_of(resp.get_data(as_text=True))
    anna.save(fault.ref, anna.open(fault.ref), description=["Anna 2"])
    resp = bo.save(fault.ref, again, **{"keep-description": "mine"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "Anna 2" in html and "Bo" in html
    assert stored(session, fault.id).description == "Anna 2"


def test_themes_merge_per_theme(app, make, session):
    fault = make.fault()
    themes = {
        t.name: t.id for t in session.exec(select(Theme).where(Theme.org_id == fault.org_id)).all()
    }
    first, second = list(themes)[:2]
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    assert anna.save(fault.ref, annas, theme_ids=[str(themes[first])]).status_code == 302
    assert bo.save(fault.ref, bos, theme_ids=[str(themes[second])]).status_code == 302
    linked = set(
        session.exec(select(FaultTheme.theme_id).where(FaultTheme.fault_id == fault.id)).all()
    )
    assert linked == {themes[first], themes[second]}


def test_a_status_change_meanwhile_is_no_conflict(app, make, session):
    fault = make.fault()
    bo, chef = Person(app, make), Person(app, make, role="samordnare")
    bos = bo.open(fault.ref)
    resp = post(
        chef.client,
        f"/faults/{fault.ref}/status",
        {"to": "bekraftad"},
        form_url=f"/faults/{fault.ref}",
    )
    assert resp.status_code == 302
    assert bo.save(fault.ref, bos, title=["Ny rubrik"]).status_code == 302
    saved = stored(session, fault.id)
    assert (saved.title, saved.status) == ("Ny rubrik", "bekraftad")


def test_the_form_carries_what_was_loaded_as_hashes_not_text(app, make):
    fault = make.fault(description="Beskrivning som inte ska upprepas")
    fields = Person(app, make).open(fault.ref)
    loaded = fields["loaded"][0]
    assert "Beskrivning" not in loaded and re.search(r'"description":"[0-9a-f]{16}"', loaded)


def test_a_choice_page_with_an_error_keeps_both_values_and_the_choice(app, make, session):
    fault = make.fault(description="Start")
    anna, bo = Person(app, make), Person(app, make)
    annas, bos = anna.open(fault.ref), bo.open(fault.ref)
    anna.save(fault.ref, annas, description=["Annas text"])
    again = form_of(bo.save(fault.ref, bos, description=["Bos text"]).get_data(as_text=True))
    resp = bo.save(fault.ref, again, title=[""], **{"keep-description": "theirs"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Fyll i rubrik." in html
    assert "Annas text" in html and "Bos text" in html
    assert form_of(html)["keep-description"] == ["theirs"]
    assert stored(session, fault.id).description == "Annas text"


def test_two_saves_at_the_same_moment_merge_instead_of_overwriting(app, make, session):
    """PostgreSQL: the second UPDATE waits for the first, finds the version moved on and
    merges again against the first one's values (on SQLite writers queue before reading)."""
    if not is_postgres(app):
        pytest.skip("row locks: PostgreSQL; SQLite serialises whole write transactions")
    fault = make.fault(description="Start")
    engine = app.extensions["db_engine"]
    first = Session(engine, expire_on_commit=False)
    second = Session(engine, expire_on_commit=False)
    f1, f2 = first.get(Fault, fault.id), second.get(Fault, fault.id)
    loaded = read_snapshot(snapshot(fault_values(second, f2)))
    second.rollback()  # the second person's page was loaded; their save comes later

    def values(f, **changes):
        base = dict(fault_values(first, f))
        base["other_authority_ids"] = sorted(base["other_authority_ids"])
        base["theme_ids"] = sorted(base["theme_ids"])
        base["level"] = base["level"] or None
        return {**base, **changes}

    update_fault(
        first, fault=f1, actor_id=None, expected_version=1, **values(f1, title="Först")
    )  # not committed yet: the row stays locked
    done: list[object] = []

    def save_second() -> None:
        try:
            mine = {**values(f2), "description": "Andra"}
            mine["title"] = fault.title
            done.append(
                update_fault(
                    second, fault=f2, actor_id=None, expected_version=1, loaded=loaded, **mine
                )
            )
            second.commit()
        except Exception as exc:  # reported below
            done.append(exc)

    thread = threading.Thread(target=save_second)
    thread.start()
    time.sleep(1)
    assert not done  # waiting for the first save's lock
    first.commit()
    thread.join(timeout=30)
    first.close()
    second.close()
    assert len(done) == 1 and not isinstance(done[0], Exception), done
    assert done[0].taken == ["title"]
    saved = stored(session, fault.id)
    assert (saved.title, saved.description, saved.version) == ("Först", "Andra", 3)
