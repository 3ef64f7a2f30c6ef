"""Demo faults, written in our own words from the patterns in DOMAIN.md's seed reports."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from .faults import services as faults
from .faults.models import CONSEQUENCES, Fault, Theme
from .orgs.models import Authority, Membership, Organisation

# (title, authority, level, themes, description, report summary, weight)
FAULTS: list[tuple[str, str, str, list[str], str, str, int]] = [
    (
        "Försörjningsstöd svårt att nå per telefon",
        "Försörjningsstöd (ekonomiskt bistånd)",
        "lokal",
        ["tillgänglighet"],
        "Telefontiderna är korta och köerna långa. Klienter ger upp innan de fått svar.",
        "Försörjningsstöd har varit svårt att nå; klienter har inte fått svar i tid.",
        5,
    ),
    (
        "Lång ansökan om försörjningsstöd varje månad",
        "Försörjningsstöd (ekonomiskt bistånd)",
        "lokal",
        ["regelverk", "tillgänglighet"],
        "Samma omfattande underlag krävs varje månad, även när inget har ändrats.",
        "Den månatliga ansökan är omfattande och svår att klara utan stöd.",
        4,
    ),
    (
        "Boendestödet vet inte vad beställningen omfattar",
        "Socialpsykiatri/boendestöd",
        "handlaggare",
        ["kompetens", "samordning"],
        "Klienter och boendestödjare har olika bild av vad insatsen ska innehålla.",
        "Boendestödets innehåll är otydligt för både klient och utförare.",
        3,
    ),
    (
        "Vräkningsförebyggande arbete börjar först efter uppsägning",
        "Vräkningsförebyggande arbete/bostad",
        "lokal",
        ["bostad", "samordning"],
        "Ingen tar ansvar för ärendet innan hyresvärden sagt upp kontraktet.",
        "Det vräkningsförebyggande arbetet startar för sent och saknar tydlig ägare.",
        4,
    ),
    (
        "Inställda återbesök i psykiatrin på grund av läkarbrist",
        "Psykiatri",
        "lokal",
        ["tillgänglighet", "kompetens"],
        "Återbesök ställs in med kort varsel; recept och sjukintyg hinner löpa ut.",
        "Läkarbristen i psykiatrin ger glapp i recept och sjukintyg.",
        6,
    ),
    (
        "Överflytt från psykiatri till vårdcentral utan motivering",
        "Psykiatri",
        "lokal",
        ["samordning"],
        "Patienter skrivs över till primärvården utan att de eller vårdcentralen förstår varför.",
        "Överflyttningar från psykiatrin sker utan motivering eller överlämning.",
        3,
    ),
    (
        "Ingen personlig handläggare på Arbetsförmedlingen",
        "Arbetsförmedlingen",
        "central",
        ["tillgänglighet", "digitalisering"],
        "Kontakt sker via chatt och digitala tjänster; klienter med stora behov når ingen.",
        "Arbetsförmedlingen är svår att nå för klienter som behöver personlig kontakt.",
        5,
    ),
    (
        "Kodning av funktionsnedsättning dröjer",
        "Arbetsförmedlingen",
        "lokal",
        ["handläggningstid"],
        "Utredningen av kodning tar lång tid och klienten riskerar att förlora sin SGI.",
        "Långa väntetider på kodning riskerar klienters sjukpenninggrundande inkomst.",
        3,
    ),
    (
        "Långa handläggningstider för bostadsbidrag och sjukpenning",
        "Försäkringskassan",
        "central",
        ["handläggningstid", "ekonomi"],
        "Beslut dröjer i månader; hyran hinner bli obetald.",
        "Långa handläggningstider hos Försäkringskassan leder till obetalda hyror.",
        6,
    ),
    (
        "Återkrav flera år i efterhand",
        "Försäkringskassan",
        "central",
        ["ekonomi", "regelverk"],
        "Krav på återbetalning kommer flera år senare och skapar skulder.",
        "Sena återkrav från Försäkringskassan skuldsätter klienter.",
        3,
    ),
    (
        "Motstridiga krav mellan Försäkringskassan och Arbetsförmedlingen",
        "Försäkringskassan",
        "central",
        ["samordning", "regelverk"],
        "Myndigheterna ställer krav som inte går att uppfylla samtidigt.",
        "Försäkringskassan och Arbetsförmedlingen ställer motstridiga krav.",
        2,
    ),
    (
        "SIP kallas inte eller följs inte upp",
        "Socialpsykiatri/boendestöd",
        "lokal",
        ["samordning"],
        "Samordnad individuell plan efterfrågas men kallelse uteblir eller uppföljning saknas.",
        "SIP-möten kallas inte till eller följs inte upp.",
        3,
    ),
    (
        "Digitalt utanförskap: inget BankID",
        "Skatteverket",
        "central",
        ["digitalisering", "tillgänglighet"],
        "Utan BankID eller smarttelefon går det inte att sköta ärenden som nu bara finns digitalt.",
        "Klienter utan BankID stängs ute från digitala tjänster.",
        4,
    ),
    (
        "Hotellboende i väntan på bostad",
        "Hyresvärd/bostadsbolag",
        "lokal",
        ["bostad"],
        "Bostadsbristen gör att klienter bor på hotell under lång tid.",
        "Bostadsbristen leder till långa hotellvistelser.",
        3,
    ),
    (
        "Utförsäkring leder till försörjningsstöd",
        "Försäkringskassan",
        "central",
        ["ekonomi", "regelverk"],
        "Efter utförsäkring hänvisas klienten till försörjningsstöd med lägre inkomst.",
        "Utförsäkring leder till fattigdom och beroende av försörjningsstöd.",
        2,
    ),
    (
        "Gode män saknar kompetens om psykisk ohälsa",
        "Överförmyndare (god man, förvaltare)",
        "handlaggare",
        ["kompetens"],
        "Ställföreträdare saknar kunskap om klientgruppens behov.",
        "Gode män behöver mer kunskap om psykisk ohälsa.",
        2,
    ),
    (
        "Höga hyror täcks inte av försörjningsstödet",
        "Försörjningsstöd (ekonomiskt bistånd)",
        "lokal",
        ["ekonomi", "bostad"],
        "Skälig hyra enligt riktlinjerna ligger under vad nyproducerade lägenheter kostar.",
        "Riktlinjerna för skälig hyra följer inte hyresmarknaden.",
        2,
    ),
    (
        "Förlängd slutenvård i brist på boende",
        "Psykiatri",
        "lokal",
        ["bostad", "samordning"],
        "Patienter blir kvar i slutenvården för att det saknas boende med stöd.",
        "Brist på boende med stöd förlänger vårdtider.",
        2,
    ),
]
ORG_SHARE = {"soderort": range(0, 18), "nacka": range(0, 18, 3)}


def load_demo_faults(s: Session, org: Organisation, today: date) -> int:
    """Add faults and occurrences to an organisation that has none. Returns faults added."""
    assert org.id is not None
    if s.exec(select(Fault.id).where(Fault.org_id == org.id)).first() is not None:
        return 0
    rng = random.Random(f"demo-{org.slug}")
    auths = {a.name: a for a in s.exec(select(Authority).where(Authority.org_id == org.id))}
    themes = {t.name: t for t in s.exec(select(Theme).where(Theme.org_id == org.id))}
    start = date(today.year - 2, 1, 1)
    span = (today - start).days
    # The organisation's ombud logs most occurrences, the samordnare some, so both hear
    # what became of them (tracker.faults.updates); the rest come without a logger.
    staff = dict(
        s.exec(
            select(Membership.role, Membership.user_id).where(
                Membership.org_id == org.id, col(Membership.role).in_(["ombud", "samordnare"])
            )
        ).all()
    )
    loggers = [staff.get("ombud"), staff.get("ombud"), staff.get("samordnare"), None]
    added = 0
    for i in ORG_SHARE.get(org.slug, range(0, 18, 3)):
        title, auth, level, theme_names, desc, summary, weight = FAULTS[i]
        first = start + timedelta(days=rng.randrange(0, max(1, span - 120)))
        fault = faults.create_fault(
            s,
            org_id=org.id,
            actor_id=None,
            title=title,
            description=desc,
            primary_authority_id=auths[auth].id or 0,
            level=level,
            theme_ids=[themes[t].id or 0 for t in theme_names],
            report_summary=summary,
            created_on=first,
        )
        fault.created_at = datetime(first.year, first.month, first.day, 9, tzinfo=UTC)
        n = weight * rng.randint(2, 4)
        for k in range(n):
            day = first + timedelta(days=rng.randrange(0, max(1, (today - first).days + 1)))
            faults.log_occurrence(
                s,
                fault=fault,
                actor_id=loggers[k % len(loggers)],
                observed_on=min(day, today),
                narrative=rng.choice(NARRATIVES),
                gender=rng.choice(["kvinna", "man", None, "ej_angivet"]),
                age_band=rng.choice(org.age_band_list + [None]),
                consequences=rng.sample(CONSEQUENCES, rng.randint(0, 2)),
            )
        if n >= 8:
            faults.change_status(s, fault=fault, actor_id=None, to="bekraftad")
        added += 1
    return added


NARRATIVES = [
    "Klienten hade väntat länge på besked och visste inte vart hen skulle vända sig.",
    "Samma fråga kom upp igen; inget hade hänt sedan förra kontakten.",
    "Ombudet fick ringa flera gånger innan någon svarade.",
    "Beslutet kom efter flera månader och hyran hann bli obetald.",
    "Klienten fick olika besked av olika handläggare.",
    "Ingen tog ansvar för att kalla till möte.",
    "",
]
