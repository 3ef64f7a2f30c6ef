"""Small counts: no hidden cell can be computed back from the shown cells and the labels.

The oracle is brute force: every assignment of the hidden cells that agrees with the shown
counts, with "färre än N" (1..N-1) and with "dold" (any count >= 0), is enumerated, and
every hidden cell must have at least two possible values."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.suppression import Suppressed, suppress

# Property tests must not write a .hypothesis database into the repository.
PROPERTY = settings(database=None, deadline=None, max_examples=300)

Lines = list[tuple[Hashable, Sequence[Hashable]]]


def solutions(domains: Mapping[Hashable, Sequence[int]], lines: Lines) -> Iterator[dict]:
    """Every assignment of the cells from their domains that satisfies every line. A line
    with one cell left forces that cell; a part sum above its total is cut off."""

    def rec(assign: dict) -> Iterator[dict]:
        for total, parts in lines:
            missing = [c for c in (total, *parts) if c not in assign]
            known = sum(assign[p] for p in parts if p in assign)
            if total in assign and known > assign[total]:
                return
            if len(missing) == 1:
                (m,) = missing
                value = known if m == total else assign[total] - known
                if value not in domains[m]:
                    return
                yield from rec({**assign, m: value})
                return
            if not missing and known != assign[total]:
                return
        free = next((k for k in domains if k not in assign), None)
        if free is None:
            yield assign
            return
        for v in domains[free]:
            yield from rec({**assign, free: v})

    yield from rec({})


def possible_values(
    cells: Mapping[Hashable, int], lines: Lines, hidden: Suppressed[Any], limit: int
) -> dict[Hashable, set[int]]:
    cap = max(cells.values()) + limit + 2
    totals = {t for t, _parts in lines}
    order = sorted(cells, key=lambda k: k in totals)  # parts first: totals are then forced
    domains: dict[Hashable, Sequence[int]] = {}
    for k in order:
        kind = hidden.kind(k)
        domains[k] = (
            [cells[k]] if kind is None else range(1, limit) if kind == "primary" else range(cap)
        )
    seen: dict[Hashable, set[int]] = {k: set() for k in cells if hidden.kind(k)}
    found_truth = False
    for s in solutions(domains, lines):
        found_truth |= s == dict(cells)
        for k in seen:
            seen[k].add(s[k])
    assert found_truth, "the true table must be one of the solutions"
    return seen


def check(cells: Mapping[Hashable, int], lines: Lines, limit: int) -> Suppressed[Any]:
    hidden = suppress(cells, lines, limit)
    assert not hidden.primary & hidden.secondary
    for k, n in cells.items():
        # "färre än N" is true wherever it is shown, and every small count is hidden
        assert (k in hidden.primary) <= (0 < n < limit)
        if 0 < n < limit:
            assert hidden.kind(k) is not None, k
    for k, values in possible_values(cells, lines, hidden, limit).items():
        assert len(values) >= 2, (k, cells[k], hidden.kind(k))
    return hidden


# ---- strategies --------------------------------------------------------------------------

limits = st.integers(3, 5)
quarter_rows = st.lists(st.lists(st.integers(0, 6), min_size=4, max_size=4), min_size=1, max_size=3)
# A star: each fault's occurrences per quarter; the row total is split per fault and per quarter.
fault_quarters = st.lists(
    st.lists(st.integers(0, 2), min_size=4, max_size=4), min_size=1, max_size=3
)


def rows_table(rows: list[list[int]]) -> tuple[dict, Lines]:
    cells: dict = {}
    lines: Lines = []
    for r, quarters in enumerate(rows):
        cells[(r, "total")] = sum(quarters)
        for q, n in enumerate(quarters):
            cells[(r, q)] = n
        lines.append(((r, "total"), [(r, q) for q in range(4)]))
    return cells, lines


def star_table(faults: list[list[int]]) -> tuple[dict, Lines]:
    cells: dict = {"total": sum(map(sum, faults))}
    for q in range(4):
        cells[f"K{q + 1}"] = sum(f[q] for f in faults)
    for i, f in enumerate(faults):
        cells[f"fault{i}"] = sum(f)
    lines: Lines = [
        ("total", [f"K{q + 1}" for q in range(4)]),
        ("total", [f"fault{i}" for i in range(len(faults))]),
    ]
    return cells, lines


@PROPERTY
@given(quarter_rows, limits)
@example([[1, 1, 1, 1]], 3)
@example([[2, 0, 0, 3]], 3)
@example([[1, 1, 0, 0]], 3)
def test_rows_of_quarters_leave_no_hidden_cell_determined(rows: list[list[int]], limit: int):
    check(*rows_table(rows), limit)


@PROPERTY
@given(fault_quarters, limits)
@example([[2, 0, 0, 3]], 3)
@example([[1, 1, 1, 1]], 3)
@example([[1, 1, 0, 0]], 3)
@example([[1, 0, 0, 0], [1, 0, 0, 0]], 3)
@example([[2, 1, 1, 1], [0, 0, 0, 1]], 3)
def test_total_split_per_fault_and_per_quarter_leaves_no_hidden_cell_determined(
    faults: list[list[int]], limit: int
):
    check(*star_table(faults), limit)


# ---- examples ----------------------------------------------------------------------------


def test_arbetsformedlingen_the_largest_quarter_is_hidden_with_the_small_one():
    # 5 = "färre än 3" + 0 + 0 + 3 gives the hidden 2 away: the 3 is hidden too.
    cells = {"total": 5, "K1": 2, "K2": 0, "K3": 0, "K4": 3, "fault": 5}
    lines: Lines = [("total", ["K1", "K2", "K3", "K4"]), ("total", ["fault"])]
    hidden = check(cells, lines, 3)
    assert hidden.primary == {"K1"} and hidden.secondary == {"K4"}
    assert hidden.kind("total") is None and hidden.kind("K2") is None


def test_four_small_quarters_of_a_shown_total_one_is_marked_dold():
    # 4 = four times "färre än 3" can only be 1 + 1 + 1 + 1: one of them says "dold".
    cells = {"total": 4, "K1": 1, "K2": 1, "K3": 1, "K4": 1}
    hidden = check(cells, [("total", ["K1", "K2", "K3", "K4"])], 3)
    assert len(hidden.secondary) == 1 and len(hidden.primary) == 3
    assert hidden.kind("total") is None


def test_nothing_to_derive_nothing_more_hidden():
    # 7 = "färre än 3" + "färre än 3" + 0 + 4: 2 + 1 or 1 + 2
    cells = {"total": 7, "K1": 2, "K2": 1, "K3": 0, "K4": 4}
    hidden = check(cells, [("total", ["K1", "K2", "K3", "K4"])], 3)
    assert hidden.primary == {"K1", "K2"} and not hidden.secondary


def test_cells_without_lines_hide_only_small_counts():
    hidden = suppress({"FK": 7, "AF": 2, "KFM": 0}, [], 3)
    assert hidden.primary == {"AF"} and not hidden.secondary


def test_limit_two_would_give_the_one_away():
    # "färre än 2" can only be 1, so it says "dold" instead
    hidden = suppress({"FK": 1, "AF": 5}, [], 2)
    assert not hidden.primary and hidden.secondary == {"FK"}


def test_parts_must_add_up():
    with pytest.raises(ValueError, match="do not add up"):
        suppress({"total": 5, "a": 1, "b": 1}, [("total", ["a", "b"])], 3)
