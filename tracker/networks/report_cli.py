"""`tracker report --network S --year Y --format md|docx --out F`: the network's compiled
report, the final draft if there is one, else the text generated now."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from . import report_drafts
from .models import Network


def write_network_report(session: Session, slug: str, year: int, fmt: str, out: str) -> str:
    """Write the report to `out`; what was written ("det slutliga utkastet" or
    "genererad text"). LookupError when there is no network with this slug."""
    network = session.exec(select(Network).where(Network.slug == slug.lower())).first()
    if network is None:
        raise LookupError(slug)
    markdown, final = report_drafts.current_text(session, network, year)
    Path(out).write_bytes(report_drafts.export_bytes(markdown, fmt, network=network, year=year))
    return "det slutliga utkastet" if final else "genererad text"
