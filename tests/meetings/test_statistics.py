"""The agenda's statistics: members see counts of escalated faults only, small counts hidden,
on the page, in the Markdown agenda and in the e-mail to the forum's contacts."""

from __future__ import annotations

from tests.conftest import do_login, post
from tracker.meetings.models import Contact
from tracker.orgs.models import Organisation

from .test_loop import make_forum, plan


def test_members_see_no_title_of_a_fault_that_was_not_escalated(
    app, client, login, make, session, runner
):
    login("samordnare")
    secret = make.fault(title="Återkommer men inte eskalerat", occurrences=5)
    shown = make.fault(title="Eskalerat fel", authority="Psykiatri", occurrences=1)
    forum = make_forum(client, "LG")
    post(client, f"/faults/{shown.ref}/escalate", {"forum_id": forum, "ask": "Fråga"})
    m1 = plan(client, forum)
    member = make.user("ledamot")
    session.add(Contact(org_id=make.org().id, forum_id=forum, name="FK", user_id=member.id))
    session.commit()

    # the samordnare's page and agenda list the recurring fault with its count
    page = client.get(f"/meetings/{m1}").get_data(as_text=True)
    assert f"{secret.ref} {secret.title}" in page
    md = client.get(f"/meetings/{m1}/agenda.md").get_data(as_text=True)
    assert f"- Återkommande, inte eskalerat: {secret.ref} {secret.title} (5 förekomster)" in md

    # the member's do not, but keep the counts per authority
    c = app.test_client()
    do_login(c, member.email)
    page = c.get(f"/meetings/{m1}").get_data(as_text=True)
    assert "Eskalerat fel" in page
    assert secret.title not in page and secret.ref not in page
    assert "Återkommande systemfel" not in page
    md = c.get(f"/meetings/{m1}/agenda.md").get_data(as_text=True)
    assert secret.title not in md and secret.ref not in md and "Återkommande" not in md
    assert "- Försäkringskassan: 5 förekomster" in md
    assert "- Psykiatri: färre än 3 förekomster" in md

    # the e-mail to the forum's contacts follows the member rule
    out = runner.invoke(args=["digests", "preview", "--meeting", str(m1)]).output
    assert "Eskalerat fel" in out and "Psykiatri: färre än 3 förekomster" in out
    assert secret.title not in out and secret.ref not in out


def test_a_count_that_its_label_would_give_away_reads_dold(app, client, login, make, session):
    # with the limit 2, "färre än 2" could only be 1
    login("samordnare")
    org = session.get(Organisation, make.org().id)
    org.small_count_limit = 2
    session.commit()
    make.fault(title="En gång", authority="Psykiatri", occurrences=1)
    make.fault(title="Ofta", authority="Försäkringskassan", occurrences=4)
    forum = make_forum(client, "LG")
    m1 = plan(client, forum)
    page = client.get(f"/meetings/{m1}").get_data(as_text=True)
    stats = page.split('id="section-statistik"')[1].split("</section>")[0]
    assert "<td>Psykiatri</td><td>dold</td>" in stats and "färre än" not in stats
    assert "”dold” = dolt för att skydda små tal." in stats
    md = client.get(f"/meetings/{m1}/agenda.md").get_data(as_text=True)
    assert (
        "- Psykiatri: dolt antal förekomster (för att skydda små tal)" in md
        and "- Försäkringskassan: 4 förekomster" in md
    )


def test_the_agenda_shows_a_new_occurrence_at_once(app, client, login, make):
    """The agenda is kept per process (tracker.dataversion.cached) until the data changes."""
    from tests.faults.test_faults import quick

    login("samordnare")
    fault = make.fault(title="Återkommer men inte eskalerat", occurrences=5)
    m1 = plan(client, make_forum(client, "LG"))
    url = f"/meetings/{m1}/agenda.md"
    line = f"- Återkommande, inte eskalerat: {fault.ref} {fault.title}"
    assert f"{line} (5 förekomster)" in client.get(url).get_data(as_text=True)
    assert f"{line} (5 förekomster)" in client.get(url).get_data(as_text=True)
    assert quick(client, fault_ref=fault.ref, narrative="Igen.").status_code == 302
    assert f"{line} (6 förekomster)" in client.get(url).get_data(as_text=True)
