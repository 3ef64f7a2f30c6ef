"""Action items cost a constant number of SQL statements: the meeting page and its agenda
stay within the budget however many items there are, and so do "Mina åtgärder" and the
home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from tests.meetings.test_budgets import BUDGET, build_history, counts
from tracker.meetings.actions import today
from tracker.meetings.models import ActionItem, AgendaItem, Contact, Meeting


def add_actions(app, forum_id: int, user_id: int, per_item: int) -> None:
    """`per_item` open items owned by the user and one done, on every held meeting's
    escalated items; the open ones are followed up on the planned meeting."""
    with Session(app.extensions["db_engine"]) as s:
        rows = s.exec(
            select(AgendaItem, Meeting)
            .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
            .where(Meeting.forum_id == forum_id, col(AgendaItem.escalation_id).is_not(None))
        ).all()
        contact = s.exec(select(Contact).where(Contact.forum_id == forum_id)).first()
        for item, meeting in rows:
            for n in range(per_item):
                s.add(
                    ActionItem(
                        org_id=item.org_id,
                        forum_id=forum_id,
                        agenda_item_id=item.id,
                        title=f"Åtgärd {item.id}.{n}",
                        owner_user_id=user_id if contact is None or n % 2 else None,
                        owner_contact_id=contact.id if contact is not None and not n % 2 else None,
                        due_on=today() + timedelta(days=n - 1),  # some late
                    )
                )
            s.add(
                ActionItem(
                    org_id=item.org_id,
                    forum_id=forum_id,
                    agenda_item_id=item.id,
                    title=f"Klar {item.id}",
                    owner_user_id=user_id,
                    due_on=today(),
                    status="klar",
                    closed_at=meeting.starts_at + timedelta(days=1),
                )
            )
        s.commit()


@pytest.mark.parametrize("role", ["samordnare", "ledamot"])
def test_action_items_keep_the_pages_within_budget(app, client, login, make, count_queries, role):
    user = login(role)
    org = make.org()
    short = build_history(app, org, [make.fault(title=f"Kort {i}") for i in range(2)], 2)
    long = build_history(app, org, [make.fault(title=f"Lång {i}") for i in range(6)], 8)
    with Session(app.extensions["db_engine"]) as s:
        for forum_id, _m in (short, long):  # the user's account is one of the contacts
            s.add(Contact(org_id=org.id, forum_id=forum_id, name="Kontakt", user_id=user.id))
        s.commit()
    add_actions(app, short[0], user.id, 1)
    add_actions(app, long[0], user.id, 4)
    results = []
    for forum_id, meeting_id in (short, long):
        results.append(
            counts(
                client,
                count_queries,
                [
                    f"/meetings/{meeting_id}",
                    f"/meetings/{meeting_id}/agenda.md",
                    f"/forums/{forum_id}",
                ],
            )
        )
    assert results[0] == results[1], results
    assert max(results[1]) <= BUDGET, results
    # "Mina åtgärder" and the home page: the same whatever the number of items
    mine = counts(client, count_queries, ["/actions/mine", "/"])
    add_actions(app, long[0], user.id, 3)
    assert counts(client, count_queries, ["/actions/mine", "/"]) == mine
    assert max(mine) <= BUDGET, mine
    # the items really are there: followed up on the planned meeting, late ones marked
    page = client.get(f"/meetings/{long[1]}").get_data(as_text=True)
    assert page.count('class="action"') > 6 * 8 and "Försenad" in page
    html = client.get("/actions/mine").get_data(as_text=True)
    assert html.count('class="card"') > 6 * 8 * 4 and "Klar " not in html
