"""The report draft edited per section: only the sections a person changed are saved, two
people changing the same section meet a 409 page with both texts and a choice (never a
silent revert), previews are sanitised, and changes in the data since the draft was made
are listed in plain Swedish – suppressed counts stay suppressed – with "Ta in"."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlmodel import Session, select

from tests.conftest import do_login, post
from tracker.audit import AuditEntry
from tracker.faults import services as faults
from tracker.faults.models import Fault
from tracker.reports.draft_sections import join, split
from tracker.reports.models import ReportDraft, ReportDraftVersion

from .test_report import YEAR, fault_in, markdown_for

URL = f"/reports/{YEAR}"
FK = "### FÖRSÄKRINGSKASSAN"
ACTIONS = "## Ge exempel på åtgärder"


def sections(page: str) -> dict[str, object]:
    """The editor's fields as a browser would send them back."""
    keys = [html.unescape(k) for k in re.findall(r'name="key" value="([^"]*)"', page)]
    bases = re.findall(r'name="base" value="([^"]*)"', page)
    texts = [
        html.unescape(t)
        for t in re.findall(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
    ]
    assert len(keys) == len(bases) == len(texts) and keys, page
    resolve = dict.fromkeys(re.findall(r'name="(resolve-\d+)" value="1"', page), "1")
    return {"key": keys, "base": bases, "text": texts, **resolve}


def index(form: dict[str, object], start: str) -> int:
    keys = form["key"]
    assert isinstance(keys, list)
    return next(i for i, k in enumerate(keys) if k.startswith(start))


def set_text(form: dict[str, object], start: str, text: str) -> dict[str, object]:
    texts = list(form["text"])  # type: ignore[call-overload]
    texts[index(form, start)] = text
    return {**form, "text": texts}


def more(app, fault: Fault, n: int) -> None:
    with Session(app.extensions["db_engine"]) as s:
        f = s.get(Fault, fault.id)
        for i in range(n):
            faults.log_occurrence(
                s, fault=f, actor_id=None, observed_on=date(YEAR, 11, 1 + i), narrative="x"
            )
        s.commit()


def stored(app, org) -> ReportDraft:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(ReportDraft).where(ReportDraft.org_id == org.id)).one()


def start(app, make, client, *, n: int = 4):
    org = make.org()
    fault = fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", n)
    do_login(client, make.user("ombud").email)
    assert post(client, f"{URL}/draft", form_url=URL).status_code == 302
    return org, fault


def test_split_and_join_keep_the_generated_text(app, make):
    org = make.org()
    fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", 4)
    fault_in(app, org, "Svårt att nå handläggare", "Försörjningsstöd (ekonomiskt bistånd)", 3)
    md = markdown_for(app, [org])
    parts = split(md)
    assert join(parts) == re.sub(r"\n{3,}", "\n\n", md)  # blank lines between sections: one
    keys = [p.key for p in parts]
    assert keys[0].startswith("# Uppmärksammade brister") and FK in keys and "### KOMMUN" in keys
    kommun = next(p for p in parts if p.key == "### KOMMUN")
    assert "#### Försörjningsstöd" in kommun.body  # level 4 stays inside its section


def test_one_text_box_per_heading_with_a_rendered_preview(app, make, client):
    start(app, make, client)
    page = client.get(URL).get_data(as_text=True)
    assert '<label for="sec-text-0">Uppmärksammade brister' in page
    assert ">FÖRSÄKRINGSKASSAN</label>" in page and ">Bilaga: statistik</label>" in page
    assert page.count('<textarea name="text"') == len(sections(page)["key"])
    # the preview beside the text is rendered Markdown, not the raw text
    assert "<strong>Långa handläggningstider</strong>" in page
    assert "Förhandsgranska" in page


def test_a_save_writes_only_the_sections_the_person_changed(app, make, client, session):
    org, _f = start(app, make, client)
    other = app.test_client()
    do_login(other, make.user("samordnare").email)
    mine = sections(client.get(URL).get_data(as_text=True))
    theirs = sections(other.get(URL).get_data(as_text=True))
    # the other person saves the actions section first
    resp = post(other, f"{URL}/draft/save", set_text(theirs, ACTIONS, "Deras åtgärder."), URL)
    assert resp.status_code == 302
    # this person's page is stale, and posts every section – the stale actions text too
    resp = post(client, f"{URL}/draft/save", set_text(mine, FK, "Min text om FK."), URL)
    assert resp.status_code == 302
    md = stored(app, org).markdown
    assert "Min text om FK." in md and "Deras åtgärder." in md  # nobody's text reverted
    assert "avsnitt hade ändrats av någon annan" in client.get(URL).get_data(as_text=True)
    saved = session.exec(select(AuditEntry).where(AuditEntry.action == "report_draft.saved"))
    assert len(saved.all()) == 2
    versions = session.exec(select(ReportDraftVersion).where(ReportDraftVersion.org_id == org.id))
    assert sorted(v.version for v in versions) == [1, 2, 3]  # the history is kept


def test_the_same_section_changed_by_two_people_is_a_conflict(app, make, client):
    org, _f = start(app, make, client)
    other = app.test_client()
    do_login(other, make.user("samordnare").email)
    mine = sections(client.get(URL).get_data(as_text=True))
    theirs = sections(other.get(URL).get_data(as_text=True))
    ok = post(other, f"{URL}/draft/save", set_text(theirs, FK, "Deras text om FK."), URL)
    assert ok.status_code == 302
    edited = set_text(set_text(mine, FK, "Min text om FK."), ACTIONS, "Mina åtgärder.")
    resp = post(client, f"{URL}/draft/save", edited, URL)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Någon annan har ändrat utkastet medan du skrev" in page
    assert "Min text om FK." in page and "Deras text om FK." in page  # both shown
    assert "Behåll min text" in page and "Behåll deras text" in page
    assert "Mina åtgärder." in page  # my other change is still in the form
    md = stored(app, org).markdown
    assert "Deras text om FK." in md and "Min text om FK." not in md  # nothing written
    assert "Mina åtgärder." not in md
    # sending it again without a choice is refused, the text kept
    again = sections(page)
    resp = post(client, f"{URL}/draft/save", again, URL)
    assert resp.status_code == 400 and "Välj om din text eller den andra" in resp.get_data(
        as_text=True
    )
    # "behåll deras": their FK text stays, my other change is saved
    i = index(again, FK)
    resp = post(client, f"{URL}/draft/save", {**again, f"choice-{i}": "theirs"}, URL)
    assert resp.status_code == 302
    md = stored(app, org).markdown
    assert "Deras text om FK." in md and "Min text om FK." not in md and "Mina åtgärder." in md


def test_keep_mine_after_a_conflict_and_edit_both(app, make, client):
    org, _f = start(app, make, client)
    other = app.test_client()
    do_login(other, make.user("samordnare").email)
    mine = sections(client.get(URL).get_data(as_text=True))
    theirs = sections(other.get(URL).get_data(as_text=True))
    post(other, f"{URL}/draft/save", set_text(theirs, FK, "Deras text om FK."), URL)
    page = post(client, f"{URL}/draft/save", set_text(mine, FK, "Min text."), URL)
    again = sections(page.get_data(as_text=True))
    i = index(again, FK)
    merged = set_text(again, FK, "Min text. Deras text om FK.")  # edited with both in view
    resp = post(client, f"{URL}/draft/save", {**merged, f"choice-{i}": "mine"}, URL)
    assert resp.status_code == 302
    assert "Min text. Deras text om FK." in stored(app, org).markdown


def test_the_guard_refuses_a_section_and_keeps_the_typed_text(app, make, client):
    org, _f = start(app, make, client)
    form = sections(client.get(URL).get_data(as_text=True))
    resp = post(client, f"{URL}/draft/save", set_text(form, FK, "Klient 811228-9874 väntar."), URL)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "811228-9874" in page and "Utkastet sparades inte" in page
    assert 'href="#sec-text-' in page  # the summary links to the section
    assert "811228-9874" not in stored(app, org).markdown


def test_preview_renders_sanitised_markdown_without_saving(app, make, client):
    org, _f = start(app, make, client)
    form = sections(client.get(URL).get_data(as_text=True))
    typed = "**Fet** text <script>alert('x')</script> <img src=x onerror=alert(1)>"
    form = set_text(form, FK, typed)
    resp = post(client, f"{URL}/draft/preview", {**form, "preview": "1"}, URL)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Inget är sparat än" in page
    assert "<strong>Fet</strong>" in page
    assert "<script>alert" not in page and "onerror" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in page  # the typed text is kept in the text box, escaped
    # the fragment the page's script asks for
    i = index(form, FK)
    frag = post(client, f"{URL}/draft/preview?only={i}", form, URL).get_data(as_text=True)
    assert "<strong>Fet</strong>" in frag and "<script" not in frag and "onerror" not in frag
    assert "Fet" not in stored(app, org).markdown


def test_changes_in_the_data_are_listed_in_plain_swedish(app, make, client):
    org, fault = start(app, make, client, n=2)  # "färre än 3" when the draft was made
    rare = fault_in(app, org, "Sällsynt fel", "Psykiatri", 1)  # new, and stays small
    more(app, fault, 1)
    with Session(app.extensions["db_engine"]) as s:
        faults.change_status(s, fault=s.get(Fault, fault.id), actor_id=None, to="bekraftad")
        s.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "Underlaget har ändrats sedan utkastet skapades" in page
    assert "--- när utkastet skapades" not in page  # no unified diff
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert f"{fault.ref} Långa handläggningstider: färre än 3 → 3 förekomster" in text
    assert f"Nytt systemfel: {rare.ref} Sällsynt fel" in text
    assert f"{fault.ref} Långa handläggningstider: status ändrad från ny till bekräftad" in text
    assert "Ta in" in page


def test_a_suppressed_count_never_shows_in_the_change_list(app, make, client):
    org, fault = start(app, make, client, n=1)
    more(app, fault, 1)  # 1 → 2: both "färre än 3"
    page = client.get(URL).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)
    assert "2 förekomster" not in text and "1 förekomst" not in text
    assert "färre än 3 →" not in text


def test_take_in_updates_the_affected_section(app, make, client, session):
    org, fault = start(app, make, client, n=3)
    more(app, fault, 2)
    page = client.get(URL).get_data(as_text=True)
    key = re.search(r'name="change" value="(count:[^"]+)"', page).group(1)
    resp = post(client, f"{URL}/draft/take-in", {"change": key}, URL)
    assert resp.status_code == 302
    draft = stored(app, org)
    assert "5 förekomster under året" in draft.markdown
    assert "3 förekomster under året" not in draft.markdown
    page = client.get(URL).get_data(as_text=True)
    assert "Den nya texten är intagen" in page and "Underlaget har ändrats" not in page
    assert session.exec(
        select(AuditEntry).where(AuditEntry.action == "report_draft.taken_in")
    ).one()
    assert draft.version == 2


def test_take_in_asks_before_replacing_an_edited_section(app, make, client):
    org, fault = start(app, make, client, n=3)
    form = sections(client.get(URL).get_data(as_text=True))
    assert post(client, f"{URL}/draft/save", set_text(form, FK, "Vår egen text om FK."), URL)
    fault_in(app, org, "Krav på intyg", "Försäkringskassan", 4)  # a new fault in FK
    page = client.get(URL).get_data(as_text=True)
    key = re.search(r'name="change" value="(new:[^"]+)"', page).group(1)
    ask = post(client, f"{URL}/draft/take-in", {"change": key}, URL)
    asked = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Vår egen text om FK." in asked and "Krav på intyg" in asked
    assert "Vår egen text om FK." in stored(app, org).markdown  # nothing replaced yet
    seen = re.search(r'name="seen" value="([^"]*)"', asked).group(1)
    done = post(
        client,
        f"{URL}/draft/take-in",
        {"change": key, "confirm": "1", "seen": html.unescape(seen)},
        URL,
    )
    assert done.status_code == 302
    md = stored(app, org).markdown
    assert "Krav på intyg" in md and "Vår egen text om FK." not in md
    with Session(app.extensions["db_engine"]) as s:  # the replaced text is in the history
        texts = [v.markdown for v in s.exec(select(ReportDraftVersion))]
    assert any("Vår egen text om FK." in t for t in texts)


def test_a_final_draft_cannot_be_saved_or_taken_in(app, make, client):
    org, fault = start(app, make, client)
    form = sections(client.get(URL).get_data(as_text=True))
    with Session(app.extensions["db_engine"]) as s:
        d = s.exec(select(ReportDraft).where(ReportDraft.org_id == org.id)).one()
        d.status = "slutlig"
        s.add(d)
        s.commit()
    resp = post(client, f"{URL}/draft/save", set_text(form, FK, "Sent."), URL)
    assert resp.status_code == 409 and "Sent." in resp.get_data(as_text=True)
    more(app, fault, 1)
    page = client.get(URL).get_data(as_text=True)
    assert "Underlaget har ändrats" in page and "Ta in" not in page


def test_reviewed_changes_leave_the_list_and_an_old_draft_lists_sections(app, make, client):
    org, fault = start(app, make, client, n=3)
    more(app, fault, 1)
    assert "Underlaget har ändrats" in client.get(URL).get_data(as_text=True)
    assert post(client, f"{URL}/draft/adopt", {}, URL).status_code == 302
    assert "Underlaget har ändrats" not in client.get(URL).get_data(as_text=True)
    # a draft made before the data was kept with it: the changed sections are named
    with Session(app.extensions["db_engine"]) as s:
        d = s.exec(select(ReportDraft).where(ReportDraft.org_id == org.id)).one()
        d.snapshot = ""
        s.add(d)
        s.commit()
    more(app, fault, 1)
    page = client.get(URL).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Avsnittet ”FÖRSÄKRINGSKASSAN”: den genererade texten har ändrats" in text
    key = re.search(r'name="change" value="(section:### FÖR[^"]+)"', page).group(1)
    # the draft's text differs from what was generated (reviewed, not taken in): asked first
    ask = post(client, f"{URL}/draft/take-in", {"change": html.unescape(key)}, URL)
    assert ask.status_code == 200 and "Ta in och ersätt" in ask.get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]*)"', ask.get_data(as_text=True)).group(1)
    confirm = {"change": html.unescape(key), "confirm": "1", "seen": html.unescape(seen)}
    assert post(client, f"{URL}/draft/take-in", confirm, URL).status_code == 302
    assert "5 förekomster under året" in stored(app, org).markdown
    with Session(app.extensions["db_engine"]) as s:
        codes = {e.action for e in s.exec(select(AuditEntry))}
    assert {"report_draft.changes_reviewed", "report_draft.taken_in"} <= codes


def test_the_snapshots_digests_never_look_like_a_phone_number() -> None:
    """The snapshot is guarded like the text it holds; its digests are letters only."""
    from tracker.privacy import find_identifiers
    from tracker.reports.draft_changes import _digest

    digests = [_digest("titel", n) for n in range(3000)]
    assert all(d.isalpha() and len(d) == 12 for d in digests)
    assert not [d for d in digests if find_identifiers(d)]
