"""The quick log's fault picker (tracker/faults/picker.py): relevance order, the same list
without JavaScript, the chosen fault shown by the server, and the error summary."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import Session, func, select

from tests.conftest import do_login, post
from tracker.demo import DEMO_PASSWORD, load_demo
from tracker.faults.models import Fault, Occurrence
from tracker.faults.picker import MAX_QUERY

RENT = "Höga hyror täcks inte av försörjningsstödet"


def refs(client, q: str) -> list[str]:
    resp = client.get("/faults/suggest", query_string={"q": q})
    assert resp.status_code == 200
    return [d["ref"] for d in resp.get_json()]


def titles(client, q: str) -> list[str]:
    return [d["title"] for d in client.get("/faults/suggest", query_string={"q": q}).get_json()]


def quick(client, **data):
    base = {"mode": "existing", "observed_on": date.today().isoformat(), "narrative": ""}
    base.update(data)
    return post(client, "/log", base)


def candidate_refs(html: str) -> list[str]:
    return re.findall(r'name="pick" value="([^"]+)"', html)


def chosen_text(html: str) -> str:
    """The chosen fault's box as a person reads it ("" when it is hidden)."""
    box = html.split('id="fault-chosen"', 1)[1].split("</div>", 1)[0]
    if box.startswith(" hidden"):
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", box.split(">", 1)[1]).split())


def occurrences(app) -> int:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(func.count()).select_from(Occurrence)).one()


def demo(app, client) -> None:
    with Session(app.extensions["db_engine"]) as s:
        load_demo(s)
        s.commit()
    assert do_login(client, "ombud@demo.se", DEMO_PASSWORD).status_code == 302


def test_demo_hyr_ranks_the_rent_fault_first_in_both_lists(app, client) -> None:
    demo(app, client)
    found = titles(client, "hyr")
    assert found[0] == RENT
    # the rest only through the full text (narratives) or the authority's name
    assert len(found) > 1
    # without JavaScript: the same order among the candidates of the 400 page
    resp = quick(client, fault_ref="hyr", narrative="Texten finns kvar")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert candidate_refs(html)[: len(found)] == refs(client, "hyr")
    assert "Texten finns kvar" in html
    assert titles(client, "höga hyror") == [RENT]


def test_exact_reference_first(app, client) -> None:
    demo(app, client)
    with Session(app.extensions["db_engine"]) as s:
        all_refs = sorted(s.exec(select(Fault.ref)).all())
    wanted = all_refs[0]
    for q in [wanted, wanted.lower(), f"  {wanted}  "]:
        assert refs(client, q)[0] == wanted, q
    # a reference's beginning finds every fault it starts
    year = wanted[:7]  # "SF-2024"
    found = refs(client, year)
    assert found and all(r.startswith(year) for r in found[:3])


def test_word_start_before_substring_title_before_authority_then_recurrence(
    client, login, make
) -> None:
    login("ombud")
    inside = make.fault(title="Hyresbostad saknas", occurrences=5)
    start = make.fault(title="Bostadsbidrag dröjer", occurrences=1)
    assert [r for r in refs(client, "bostad") if r in (inside.ref, start.ref)] == [
        start.ref,
        inside.ref,
    ]
    by_authority = make.fault(title="Beslut dröjer", authority="Psykiatri", occurrences=6)
    by_title = make.fault(title="Psykiatrin svarar inte", authority="Bank", occurrences=1)
    assert refs(client, "psykiatri")[:2] == [by_title.ref, by_authority.ref]
    # equally good matches: the one that recurs in the window first, whatever its age
    busy = make.fault(
        title="Kallelse kommer sent", occurrences=3, observed_on=date.today() - timedelta(days=9)
    )
    quiet = make.fault(title="Kallelse saknas", occurrences=1)
    assert refs(client, "kallelse") == [busy.ref, quiet.ref]
    # the whole phrase outranks its words one by one
    phrase = make.fault(title="Sent beslut om bistånd", occurrences=0)
    words = make.fault(title="Beslut om boende kom sent", occurrences=9)
    assert refs(client, "sent beslut")[:2] == [phrase.ref, words.ref]


def test_long_and_odd_queries_are_safe(client, login, make) -> None:
    login("ombud")
    f = make.fault(title="Rabatt 100% på avgiften")
    make.fault(title="Annat fel")
    assert refs(client, "x" * 1000) == []
    assert refs(client, "h" + "y" * (MAX_QUERY + 50)) == []
    assert refs(client, "100%") == [f.ref]
    assert refs(client, "%%") == [] and refs(client, "__") == []
    assert refs(client, "a") == []  # too short to search


def test_suggestions_are_one_statement_whatever_the_matches(client, login, make, count_queries):
    login("ombud")
    for i in range(12):
        make.fault(title=f"Hyresfel nummer {i}", occurrences=1)
    counts = []
    for q in ["hyresfel", "nummer 3", "ingenting"]:
        count_queries.reset()
        client.get("/faults/suggest", query_string={"q": q})
        counts.append(sum(" fault" in s.lower() for s in count_queries.statements))
    assert counts == [1, 1, 1]


def test_suggestion_shows_authority_and_count(client, login, make) -> None:
    login("ombud")
    f = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=3)
    [row] = client.get("/faults/suggest?q=läkar").get_json()
    assert row["ref"] == f.ref and row["authority"] == "Psykiatri"
    assert row["count"] == 3 and row["count_text"] == "3 förekomster"


def test_picking_without_javascript_shows_the_fault_and_saves_nothing(
    app, client, login, make
) -> None:
    login("ombud")
    f = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=1)
    before = occurrences(app)
    resp = quick(client, fault_ref="läkar", narrative="Min text", pick=f.ref)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and occurrences(app) == before
    assert chosen_text(html) == f"Valt systemfel {f.ref} Läkarbrist Psykiatri · 1 förekomst Byt"
    assert "Min text" in html and f'name="fault_ref" type="text" value="{f.ref}"' in html
    # "Byt" without JavaScript: back to an empty search field with the focus, text kept
    resp = quick(client, fault_ref=f.ref, narrative="Min text", change_fault="1")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and occurrences(app) == before
    assert re.search(r'<input[^>]* autofocus[^>]*id="fault_ref"', html)
    assert chosen_text(html) == "" and "Min text" in html
    # then saving on the chosen fault
    resp = quick(client, fault_ref=f.ref, narrative="Min text")
    assert resp.status_code == 302 and occurrences(app) == before + 1


def test_chosen_fault_shown_from_link_and_after_an_error(client, login, make) -> None:
    login("ombud")
    f = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=2)
    html = client.get(f"/log?fault={f.ref.lower()}").get_data(as_text=True)
    assert chosen_text(html) == f"Valt systemfel {f.ref} Läkarbrist Psykiatri · 2 förekomster Byt"
    assert 'id="fault-search" hidden' in html
    resp = quick(client, fault_ref=f.ref, observed_on="2099-01-01")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Läkarbrist Psykiatri · 2 förekomster" in chosen_text(html)


def test_error_summary_links_to_each_field(client, login, make) -> None:
    login("ombud")
    make.fault(title="Läkarbrist")
    resp = quick(client, fault_ref="", observed_on="i går")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    # in the order of the page: the fault first, then the date
    assert re.findall(r'href="#([^"]+)"', summary) == ["fault_ref", "observed_on"]
    assert 'href="#fault_ref">Välj ett systemfel, eller skapa ett nytt.</a>' in summary
    # a new fault: its title and authority
    resp = quick(client, mode="new", new_title="", new_authority_id="0")
    summary = resp.get_data(as_text=True).split('id="error-summary"', 1)[1].split("</div>")[0]
    assert 'href="#new_title"' in summary and 'href="#new_authority_id"' in summary


def test_quick_log_form_is_never_cached_or_autofilled(client, login) -> None:
    login("ombud")
    resp = client.get("/log")
    assert resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    assert re.search(r'<form[^>]*autocomplete="off"[^>]*id="quicklog"', html)
    assert '<a class="skip" href="#quicklog">Till formuläret</a>' in html


def test_a_merged_reference_logs_on_the_fault_it_was_merged_into(app, client, login, make):
    from tracker.faults import services

    login("ombud")
    dup = make.fault(title="Läkare saknas", occurrences=1)
    into = make.fault(title="Läkarbrist", authority="Psykiatri", occurrences=1)
    with Session(app.extensions["db_engine"]) as s:
        services.merge_into(
            s, fault=s.get(Fault, dup.id), into=s.get(Fault, into.id), actor_id=None
        )
        s.commit()
    html = client.get(f"/log?fault={dup.ref}").get_data(as_text=True)
    assert (
        chosen_text(html) == f"Valt systemfel {into.ref} Läkarbrist Psykiatri · 2 förekomster Byt"
    )
    assert dup.ref not in refs(client, "läkare")
    assert quick(client, fault_ref=dup.ref).status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        assert s.get(Fault, into.id).occurrence_count == 3
