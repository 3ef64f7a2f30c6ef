"""The downloadable template: a sheet "Förekomster" with the header row and an example,
and a sheet "Instruktioner" that explains every column."""

from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _

from ..faults.forms import consequence_labels
from ..orgs.models import Organisation
from .fields import FIELDS

WIDTHS = (12, 28, 40, 60, 12, 10, 30, 20)


def template_xlsx(org: Organisation, authorities: list[str], themes: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Förekomster"
    ws.append([header for _code, header in FIELDS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(
        [
            date(2024, 3, 15),
            authorities[0] if authorities else "Försäkringskassan",
            _("Långa handläggningstider för bostadstillägg"),
            _("Ansökan låg orörd i fyra månader trots kompletta underlag."),
            _("Kvinna"),
            org.age_band_list[1] if len(org.age_band_list) > 1 else "",
            _("Inkomstbortfall"),
            themes[0] if themes else "",
        ]
    )
    ws["A2"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width

    info = wb.create_sheet("Instruktioner")
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 100
    lines: list[tuple[str, str]] = [
        (_("Så här fyller du i"), ""),
        ("", _("En rad per iakttagelse. Första raden är rubrikerna; ändra dem inte.")),
        (
            "",
            _(
                "Skriv aldrig namn, personnummer, adresser, telefonnummer eller e-postadresser. "
                "Rader med sådana uppgifter avvisas."
            ),
        ),
        (
            "",
            _(
                "Samma text under Systemfel blir ett systemfel; finns det redan loggas "
                "raden på det."
            ),
        ),
        ("", _("Du ser en förhandsvisning innan något sparas.")),
        ("", ""),
        (_("Kolumn"), _("Vad du skriver")),
        ("Datum", _("Obligatorisk. 2024-03-15, 15/3/2024 eller ett datum i Excel.")),
        ("Myndighet", _("Obligatorisk. En av: %(names)s.", names=", ".join(authorities))),
        ("Systemfel", _("Obligatorisk. Systemfelets rubrik, högst 200 tecken.")),
        ("Iakttagelse", _("Vad som hände, avidentifierat. Högst 2 000 tecken.")),
        ("Kön", _("Valfri. Kvinna, Man, Annat eller Ej angivet.")),
        (
            "Ålder",
            _(
                "Valfri. En åldersgrupp (%(bands)s) eller en ålder i år.",
                bands=", ".join(org.age_band_list),
            ),
        ),
        (
            "Konsekvenser",
            _(
                "Valfri. En eller flera, med komma emellan: %(names)s.",
                names=", ".join(consequence_labels().values()),
            ),
        ),
        (
            "Tema",
            _(
                "Valfri. Ett eller flera teman, med komma emellan: %(names)s.",
                names=", ".join(themes),
            ),
        ),
    ]
    for row in lines:
        info.append(list(row))
    info["A1"].font = Font(bold=True, size=14)
    info["A7"].font = Font(bold=True)
    info["B7"].font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
