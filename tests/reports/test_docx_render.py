"""The annual report's Word file as people open it: Swedish A4 with the organisation as
author, checked in the file and rendered through LibreOffice (headless, to PDF), where the
page must be A4 and the statistics table's names must come out as whole words."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.conftest import do_login
from tests.reports.test_report import YEAR, fault_in

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = (
    "LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are needed: "
    "apt-get install libreoffice-writer-nogui poppler-utils"
)


@pytest.fixture
def report_docx(app, make, client) -> tuple[bytes, str]:
    org = make.org()
    fault_in(app, org, "Långa handläggningstider", "Försäkringskassan", 4)
    fault_in(app, org, "Svårt att nå handläggare", "Försörjningsstöd (ekonomiskt bistånd)", 5)
    fault_in(app, org, "Sen utbetalning", "Överförmyndare (god man, förvaltare)", 6)
    do_login(client, make.user("samordnare").email)
    resp = client.get(f"/reports/{YEAR}.docx")
    assert resp.status_code == 200
    return resp.data, org.name


def test_the_word_file_is_swedish_a4_with_the_organisation_as_author(report_docx):
    data, org_name = report_docx
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 25
    props = document.core_properties
    assert props.author == org_name and props.author != "python-docx"
    assert props.title == f"Uppmärksammade brister {YEAR}"
    assert props.language == "sv-SE" and props.comments == ""
    langs = {el.get(qn("w:val")) for el in document.styles.element.iter(qn("w:lang"))}
    assert langs == {"sv-SE"}, langs
    table = document.tables[0]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    widths = [c.width for c in table.columns]
    assert max(widths) > 2 * min(widths)  # names wide, counts narrow
    assert sum(widths) <= Mm(161)  # within the A4 text width


@pytest.mark.skipif(
    not (SOFFICE and shutil.which("pdftotext") and shutil.which("pdfinfo"))
    and not os.environ.get("TRACKER_REQUIRE_BROWSER"),
    reason=MISSING,
)
def test_libreoffice_renders_it_on_a4_with_whole_words(report_docx, tmp_path: Path):
    assert SOFFICE, MISSING
    data, _org = report_docx
    source = tmp_path / "rapport.docx"
    source.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs side by side
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "rapport.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    size = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    assert "595" in size and "841" in size, size  # A4 in points, not Letter (612 x 792)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = set(text.split())
    for name in ("FÖRSÄKRINGSKASSAN", "Försäkringskassan", "Systemfel", "Förekomster", "färre"):
        assert name in words, f"{name!r} is not a whole word in the rendered table:\n{text}"
