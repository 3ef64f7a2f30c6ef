"""The WSGI application for a production server: `gunicorn "tracker.wsgi:app"`.

After the application is built, everything it holds (modules, templates, the SQLAlchemy
metadata, the translations) is moved out of the garbage collector's sight with
`gc.freeze()`: a request then never pays for scanning those long-lived objects, which
otherwise makes the occasional request slow (a full collection walks every object).

Much of what a worker keeps for its life is only made by its first requests: compiled
templates, SQLAlchemy's statement cache, the mappers' lazily built parts. So the worker
collects and freezes again after its FREEZE_AFTER-th requests – after the response is sent
(the WSGI response's close), so no request waits for it. Measured on the national data set
(benchmarks/, `docs/benchmarks.md`): without it a full collection took 80–100 ms, the
slowest request in a hundred."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import create_app

FREEZE_AFTER = (25, 250)


class _FreezeWhenWarm:
    """WSGI middleware: gc.collect() and gc.freeze() once the worker has answered each of
    FREEZE_AFTER requests."""

    def __init__(self, wsgi: Any, after: tuple[int, ...] = FREEZE_AFTER) -> None:
        self.wsgi = wsgi
        self.after = set(after)
        self.count = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.count += 1
        body = self.wsgi(environ, start_response)
        if self.count not in self.after:
            return body
        return _ThenFreeze(body)


class _ThenFreeze:
    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()
        gc.collect()
        gc.freeze()


app = create_app()
app.wsgi_app = _FreezeWhenWarm(app.wsgi_app)  # type: ignore[method-assign]
gc.collect()
gc.freeze()
