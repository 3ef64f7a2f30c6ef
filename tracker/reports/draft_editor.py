"""The rows of the per-section draft editor (templates/reports/_draft_editor.html): one per
section of the draft, with the version it was loaded from, the text, its rendered preview
and, after a conflict, the other person's text and the choice between the two."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField

from ..text import render_markdown
from .draft_changes import heading_of
from .draft_sections import Edit, Merge, Section, split

MAX_SECTIONS = 300
MAX_TEXT = 200_000  # all sections together, as the one text before
CHOICES = ("mine", "theirs")


class SectionsForm(FlaskForm):
    """The CSRF token and the guard's confirmation; the sections are read by from_request."""

    confirm_anonymous = BooleanField(_l("Jag har kontrollerat att texten är avidentifierad"))


@dataclass
class Row:
    key: str
    base: str
    body: str
    errors: list[str] = field(default_factory=list)
    conflict: bool = False  # someone else changed it too: choose
    theirs: Section | None = None  # their text (None with conflict: they removed it)
    choice: str = ""

    @property
    def heading(self) -> str:
        return heading_of(self.key)

    @property
    def preview(self) -> Markup:
        return render_markdown(self.body)

    @property
    def their_preview(self) -> Markup:
        return render_markdown(self.theirs.body if self.theirs else "")

    @property
    def lines(self) -> int:
        """A height that shows the text without a long page of empty boxes."""
        return max(4, min(24, self.body.count("\n") + 2 + len(self.body) // 70))

    def edit(self) -> Edit:
        return Edit(self.key, self.base, self.body)


def from_markdown(markdown: str) -> list[Row]:
    return [Row(s.key, s.version, s.body) for s in split(markdown)]


class BadForm(ValueError):
    pass


def from_request(request: Request) -> list[Row]:
    """The sections as the editor sent them. BadForm when the fields do not add up (a
    changed or broken page): the text that could be read is on the exception."""
    form = request.form
    keys, bases, texts = form.getlist("key"), form.getlist("base"), form.getlist("text")
    rows = [
        Row(
            key=k,
            base=b,
            body=t.replace("\r\n", "\n"),
            conflict=form.get(f"resolve-{i}") == "1",
            choice=form.get(f"choice-{i}", "") if form.get(f"choice-{i}") in CHOICES else "",
        )
        for i, (k, b, t) in enumerate(zip(keys, bases, texts, strict=False))
    ]
    if (
        "key" not in form
        or not len(keys) == len(bases) == len(texts)
        or len(rows) > MAX_SECTIONS
        or any(r.key and not r.key.startswith("#") for r in rows)
        or len({r.key for r in rows}) != len(rows)
    ):
        raise BadForm(rows)
    if sum(len(r.body) for r in rows) > MAX_TEXT:
        rows[0].errors.append(
            _("Utkastet får vara högst %(n)d tecken långt. Korta texten.", n=MAX_TEXT)
        )
    for r in rows:
        if r.conflict and not r.choice:
            r.errors.append(_("Välj om din text eller den andra ska gälla för avsnittet."))
    return rows


def edits(rows: list[Row]) -> list[Edit]:
    """What to save: a conflict resolved as "theirs" leaves the stored text as it is."""
    return [r.edit() for r in rows if not (r.conflict and r.choice == "theirs")]


def after_conflict(rows: list[Row], stored: str, merged: Merge) -> list[Row]:
    """The editor after a refused save: the conflicting sections with both texts (and the
    stored version as their new base, so that "behåll min" then wins), the sections this
    person changed without conflict as typed, every other section as stored now."""
    now = split(stored)
    typed = {r.key: r for r in rows if not (r.conflict and r.choice == "theirs")}
    out: list[Row] = []
    for s in now:
        r = typed.get(s.key)
        if r is not None and s.key in merged.conflicts:
            out.append(Row(s.key, s.version, r.body, conflict=True, theirs=s))
        elif r is not None and r.base == s.version:
            out.append(Row(s.key, r.base, r.body))  # mine, saved next time
        else:
            out.append(Row(s.key, s.version, s.body))
    for key, theirs in merged.conflicts.items():
        if theirs is None:  # they removed or renamed it; my text is kept here
            out.append(Row(key, "", typed[key].body, conflict=True))
    return out
