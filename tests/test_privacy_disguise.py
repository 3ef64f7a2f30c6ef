"""The guard sees through disguised identifiers: other Unicode digits and dashes, invisible
characters, spaced or odd separators, HTML entities, Markdown and HTML markup – alone and
combined, with valid and wrong check digits. Findings quote the text as it was typed."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.privacy import blocking, find_identifiers, mask
from tracker.privacy.normalise import normalise

from .test_privacy import birth_dates, check_digit, serials, swedish_text

PROPERTY = settings(database=None, deadline=None, max_examples=400)
PNR_KINDS = {"personnummer", "samordningsnummer"}

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]
SEPARATORS = [
    *DASHES,
    "+",
    " ",
    "  ",
    " - ",
    " \u2013 ",
    ".",
    "/",
    "_",
    "&#45;",
    "&#x2d;",
    "&minus;",
    "<!-- -->-",
    "-<!-- x -->",
]


def parts(born: date, serial: int, offset: int, wrong: int) -> tuple[str, str, str, str, str]:
    """(century, yy, mm, dd, last four) with the check digit shifted by ``wrong``."""
    yy, mm, dd = f"{born.year % 100:02d}", f"{born.month:02d}", f"{born.day + offset:02d}"
    nine = yy + mm + dd + f"{serial:03d}"
    check = (int(check_digit(nine)) + wrong) % 10
    return f"{born.year // 100:02d}", yy, mm, dd, f"{serial:03d}{check}"


@st.composite
def disguised_numbers(draw: st.DrawFn) -> str:
    born = draw(birth_dates)
    offset = draw(st.sampled_from([0, 60]))
    wrong = draw(st.integers(0, 9))
    century, yy, mm, dd, last = parts(born, draw(serials), offset, wrong)
    sep = draw(st.sampled_from(SEPARATORS))
    inner = draw(st.sampled_from(["", "", "-", " ", ".", "/", "\u2013"]))
    if inner and sep in ("", "+"):
        sep = "-"
    with_century = draw(st.booleans())
    if with_century and inner and sep.strip() == "":
        sep = "-"  # "2022-03-15 2023" is an ISO date and a number: needs the check digit
    head = (century if with_century else "") + yy + inner + mm + inner + dd
    digits = draw(st.sampled_from([None, FULLWIDTH, ARABIC_INDIC, DEVANAGARI]))
    if digits is not None:  # the digits, not an entity's "&#45;"
        head, last = head.translate(digits), last.translate(digits)
    for _ in range(draw(st.integers(0, 3))):  # invisible characters between the digits
        char = draw(st.sampled_from(INVISIBLE))
        if draw(st.booleans()):
            at = draw(st.integers(1, len(head) - 1))
            head = head[:at] + char + head[at:]
        else:
            at = draw(st.integers(1, len(last) - 1))
            last = last[:at] + char + last[at:]
    if draw(st.booleans()):  # Markdown emphasis around one part
        mark = draw(st.sampled_from(["**", "*", "_", "__", "`", "~~"]))
        if draw(st.booleans()):
            last = f"{mark}{last}{mark}"
        else:
            head = f"{mark}{head}{mark}"
    number = head + sep + last
    return number


@PROPERTY
@given(disguised_numbers(), swedish_text, swedish_text)
def test_every_disguise_of_an_identity_number_blocks(number: str, prefix: str, suffix: str) -> None:
    text = f"{prefix} Klienten har {number} i beslutet. {suffix}"
    found = [f for f in find_identifiers(text) if f.kind in PNR_KINDS and f.blocking]
    assert found, text
    # The finding quotes what was typed, inside the typed number.
    start = text.index(number)
    assert any(start <= f.start and f.end <= start + len(number) for f in found), (text, found)
    assert all(f.text == text[f.start : f.end] for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "klienten 19850312-2381",  # wrong check digit
        "811218 - 9876",
        "81-12-18-9876",
        "1981-12-18-9876",
        "81 12 18 9876",
        "811218.9876",
        "811218/9876",
        "811218_9876",
        "８１１２１８－９８７６",
        "٨١١٢١٨-٩٨٧٦",
        "811\u200b218-98\u200d76",
        "811218\u00ad-9876",
        "811218\u2011" + "9876",
        "811218\u2212" + "9876",
        "811218\u2014" + "9876",
        "811218-**9876**",
        "811218&#45;9876",
        "811218<!-- -->-9876",
        "<b>811218</b>-9876",
        "811218\\-9876",
        "701063 - 2391",  # samordningsnummer, spaced
    ],
)
def test_issue_examples_block(text: str) -> None:
    found = blocking(find_identifiers(text))
    assert [f.kind for f in found] in (["personnummer"], ["samordningsnummer"]), text


def test_iso_date_and_year_is_not_an_identity_number() -> None:
    assert blocking(find_identifiers("Beslut 2022-03-15 2023 års ansökan")) == []
    assert blocking(find_identifiers("född 1981-12-18 9876")) != []


def test_finding_quotes_the_typed_span() -> None:
    text = "Hon sa ８１１２１８－９８７６ i telefon."
    (f,) = find_identifiers(text)
    assert f.text == "８１１２１８－９８７６"
    assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "anna @ example.se",
        "anna＠example.se",
        "anna(at)example(dot)se",
        "anna (at) example (dot) se",
        "anna [at] example [punkt] se",
        "anna\u200b@exa\u200bmple.se",
        "anna&#64;example.se",
        "anna@**example**.se",
    ],
)
def test_disguised_email_blocks(text: str) -> None:
    assert [f.kind for f in blocking(find_identifiers(f"Mejla {text} i morgon."))] == ["email"]


@pytest.mark.parametrize(
    "text",
    [
        "070.123.45.67",
        "08.123.45.67",
        "08/123 45 67",
        "070/123 45 67",
        "０７０－１２３ ４５ ６７",
        "٠٧٠-١٢٣٤٥٦٧",
        "070\u2011123 45 67",
        "070 - 123 45 67",
        "070\u200b1234567",
    ],
)
def test_disguised_phone_blocks(text: str) -> None:
    assert [f.kind for f in blocking(find_identifiers(f"Ring {text} efter lunch."))] == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "Dnr 0543/2012",
        "kl. 08.00–16.30",
        "Mötet 2022-03-15 kl. 10.00",
        "Beslut 2022-03-15, 12 345 kr",
        "18 – 29 år: 3",
        "Org.nr 212000–0142",
        "Organisationsnummer 556677.8899",
        "SFS 2013:522",
        "Version 2.0.1",
        "1,5 %",
        "**Viktigt:** 12 av 30 klienter",
        "a < b > c",
    ],
)
def test_normalisation_keeps_ordinary_numbers_passing(text: str) -> None:
    assert blocking(find_identifiers(text)) == [], find_identifiers(text)


def plain_text_of_rendered(markdown_text: str) -> str:
    from tracker.text import render_markdown

    return html.unescape(re.sub(r"<[^>]+>", "", str(render_markdown(markdown_text))))


@PROPERTY
@given(disguised_numbers())
def test_rendered_markdown_shows_nothing_the_guard_let_through(number: str) -> None:
    # Whatever the rendered page would show as a clean number, the guard has refused.
    rendered = plain_text_of_rendered(f"Klienten {number} har väntat.")
    if re.search(r"\d{6}[-+ ./_]*\d{4}", normalise(rendered)[0].text):
        assert blocking(find_identifiers(f"Klienten {number} har väntat."))


def test_normalised_text_maps_back_to_the_source() -> None:
    source = "a\u200bb&#45;*c*"
    plain, stripped = normalise(source)
    assert plain.text == "ab-*c*"
    assert stripped.text == "ab-c"
    assert stripped.source_span(2, 3) == (3, 8)  # the "-" came from "&#45;"
    assert stripped.source_span(0, 4) == (0, len(source) - 1)


def test_mask_keeps_only_the_last_two_characters() -> None:
    assert mask("811218-9876") == "•••••••••76"
    assert mask("ab") == "••"
