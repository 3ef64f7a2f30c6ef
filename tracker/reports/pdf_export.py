"""The annual report as a print-ready PDF: the Word file (docx_export) converted by
LibreOffice headless, the same conversion the rendering test checks (A4, whole words).

LibreOffice runs with a profile of its own per process (-env:UserInstallation), so it runs
beside a desktop LibreOffice and beside other workers, one conversion at a time per process,
in a temporary directory, with a time limit. The PDF is kept per process by the content it
was made from – the report's text is already kept under the organisation's data version, so
the same data gives the same PDF without converting again. Without LibreOffice installed
`available()` is False and the export is not offered."""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any

from flask import Response, current_app, has_app_context, render_template
from flask_babel import gettext as _

from ..timeutil import utcnow
from .docx_export import markdown_to_docx

TIMEOUT_S = 120
CACHE_SIZE = 8
_LOCK = threading.Lock()  # one conversion at a time per process
_CACHE: OrderedDict[str, bytes] = OrderedDict()  # outside an application
_PROFILE: dict[int, Path] = {}
log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing, failed or took too long."""


def soffice() -> str | None:
    """LibreOffice's command, or None. The setting SOFFICE (TRACKER_SOFFICE) names it; empty
    turns the PDF export off; unset, soffice or libreoffice on the PATH."""
    configured = current_app.config.get("SOFFICE") if has_app_context() else None
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def _profile() -> Path:
    """This process's LibreOffice profile (created on first use, removed at exit)."""
    pid = os.getpid()
    path = _PROFILE.get(pid)
    if path is None:
        path = Path(tempfile.mkdtemp(prefix=f"tracker-lo-{pid}-"))
        _PROFILE[pid] = path
        atexit.register(shutil.rmtree, path, True)
    return path


def _forget_profile() -> None:
    path = _PROFILE.pop(os.getpid(), None)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def docx_to_pdf(data: bytes) -> bytes:
    """Convert a Word file to PDF with LibreOffice; PdfUnavailable if that is not possible."""
    command = soffice()
    if command is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    with _LOCK, tempfile.TemporaryDirectory(prefix="tracker-pdf-") as tmp:
        source = Path(tmp) / "rapport.docx"
        source.write_bytes(data)
        args = [
            command,
            f"-env:UserInstallation={_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            # its own process group: soffice starts soffice.bin, which a timeout must end too
            proc = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfUnavailable(f"LibreOffice could not start: {exc}") from exc
        try:
            _out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            _forget_profile()  # a killed LibreOffice may leave its profile locked
            raise PdfUnavailable(f"LibreOffice took more than {TIMEOUT_S} s") from None
        if proc.returncode != 0:
            raise PdfUnavailable(f"LibreOffice failed ({proc.returncode}): {err[-300:]!r}")
        pdf = Path(tmp) / "rapport.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise PdfUnavailable("LibreOffice wrote no PDF")
        return pdf.read_bytes()


def _cache() -> OrderedDict[str, bytes]:
    """This application's PDFs (like the report text in reports.views, one cache per app)."""
    if not has_app_context():
        return _CACHE
    cache: OrderedDict[str, bytes]
    cache = current_app.extensions.setdefault("report_pdf_cache", OrderedDict())
    return cache


def markdown_to_pdf(markdown: str, *, title: str, author: str, created: date) -> bytes:
    """The report as PDF, kept per process while its text, title, author and date are the
    same."""
    if not available():
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    key = hashlib.sha256(
        "\x00".join((markdown, title, author, created.isoformat())).encode()
    ).hexdigest()
    cache = _cache()
    with _LOCK:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    pdf = docx_to_pdf(markdown_to_docx(markdown, title=title, author=author, created=created))
    with _LOCK:
        cache[key] = pdf
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return pdf


def response(markdown: str, name: str, *, title: str, author: str) -> Any:
    """The download, or a 503 page saying in Swedish that the PDF cannot be made here."""
    try:
        pdf = markdown_to_pdf(markdown, title=title, author=author, created=utcnow().date())
    except PdfUnavailable as exc:
        log.warning("report PDF unavailable: %s", str(exc)[:300])
        return render_template(
            "errors/error.html",
            code=503,
            title=_("PDF kan inte skapas"),
            message=_(
                "PDF-filen kan inte skapas på den här servern just nu. Ladda ned rapporten "
                "som Word i stället."
            ),
        ), 503
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )
