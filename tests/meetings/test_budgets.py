"""Meeting page, minutes editor, forum page and fault page with its thread: a constant
number of SQL statements (at most 15) whatever the length of the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from tracker.faults.models import Fault
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem, Meeting
from tracker.orgs.models import Organisation

BUDGET = 15


def build_history(app, org: Organisation, faults: list[Fault], n_meetings: int) -> tuple:
    """A forum where every fault is followed up at each of `n_meetings` held meetings, then a
    planned meeting with all of them under Uppföljning."""
    now = datetime.now(UTC)
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        forum = meetings.create_forum(
            s, org_id=org.id, actor_id=None, name="LG", kind="ledningsgrupp"
        )
        for f in faults:
            meetings.escalate(
                s, fault=s.get(Fault, f.id), forum=forum, ask="Fråga", actor_id=None, accept=True
            )
        for k in range(n_meetings):
            m = Meeting(
                org_id=org.id,
                forum_id=forum.id,
                starts_at=now - timedelta(days=30 * (n_meetings - k)),
            )
            s.add(m)
            s.flush()
            meetings.build_agenda(s, m)
            for item in s.exec(
                select(AgendaItem).where(
                    AgendaItem.meeting_id == m.id, col(AgendaItem.escalation_id).is_not(None)
                )
            ):
                meetings.save_minutes(
                    s,
                    meeting=m,
                    item=item,
                    actor_id=None,
                    minutes=meetings.Minutes(decision=f"Beslut {k}", outcome="foljs_upp"),
                )
            meetings.finalise(s, meeting=m, actor_id=None)
        planned = meetings.plan_meeting(
            s, forum=forum, starts_at=now + timedelta(days=3), place="Rum", actor_id=None
        )
        s.commit()
        return forum.id, planned.id


def counts(client, count_queries, urls: list[str]) -> list[int]:
    out = []
    for url in urls:
        count_queries.reset()
        resp = client.get(url)
        assert resp.status_code == 200, url
        out.append(count_queries.count)
    return out


@pytest.mark.parametrize("role", ["samordnare", "ledamot"])
def test_pages_have_constant_statement_counts(app, client, login, make, count_queries, role):
    user = login(role)
    org = make.org()
    short_faults = [make.fault(title=f"Kort {i}", occurrences=2) for i in range(2)]
    long_faults = [make.fault(title=f"Lång {i}", occurrences=2) for i in range(6)]
    short = build_history(app, org, short_faults, 2)
    long = build_history(app, org, long_faults, 8)
    if role == "ledamot":
        from tracker.meetings.models import Contact

        with Session(app.extensions["db_engine"]) as s:
            for forum_id, _m in (short, long):
                s.add(Contact(org_id=org.id, forum_id=forum_id, name="L", user_id=user.id))
            s.commit()
    results = []
    for (forum_id, meeting_id), faults in ((short, short_faults), (long, long_faults)):
        urls = [
            f"/meetings/{meeting_id}",
            f"/forums/{forum_id}",
            f"/meetings/{meeting_id}/agenda.md",
        ]
        urls.append(
            f"/forums/{forum_id}/faults/{faults[0].ref}"
            if role == "ledamot"
            else f"/faults/{faults[0].ref}"
        )
        if role == "samordnare":  # the minutes editor: every item's form in one page
            urls.append(f"/meetings/{meeting_id}/minutes/edit")
        results.append(counts(client, count_queries, urls))
    assert results[0] == results[1], results
    assert max(results[1]) <= BUDGET, results
    # the long history really is on the pages
    page = client.get(f"/meetings/{long[1]}").get_data(as_text=True)
    assert "Beslut 7" in page and all(f.ref in page for f in long_faults)
