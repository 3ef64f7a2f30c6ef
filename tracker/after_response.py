"""Work that no request should wait for, done after a response is sent (the WSGI
response's close, before the worker accepts its next request); used by tracker/wsgi.py.

- Much of what a worker keeps for its life is only made by its first requests: compiled
  templates, SQLAlchemy's statement cache, the mappers' lazily built parts. So the worker
  collects and freezes again after its FREEZE_AFTER-th requests. Measured on the national
  data set (benchmarks/, `docs/benchmarks.md`): without it a full collection took
  80–100 ms, the slowest request in a hundred.
- On SQLite, a write's transaction appends to the write-ahead log, and the commit that
  finds the log over `wal_autocheckpoint` pages copies it into the database first: at
  national scale one save in about twenty-five took 8–20 ms more. Here, after a request
  that may have written (not GET or HEAD), the log is checkpointed (PASSIVE: it waits for
  no reader or writer) at most once every CHECKPOINT_EVERY seconds per worker, so the
  commit's own checkpoint rarely comes due (tracker.db keeps it as the safety net)."""

from __future__ import annotations

import gc
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

FREEZE_AFTER = (25, 250)
CHECKPOINT_EVERY = 1.0  # seconds
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class AfterResponse:
    """WSGI middleware: the work above, after the response is sent."""

    def __init__(
        self,
        wsgi: Any,
        engine: Engine | None = None,
        *,
        freeze_after: tuple[int, ...] = FREEZE_AFTER,
        checkpoint_every: float = CHECKPOINT_EVERY,
    ) -> None:
        self.wsgi = wsgi
        self.freeze_after = set(freeze_after)
        self.count = 0
        sqlite = engine is not None and engine.dialect.name == "sqlite"
        self.engine = engine if sqlite else None
        self.checkpoint_every = checkpoint_every
        self.checkpointed = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.count += 1
        body = self.wsgi(environ, start_response)
        tasks: list[Callable[[], None]] = []
        if self.count in self.freeze_after:
            tasks.append(_freeze)
        if self.engine is not None and environ.get("REQUEST_METHOD", "GET") not in READS:
            tasks.append(self._checkpoint)
        return _Then(body, tasks) if tasks else body

    def _checkpoint(self) -> None:
        now = time.monotonic()
        if self.engine is None or now - self.checkpointed < self.checkpoint_every:
            return
        self.checkpointed = now
        try:  # outside any transaction: the pool's own connection, in autocommit
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                raw.close()
        except (SQLAlchemyError, sqlite3.Error):  # the next commit checkpoints instead
            log.warning("checkpoint after the response failed", exc_info=True)


def _freeze() -> None:
    gc.collect()
    gc.freeze()


class _Then:
    """The response's body, with work to do once it is sent."""

    def __init__(self, body: Iterable[bytes], tasks: list[Callable[[], None]]) -> None:
        self.body = body
        self.tasks = tasks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()
        for task in self.tasks:
            task()
