"""Markdown → HTML → nh3 (sanitised after rendering) → Markup."""

import functools
import threading

import markdown
import nh3
from flask import has_request_context
from flask_babel import gettext
from markupsafe import Markup, escape

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
_ATTRS = {"a": {"href", "title"}}


_local = threading.local()


def _parser() -> markdown.Markdown:
    """One parser per thread, reset between texts: building a Markdown instance (and its
    extensions) costs more than converting a short narrative."""
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        _local.md = md
    return md


def render_markdown(text: str | None, *, heading_offset: int = 0) -> Markup:
    """`heading_offset` pushes the text's headings down (# → h3 with 2), so a document shown
    inside a page keeps the page's heading order."""
    html = _render(text or "", heading_offset)
    if _LABEL in html:  # a table: its region's name in the reader's language
        label = gettext("Tabell, kan rullas i sidled") if has_request_context() else "Tabell"
        html = html.replace(_LABEL, str(escape(label)))
    return Markup(html)  # noqa: S704 – sanitised by nh3


# In the cached HTML where a table's region name goes: after sanitising, no text of the
# author's can hold "<" unescaped, so only this can match.
_LABEL = "<table-region-label>"


@functools.lru_cache(maxsize=128)
def _render(text: str, heading_offset: int) -> str:
    """Pure: the same text gives the same HTML, so a long document shown on every visit
    (the annual report) is converted once per process until its text changes."""
    if heading_offset:
        text = "\n".join(
            "#" * heading_offset + line if line.startswith("#") else line
            for line in text.splitlines()
        )
    html = _parser().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # Wide tables scroll inside a focusable region instead of the page (360 px screens).
    return clean.replace(
        "<table>",
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{_LABEL}"><table>',
    ).replace("</table>", "</table></div>")
