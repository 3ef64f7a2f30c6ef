"""Which counts to hide so that no small count can be computed back from the others.

A table is a mapping of cells (any hashable key) to counts, and a list of lines
`(total, [parts])`, each meaning total = sum(parts). A count 0 < n < limit is hidden as
*primary* and shown as "färre än N". A shown total and the other shown cells may still give
it away (5 = "färre än 3" + 0 + 0 + 3), so more cells are hidden as *secondary*, shown with
a marker of their own ("dold") that says nothing about the value.

Pure Python, no Flask: callers choose the words."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

K = TypeVar("K", bound=Hashable)
Line = tuple[K, Sequence[K]]
Kind = Literal["primary", "secondary"]


@dataclass(frozen=True)
class Suppressed(Generic[K]):
    primary: frozenset[K]  # shown as "färre än N": the value is 1..N-1
    secondary: frozenset[K]  # shown as "dold": any count, 0 included

    def kind(self, key: K) -> Kind | None:
        if key in self.primary:
            return "primary"
        if key in self.secondary:
            return "secondary"
        return None


def suppress(cells: Mapping[K, int], lines: Sequence[Line[K]], limit: int) -> Suppressed[K]:
    """Hide every count 0 < n < limit (primary), then, while some hidden cell is determined
    by what is shown, hide one more cell next to it (secondary): in one of its lines the
    smallest other shown non-zero part, else a small part re-marked from "färre än N" to
    "dold", else a shown zero part, else the line's total; last the cell itself.

    Guarantee: a reader who knows the shown counts, that a "färre än N" cell holds 1..N-1
    and that a "dold" cell holds some count >= 0, finds at least two values for every
    hidden cell. What "determined" means is worked out by bounds propagation over the
    lines, which is exact when the lines form a tree (each pair of lines shares at most one
    cell and there is no cycle) – a row total with its quarters, or one total split two
    ways (per fault and per quarter). For tables with cycles (row and column totals at
    once) it may miss a derivation."""
    for total, parts in lines:
        if cells[total] != sum(cells[p] for p in parts):
            raise ValueError(f"line {total!r}: the parts do not add up to the total")
    primary = {k for k, n in cells.items() if 0 < n < limit}
    secondary: set[K] = set()
    for group, group_lines in _components(cells, lines):
        _complement(group, group_lines, limit, primary, secondary)
    return Suppressed(frozenset(primary), frozenset(secondary))


def _complement(
    cells: Mapping[K, int], lines: Sequence[Line[K]], limit: int, primary: set[K], secondary: set[K]
) -> None:
    """Secondary suppression within one group of cells joined by lines."""
    lines_of: dict[K, list[Line[K]]] = {k: [] for k in cells}
    for line in lines:
        for k in (line[0], *line[1]):
            lines_of[k].append(line)
    while True:
        bounds = _bounds(cells, lines, primary, secondary, limit)
        determined = [
            k for k in cells if (k in primary or k in secondary) and bounds[k][0] == bounds[k][1]
        ]
        if not determined:
            break
        pick = next(
            (c for k in determined for c in _candidates(k, cells, lines_of[k], primary, secondary)),
            None,
        )
        if pick is None:  # nothing left to hide next to it: hide anything still on show
            pick = next((k for k in cells if k not in secondary and lines_of[k]), None)
            if pick is None:
                break
        primary.discard(pick)
        secondary.add(pick)


def _components(
    cells: Mapping[K, int], lines: Sequence[Line[K]]
) -> list[tuple[dict[K, int], list[Line[K]]]]:
    """The groups of cells joined by lines (a report row with its faults), in the order of
    `cells`: each is suppressed on its own, so the work grows with the number of rows."""
    group: dict[K, list[K]] = {k: [k] for k in cells}
    for total, parts in lines:
        for k in parts:
            a, b = group[total], group[k]
            if a is not b:
                a, b = (a, b) if len(a) >= len(b) else (b, a)
                a.extend(b)
                for c in b:
                    group[c] = a
    result: dict[int, tuple[dict[K, int], list[Line[K]]]] = {}
    for k, n in cells.items():
        result.setdefault(id(group[k]), ({}, []))[0][k] = n
    for line in lines:
        result[id(group[line[0]])][1].append(line)
    return list(result.values())


def _candidates(
    cell: K,
    cells: Mapping[K, int],
    lines: list[Line[K]],
    primary: set[K],
    secondary: set[K],
) -> Iterator[K]:
    """Cells to hide for `cell`, best first, line by line."""
    for total, parts in lines:
        others = [p for p in parts if p != cell]
        shown = sorted(
            (p for p in others if p not in primary and p not in secondary), key=cells.__getitem__
        )
        yield from (p for p in shown if cells[p] > 0)
        yield from (p for p in others if p in primary)
        yield from (p for p in shown if cells[p] == 0)
        if total != cell and total not in secondary:
            yield total
    if cell in primary:
        yield cell


def _bounds(
    cells: Mapping[K, int],
    lines: Sequence[Line[K]],
    primary: set[K],
    secondary: set[K],
    limit: int,
) -> dict[K, tuple[float, float]]:
    """The least and greatest value of each cell given what is shown, narrowed line by line
    until nothing changes. Lower bounds stay finite; upper bounds may be infinite."""
    b: dict[K, tuple[float, float]] = {}
    for k, n in cells.items():
        if k in secondary:
            b[k] = (0, math.inf)
        elif k in primary:
            b[k] = (1, limit - 1)
        else:
            b[k] = (n, n)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            for cell in (total, *parts):
                if cell == total:
                    lo = sum(b[p][0] for p in parts)
                    hi = sum(b[p][1] for p in parts)
                else:
                    others = [p for p in parts if p != cell]
                    lo = b[total][0] - sum(b[p][1] for p in others)
                    hi = b[total][1] - sum(b[p][0] for p in others)
                new = (max(lo, b[cell][0]), min(hi, b[cell][1]))
                if new != b[cell]:
                    b[cell] = new
                    changed = True
    return b
