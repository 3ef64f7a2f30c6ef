"""Systemfel tracker: create_app() builds the Flask application."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """templates/ and migrations/ live in the package in a wheel, at the root in a checkout."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=os.environ.get("TRACKER_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.from_object("tracker.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("TRACKER")
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_secrets_and_cookies(app)
    if not app.config["DATABASE_URL"]:
        db_file = Path(app.instance_path) / "tracker.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{db_file}"

    from . import audit, cli, dataversion, db, i18n, observe, web  # noqa: F401 – dataversion registers its hooks

    db.init_app(app)
    cli.init_app(app)
    audit.install_append_only_guard()
    web.init_app(app)
    i18n.install_template_gettext(app)
    observe.init_app(app)
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:  # behind N trusted proxies: the client address is N hops back
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    # `make run`: the reloader's serving process (not its watcher) runs the scheduler.
    if app.config.get("EMBED_SCHEDULER") and os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        from .scheduler import embed

        embed(app)
    return app


def _configure_secrets_and_cookies(app: Flask) -> None:
    dev = app.debug or app.testing
    if not app.config.get("SECRET_KEY"):
        if not dev:
            raise RuntimeError(
                "TRACKER_SECRET_KEY is not set. Production refuses to start without a secret key; "
                "set it in the environment (for example: python -c "
                "'import secrets; print(secrets.token_hex(32))')."
            )
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if dev:
        # The dev server speaks plain HTTP on 127.0.0.1.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
