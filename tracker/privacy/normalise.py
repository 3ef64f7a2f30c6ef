"""Undo the disguises people put on identifiers, keeping a map back to what they typed.

A personnummer typed with fullwidth or Arabic-Indic digits, a zero-width space, a soft
hyphen, a minus sign, `811218-**9876**` or `811218&#45;9876` identifies a person just as
well as `811218-9876`. The detectors run on normalised text; every character of the
normalised text remembers the span of the source it came from, so a finding can still
quote (and point at) the text the user typed.

Two variants are produced:

* ``plain`` – Unicode NFKC, every decimal digit as ASCII, every dash-like character as
  ``-``, every space-like character as a space, format characters (zero-width space and
  joiners, soft hyphen, word joiner, BOM) removed, HTML character references decoded.
* ``markup`` – the plain variant with Markdown and HTML markup removed as a reader of the
  rendered field would not see it: HTML comments and tags, emphasis and code marks
  (``*``, `````, ``~``), backslash escapes and link targets. ``_`` stays: it is also a
  separator people type, and the detectors accept it next to one.

An identifier hidden by either kind of disguise shows in at least one variant; running
the detectors on both keeps separators such as ``_`` meaningful in the plain variant.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalised", "normalise"]

# Dash-like characters that NFKC leaves alone (category Pd is handled generically).
_DASHES = frozenset("\u2212\u2043\u02d7\u2796\ufe63\uff0d\u2010\u2011")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_LINK_TARGET_RE = re.compile(r"\]\([^()\s]*\)")
_MARKUP_CHARS = frozenset("*`~\\[]")


@dataclass(frozen=True)
class Normalised:
    """``text`` with, per character, the source span ``[starts[i], ends[i])`` it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source that produced ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


def _fold(cluster: str) -> str:
    """NFKC, then ASCII digits, dashes and spaces; format characters vanish."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", cluster):
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if category == "Nd" and not ch.isascii():
            out.append(str(unicodedata.decimal(ch)))
        elif category == "Pd" or ch in _DASHES:
            out.append("-")
        elif category == "Zs":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, text: str, start: int, end: int) -> None:
        for ch in text:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    def build(self) -> Normalised:
        return Normalised("".join(self.chars), tuple(self.starts), tuple(self.ends))


def _skip_markup(source: str, i: int) -> int:
    """The end of markup starting at ``i`` that a reader of the rendered text never sees,
    or ``i`` when there is none."""
    for pattern in (_COMMENT_RE, _TAG_RE, _LINK_TARGET_RE):
        match = pattern.match(source, i)
        if match:
            # A link target is dropped but its "]" closes the link text: skip it too.
            return match.end()
    if source[i] in _MARKUP_CHARS:
        return i + 1
    return i


def _normalise(source: str, *, strip_markup: bool) -> Normalised:
    out = _Builder()
    i = 0
    n = len(source)
    while i < n:
        if strip_markup:
            skipped = _skip_markup(source, i)
            if skipped > i:
                i = skipped
                continue
        if source[i] == "&":
            entity = _ENTITY_RE.match(source, i)
            if entity:
                decoded = html.unescape(entity.group())
                if decoded != entity.group():
                    out.add(_fold(decoded), i, entity.end())
                    i = entity.end()
                    continue
        # A base character with the combining marks that follow it, so NFKC composes them.
        j = i + 1
        while j < n and unicodedata.category(source[j]).startswith("M"):
            j += 1
        out.add(_fold(source[i:j]), i, j)
        i = j
    return out.build()


def normalise(source: str) -> tuple[Normalised, Normalised]:
    """The ``plain`` and ``markup``-stripped normalisations of ``source``."""
    return _normalise(source, strip_markup=False), _normalise(source, strip_markup=True)
