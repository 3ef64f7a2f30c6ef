"""The WSGI application for a production server: `gunicorn "tracker.wsgi:app"`.

After the application is built, everything it holds (modules, templates, the SQLAlchemy
metadata, the translations) is moved out of the garbage collector's sight with
`gc.freeze()`: a request then never pays for scanning those long-lived objects, which
otherwise makes the occasional request slow (a full collection walks every object). What
is done after each response – freezing again once warm, SQLite's checkpoint – is in
tracker/after_response.py."""

from __future__ import annotations

import gc

from . import create_app
from .after_response import AfterResponse

app = create_app()
app.wsgi_app = AfterResponse(app.wsgi_app, app.extensions["db_engine"])  # type: ignore[method-assign]
gc.collect()
gc.freeze()
