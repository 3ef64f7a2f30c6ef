"""Markdown rendering is memoised by content, never across languages or heading levels."""

from __future__ import annotations

from flask import session

from tracker.text import render_markdown

TABLE = "| a | b |\n|---|---|\n| 1 | 2 |\n\n# Rubrik\n"


def _render(app, lang: str, offset: int = 0) -> str:
    with app.test_request_context("/"):
        session["lang"] = lang
        return str(render_markdown(TABLE, heading_offset=offset))


def test_the_same_text_renders_per_language_and_heading_level(app):
    swedish = _render(app, "sv")
    english = _render(app, "en")
    assert 'aria-label="Tabell, kan rullas i sidled"' in swedish
    assert 'aria-label="Table, scrolls sideways"' in english
    assert _render(app, "sv") == swedish  # memoised, identical
    assert "<h3>" not in swedish and "<h3>Rubrik</h3>" in _render(app, "sv", offset=2)
    assert "<script" not in str(render_markdown("<script>alert(1)</script> **fet**"))
