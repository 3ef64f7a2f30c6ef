"""The meeting page's agenda items are rendered once and kept per process
(tracker.fragments): still each page's forms carry the token of the session that asked, a
change shows at once, and a refused form comes back with what was typed."""

from __future__ import annotations

import re

from tests.conftest import do_login, post
from tests.meetings.test_loop import items, make_forum, plan

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_kept_items_carry_the_token_of_the_session_that_asks(app, client, login, make, session):
    user = login("samordnare")
    a, b = make.fault(title="Sjukpenning dröjer"), make.fault(title="Bostad saknas")
    forum_id = make_forum(client)
    for f in (a, b):
        post(client, f"/faults/{f.ref}/escalate", {"forum_id": forum_id, "ask": "Svar"})
    meeting_id = plan(client, forum_id)
    first = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert app.extensions["derived_cache"]["part:agenda_item"]  # the items are kept
    # the same person in a second browser: a new session, so another token
    other = app.test_client()
    assert do_login(other, user.email).status_code == 302
    page = other.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "kept-csrf-token" not in page and "kept-csrf-token" not in first
    mine, theirs = set(TOKEN.findall(page)), set(TOKEN.findall(first))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    # the kept item's form works with this session's token
    one, two = items(session, meeting_id, "nytt")
    resp = other.post(f"/agenda-items/{two.id}/move", data={"dir": "up", "csrf_token": mine.pop()})
    assert resp.status_code == 302
    session.expire_all()
    assert [i.id for i in items(session, meeting_id, "nytt")] == [two.id, one.id]
    # …and the page shows the new order at once
    page = other.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert page.index("Bostad saknas") < page.index("Sjukpenning dröjer")


def test_a_refused_response_is_not_kept(app, client, login, make, session):
    """A refused form's errors and typed text belong to that request only."""
    login("samordnare")
    fault = make.fault(title="Sjukpenning dröjer")
    forum_id = make_forum(client)
    post(client, f"/faults/{fault.ref}/escalate", {"forum_id": forum_id, "ask": "Svar"})
    meeting_id = plan(client, forum_id)
    (item,) = items(session, meeting_id, "nytt")
    client.get(f"/meetings/{meeting_id}")  # kept
    resp = post(
        client,
        f"/agenda-items/{item.id}/response",
        {f"r{item.id}-response": "Ring 19121212-1212"},
        form_url=f"/meetings/{meeting_id}",
    )
    assert resp.status_code == 400
    refused = resp.get_data(as_text=True)
    assert "19121212-1212" in refused  # what was typed comes back
    again = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "19121212-1212" not in again  # and is not kept for the next request
