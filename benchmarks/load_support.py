"""What the load test's users (benchmarks/locustfile.py) need besides Locust: the markers
their writes carry, the file the writes are recorded in, the final statistics as JSON, and
the forms of a page as a browser would submit them. No locust import.

`forms(html)` finds every <form> with its action, id and the fields a browser sends when the
form is submitted unchanged: text, hidden and date inputs with their value, checked
checkboxes and radio buttons, each <select>'s selected option (else its first), each
<textarea>'s text (less the one newline after the tag that browsers drop). Buttons are not
sent (the pages' forms have one unnamed submit button). The options of each select are kept
so a user can choose one."""

from __future__ import annotations

import json
import math
import os
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# A marker is letters only: the privacy guard refuses digits that look like personnummer
# or phone numbers. benchmarks/load_check.py looks for the same pattern.
MARKER_PREFIX = "lasttest"
MARKER_LETTERS = "bcdfghjklmnpqrstvwxz"
MARKER_RE = re.compile(MARKER_PREFIX + "[" + MARKER_LETTERS + "]{10}")

_issued: set[str] = set()


def marker() -> str:
    while True:
        m = MARKER_PREFIX + "".join(random.choices(MARKER_LETTERS, k=10))
        if m not in _issued:
            _issued.add(m)
            return m


def today() -> date:
    return datetime.now(UTC).date()  # the app checks dates against UTC


class WriteLog:
    """One JSON line per write attempt, to LOAD_WRITES (nothing without it)."""

    def __init__(self, path: str | None) -> None:
        self._file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def record(self, **entry: Any) -> None:
        if self._file is not None:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._file.flush()


def _nearest_rank(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def _entry(e: Any, after: list[float]) -> dict[str, Any]:
    return {
        "method": e.method or "",
        "name": e.name,
        "requests": e.num_requests,
        "failures": e.num_failures,
        "p50": e.get_response_time_percentile(0.5) if e.num_requests else 0,
        "p95": e.get_response_time_percentile(0.95) if e.num_requests else 0,
        "max": e.max_response_time,
        "rps": e.total_rps,
        "after_logins": len(after),
        "after_p50": _nearest_rank(after, 0.5),
        "after_p95": _nearest_rank(after, 0.95),
    }


def record_final_stats(environment: Any, path: str) -> None:
    """At Locust's quit event – once every user has stopped; its CSV is written once a
    second and can miss the last requests – write the numbers of the run to `path` as JSON:
    the users spawned per class, per request type and in total requests, failures, p50,
    p95, max (ms) and req/s, the failures and the exceptions raised in tasks.

    Every user logs in first, and a login (argon2) costs far more CPU than a page: while
    the users are spawned the server is busy with them and every request waits. So p50 and
    p95 are also given for the requests that started after the last login had its answer
    (`after_*`, exact nearest-rank; Locust's own percentiles are rounded to its buckets)."""
    users: dict[str, int] = {}
    samples: list[tuple[str, str, float, float]] = []  # method, name, start (s), time (ms)
    last_login = [0.0]

    def spawned(**_kw: Any) -> None:
        users.update(environment.runner.user_classes_count)

    def request(request_type: str, name: str, response_time: float, **_kw: Any) -> None:
        now = time.time()
        samples.append((request_type, name, now - response_time / 1000, response_time))
        if (request_type, name) == ("POST", "/login"):
            last_login[0] = max(last_login[0], now)

    def quit(**_kw: Any) -> None:
        stats = environment.stats
        after: dict[tuple[str, str], list[float]] = {}
        for method, name, start, ms in samples:
            if start >= last_login[0]:
                after.setdefault((method, name), []).append(ms)
        first = min((start for _m, _n, start, _t in samples), default=last_login[0])
        data = {
            "users": users,
            "logins_done_after_s": round(last_login[0] - first, 1),
            "entries": [
                _entry(e, after.get((e.method, e.name), [])) for e in stats.entries.values()
            ],
            "total": _entry(stats.total, [t for times in after.values() for t in times]),
            "errors": [
                {"method": e.method, "name": e.name, "error": str(e.error), "n": e.occurrences}
                for e in stats.errors.values()
            ],
            "exceptions": [
                {"n": x["count"], "message": x["msg"], "traceback": x["traceback"]}
                for x in environment.runner.exceptions.values()
            ],
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    environment.events.spawning_complete.add_listener(spawned)
    environment.events.request.add_listener(request)
    environment.events.quit.add_listener(quit)


WRITES = WriteLog(os.environ.get("LOAD_WRITES"))


# ---- forms --------------------------------------------------------------------------------

_TEXTUAL = {"text", "hidden", "date", "email", "search", "number", "password", "tel", "url", ""}


@dataclass
class Form:
    action: str
    id: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # select name → values

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.fields if k == name), default)

    def names(self) -> list[str]:
        return [k for k, _v in self.fields]

    def with_values(self, values: dict[str, str]) -> list[tuple[str, str]]:
        """The fields to post, with `values` replacing (or adding) single fields."""
        out = [(k, values.get(k, v)) for k, v in self.fields]
        out += [(k, v) for k, v in values.items() if k not in self.names()]
        return out


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, values, selected

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), id=a.get("id", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind in _TEXTUAL:
                form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "textarea" and self._textarea is not None and form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None and form is not None:
            name, values, selected = self._select
            form.options[name] = values
            chosen = selected[:1] or values[:1]
            form.fields += [(name, v) for v in chosen]
            self._select = None
        elif tag == "form":
            self._form = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_by_action(html: str, action: str) -> Form | None:
    return next((f for f in forms(html) if f.action == action), None)


def form_by_id(html: str, form_id: str) -> Form | None:
    return next((f for f in forms(html) if f.id == form_id), None)
