"""Parts of a page kept per process, like the results in tracker.dataversion: a template
wraps a part in `{% call kept(kind, key…) %}…{% endcall %}` and it is rendered once for
that key (which must hold every version the part depends on, e.g. `data_key(org)`, the
user, the day and the language) and taken from memory after that.

A kept part must never hold a person's CSRF token: another request – of another person –
may be given the same HTML. So while a part is rendered, the templates' `csrf_token()`
writes a placeholder, which an after-request hook replaces with this request's token in
the finished page; a part in which this request's real token turns up anyway (a form's
`hidden_tag()` inside it) is used for this request but not kept. Parts with per-request
state – a refused form with its errors and typed text – must not be wrapped (the template
decides)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .dataversion import cached, forget

log = logging.getLogger(__name__)

# No text of a user's can write this: "<" is escaped in everything a template outputs
# unless it is Markup made by the code.
PLACEHOLDER = "<kept-csrf-token>"
KEPT = 2048  # parts per kind


def kept(kind: str, *key: Any, caller: Callable[[], str]) -> Markup:
    """The part `caller` renders, kept under (kind, key)."""
    refused = False

    def render() -> Markup:
        nonlocal refused
        g._in_kept_part = g.get("_in_kept_part", 0) + 1
        try:
            html = Markup(caller())  # noqa: S704 – a template's autoescaped output
        finally:
            g._in_kept_part -= 1
        token = g.get("csrf_token")  # Flask-WTF keeps the request's signed token there
        if token and token in html:
            refused = True
        return html

    html = cached(f"part:{kind}", key, render, size=KEPT)
    if refused:  # rendered with a real token: forget it (a warning: the template is wrong)
        log.warning("a kept part of kind %s holds a CSRF token: not kept", kind)
        forget(f"part:{kind}", key)
    g._kept_parts = True
    return html


def csrf_token() -> str:
    """The templates' csrf_token(): a placeholder inside a kept part."""
    if g.get("_in_kept_part"):
        return Markup(PLACEHOLDER)  # noqa: S704 – a constant
    return generate_csrf()


def _fill_in(response: Response) -> Response:
    if (
        g.get("_kept_parts")
        and response.mimetype == "text/html"
        and not response.direct_passthrough
    ):
        body = response.get_data(as_text=True)
        if PLACEHOLDER in body:
            response.set_data(body.replace(PLACEHOLDER, generate_csrf()))
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["kept"] = kept
    # Flask-WTF offers its own both ways: as a global and in every template's context
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.after_request(_fill_in)
