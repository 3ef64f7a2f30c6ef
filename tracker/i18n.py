"""The templates' gettext, with the request's translations looked up once.

Flask-Babel's template callables find the translations on every call (the locale's
identifier is rebuilt and a cache keyed by it consulted each time); a page with a few
hundred labels – a meeting's agenda items each have theirs – spent a noticeable part of its
time there. Here the translations are kept on `g` with the locale they belong to, so a
change of locale within the request (`force_locale`, e-mail in the recipient's language)
still gets its own."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, g, has_request_context
from flask_babel import get_locale, get_translations


def _translations() -> NullTranslations:
    if not has_request_context():
        return get_translations()
    # the locale Flask-Babel selected (or forced) for this request, where it keeps it: its
    # get_locale() is the slow way to the same object
    babel = g.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None) or get_locale()
    kept = g.get("_translations")
    if kept is None or kept[0] is not locale:
        kept = g._translations = (locale, get_translations())
    translations: NullTranslations = kept[1]
    return translations


def install_template_gettext(app: Flask) -> None:
    def gettext(s: str) -> str:
        return _translations().ugettext(s)

    def ngettext(s: str, p: str, n: int) -> str:
        return _translations().ungettext(s, p, n)

    def pgettext(c: str, s: str) -> str:
        return _translations().upgettext(c, s)

    def npgettext(c: str, s: str, p: str, n: int) -> Any:
        return _translations().unpgettext(c, s, p, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True
    )
