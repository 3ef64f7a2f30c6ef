"""Real-browser fixtures: a live server for the `app` fixture, one headless Chromium per
session, a fresh browser context per test, axe-core and a log-in helper.

Every test in this folder carries the `browser` marker (`pytest -m "not browser"` skips
them). When Chromium or axe-core is missing the tests are skipped with the reason – or
fail, when TRACKER_REQUIRE_BROWSER=1 (CI must not silently skip them).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import PASSWORD, do_login

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLAYWRIGHT_MISSING = "the playwright package is not installed (pip install -e '.[test]')"
DESKTOP = (1280, 800)
MOBILE = (360, 740)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = (
    "async (tags) => { const r = await axe.run(document, "
    "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
    " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
    " helpUrl: v.helpUrl, targets: v.nodes.map(n => n.target.join(' '))})); }"
)
# Recorded in every document before any page script: CSP violations the page reports.
CSP_RECORDER = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
    "e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile"
    " + ':' + e.lineNumber));"
)


# ---- marker and requirements -------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder (before `-m` deselects anything)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    return os.environ.get("TRACKER_CHROMIUM") or DEFAULT_CHROMIUM


def _missing() -> str | None:
    exe = chromium_path()
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        return (
            f"Chromium not found at {exe} (install Debian's chromium, or point "
            "TRACKER_CHROMIUM at a Chromium binary)"
        )
    if not AXE_JS.is_file():
        return f"axe-core not found at {AXE_JS} (run `npm ci` in the project root)"
    if importlib.util.find_spec("playwright") is None:
        return PLAYWRIGHT_MISSING
    return None


def skip_or_fail(reason: str) -> None:
    """Skip (also a whole module, at import) – or fail when TRACKER_REQUIRE_BROWSER=1."""
    if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TRACKER_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="session", autouse=True)
def _browser_requirements() -> None:
    reason = _missing()
    if reason is not None:
        skip_or_fail(reason)


@functools.cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the production cost takes ~0.3 s per hash or check on a small CI
    machine, and every test here creates users and logs in through the form. The browser
    tests are about pages, not hashing cost (tests/accounts covers that): use a cheap
    argon2id hasher for the duration of each test."""
    from argon2 import PasswordHasher

    from tracker.accounts import services

    monkeypatch.setattr(
        services, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


# ---- live server -------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """No access log lines; errors (tracebacks) are still written to stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on 127.0.0.1 at a free port; yields the base URL without a slash."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# ---- browser and pages -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(_browser_requirements: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageFactory:
    """`page_factory(width, height)`: a new page in a new context of that viewport.

    Console errors and uncaught page errors are collected per page: `errors(page)`."""

    browser: Browser
    base_url: str
    contexts: list[BrowserContext] = field(default_factory=list)
    _errors: dict[int, list[str]] = field(default_factory=dict)

    def __call__(self, width: int = DESKTOP[0], height: int = DESKTOP[1]) -> Page:
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            base_url=self.base_url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
        )
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_RECORDER)
        self.contexts.append(context)
        page = context.new_page()
        errors = self._errors.setdefault(id(page), [])

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                loc = msg.location or {}
                errors.append(f"console: {msg.text} ({loc.get('url', '?')})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        return page

    def errors(self, page: Page) -> list[str]:
        return self._errors.get(id(page), [])

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def page_factory(browser: Browser, live_server: str) -> Iterator[PageFactory]:
    """Depends on live_server so that every context is closed before the server stops."""
    factory = PageFactory(browser, live_server)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def page(page_factory: PageFactory) -> Page:
    return page_factory()


# ---- helpers -----------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the current document.

    page.evaluate() runs through the DevTools protocol, which the page's CSP does not
    govern, so the strict policy (no inline scripts) stays on during the check."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result: list[dict[str, Any]] = page.evaluate(AXE_RUN, WCAG_TAGS)
    return result


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
        targets = v["targets"]
        for target in targets[:5]:
            lines.append(f"    at {target}")
        if len(targets) > 5:
            lines.append(f"    … and {len(targets) - 5} more")
    return "\n".join(lines)


def assert_axe_clean(page: Page) -> None:
    """Fail with a readable list (rule id, impact, help, first node targets) if axe-core
    finds any WCAG 2.1 A/AA violation on the page as it is now."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(violations, page.url), pytrace=False)


def csp_violations(page: Page) -> list[str]:
    result: list[str] = page.evaluate("() => window.__cspViolations || []")
    return result


def assert_no_horizontal_scroll(page: Page) -> None:
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " wide: [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5"
        " && !e.closest('.table-wrap'))"
        ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
        " + (e.className ? '.' + String(e.className).split(' ').join('.') : '')"
        " + ' \"' + e.textContent.trim().slice(0, 40) + '\"')})"
    )
    assert sizes["scroll"] <= sizes["inner"], (
        f"horizontal scrolling on {page.url}: scrollWidth {sizes['scroll']} > "
        f"innerWidth {sizes['inner']}; wide elements: {json.dumps(sizes['wide'])}"
    )


@pytest.fixture
def sign_in(app: Flask, live_server: str) -> Callable[[Page, str], None]:
    """A quick log-in for tests about the pages behind it: log in with Flask's test client
    (same User-Agent as the browser, for Flask-Login's session protection) and hand the
    session cookie to the page's context. The form itself is tested with `login()`."""

    def _sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = page.evaluate("() => navigator.userAgent")
        resp = do_login(client, email, password)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert cookie is not None
        page.context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "url": live_server,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return _sign_in


def login(page: Page, email: str, password: str = PASSWORD) -> Page:
    """Log in through the real form, as a person would, and wait for the page after it."""
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    if urlsplit(page.url).path == "/login":
        alert = page.get_by_role("alert")
        reason = alert.inner_text() if alert.count() else "no message"
        pytest.fail(f"log-in as {email} failed: {reason}", pytrace=False)
    return page


VIEWPORTS = [pytest.param(MOBILE, id="360px"), pytest.param(DESKTOP, id="1280px")]


def load_demo_data(app: Flask) -> None:
    """The demo data (`make run`) in the test's database."""
    from sqlmodel import Session

    from tracker.demo import load_demo

    with Session(app.extensions["db_engine"]) as s:
        load_demo(s)
        s.commit()


def check_page(
    page: Page, viewport: tuple[int, int], factory: PageFactory, *, refused: bool = False
) -> None:
    """axe-clean, no sideways scrolling at 360 px, the CSP held and nothing failed in the
    browser – but, with `refused`, a refused form's 400."""
    assert_axe_clean(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)
    assert csp_violations(page) == []
    assert [e for e in factory.errors(page) if not (refused and "400" in e)] == []
