"""The load test's users (Locust): ombud logging and browsing, samordnare writing minutes,
forum members reading. Run by benchmarks/load.py (`make load`); on its own:

    LOAD_WRITES=/tmp/writes.jsonl .venv/bin/locust -f benchmarks/locustfile.py \\
        --headless -u 50 -r 10 -t 5m --host http://127.0.0.1:8000

against a server with the demo data (`tracker demo`). Every user logs in itself with a demo
login of its role (tracker.demo, DEMO_PASSWORD; users of a role share the logins of both
organisations, each with its own session cookie) and never logs out (logging out ends every
session of the account). Weights 6 : 1 : 3 – 50 users are 30 ombud, 5 samordnare and 15
ledamöter – with think times of 3–10 s (ombud) and 5–15 s (the others).

- **Ombud**: the quick log (`GET /log`, the fault picked through `/faults/suggest` as the
  page's search-as-you-type does, or opened from a fault as `/log?fault=REF`; one in 15 logs a
  new fault), `POST /log` with the form's CSRF token and then the fault page it redirects
  to; the fault list (plain, searched or filtered) and a fault page; the dashboard.
- **Samordnare**: the meeting page of a planned meeting from the dashboard; the minutes
  editor (`/meetings/<id>/minutes/edit`): the whole form posted back as a browser does, with
  a sentence appended to one item's discussion; an action item added under an agenda item
  on the meeting page; `agenda.md`; the dashboard.
- **Ledamot**: the dashboard, the forum page (the forum's escalated faults and meetings –
  a member has no `/faults/`), a meeting page, a fault as the forum sees it, `agenda.md`.

Every write carries a marker, `lasttest` and ten consonants (the privacy guard lets letters
through; digits could look like personnummer or phone numbers), and each attempt is written
as one JSON line to the file named by LOAD_WRITES: kind (occurrence, fault, minutes,
action), marker, place (`<org>/<ref>` or `item-<id>`), ack (the app's answer to a saved form:
302 to the expected page) and status. benchmarks/load_check.py then counts the markers in
the database. A minutes save refused with 409 (someone else changed the same item since
the editor was loaded: the optimistic lock) is an expected answer, not a failure; it is
recorded with ack false and the user reloads the editor next time.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_support import (  # noqa: E402
    WRITES,
    Form,
    form_by_action,
    form_by_id,
    marker,
    record_final_stats,
    today,
)
from tracker.demo import DEMO_PASSWORD, demo_logins  # noqa: E402

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_ERROR = re.compile(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]{3,200})')
SEARCH_WORDS = [
    "försörjningsstöd", "handläggare", "bostad", "återkrav", "vräkning", "telefon",
    "arbetsförmedlingen", "ohälsa", "bankid", "beslut", "psykiatri", "sjukpenning",
]  # fmt: skip
OBSERVATIONS = [
    "Klienten väntade på beslut i flera månader trots påminnelser",
    "Handläggaren gick inte att nå per telefon under hela veckan",
    "Ansökan fick lämnas in på nytt eftersom underlaget hade kommit bort",
    "Klienten fick avslag utan att kompletteringen hade lästs",
    "Vårdplaneringen blev inte av innan utskrivningen",
]
NEW_TITLES = ["Brev skickas utan begripligt beslut", "Lång väntan på återkoppling"]
ACTIONS = ["Kontakta myndigheten om rutinen", "Ta fram underlag till nästa möte"]


@events.init.add_listener
def _on_init(environment: Any, **_kw: Any) -> None:
    if os.environ.get("LOAD_STATS"):
        record_final_stats(environment, os.environ["LOAD_STATS"])


def path_of(location: str) -> str:
    return urlsplit(location).path


class Member(HttpUser):
    """A logged-in person of one role; subclasses set `role` and their tasks."""

    abstract = True
    role = ""
    _seq: itertools.count[int] = itertools.count()

    def on_start(self) -> None:
        logins = [(email, slug) for email, role, slug in demo_logins() if role == self.role]
        self.email, self.org = logins[next(type(self)._seq) % len(logins)]
        self.logged_in = False
        self.login()

    # ---- requests ----

    def problem(self, name: str, message: str) -> None:
        """A failed check that is not one request's status (e.g. a form missing)."""
        self.environment.events.request.fire(
            request_type="CHECK", name=name, response_time=0, response_length=0,
            exception=AssertionError(message), context={},
        )  # fmt: skip

    def get(self, path: str, name: str, expect: int = 200) -> str | None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != expect:
                r.failure(f"{r.status_code}, expected {expect}")
                return None
            r.success()
            return r.text

    def post(
        self, path: str, name: str, fields: list[tuple[str, str]], expected: tuple[int, ...]
    ) -> tuple[int, str]:
        """POST a form; the answer's status and Location. A status in `expected` is a
        success, anything else a failure with the page's first error message."""
        with self.client.post(
            path, data=fields, name=name, allow_redirects=False, catch_response=True
        ) as r:
            status = r.status_code
            if status in expected:
                r.success()
            else:
                m = _ERROR.search(r.text or "")
                r.failure(f"{status}: {m.group(1).strip() if m else (r.text or '')[:120]}")
            return status, r.headers.get("Location", "")

    def login(self) -> None:
        page = self.get("/login", "/login")
        m = _CSRF.search(page or "")
        if m is None:
            return
        form = [("csrf_token", m.group(1)), ("email", self.email), ("password", DEMO_PASSWORD)]
        status, _location = self.post("/login", "/login", form, (302,))
        self.logged_in = status == 302

    def ready(self) -> bool:
        if not self.logged_in:
            self.login()
        return self.logged_in

    def record(self, kind: str, mark: str, place: str, status: int, ack: bool) -> None:
        WRITES.record(kind=kind, marker=mark, place=place, status=status, ack=ack, user=self.email)


class Ombud(Member):
    role = "ombud"
    weight = 6
    wait_time = between(3, 10)
    _seq = itertools.count()

    def on_start(self) -> None:
        self.refs: list[str] = []
        super().on_start()

    @task(3)
    def log_occurrence(self) -> None:
        if not self.ready():
            return
        new = random.random() < 1 / 15
        ref = ""
        if not new and self.refs and random.random() < 0.4:
            ref = random.choice(self.refs)
            html = self.get(f"/log?fault={quote(ref)}", "/log?fault=[ref]")
        else:
            html = self.get("/log", "/log")
        if html is None:
            return
        form = form_by_id(html, "quicklog")
        if form is None:
            self.problem("quick log form", "no form#quicklog on /log")
            return
        if not new and not ref:
            ref = self.suggest()
            if not ref:
                return
        self.submit_log(form, ref)

    def suggest(self) -> str:
        word = random.choice(SEARCH_WORDS)
        with self.client.get(
            f"/faults/suggest?q={quote(word)}", name="/faults/suggest?q=[text]",
            catch_response=True,
        ) as r:  # fmt: skip
            try:
                picks = [p["ref"] for p in r.json()] if r.status_code == 200 else None
            except (ValueError, KeyError, TypeError):
                picks = None
            if picks is None:
                r.failure(f"{r.status_code}, expected 200 with JSON")
                return ""
            r.success()
        picks = picks[:3] or self.refs
        return random.choice(picks) if picks else ""

    def submit_log(self, form: Form, ref: str) -> None:
        narrative_marker = marker()
        values = {
            "mode": "existing" if ref else "new",
            "fault_ref": ref,
            "observed_on": (today() - timedelta(days=random.randint(0, 20))).isoformat(),
            "narrative": f"{random.choice(OBSERVATIONS)} ({narrative_marker}).",
            "gender": random.choice(["", "kvinna", "man"]),
        }
        title_marker = ""
        if not ref:
            title_marker = marker()
            values["new_title"] = f"{random.choice(NEW_TITLES)} {title_marker}"
            authorities = [v for v in form.options.get("new_authority_id", []) if v != "0"]
            values["new_authority_id"] = random.choice(authorities) if authorities else "0"
        fields = form.with_values(values)
        fields += [("consequences", c) for c in random.sample(["inkomstbortfall", "halsa"], 1)]
        status, location = self.post("/log", "/log", fields, (302,))
        target = path_of(location)
        ok = status == 302 and target.startswith("/faults/SF-")
        saved_ref = target.removeprefix("/faults/") if ok else ref
        if ok and ref and saved_ref != ref:
            self.problem("POST /log redirect", f"logged on {ref}, redirected to {target}")
        place = f"{self.org}/{saved_ref}"
        self.record("occurrence", narrative_marker, place, status, ok)
        if title_marker:
            self.record("fault", title_marker, place, status, ok)
        if ok:
            self.get(target, "/faults/[ref]")

    @task(4)
    def browse_faults(self) -> None:
        if not self.ready():
            return
        pick = random.random()
        if pick < 0.6:
            html = self.get("/faults/", "/faults/")
        elif pick < 0.8:
            html = self.get(f"/faults/?q={quote(random.choice(SEARCH_WORDS))}", "/faults/?q=[text]")
        else:
            html = self.get("/faults/?status=bekraftad", "/faults/?status=[status]")
        if html is None:
            return
        refs = sorted(set(re.findall(r'href="/faults/(SF-\d{4}-\d+)"', html)))
        if pick < 0.6 and refs:
            self.refs = refs
        if refs:
            self.get(f"/faults/{random.choice(refs)}", "/faults/[ref]")

    @task(2)
    def dashboard(self) -> None:
        if self.ready():
            self.get("/", "/")


class Samordnare(Member):
    role = "samordnare"
    weight = 1
    wait_time = between(5, 15)
    _seq = itertools.count()

    def on_start(self) -> None:
        self.meetings: list[str] = []
        super().on_start()

    def meeting(self) -> str | None:
        """A planned meeting from the dashboard (its next meetings)."""
        if not self.meetings:
            html = self.get("/", "/")
            self.meetings = sorted(set(re.findall(r'href="/meetings/(\d+)"', html or "")))
            if html is not None and not self.meetings:
                self.problem("samordnare dashboard", "no planned meeting on the dashboard")
        return random.choice(self.meetings) if self.meetings else None

    @task(3)
    def write_minutes(self) -> None:
        meeting = self.meeting() if self.ready() else None
        if meeting is None:
            return
        self.get(f"/meetings/{meeting}", "/meetings/[id]")
        editor = f"/meetings/{meeting}/minutes/edit"
        html = self.get(editor, "/meetings/[id]/minutes/edit")
        form = form_by_id(html or "", "minutes-doc")
        if html is not None and form is None:
            self.problem("minutes form", f"no form#minutes-doc on {editor}")
        if form is None:
            return
        fields = [n for n in form.names() if n.endswith("-discussion")]
        fields = [n for n in fields if len(form.get(n)) < 4500]  # the field holds 5000
        if not fields:
            return
        name = random.choice(fields)
        mark = marker()
        current = form.get(name).rstrip()
        sentence = f"Diskuterat {mark}."
        text = f"{current}\n{sentence}" if current else sentence
        name_ = "/meetings/[id]/minutes/edit"
        status, location = self.post(editor, name_, form.with_values({name: text}), (302, 409))
        ok = status == 302 and path_of(location) == editor
        item = name.split("-", 1)[0].removeprefix("i")
        self.record("minutes", mark, f"item-{item}", status, ok)
        if ok:
            self.get(editor, name_)

    @task(2)
    def add_action(self) -> None:
        meeting = self.meeting() if self.ready() else None
        if meeting is None:
            return
        html = self.get(f"/meetings/{meeting}", "/meetings/[id]")
        if html is None:
            return
        actions = re.findall(r'action="(/agenda-items/(\d+)/actions)"', html)
        if not actions:
            return
        action, item = random.choice(actions)
        form = form_by_action(html, action)
        owners = [v for v in (form.options.get(f"a{item}-owner", []) if form else []) if v]
        if form is None or not owners:
            self.problem("action form", f"no owners in the form {action}")
            return
        mark = marker()
        due = today() + timedelta(days=random.randint(7, 40))
        values = {
            f"a{item}-title": f"{random.choice(ACTIONS)} {mark}",
            f"a{item}-owner": random.choice(owners),
            f"a{item}-due_on": due.isoformat(),
        }
        fields = form.with_values(values)
        status, location = self.post(action, "/agenda-items/[id]/actions", fields, (302,))
        ok = status == 302 and path_of(location) == f"/meetings/{meeting}"
        self.record("action", mark, f"item-{item}", status, ok)
        if ok:
            self.get(f"/meetings/{meeting}", "/meetings/[id]")

    @task(1)
    def agenda(self) -> None:
        meeting = self.meeting() if self.ready() else None
        if meeting is not None:
            self.get(f"/meetings/{meeting}/agenda.md", "/meetings/[id]/agenda.md")

    @task(1)
    def dashboard(self) -> None:
        if self.ready():
            self.get("/", "/")


class Ledamot(Member):
    role = "ledamot"
    weight = 3
    wait_time = between(5, 15)
    _seq = itertools.count()

    def on_start(self) -> None:
        self.forums: list[str] = []
        self.meetings: list[str] = []
        self.faults: list[str] = []  # "/forums/<id>/faults/<ref>"
        super().on_start()

    def forum(self) -> None:
        """The forum page: the forum's escalated faults and its meetings."""
        if not self.forums:
            html = self.get("/forums/", "/forums/")
            self.forums = sorted(set(re.findall(r'href="/forums/(\d+)"', html or "")))
        if not self.forums:
            return
        html = self.get(f"/forums/{random.choice(self.forums)}", "/forums/[id]")
        if html is not None:
            self.meetings = sorted(set(re.findall(r'href="/meetings/(\d+)"', html)))
            self.faults = sorted(set(re.findall(r'href="(/forums/\d+/faults/[^"]+)"', html)))

    @task(2)
    def dashboard(self) -> None:
        if self.ready():
            self.get("/", "/")

    @task(2)
    def fault_list(self) -> None:
        if not self.ready():
            return
        self.forum()
        if self.faults:
            self.get(random.choice(self.faults), "/forums/[id]/faults/[ref]")

    @task(3)
    def meeting_page(self) -> None:
        if not self.ready():
            return
        if not self.meetings:
            self.forum()
        if self.meetings:
            self.get(f"/meetings/{random.choice(self.meetings)}", "/meetings/[id]")

    @task(1)
    def agenda(self) -> None:
        if self.ready() and self.meetings:
            meeting = random.choice(self.meetings)
            self.get(f"/meetings/{meeting}/agenda.md", "/meetings/[id]/agenda.md")
