"""Property-based fuzzing: no input reaches a 500.

Every rule of `app.url_map`, every method it takes, as every demo role and anonymously:
bad path values (huge and negative integers, Unicode digits), bad query strings, random
form fields with duplicate keys, oversized and non-UTF-8 bodies, JSON and other wrong
content types. A few examples per route by default (CI); `FUZZ_EXAMPLES=200 make fuzz`
(or `make fuzz`) explores many more, with a random seed each run.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.demo import DEMO_PASSWORD

from .conftest import do_login
from .test_demo_crawl import demo_ids

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 3)
# CI runs the same examples every time; `make fuzz` sets FUZZ_RANDOM=1 to explore.
RANDOM = bool(os.environ.get("FUZZ_RANDOM"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
)

BIG = [
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "-9223372036854775809",
    "2147483648",
    "1" * 400,
]
NASTY = [
    *BIG,
    "0",
    "-1",
    "²",
    "١٢٣",
    "٣",
    "1e9",
    "0x10",
    "NaN",
    "inf",
    "1.5",
    " 1",
    "\x00",
    "%",
    "'\"<x>",
    "2023-02-30",
    "9999-12-31",
    "0001-01-01",
    "31/02",
    "💥",
    "\u202e",
    "a\r\nBcc: x@example.se",
    "x" * 60_000,
    "",
]
QUERY_KEYS = [
    "q",
    "page",
    "authority",
    "theme",
    "from",
    "to",
    "sort",
    "status",
    "actor",
    "year",
    "org",
    "format",
    "fault",
    "dir",
    "next",
    "forum",
    "meeting",
    "kind",
    "limit",
]
CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "application/xml",
    "application/octet-stream",
    "application/x-www-form-urlencoded; charset=latin-1",
]
MAX_BODY = 4 * 1024 * 1024


def _form_fields() -> list[str]:
    """Every field name of every form in the app, found from the form classes."""
    names: set[str] = set()
    todo: list[type] = [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for name in dir(cls):
            attr = getattr(cls, name, None)
            if type(attr).__name__ == "UnboundField":
                names.add(name)
    return sorted(names)


def value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=30),
    )


def path_value(arg: str, converter: str, ids: dict[str, str]) -> st.SearchStrategy[str]:
    real = st.just(ids.get(arg, "1"))
    if converter == "IntegerConverter" or converter == "BoundedInt":
        return st.one_of(real, st.sampled_from(BIG + ["0", "²", "١٢"]))
    return st.one_of(real, st.sampled_from(NASTY[:-2]), st.text(min_size=1, max_size=30))


def build_path(rule: Any, values: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        return quote(values[m.group(1)], safe="")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", sub, rule.rule)


@st.composite
def body(draw: st.DrawFn, fields: list[str], token: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["form", "form", "form", "multipart", "json", "raw", "big"]))
    pairs = draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(fields), st.text(max_size=8)), value()),
            max_size=8,
        )
    )
    if draw(st.booleans()):  # mostly a valid CSRF token, so the views themselves are reached
        pairs.append(("csrf_token", token))
    if pairs and draw(st.booleans()):  # duplicate keys
        pairs.append((pairs[0][0], draw(value())))
    if kind == "form":
        from werkzeug.datastructures import MultiDict

        return {"data": MultiDict(pairs)}
    if kind == "multipart":
        from werkzeug.datastructures import MultiDict

        return {"data": MultiDict(pairs), "content_type": "multipart/form-data"}
    if kind == "json":
        payload = draw(st.sampled_from([[1, 2], dict(pairs), "x", None, [dict(pairs)]]))
        return {"data": json.dumps(payload), "content_type": "application/json"}
    if kind == "raw":
        raw = draw(
            st.sampled_from(
                [
                    b"\xff\xfe\xfa=\xc3\x28&title=\xe9t\xe9",
                    b"csrf_token=" + token.encode() + b"&title=\xff\xfe&name=%ff%fe%c3",
                    b"a=1&a=2&a=3&&&==&%zz=%",
                    b"\x00" * 64,
                ]
            )
        )
        ctype = draw(st.sampled_from(["application/x-www-form-urlencoded", *CONTENT_TYPES]))
        return {"data": raw, "content_type": ctype}
    return {
        "data": b"a=" + b"x" * (MAX_BODY + 1),
        "content_type": "application/x-www-form-urlencoded",
    }


def login(client: FlaskClient, role: str | None) -> str:
    if role is not None:
        assert do_login(client, f"{role}@demo.se", DEMO_PASSWORD).status_code == 302
    html = client.get("/login" if role is None else "/account/password").get_data(as_text=True)
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return m.group(1) if m else ""


def still_logged_in(client: FlaskClient) -> bool:
    return client.get("/account/mfa").status_code == 200


SKIP = {("POST", "/logout")}  # ends the session the rest of the run needs


def routes(app: Flask) -> list[tuple[Any, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) not in SKIP:
                out.append((rule, method))
    return out


def fuzz_route(
    client: FlaskClient,
    rule: Any,
    method: str,
    role: str | None,
    ids: dict[str, str],
    fields: list[str],
    token: str,
) -> None:
    converters = {a: type(c).__name__ for a, c in rule._converters.items()}
    paths = st.fixed_dictionaries({a: path_value(a, c, ids) for a, c in sorted(converters.items())})
    query = st.lists(st.tuples(st.sampled_from(QUERY_KEYS), value()), max_size=4)

    @SETTINGS
    @given(values=paths, query=query, payload=body(fields, token))
    def check(values: dict[str, str], query: list[tuple[str, str]], payload: Any) -> None:
        url = build_path(rule, values)
        kw = payload if method != "GET" else {}
        resp = client.open(url, method=method, query_string=query, **kw)
        assert resp.status_code < 500, (role, method, url, query, resp.status_code)

    check()


@pytest.mark.parametrize("role", ["ombud", "samordnare", "ledamot", "admin", "natverk", None])
def test_no_input_reaches_500(app: Flask, role: str | None) -> None:
    ids = demo_ids(app)
    client = app.test_client()
    token = login(client, role)
    fields = _form_fields()
    checked = 0
    for rule, method in routes(app):
        fuzz_route(client, rule, method, role, ids, fields, token)
        checked += 1
        if role is not None and method != "GET" and not still_logged_in(client):
            token = login(client, role)  # a fuzzed POST may end the session: log in again
    assert checked > 100


# ---- the inputs the issue found, on every route, always ---------------------------------


def test_the_known_bad_inputs_on_every_route(app: Flask) -> None:
    ids = demo_ids(app)
    client = app.test_client()
    token = login(client, "admin")
    for rule, method in routes(app):
        good = {a: ids.get(a, "1") for a in rule._converters}
        if any(type(c).__name__ == "BoundedInt" for c in rule._converters.values()):
            for big in ("99999999999999999999", "9223372036854775808", "2147483648", "١٢"):
                values = {
                    a: big if type(c).__name__ == "BoundedInt" else good[a]
                    for a, c in rule._converters.items()
                }
                resp = client.open(build_path(rule, values), method=method)
                assert resp.status_code == 404, (method, rule.rule, big, resp.status_code)
        url = build_path(rule, good)
        if method == "GET":
            for bad in ("9223372036854775808", "-9223372036854775809", "²", "x" * 999):
                query = dict.fromkeys([*QUERY_KEYS, "version", "older", "actor"], bad)
                resp = client.get(url, query_string=query)
                assert resp.status_code < 500, (url, bad[:20], resp.status_code)
            continue
        resp = client.open(url, method=method, json=[1, 2])
        if url.startswith("/api/"):  # the API takes JSON (tests/api/): a problem, never a 5xx
            assert resp.status_code in (401, 422), (method, url, resp.status_code)
            continue
        assert resp.status_code == 415, (method, url, resp.status_code)
        if (method, url) == ("POST", "/logout"):
            continue
        resp = client.open(
            url, method=method, data={"csrf_token": token, "version": "9223372036854775808"}
        )
        assert resp.status_code < 500, (method, url, resp.status_code)


def test_refusals_are_clear_swedish_pages(app: Flask, client: FlaskClient) -> None:
    demo_ids(app)
    token = login(client, "samordnare")
    resp = client.get("/faults/suggest", query_string={"q": "ö" * 60_000})
    assert resp.status_code == 400
    assert "för lång" in resp.get_data(as_text=True)
    assert client.get("/faults/suggest", query_string={"q": "ö" * 900}).status_code == 200
    assert client.get("/reports/2026/combined", query_string={"org": "²"}).status_code == 200
    assert client.get("/faults/", query_string={"page": "9223372036854775808"}).status_code == 200
    assert client.get("/meetings/99999999999999999999").status_code == 404
    resp = client.post("/log", json=[{"title": "x"}])
    assert resp.status_code == 415 and "tar bara emot vanliga formulär" in resp.get_data(
        as_text=True
    )
    resp = client.post(
        "/log",
        data=b"csrf_token=" + token.encode() + b"&q=" + b"x" * (MAX_BODY + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert resp.status_code == 413 and "större än tjänsten tar emot" in resp.get_data(as_text=True)
