"""No acknowledged save is lost when people save the same thing at the same moment: the
minutes of an agenda item, a section of the report draft, and "Ta in" beside a save.

Each writer is its own logged-in test client in its own thread. On PostgreSQL the race is
made certain rather than likely: every request waits at a barrier just before the service
that compares and writes, so all of them have read the same old row before any writes
(tracker.dataversion.lock_organisation is what makes the later ones see the first one's
commit). On SQLite a writing request holds the database's write lock from its BEGIN
IMMEDIATE, so the requests run one after another; the barrier would only wait for requests
that cannot start, so there it is left out and the same outcome is asserted."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Factories, csrf_token, do_login, is_postgres
from tests.meetings.test_minutes_doc import base_of, editor, fields, stored, two_items
from tests.reports.test_draft_editor import ACTIONS, FK, URL, more, sections, set_text, start
from tests.reports.test_draft_editor import stored as stored_draft
from tracker.meetings import minutes_doc
from tracker.reports import services as reports

WRITERS = 4
WAIT_S = 30  # a barrier that is not met in time fails the request, and so the test


def _at_barrier(
    monkeypatch: pytest.MonkeyPatch,
    module: ModuleType,
    name: str,
    barrier: threading.Barrier,
    then: Callable[[], object] | None = None,
) -> None:
    """`module.name` waits at `barrier` (and then for `then()`) before it runs: the view
    has read what it shows and compares, the service has not locked or written yet."""
    real = getattr(module, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        if then is not None:
            then()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)


def _parties(app: Flask, n: int) -> int:
    return n if is_postgres(app) else 1  # Barrier(1) never waits


def _writers(app: Flask, make: Factories, n: int, role: str) -> list[FlaskClient]:
    clients = []
    for _ in range(n):
        c = app.test_client()
        assert do_login(c, make.user(role).email).status_code == 302
        clients.append(c)
    return clients


def _run(jobs: list[Callable[[], int]]) -> list[int]:
    """Run the jobs in threads at once; their status codes, in order."""
    statuses: list[int | BaseException] = [0] * len(jobs)

    def run(i: int) -> None:
        try:
            statuses[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 – reported below, fails the test
            statuses[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=WAIT_S * 2)
    assert not any(t.is_alive() for t in threads), "a writer hangs"
    for s in statuses:
        if isinstance(s, BaseException):
            raise s
    return [int(s) for s in statuses]


def test_concurrent_minutes_saves_of_one_item_lose_no_acknowledged_save(
    app, client, login, make, session, monkeypatch
):
    login("samordnare")
    m1, item, _other = two_items(client, make, session)
    writers = _writers(app, make, WRITERS, "samordnare")
    url = f"/meetings/{m1}/minutes/edit"
    texts = [f"Beslut från skrivare {n}" for n in range(WRITERS)]
    posts = []
    for c, text in zip(writers, texts, strict=True):
        base = base_of(editor(c, m1), item.id)  # the same version for everybody
        data = {**fields(item, base, text), "csrf_token": csrf_token(c, f"/meetings/{m1}")}
        posts.append(lambda c=c, data=data: c.post(url, data=data).status_code)
    barrier = threading.Barrier(_parties(app, WRITERS), timeout=WAIT_S)
    _at_barrier(monkeypatch, minutes_doc, "save_document", barrier)

    statuses = _run(posts)

    kept = stored(session, item).decision
    acked = [t for t, s in zip(texts, statuses, strict=True) if s == 302]
    assert set(statuses) <= {302, 409}, statuses
    assert acked == [kept], f"acknowledged {acked} ({statuses}), stored {kept!r}"
    assert statuses.count(409) == WRITERS - 1  # typed against a version that was replaced


def test_concurrent_saves_of_one_draft_section_lose_no_acknowledged_save(
    app, client, make, monkeypatch
):
    org, _fault = start(app, make, client)
    writers = _writers(app, make, WRITERS, "samordnare")
    texts = [f"Text om FK från skrivare {n}." for n in range(WRITERS)]
    posts = []
    for c, text in zip(writers, texts, strict=True):
        form = set_text(sections(c.get(URL).get_data(as_text=True)), FK, text)
        data = {**form, "csrf_token": csrf_token(c, URL)}
        posts.append(lambda c=c, data=data: c.post(f"{URL}/draft/save", data=data).status_code)
    barrier = threading.Barrier(_parties(app, WRITERS), timeout=WAIT_S)
    _at_barrier(monkeypatch, reports, "save_sections", barrier)

    statuses = _run(posts)

    draft = stored_draft(app, org)
    acked = [t for t, s in zip(texts, statuses, strict=True) if s == 302]
    found = [t for t in texts if t in draft.markdown]
    assert set(statuses) <= {302, 409}, statuses
    assert acked == found and len(acked) == 1, f"acknowledged {acked} ({statuses}), kept {found}"
    assert draft.version == 1 + len(acked)


def test_take_in_beside_a_save_keeps_the_save(app, client, make, monkeypatch):
    """A "Ta in" that read the draft before a save of another section committed, and writes
    after it: the section it takes in is replaced, the saved section keeps the saved text."""
    org, fault = start(app, make, client, n=3)
    more(app, fault, 2)  # 3 → 5 occurrences: a change to take in (the FK section)
    page = client.get(URL).get_data(as_text=True)
    found = re.search(r'name="change" value="(count:[^"]+)"', page)
    assert found
    take = {"change": found.group(1), "csrf_token": csrf_token(client, URL)}
    [saver] = _writers(app, make, 1, "samordnare")
    saved = "Våra åtgärder, sparade medan någon tog in."
    form = set_text(sections(saver.get(URL).get_data(as_text=True)), ACTIONS, saved)
    save = {**form, "csrf_token": csrf_token(saver, URL)}
    save_done = threading.Event()

    def save_first() -> None:  # "Ta in" writes after the save has committed
        assert save_done.wait(WAIT_S)

    def post_save() -> int:
        try:
            return saver.post(f"{URL}/draft/save", data=save).status_code
        finally:
            save_done.set()

    barrier = threading.Barrier(_parties(app, 2), timeout=WAIT_S)
    _at_barrier(monkeypatch, reports, "save_sections", barrier)
    _at_barrier(
        monkeypatch,
        reports,
        "take_in",
        barrier,
        then=save_first if is_postgres(app) else None,
    )

    statuses = _run([post_save, lambda: client.post(f"{URL}/draft/take-in", data=take).status_code])

    draft = stored_draft(app, org)
    assert statuses == [302, 302]
    assert saved in draft.markdown, "the acknowledged save was overwritten by Ta in"
    assert "5 förekomster under året" in draft.markdown  # and the change is taken in
    assert draft.version == 3
