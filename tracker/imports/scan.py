"""The privacy guard over many cells: each distinct text once, and on the command line a
large file's texts spread over the machine's cores (the guard is the import's main cost)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from flask import has_request_context

from ..privacy import Finding, find_identifiers

PARALLEL_FROM = 4000  # distinct texts; below this a pool costs more than it saves


def _scan(texts: list[str]) -> list[list[Finding]]:
    return [find_identifiers(t) for t in texts]


def scan_all(texts: set[str]) -> dict[str, list[Finding]]:
    """Findings per distinct non-empty text."""
    todo = sorted(t for t in texts if t)
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_FROM or workers < 2 or has_request_context():
        return dict(zip(todo, _scan(todo), strict=True))
    chunks = [todo[i::workers] for i in range(workers)]
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        results = list(pool.map(_scan, chunks))
    found: dict[str, list[Finding]] = {}
    for chunk, res in zip(chunks, results, strict=True):
        found.update(zip(chunk, res, strict=True))
    return found
