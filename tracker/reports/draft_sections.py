"""The report draft as sections: the Markdown split at its headings (levels 1–3; a level-4
heading such as "#### Försörjningsstöd" stays inside its section), each edited on its own.

Each section carries a *version*: a short hash of its stored text. The editor sends back,
per section, the version its text was written against. On save, a section someone else
changed in the meantime is a conflict only if this person changed it too (and not to the
same text); then nothing is saved and both versions are shown. Sections only the other
person changed keep the other person's text (the same rule as the minutes,
tracker.meetings.minutes_doc)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,3})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_LEADING_BLANK = re.compile(r"^(?:[ \t]*\n)+")


def clean_body(text: str) -> str:
    """A section's text without the blank lines around it, with \\n line ends."""
    return _LEADING_BLANK.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).rstrip()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Section:
    key: str  # the heading line ("### KOMMUN"), then " §§2" for a repeated one; "" before any
    head: str  # the heading line as stored, "" for the text before the first heading
    body: str  # the text under the heading (clean_body)

    @property
    def heading(self) -> str:
        """The heading's words, without the #."""
        return self.head.lstrip("#").strip()

    @property
    def level(self) -> int:
        return len(self.head) - len(self.head.lstrip("#")) if self.head else 0

    @property
    def text(self) -> str:
        return compose(self.head, self.body)

    @property
    def version(self) -> str:
        return _hash(self.text)


def compose(head: str, body: str) -> str:
    body = clean_body(body)
    if not head:
        return body
    return f"{head}\n\n{body}" if body else head


def version_of(head: str, body: str) -> str:
    return _hash(compose(head, body))


def head_of(key: str) -> str:
    """The heading line a key stands for."""
    return re.sub(r" §§\d+$", "", key)


def split(markdown: str) -> list[Section]:
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parts: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m and m.group(2):
            parts.append((f"{m.group(1)} {' '.join(m.group(2).split())}", []))
        else:
            parts[-1][1].append(line)
    seen: dict[str, int] = {}
    out: list[Section] = []
    for head, body_lines in parts:
        body = clean_body("\n".join(body_lines))
        if not head and not body:
            continue
        seen[head] = seen.get(head, 0) + 1
        key = head if seen[head] == 1 else f"{head} §§{seen[head]}"
        out.append(Section(key=key, head=head, body=body))
    return out


def join(sections: list[Section]) -> str:
    texts = [s.text for s in sections if s.text]
    return "\n\n".join(texts).rstrip() + "\n" if texts else ""


def by_key(sections: list[Section]) -> dict[str, Section]:
    return {s.key: s for s in sections}


def replace(
    sections: list[Section], key: str, new: Section | None, order: list[str] | None = None
) -> list[Section]:
    """The sections with `key` replaced by `new` (removed when None). A section not there is
    put after the nearest section that comes before it in `order` (e.g. the fresh report)."""
    out = list(sections)
    keys = [s.key for s in out]
    if key in keys:
        i = keys.index(key)
        if new is None:
            del out[i]
        else:
            out[i] = new
        return out
    if new is None:
        return out
    pos = 0
    if order and key in order:
        for before in reversed(order[: order.index(key)]):
            if before in keys:
                pos = keys.index(before) + 1
                break
    else:
        pos = len(out)
    out.insert(pos, new)
    return out


# ---- saving what one person typed -----------------------------------------------------------


@dataclass
class Edit:
    """One section as the editor sent it: its key, the version it was loaded from ("" for a
    section that did not exist then) and the text typed under its heading."""

    key: str
    base: str
    body: str

    @property
    def head(self) -> str:
        return head_of(self.key)

    @property
    def version(self) -> str:
        return version_of(self.head, self.body)


@dataclass
class Merge:
    markdown: str = ""
    saved: list[str] = field(default_factory=list)  # sections written
    taken: list[str] = field(default_factory=list)  # changed by someone else only: kept
    conflicts: dict[str, Section | None] = field(default_factory=dict)  # theirs (None: gone)

    @property
    def ok(self) -> bool:
        return not self.conflicts


def changed(current: list[Section], edits: list[Edit]) -> list[Edit]:
    """The edits that differ from what is stored (the ones a save would write or refuse)."""
    now = by_key(current)
    return [e for e in edits if (now[e.key].version if e.key in now else "") != e.version]


def merge(markdown: str, edits: list[Edit]) -> Merge:
    """The stored draft with this person's changed sections written in – or, when any of
    them was also changed by someone else since it was loaded, the conflicts and nothing."""
    current = split(markdown)
    now = by_key(current)
    out = Merge()
    todo: list[Edit] = []
    for e in edits:
        cur = now.get(e.key)
        mine = e.version
        if cur is not None and mine == cur.version:
            continue  # nothing to write
        if cur is None and not clean_body(e.body) and e.base:
            continue  # an empty section that is gone: nothing to keep
        if (cur.version if cur else "") == e.base:
            todo.append(e)
        elif mine == e.base:
            out.taken.append(e.key)  # only the other person changed (or removed) it
        else:
            out.conflicts[e.key] = cur
    if out.conflicts:
        return out
    sections = current
    order = [e.key for e in edits]
    for e in todo:
        sections = replace(sections, e.key, Section(e.key, e.head, clean_body(e.body)), order)
        out.saved.append(e.key)
    out.markdown = join(sections)
    return out
