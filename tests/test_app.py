import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from flask import request

from tests.conftest import do_login, make_config, post
from tracker import create_app

ROOT = Path(__file__).resolve().parents[1]


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="TRACKER_SECRET_KEY"):
        create_app()


def test_dev_server_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_DEBUG", "true")
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = create_app()
    key = (tmp_path / "secret_key").read_text()
    assert first.config["SECRET_KEY"] == key and len(key) == 64
    assert create_app().config["SECRET_KEY"] == key
    assert first.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tracker.sqlite'}"


def test_environment_overrides_config(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from-env")
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.sqlite"))
    monkeypatch.setenv("TRACKER_MAIL_PORT", "2525")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["DATABASE_URL"].endswith("x.sqlite")


def test_cookies_are_secure_outside_debug(database_url, tmp_path, make):
    app = create_app(make_config(database_url, tmp_path, TESTING=False))
    user = make.user("ombud")
    c = app.test_client()
    resp = do_login(c, user.email, remember="y", base_url="https://localhost")
    cookies = resp.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["db_engine"].dispose()


def test_security_headers_and_strict_csp(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in resp.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in resp.headers  # off unless configured


def test_hsts_and_trusted_proxy_hops_are_configurable(tmp_path):
    app = create_app(
        make_config(f"sqlite:///{tmp_path / 'h.sqlite'}", tmp_path, HSTS_SECONDS=31536000,
                    PROXY_FIX_HOPS=1)
    )  # fmt: skip
    seen: list[str | None] = []
    app.before_request(lambda: seen.append(request.remote_addr))
    resp = app.test_client().get(
        "/healthz",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert seen == ["203.0.113.9"]
    app.extensions["db_engine"].dispose()


def test_templates_have_no_inline_script_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    for tpl in (ROOT / "templates").rglob("*.html"):
        text = tpl.read_text()
        assert not inline_script.search(text), tpl
        assert " style=" not in text and "<style" not in text, tpl
        assert not handler.search(text), tpl


@pytest.mark.parametrize(
    "url,code,text",
    [
        ("/finns-inte", 404, "Sidan finns inte"),
        ("/admin/users", 302, None),
    ],
)
def test_error_pages_are_swedish(client, url, code, text):
    resp = client.get(url)
    assert resp.status_code == code
    if text:
        html = resp.get_data(as_text=True)
        assert text in html and "Traceback" not in html and 'lang="sv"' in html


def test_method_not_allowed_and_forbidden_pages(client, login):
    login("ombud")
    resp = client.get("/logout")
    assert resp.status_code == 405 and "Metoden stöds inte" in resp.get_data(as_text=True)
    resp = client.get("/admin/users")
    assert resp.status_code == 403 and "Åtkomst nekad" in resp.get_data(as_text=True)


def test_500_page_has_no_stack_trace(database_url, tmp_path):
    # TESTING off: the error handler answers, as in production
    app = create_app(make_config(database_url, tmp_path, TESTING=False))

    @app.get("/__boom")
    def boom():
        raise RuntimeError("hemlig detalj")

    resp = app.test_client().get("/__boom")
    app.extensions["db_engine"].dispose()
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Något gick fel" in html and "hemlig detalj" not in html and "Traceback" not in html


def test_409_page_exists(app):
    from tracker.errors import render_error

    with app.test_request_context("/"):
        html, code = render_error(409)
    assert code == 409 and "Konflikt" in html


def test_healthz_and_accessibility_statement(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert "Tillgänglighetsredogörelse" in page and "WCAG 2.1" in page


def test_language_switch_to_english_and_back(client, login):
    login("ombud")
    resp = post(client, "/lang", {"lang": "en", "next": "/"}, form_url="/")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Welcome" in html and 'lang="en"' in html and "Log out" in html
    post(client, "/lang", {"lang": "sv", "next": "//evil"}, form_url="/")
    assert "Välkommen" in client.get("/").get_data(as_text=True)
    assert post(client, "/lang", {"lang": "xx"}, form_url="/").status_code == 400


def test_every_message_has_an_english_translation():
    from babel.messages.pofile import read_po

    with open(ROOT / "tracker/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert not missing, missing[:10]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, fuzzy[:10]


def test_catalog_covers_every_string_in_the_code(tmp_path):
    """The .po file is up to date: extracting again finds no new message."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
    )
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with open(ROOT / "tracker/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        translated = {m.id for m in read_po(f) if m.id}
    assert extracted - translated == set()


def test_wheel_carries_templates_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("tracker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/templates/base.html" in names
    assert any(n.startswith("tracker/migrations/versions/") for n in names)
    assert "tracker/migrations/env.py" in names
    assert "tracker/translations/en/LC_MESSAGES/messages.mo" in names
    assert "tracker/static/style.css" in names
