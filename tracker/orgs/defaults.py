"""DOMAIN.md's default catalogue, seeded into every new organisation."""

# (heading, children) in report order; children are sub-headings of KOMMUN.
REPORT_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "KOMMUN",
        [
            "Försörjningsstöd",
            "Socialpsykiatri/funktionsnedsättning",
            "Vräkningsförebyggande arbete",
        ],
    ),
    ("HÄLSO- OCH SJUKVÅRD INKL PSYKIATRIN", []),
    ("ARBETSFÖRMEDLINGEN", []),
    ("FÖRSÄKRINGSKASSAN", []),
    ("SAMVERKAN/SAMORDNING MELLAN VÅRD, SOCIALTJÄNST OCH MYNDIGHETER", []),
    ("DIGITALISERING", []),
    ("ALLMÄNT", []),
]

# huvudman -> [(authority, report heading)]
AUTHORITIES: dict[str, list[tuple[str, str]]] = {
    "kommun": [
        ("Försörjningsstöd (ekonomiskt bistånd)", "Försörjningsstöd"),
        ("Socialpsykiatri/boendestöd", "Socialpsykiatri/funktionsnedsättning"),
        ("Biståndsbedömning/LSS", "Socialpsykiatri/funktionsnedsättning"),
        ("Vräkningsförebyggande arbete/bostad", "Vräkningsförebyggande arbete"),
        ("Överförmyndare (god man, förvaltare)", "KOMMUN"),
        ("Budget- och skuldrådgivning", "KOMMUN"),
        ("Färdtjänst", "KOMMUN"),
    ],
    "region": [
        ("Psykiatri", "HÄLSO- OCH SJUKVÅRD INKL PSYKIATRIN"),
        ("Primärvård/vårdcentral", "HÄLSO- OCH SJUKVÅRD INKL PSYKIATRIN"),
        ("Tandvård", "HÄLSO- OCH SJUKVÅRD INKL PSYKIATRIN"),
    ],
    "stat": [
        ("Försäkringskassan", "FÖRSÄKRINGSKASSAN"),
        ("Arbetsförmedlingen", "ARBETSFÖRMEDLINGEN"),
        ("Kronofogden", "ALLMÄNT"),
        ("Förvaltningsrätten", "ALLMÄNT"),
        ("Pensionsmyndigheten", "ALLMÄNT"),
        ("Skatteverket", "ALLMÄNT"),
        ("CSN", "ALLMÄNT"),
        ("Migrationsverket", "ALLMÄNT"),
    ],
    "ovriga": [
        ("Hyresvärd/bostadsbolag", "ALLMÄNT"),
        ("Bank", "ALLMÄNT"),
        ("Annan", "ALLMÄNT"),
    ],
}
