"""The WSGI application for a production server: `gunicorn "tracker.wsgi:app"`.

After the application is built, everything it holds (modules, templates, the SQLAlchemy
metadata, the translations) is moved out of the garbage collector's sight with
`gc.freeze()`: a request then never pays for scanning those long-lived objects, which
otherwise makes the occasional request slow (a full collection walks every object)."""

from __future__ import annotations

import gc

from . import create_app

app = create_app()
gc.collect()
gc.freeze()
