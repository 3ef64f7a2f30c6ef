"""No page answers 500 to odd input: every route, GET and POST, with garbage values."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

GARBAGE = {
    "q": "'\"<x>",
    "page": "-3",
    "authority": "abc",
    "theme": "1e9",
    "from": "31/02",
    "to": "igår",
    "sort": "💥",
    "status": "nope",
    "actor": "x",
    "year": "x",
    "org": "abc",
    "format": "exe",
    "fault": "SF-0000-000",
    "dir": "sideways",
}
FORM = {
    "title": "x" * 500,
    "name": "",
    "email": "inte",
    "observed_on": "2023-02-30",
    "version": "abc",
    "forum_id": "x",
    "primary_authority_id": "x",
    "new_authority_id": "x",
    "mode": "other",
    "to": "nope",
    "other_ref": "",
    "day": "x",
    "time": "25:99",
    "role": "kung",
    "m-role": "kung",
    "section_id": "x",
    "parent_id": "x",
    "position": "-1",
    "markdown": "",
    "org_id": "x",
    "lang": "xx",
    "weekly": "2",
    "recurrence_threshold": "x",
    "age_bands": "",
}


def _urls(app, ids: dict[str, str]) -> list[tuple[str, set[str]]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {arg: ids.get(arg, "1") for arg in rule.arguments}
        out.append((rule.build(values)[1], set(rule.methods or ())))
    return out


@pytest.mark.parametrize("role", ["samordnare", "admin", "ledamot"])
def test_no_route_answers_500(app, client, login, make, role):
    login(role)
    fault = make.fault(occurrences=1)
    ids = {"ref": fault.ref, "other_ref": fault.ref, "year": "2026", "fmt": "md"}
    token = csrf_token(client, "/account/password")
    for url, methods in _urls(app, ids):
        if "GET" in methods:
            resp = client.get(url, query_string=GARBAGE)
            assert resp.status_code < 500, (url, resp.status_code)
        if "POST" in methods and url not in ("/logout",):
            resp = client.post(url, data={**FORM, "csrf_token": token})
            assert resp.status_code < 500, ("POST", url, resp.status_code)
