"""The annual report as a print-ready PDF (/reports/<year>.pdf and `tracker report --format
pdf`): the Word file converted by LibreOffice – A4, with the report's heading and the
faults' titles as text. Without LibreOffice the link is not offered and the address says so
in Swedish (503), never a 500."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import do_login
from tests.reports.test_report import YEAR, fault_in

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = (
    "LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are needed: "
    "apt-get install libreoffice-writer-nogui poppler-utils"
)
needs_libreoffice = pytest.mark.skipif(
    not (SOFFICE and shutil.which("pdftotext") and shutil.which("pdfinfo"))
    and not os.environ.get("TRACKER_REQUIRE_BROWSER"),
    reason=MISSING,
)


def pdf_text(path: Path) -> tuple[str, str]:
    """(pdfinfo's page size line, the text) of a PDF file."""
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    size = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return size, " ".join(text.split())


@pytest.fixture
def author(app, make, client):
    org = make.org()
    fault_in(app, org, "Sjukpenning betalas ut för sent", "Försäkringskassan", 4)
    do_login(client, make.user("samordnare").email)
    return org


@needs_libreoffice
def test_the_report_page_offers_a_pdf_that_is_a4_with_the_report_in_it(
    client, author, tmp_path: Path
):
    page = client.get(f"/reports/{YEAR}").get_data(as_text=True)
    assert f'href="/reports/{YEAR}.pdf"' in page and "Ladda ned som PDF" in page
    resp = client.get(f"/reports/{YEAR}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].endswith(f'-{YEAR}.pdf"')
    assert resp.data.startswith(b"%PDF")
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(resp.data)
    size, text = pdf_text(pdf)
    assert "595" in size and "841" in size, size  # A4 in points, not Letter (612 x 792)
    assert f"Uppmärksammade brister {YEAR}" in text
    assert "Sjukpenning betalas ut för sent" in text
    # the same data again: the PDF kept, not converted again (same bytes at once)
    assert client.get(f"/reports/{YEAR}.pdf").data == resp.data


@needs_libreoffice
def test_the_cli_writes_the_pdf(app, author, runner, tmp_path: Path):
    out = tmp_path / "avsnitt.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--org",
            author.slug,
            "--year",
            str(YEAR),
            "--format",
            "pdf",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    size, text = pdf_text(out)
    assert "595" in size and "841" in size, size
    assert "Sjukpenning betalas ut för sent" in text


def test_without_libreoffice_no_link_and_a_swedish_503(app, client, author, monkeypatch):
    monkeypatch.setitem(app.config, "SOFFICE", "")  # as on a server without LibreOffice
    page = client.get(f"/reports/{YEAR}").get_data(as_text=True)
    assert "Ladda ned som Word" in page and "PDF" not in page
    resp = client.get(f"/reports/{YEAR}.pdf")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 503
    assert "PDF-filen kan inte skapas" in html and "Word" in html


def test_a_broken_libreoffice_is_a_503_not_a_500(app, client, author, monkeypatch, tmp_path):
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho trasig >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setitem(app.config, "SOFFICE", str(broken))
    monkeypatch.delitem(app.extensions, "report_pdf_cache", raising=False)  # none made yet
    resp = client.get(f"/reports/{YEAR}.pdf")
    assert resp.status_code == 503 and "PDF-filen kan inte skapas" in resp.get_data(as_text=True)


def test_a_hanging_libreoffice_is_stopped_and_answered_with_503(
    app, client, author, monkeypatch, tmp_path
):
    from tracker.reports import pdf_export

    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n")
    hanging.chmod(0o755)
    monkeypatch.setitem(app.config, "SOFFICE", str(hanging))
    monkeypatch.delitem(app.extensions, "report_pdf_cache", raising=False)
    monkeypatch.setattr(pdf_export, "TIMEOUT_S", 1)
    resp = client.get(f"/reports/{YEAR}.pdf")
    assert resp.status_code == 503 and "PDF-filen kan inte skapas" in resp.get_data(as_text=True)
