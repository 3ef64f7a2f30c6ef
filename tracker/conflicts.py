"""Per-field merge of an edit made on an older version: optimistic locking per field.

A form carries, beside what the person types, what each field held when they loaded it
(`snapshot`): a short hash of a text or a choice, the ids of a set. A save against a newer
stored version decides each field on its own – the rule the minutes editor uses per agenda
item (`tracker.meetings.minutes_doc`):

- this person did not change the field → the stored value stays (the other's change is kept);
- only this person changed it → their value is written;
- both changed it to different values → a conflict: nothing is written, and the page shows
  both values with a choice "Behåll min" / "Behåll deras".

A set (themes, other authorities) merges per element: what this person added is added, what
they removed is removed, and the other person's additions and removals stay. A field the
snapshot lacks (a form from before snapshots) counts as changed by both when it differs.
The snapshot holds hashes and ids only, never the text itself."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SNAPSHOT_MAX = 4000  # characters of a posted snapshot that are read at all


def normalise(value: Any) -> Any:
    """Equal for equal content however it was typed: line ends and outer spaces of texts,
    order and repetition of sets, None and "" of a choice."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(int(v) for v in value)
    return value


def fingerprint(value: Any) -> Any:
    """What a snapshot keeps of a value: the sorted ids of a set, else a short hash."""
    v = normalise(value)
    if isinstance(v, frozenset):
        return sorted(v)
    raw = json.dumps(v, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def snapshot(values: Mapping[str, Any]) -> str:
    """The hidden form value that records what each field held when it was loaded."""
    return json.dumps(
        {name: fingerprint(v) for name, v in values.items()}, separators=(",", ":"), sort_keys=True
    )


def read_snapshot(raw: str | None) -> dict[str, Any]:
    """A posted snapshot; anything malformed counts as no snapshot (every field unknown)."""
    if not raw or len(raw) > SNAPSHOT_MAX:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    for name, v in data.items():
        if isinstance(v, str) and len(v) <= 64:
            out[str(name)] = v
        elif isinstance(v, list) and all(isinstance(i, int) for i in v):
            out[str(name)] = sorted(v)
    return out


@dataclass
class Merge:
    """What a save should write (`values`, normalised), the fields where the stored value was
    kept because only someone else changed it (`taken`), and the fields both changed
    (`conflicts`; then nothing may be written)."""

    values: dict[str, Any] = field(default_factory=dict)
    taken: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


def take_mine(
    stored: Mapping[str, Any], mine: Mapping[str, Any], keep_theirs: Collection[str] = ()
) -> Merge:
    """A save against the version it was loaded from: every field as typed, except those the
    person chose to keep as stored ("Behåll deras")."""
    return Merge(
        values={
            name: normalise(current if name in keep_theirs else mine.get(name, current))
            for name, current in stored.items()
        }
    )


def merge(
    *,
    loaded: Mapping[str, Any],
    stored: Mapping[str, Any],
    mine: Mapping[str, Any],
    keep_theirs: Iterable[str] = (),
) -> Merge:
    """Decide each field of `stored` (the newer stored values) against `mine` (what was
    typed) and `loaded` (the snapshot of the version the person loaded)."""
    keep = set(keep_theirs)
    out = Merge()
    for name, current in stored.items():
        cur = normalise(current)
        new = normalise(mine.get(name, current))
        base = loaded.get(name)
        if name in keep or new == cur:
            out.values[name] = cur
            continue
        if isinstance(cur, frozenset) and isinstance(base, list):
            was = frozenset(base)
            out.values[name] = (cur | (new - was)) - (was - new)
            if was not in (cur, new):
                out.taken.append(name)
            continue
        if base is not None and base == fingerprint(cur):
            out.values[name] = new  # only this person changed it
        elif base is not None and base == fingerprint(new):
            out.values[name] = cur  # only the other person changed it
            out.taken.append(name)
        else:
            out.values[name] = new  # both changed it: what this person typed, to show
            out.conflicts.append(name)
    return out
