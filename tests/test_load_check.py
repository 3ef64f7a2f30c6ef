"""The load test's exactly-once check (benchmarks/load_check.py) on a real database, and the
form reading its users rely on (benchmarks/load_support.py). Locust is not needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from benchmarks import load_check
from benchmarks.load_support import MARKER_RE, forms, marker
from tracker.privacy import find_identifiers


def _write(kind: str, mark: str, place: str, ack: bool = True, status: int = 302) -> dict[str, Any]:
    return {"kind": kind, "marker": mark, "place": place, "ack": ack, "status": status}


def test_markers_pass_the_privacy_guard() -> None:
    for _ in range(200):
        m = marker()
        assert MARKER_RE.fullmatch(m)
        assert find_identifiers(f"Klienten väntade på beslut ({m}).") == []


def test_exactly_once_against_the_database(app: Flask, make: Any) -> None:
    once, twice, lost, unacked, elsewhere, title = (marker() for _ in range(6))
    make.fault(title=f"Brev utan beslut {title}", occurrences=1, narrative=f"Väntan ({once}).")
    make.fault(title="Lång väntan", occurrences=2, narrative=f"Samma text ({twice}).")
    make.fault(title="Inget svar", occurrences=1, narrative=f"Ej kvitterad ({unacked}).")
    make.fault(title="Fel ställe", occurrences=1, narrative=f"Här ({elsewhere}).")
    writes = [
        _write("occurrence", once, "soderort/SF-{y}-001"),
        _write("fault", title, "soderort/SF-{y}-001"),
        _write("occurrence", twice, "soderort/SF-{y}-002"),
        _write("occurrence", lost, "soderort/SF-{y}-002"),
        _write("occurrence", unacked, "soderort/SF-{y}-003", ack=False, status=0),
        _write("occurrence", elsewhere, "soderort/SF-{y}-001"),
        _write("action", marker(), "item-1", ack=False, status=400),
    ]
    for w in writes:
        w["place"] = w["place"].format(y=date.today().year)

    result = load_check.check(app.config["DATABASE_URL"], writes)

    occ = result.kinds["occurrence"]
    assert (occ.attempted, occ.acknowledged, occ.exactly_once) == (5, 4, 1)
    assert occ.missing == [lost]
    assert occ.duplicated == [f"{twice} ×2"]
    assert occ.misplaced == [
        f"{elsewhere}: acknowledged soderort/SF-{date.today().year}-001, "
        f"stored soderort/SF-{date.today().year}-004"
    ]
    assert occ.unacknowledged_present == [unacked]
    assert occ.refused == {0: 1}
    assert result.kinds["fault"].exactly_once == 1
    assert result.kinds["action"].refused == {400: 1}
    assert result.failed
    table = load_check.markdown(result)
    assert "**FAILED**" in table and f"occurrence missing: {lost}" in table

    # a marker stored twice is a duplicate even when its save was never acknowledged
    good = load_check.check(app.config["DATABASE_URL"], writes[:2]).kinds["occurrence"]
    assert (good.exactly_once, good.missing, good.misplaced) == (1, [], [])
    assert good.duplicated == [f"{twice} ×2 (not acknowledged)"]


def test_minutes_markers_count_within_the_text() -> None:
    a, b, c = marker(), marker(), marker()
    found = load_check.found_markers(
        [(f"Diskuterat {a}.\nDiskuterat {b}.", "item", 7), (f"Diskuterat {b}.", "item", 8)]
    )
    writes = [_write("minutes", m, "item-7") for m in (a, b, c)]
    result = load_check.compare(writes, {"minutes": found})
    minutes = result.kinds["minutes"]
    assert minutes.exactly_once == 1  # a
    assert minutes.duplicated == [f"{b} ×2"]  # saved once, found in two items
    assert minutes.missing == [c]  # overwritten by a later save: a lost update


def test_forms_as_a_browser_submits_them() -> None:
    html = """
    <form method="post" action="/x" id="doc">
      <input type="hidden" name="csrf_token" value="tok">
      <textarea name="i1-discussion">
Första raden &amp; mer</textarea>
      <select name="i1-owner"><option value="">–</option><option value="c2" selected>K</option>
      </select>
      <select name="i1-forum"><option value="0">–</option><option value="3">F</option></select>
      <input type="radio" name="mode" value="a"><input type="radio" name="mode" value="b" checked>
      <input type="checkbox" name="c" value="x"><input type="date" name="due" value="">
      <button type="submit">Spara</button>
    </form>"""
    (form,) = forms(html)
    assert (form.action, form.id) == ("/x", "doc")
    assert form.fields == [
        ("csrf_token", "tok"),
        ("i1-discussion", "Första raden & mer"),
        ("i1-owner", "c2"),
        ("i1-forum", "0"),
        ("mode", "b"),
        ("due", ""),
    ]
    assert form.options["i1-forum"] == ["0", "3"]
    assert form.with_values({"i1-discussion": "ny", "extra": "1"})[1:2] == [("i1-discussion", "ny")]
