"""Generate the national data set: every PO verksamhet in one database.

    .venv/bin/python benchmarks/national.py --db sqlite:///bench/national.sqlite
    .venv/bin/python benchmarks/national.py --scale 0.05 \\
        --db postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB

At --scale 1.0: 300 organisations, 30,000 faults and 2,000,000 occurrences observed over the
last three years, skewed like real use: the largest organisation has about 900 faults and
178,000 occurrences, its busiest fault about 23,700; most organisations are small (the
smallest about 50 faults and 1,900 occurrences). Each organisation gets the default
catalogue (tracker.orgs.services.create_org), one user per role (ombud, samordnare, ledamot,
admin; e-mail `<role>@<slug>.example.se`, password PASSWORD below), one to three forums
with contacts, and in all 3,000 meetings (held ones with minutes, the next one planned)
whose agenda items follow the escalations of a share of the faults meeting by meeting.

--db must name an EMPTY database; it is migrated and filled. A smaller --scale shrinks the
number of organisations and every total in proportion (0.01: 3 organisations, 300 faults,
20,000 occurrences). The data are a function of --seed, --scale and today's date.

The big tables go in with SQLAlchemy Core executemany in batches on SQLite (synchronous=OFF
during the load; the FTS5 rows through tracker.faults.search.rebuild where it exists, else
one row per fault as tests/faults/bulk.py wrote them) and with COPY on PostgreSQL; the
occurrence indexes are dropped during the load and recreated after. If
tracker.faults.derived.recompute_all(session) exists it runs next (a module that does not
import is reported and skipped); then ANALYZE (VACUUM ANALYZE on PostgreSQL, as autovacuum
leaves a database in use).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import Connection, Engine, Table, func, select, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from tracker import create_app, db, migrate  # noqa: E402
from tracker.accounts.models import User  # noqa: E402
from tracker.accounts.services import hash_password  # noqa: E402
from tracker.faults.models import (  # noqa: E402
    CONSEQUENCES,
    GENDERS,
    Fault,
    FaultAuthority,
    FaultEvent,
    FaultRelation,
    FaultTheme,
    Occurrence,
    Theme,
)
from tracker.meetings.models import AgendaItem, Contact, Escalation, Forum, Meeting  # noqa: E402
from tracker.orgs.models import Authority, Membership, Organisation  # noqa: E402
from tracker.orgs.services import create_org  # noqa: E402

PASSWORD = "nationell-bänk-2026"  # noqa: S105 - every user of the generated (throwaway) data
ROLES = ("ombud", "samordnare", "ledamot", "admin")
BATCH = 10_000

# The national shape at scale 1.0.
ORGS = 300
FAULTS = 30_000
OCCURRENCES = 2_000_000
MEETINGS = 3_000
LARGEST_FAULTS = 900
LARGEST_OCCURRENCES = 178_000
BUSIEST_FAULT = 23_700

# The vocabulary of tests/faults/bulk.py, kept here so that file may change on its own.
SUBJECTS = (
    "Sjukpenning",
    "Bostadstillägg",
    "Försörjningsstöd",
    "Färdtjänst",
    "Vårdplanering",
    "Aktivitetsersättning",
    "Boendestöd",
    "Godmanskap",
    "Hemtjänst",
    "Läkarintyg",
    "Arbetsträning",
    "Skuldsanering",
)
PROBLEMS = (
    "dröjer i månader",
    "avslås utan motivering",
    "kräver e-legitimation",
    "ges utan tolk",
    "handläggs av ständigt nya handläggare",
    "faller mellan huvudmännen",
    "kräver besök på plats",
    "kommer bara som brev på papper",
)
WHO = ("Klienten", "Personen", "Hen", "Den enskilde", "Sökanden")
WHAT = (
    "väntade på beslut",
    "fick inget svar",
    "skickades vidare",
    "fick fel information",
    "blev utan ersättning",
    "kunde inte logga in",
    "nekades hjälp att fylla i ansökan",
)
WHEN = (
    "i fyra månader",
    "trots påminnelser",
    "efter flera samtal",
    "under sommaren",
    "utan förklaring",
    "för tredje gången",
)
QUALIFIERS = (
    "",
    "för unga vuxna",
    "vid flytt mellan kommuner",
    "efter sjukhusvistelse",
    "för personer utan bostad",
    "vid byte av handläggare",
    "för den som saknar BankID",
    "vid samtidig sjukskrivning",
)
ASKS = (
    "Vi ber gruppen ta upp mönstret med ansvarig myndighet.",
    "Vi vill att rutinen ses över och att ansvaret klargörs.",
    "Kan representanten undersöka hur handläggningen går till?",
    "Vi föreslår en gemensam rutin mellan huvudmännen.",
)
DISCUSSIONS = (
    "Ombuden beskrev mönstret med anonymiserade exempel.",
    "Gruppen diskuterade hur ofta felet förekommer och vilka som drabbas.",
    "Representanten kände igen problemet från andra verksamheter.",
)
DECISIONS = {
    "foljs_upp": (
        "Representanten undersöker rutinen och återkommer till nästa möte.",
        "Frågan följs upp vid nästa möte.",
        "Myndigheten ser över sina handläggningstider; uppföljning nästa möte.",
    ),
    "atgardat": (
        "Rutinen är ändrad och felet bedöms åtgärdat.",
        "Myndigheten har infört en kontaktperson; frågan avslutas.",
    ),
    "ingen_atgard": (
        "Ingen åtgärd: frågan ligger utanför gruppens mandat.",
        "Gruppen konstaterar felet men kan inte påverka det lokalt.",
    ),
    "vidarebefordras": ("Frågan lyfts vidare till ett annat forum.",),
}
RESPONSES = (
    "Vi har tagit upp frågan internt och återkommer.",
    "Rutinen ses över under kvartalet.",
)
CONTACTS = (
    ("Försäkringskassans representant", "Försäkringskassan"),
    ("Psykiatrins representant", "Psykiatri"),
    ("Enhetschef socialpsykiatri", "Kommunen"),
    ("Arbetsförmedlingens representant", "Arbetsförmedlingen"),
    ("Brukarorganisationens företrädare", "Brukarorganisation"),
)
FORUMS = (  # name, kind, meetings per year
    ("Ledningsgruppen", "ledningsgrupp", 4),
    ("Samordningsförbundet", "samordningsforbund", 2),
    ("Regionens samverkansgrupp", "huvudman", 2),
)


# ---- shape ----------------------------------------------------------------------------------


def _power_sum(n: int, a: float) -> float:
    return sum(k**-a for k in range(1, n + 1))


def _solve(n: int, share: float) -> float:
    """The exponent a with 1 / sum_{k<=n} k^-a == share (the top rank's share)."""
    lo, hi = 0.0, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if 1 / _power_sum(n, mid) < share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# Organisation k (1 = largest) gets a share proportional to k^-a; a fault of rank r within
# its organisation a share proportional to r^-c. Solved once for the national figures.
A_FAULTS = _solve(ORGS, LARGEST_FAULTS / FAULTS)
A_OCCURRENCES = _solve(ORGS, LARGEST_OCCURRENCES / OCCURRENCES)
C_FAULT = _solve(LARGEST_FAULTS, BUSIEST_FAULT / LARGEST_OCCURRENCES)


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Integers proportional to `weights` summing to `total` (largest remainder,
    deterministic); any below `minimum` is raised to it at the expense of the first."""
    n = len(weights)
    w = sum(weights)
    exact = [total * x / w for x in weights]
    out = [int(x) for x in exact]
    order = sorted(range(n), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    for i in range(1, n):
        if out[i] < minimum:
            out[0] -= minimum - out[i]
            out[i] = minimum
    return out


@dataclass(frozen=True)
class Shape:
    orgs: int
    faults: list[int]  # per organisation, largest first
    occurrences: list[int]
    meetings: int


def shape(scale: float) -> Shape:
    n = max(2, round(ORGS * scale))
    faults = apportion(round(FAULTS * scale), [k**-A_FAULTS for k in range(1, n + 1)], 3)
    occs = apportion(round(OCCURRENCES * scale), [k**-A_OCCURRENCES for k in range(1, n + 1)], 10)
    return Shape(n, faults, occs, max(2 * n, round(MEETINGS * scale)))


# ---- rows -----------------------------------------------------------------------------------


class Ids:
    """Explicit primary keys, so COPY needs no RETURNING and children know their parents."""

    def __init__(self, conn: Connection, tables: Iterable[Table]) -> None:
        self.next: dict[str, int] = {}
        for t in tables:
            self.next[t.name] = (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n


@dataclass
class OrgPlan:
    id: int
    slug: str
    faults: int
    occurrences: int
    authority_ids: list[int]
    theme_ids: list[int]
    age_bands: list[str]
    users: dict[str, int] = field(default_factory=dict)
    fault_rows: list[dict[str, Any]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # occurrences per fault_rows index
    forums: list[dict[str, Any]] = field(default_factory=list)


def _table(model: Any) -> Table:
    t: Table = model.__table__
    return t


def _at(day: date, rng: random.Random, start_hour: int = 7, hours: int = 10) -> datetime:
    return datetime.combine(day, dtime(start_hour), tzinfo=UTC) + timedelta(
        seconds=rng.randrange(hours * 3600)
    )


class Generator:
    def __init__(self, app: Flask, scale: float, seed: int, log: Callable[[str], None]) -> None:
        self.app = app
        self.engine: Engine = app.extensions["db_engine"]
        self.pg = self.engine.dialect.name == "postgresql"
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = log
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = self.now.date()
        self.oldest = self.today - timedelta(days=3 * 365)
        self.span = (self.today - self.oldest).days
        self.shape = shape(scale)
        self.orgs: list[OrgPlan] = []
        self.timings: dict[str, float] = {}
        sentences = [f"{w} {x} {y}." for w in WHO for x in WHAT for y in WHEN]
        self.sentences = sentences

    # -- phases --------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        self._phase("organisations and catalogues", self.create_orgs)
        with self.engine.connect() as conn:
            if not self.pg:  # a throwaway load: no fsync, a large page cache (this connection)
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA synchronous=OFF")
                raw.execute("PRAGMA cache_size=-1000000")
            self.load(conn)
        self._phase("derived data", self.derived)
        self._phase("analyze", self.analyze)
        return self.summary(time.perf_counter() - started)

    def load(self, conn: Connection) -> None:
        with conn.begin():
            if self.pg:
                conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            self.ids = Ids(
                conn,
                [
                    _table(m)
                    for m in (
                        User,
                        Membership,
                        Fault,
                        FaultEvent,
                        Occurrence,
                        Forum,
                        Contact,
                        Escalation,
                        Meeting,
                        AgendaItem,
                    )
                ],
            )
            self._phase("users", lambda: self.users(conn))
            self._phase("faults and escalations planned", self.plan)
            self._phase("faults, themes, authorities, history", lambda: self.faults(conn))
            self._phase("forums, meetings, escalations, minutes", lambda: self.meetings(conn))
            self._phase("occurrences", lambda: self.occurrences(conn))
            if self.pg:
                self._phase("sequences", lambda: self.sequences(conn))

    def summary(self, total: float) -> dict[str, Any]:
        largest = self.orgs[0]
        return {
            "database": self.engine.dialect.name,
            "scale": self.scale,
            "organisations": len(self.orgs),
            "faults": sum(o.faults for o in self.orgs),
            "occurrences": sum(o.occurrences for o in self.orgs),
            "meetings": self.meeting_count,
            "agenda_items": self.item_count,
            "escalations": self.escalation_count,
            "largest": {
                "slug": largest.slug,
                "faults": largest.faults,
                "occurrences": largest.occurrences,
                "busiest_fault": max(largest.counts),
            },
            "smallest": {
                "slug": self.orgs[-1].slug,
                "faults": self.orgs[-1].faults,
                "occurrences": self.orgs[-1].occurrences,
            },
            "seconds": round(total, 1),
            "phases": {k: round(v, 1) for k, v in self.timings.items()},
        }

    def _phase(self, name: str, fn: Callable[[], Any]) -> None:
        t = time.perf_counter()
        fn()
        self.timings[name] = time.perf_counter() - t
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    def insert(self, conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
        """Core executemany in batches; COPY on PostgreSQL for anything sizeable."""
        if not rows:
            return
        table = _table(model)
        # Columns added later with a scalar default (the app's own default) get it here too,
        # since COPY and executemany only write the columns named.
        missing = {
            c.name: c.default.arg
            for c in table.columns
            if c.name not in rows[0] and c.default is not None and c.default.is_scalar
        }
        if missing:
            rows = [{**missing, **r} for r in rows]
        if self.pg and len(rows) > 1000:
            self.copy(conn, table, list(rows[0]), (tuple(r.values()) for r in rows))
            return
        for i in range(0, len(rows), BATCH):
            conn.execute(table.insert(), rows[i : i + BATCH])

    def copy(
        self, conn: Connection, table: Table, columns: list[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        raw = conn.connection.driver_connection
        assert raw is not None
        quote = self.engine.dialect.identifier_preparer.quote
        cols = ", ".join(quote(c) for c in columns)
        with raw.cursor() as cur, cur.copy(f"COPY {quote(table.name)} ({cols}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)

    # -- organisations and users ---------------------------------------------------------

    def create_orgs(self) -> None:
        with self.engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(_table(Organisation))).scalar():
                raise SystemExit("the database is not empty: give an empty one")
        with self.app.app_context():
            s = db.session()
            width = max(3, len(str(self.shape.orgs)))
            for k in range(self.shape.orgs):
                slug = f"po-{k + 1:0{width}d}"
                org = create_org(s, slug=slug, name=f"PO Nationell {k + 1}", kommuner="")
                assert org.id is not None
                self.orgs.append(
                    OrgPlan(
                        id=org.id,
                        slug=slug,
                        faults=self.shape.faults[k],
                        occurrences=self.shape.occurrences[k],
                        authority_ids=[],
                        theme_ids=[],
                        age_bands=org.age_band_list,
                    )
                )
            s.commit()
        authorities: dict[int, list[int]] = defaultdict(list)
        themes: dict[int, list[int]] = defaultdict(list)
        with self.engine.connect() as conn:
            a, t = _table(Authority), _table(Theme)
            for aid, oid in conn.execute(select(a.c.id, a.c.org_id).order_by(a.c.id)):
                authorities[oid].append(aid)
            for tid, oid in conn.execute(select(t.c.id, t.c.org_id).order_by(t.c.id)):
                themes[oid].append(tid)
        for o in self.orgs:
            o.authority_ids = authorities[o.id]
            o.theme_ids = themes[o.id]

    def users(self, conn: Connection) -> None:
        pw_hash = hash_password(PASSWORD)
        users, members = [], []
        for o in self.orgs:
            for role in ROLES:
                uid = self.ids.take("user")
                o.users[role] = uid
                users.append(
                    {
                        "id": uid,
                        "email": f"{role}@{o.slug}.example.se",
                        "name": f"{role.capitalize()} {o.slug}",
                        "password_hash": pw_hash,
                        "active": True,
                        "session_token": f"{self.rng.getrandbits(192):048x}",
                        "locale": "sv",
                        "weekly_digest": False,
                        "must_change_password": False,
                        "created_at": self.now - timedelta(days=3 * 365 + 30),
                    }
                )
                members.append(
                    {
                        "id": self.ids.take("membership"),
                        "user_id": uid,
                        "org_id": o.id,
                        "role": role,
                        "active": True,
                        "created_at": self.now - timedelta(days=3 * 365 + 30),
                    }
                )
        self.insert(conn, User, users)
        self.insert(conn, Membership, members)

    # -- faults ----------------------------------------------------------------------------

    def plan(self) -> None:
        self.plan_faults()
        self.plan_meetings()

    def plan_faults(self) -> None:
        rng = self.rng
        for o in self.orgs:
            # Exact counts per fault (rank r gets a share ~ r^-C), ranks shuffled over the
            # creation order; the busiest faults are old ones.
            counts = apportion(o.occurrences, [k**-C_FAULT for k in range(1, o.faults + 1)])
            early = max(1, o.faults // 100)
            planned = []
            for rank, n in enumerate(counts):
                window = 180 if rank < early else self.span - 1
                created_day = self.oldest + timedelta(days=rng.randrange(window))
                planned.append((created_day, n))
            planned.sort(key=lambda p: p[0])
            per_year: dict[int, int] = defaultdict(int)
            for created_day, n in planned:
                created = min(_at(created_day, rng), self.now)
                per_year[created.year] += 1
                qualifier = rng.choice(QUALIFIERS)
                title = f"{SUBJECTS[rng.randrange(len(SUBJECTS))]} {rng.choice(PROBLEMS)}"
                o.fault_rows.append(
                    {
                        "id": self.ids.take("fault"),
                        "org_id": o.id,
                        "ref": f"SF-{created.year}-{per_year[created.year]:03d}",
                        "title": f"{title} {qualifier}".strip(),
                        "description": self._sentence() if rng.random() < 0.7 else "",
                        "primary_authority_id": rng.choice(o.authority_ids),
                        "level": rng.choice((None, "handlaggare", "lokal", "central")),
                        "status": rng.choices(
                            ("ny", "bekraftad", "atgardad", "avskriven"), (6, 3, 1, 1)
                        )[0],
                        "report_summary": self._sentence() if rng.random() < 0.1 else "",
                        "duplicate_of_id": None,
                        "created_by_id": o.users[rng.choice(("ombud", "samordnare"))],
                        "created_at": created,
                        "updated_at": created,
                        "version": 1,
                    }
                )
                o.counts.append(n)

    def _sentence(self) -> str:
        return self.sentences[self.rng.randrange(len(self.sentences))]

    def faults(self, conn: Connection) -> None:
        rng = self.rng
        faults, themes, others, relations = [], [], [], []
        for o in self.orgs:
            for row in o.fault_rows:
                faults.append(row)
                for tid in rng.sample(o.theme_ids, rng.choices((0, 1, 2), (3, 5, 2))[0]):
                    themes.append({"fault_id": row["id"], "theme_id": tid})
                other = rng.choice(o.authority_ids)
                if rng.random() < 0.2 and other != row["primary_authority_id"]:
                    others.append({"fault_id": row["id"], "authority_id": other})
            seen = set()
            for _ in range(len(o.fault_rows) // 30):
                a, b = sorted(rng.sample([r["id"] for r in o.fault_rows], 2))
                if (a, b) not in seen:
                    seen.add((a, b))
                    relations.append({"fault_id": a, "other_id": b})
        self.insert(conn, Fault, faults)
        self.insert(conn, FaultTheme, themes)
        self.insert(conn, FaultAuthority, others)
        self.insert(conn, FaultRelation, relations)
        self.insert(conn, FaultEvent, self.events)

    def occurrences(self, conn: Connection) -> None:
        """All occurrences, numbered in the order they were logged (organisations interleave,
        as in real use), with the occurrence indexes dropped during the load."""
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        narratives: dict[int, list[str]] = defaultdict(list)
        sentences = self.sentences
        n_sent = len(sentences)
        genders = (None, *GENDERS)
        for o in self.orgs:
            bands = (None, *o.age_bands)
            loggers = (o.users["ombud"], o.users["ombud"], o.users["samordnare"], None)
            for row, n in zip(o.fault_rows, o.counts, strict=True):
                fid = row["id"]
                created: datetime = row["created_at"]
                first = max(self.oldest, created.date() - timedelta(days=30))
                days = (self.today - first).days + 1
                texts = narratives[fid]
                for _ in range(n):
                    observed = first + timedelta(days=int(rng.random() * days))
                    stamp = datetime.combine(
                        observed + timedelta(days=int(rng.random() * 8)), dtime(7), tzinfo=UTC
                    ) + timedelta(seconds=int(rng.random() * 36000))
                    if stamp < created:
                        stamp = created + timedelta(seconds=int(rng.random() * 36000))
                    if stamp > self.now:
                        stamp = self.now
                    r = rng.random()
                    narrative = sentences[int(r * n_sent / 0.8)] if r < 0.8 else ""
                    texts.append(narrative)
                    k = rng.random()
                    consequences = (
                        "" if k < 0.4 else ",".join(rng.sample(CONSEQUENCES, 1 if k < 0.8 else 2))
                    )
                    rows.append(
                        (
                            stamp,
                            o.id,
                            fid,
                            observed,
                            narrative,
                            genders[int(rng.random() * 5)],
                            bands[int(rng.random() * len(bands))],
                            consequences,
                            loggers[int(rng.random() * 4)],
                        )
                    )
        rows.sort(key=lambda r: r[0])
        start = self.ids.next["occurrence"]
        columns = [
            "id",
            "org_id",
            "fault_id",
            "observed_on",
            "narrative",
            "gender",
            "age_band",
            "consequences",
            "logged_by_id",
            "created_at",
            "updated_at",
        ]
        self.log(f"    {len(rows):,} rows generated")
        dropped = self._drop_indexes(conn, "occurrence")
        t = time.perf_counter()
        if self.pg:
            self.copy(
                conn,
                _table(Occurrence),
                columns,
                ((start + i, *r[1:], r[0], r[0]) for i, r in enumerate(rows)),
            )
        else:
            table = _table(Occurrence)
            for i in range(0, len(rows), BATCH):
                conn.execute(
                    table.insert(),
                    [
                        dict(zip(columns, (start + j, *r[1:], r[0], r[0]), strict=True))
                        for j, r in enumerate(rows[i : i + BATCH], start=i)
                    ],
                )
        self.log(f"    inserted in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        for sql in dropped:
            conn.exec_driver_sql(sql)
        self.log(f"    {len(dropped)} indexes recreated in {time.perf_counter() - t:.1f} s")
        self.ids.next["occurrence"] = start + len(rows)
        del rows
        if not self.pg:
            t = time.perf_counter()
            self.full_text(conn, narratives)
            self.log(f"    full-text rows in {time.perf_counter() - t:.1f} s")

    def full_text(self, conn: Connection, narratives: dict[int, list[str]]) -> None:
        """SQLite's FTS5 rows: through tracker.faults.search.rebuild where it exists (the
        index's own bulk path), else one row per fault as tests/faults/bulk.py wrote them."""
        search = importlib.import_module("tracker.faults.search")
        if hasattr(search, "rebuild"):
            with Session(bind=conn) as s:
                search.rebuild(s)
                s.flush()
            return
        ins = text("INSERT INTO fault_fts (fault_id, org_id, body) VALUES (:f, :o, :b)")
        batch: list[dict[str, Any]] = []
        for o in self.orgs:
            for row in o.fault_rows:
                body = "\n".join(
                    [
                        row["ref"],
                        row["title"],
                        row["description"],
                        row["report_summary"],
                        *narratives.get(row["id"], []),
                    ]
                )
                batch.append({"f": row["id"], "o": o.id, "b": body})
                if len(batch) >= 1000:
                    conn.execute(ins, batch)
                    batch = []
        if batch:
            conn.execute(ins, batch)

    def _drop_indexes(self, conn: Connection, table: str) -> list[str]:
        """Drop the table's secondary indexes; return the statements that recreate them."""
        if self.pg:
            found = conn.execute(
                text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "JOIN pg_class c ON c.relname = i.indexname "
                    "JOIN pg_index x ON x.indexrelid = c.oid "
                    "WHERE i.tablename = :t AND i.schemaname = current_schema() "
                    "AND NOT x.indisprimary AND NOT x.indisunique"
                ),
                {"t": table},
            ).all()
        else:
            found = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = :t AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
                ),
                {"t": table},
            ).all()
        quote = self.engine.dialect.identifier_preparer.quote
        for name, _sql in found:
            conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
        return [sql for _name, sql in found]

    # -- forums, meetings, escalations -----------------------------------------------------

    def meetings(self, conn: Connection) -> None:
        forums, contacts, escalations, meetings, items = self.pending
        self.insert(conn, Forum, forums)
        self.insert(conn, Contact, contacts)
        self.insert(conn, Escalation, escalations)
        self.insert(conn, Meeting, meetings)
        self.insert(conn, AgendaItem, items)

    def plan_meetings(self) -> None:
        rng = self.rng
        self.events: list[dict[str, Any]] = []
        forums: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        for o in self.orgs:
            n_forums = 1 if o.faults < 60 else 2 if o.faults < 250 else 3
            for name, kind, cadence in FORUMS[:n_forums]:
                fid = self.ids.take("forum")
                forums.append(
                    {
                        "id": fid,
                        "org_id": o.id,
                        "name": name,
                        "kind": kind,
                        "lead_days": 7,
                        "cadence_per_year": cadence,
                        "created_at": self.now - timedelta(days=3 * 365 + 20),
                    }
                )
                o.forums.append({"id": fid, "cadence": cadence, "contacts": [], "meetings": []})
                for i, (cname, represents) in enumerate(rng.sample(CONTACTS, rng.randint(3, 5))):
                    cid = self.ids.take("contact")
                    contacts.append(
                        {
                            "id": cid,
                            "org_id": o.id,
                            "forum_id": fid,
                            "name": cname,
                            "email": f"kontakt{cid}@{o.slug}.example.se",
                            "represents": represents,
                            "user_id": o.users["ledamot"]
                            if i == 0 and kind == FORUMS[0][1]
                            else None,
                        }
                    )
                    o.forums[-1]["contacts"].append((cid, cname))
        # Meetings: the national total over every forum by cadence; each forum's meetings are
        # held evenly over the three years, the last one is planned one to six weeks ahead.
        all_forums = [(o, f) for o in self.orgs for f in o.forums]
        per_forum = apportion(self.shape.meetings, [f["cadence"] for _o, f in all_forums], 2)
        start = datetime.combine(self.oldest + timedelta(days=30), dtime(8), tzinfo=UTC)
        end = datetime.combine(self.today - timedelta(days=3), dtime(8), tzinfo=UTC)
        planned_meetings: list[dict[str, Any]] = []
        for (o, f), k in zip(all_forums, per_forum, strict=True):
            step = (end - start) / (k - 1)
            for i in range(k):
                if i < k - 1:
                    jitter = rng.randint(-10, 10) if 0 < i < k - 2 else 0
                    day = (start + step * i).date() + timedelta(days=jitter)
                else:
                    day = self.today + timedelta(days=rng.randint(7, 42))
                at = datetime.combine(day, dtime(8), tzinfo=UTC)
                held = at < self.now
                status = "planerat"
                if held:
                    status = "installt" if rng.random() < 0.02 else "genomfort"
                m = {
                    "org_id": o.id,
                    "forum_id": f["id"],
                    "starts_at": at,
                    "place": "Kommunhuset, sammanträdesrum 2",
                    "status": status,
                    "sequence": 1 if status == "installt" else 0,
                    "finalised_at": min(at + timedelta(days=1), self.now)
                    if status == "genomfort"
                    else None,
                    "created_at": min(at - timedelta(days=40), self.now),
                }
                planned_meetings.append(m)
                f["meetings"].append(m)
        planned_meetings.sort(key=lambda m: (m["starts_at"], m["forum_id"]))
        for m in planned_meetings:
            m["id"] = self.ids.take("meeting")
        self.meeting_count = len(planned_meetings)

        escalations: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        positions: dict[tuple[int, str], int] = defaultdict(int)

        def add_item(m: dict[str, Any], section: str, **kw: Any) -> dict[str, Any]:
            positions[(m["id"], section)] += 1
            item = {
                "id": self.ids.take("agenda_item"),
                "org_id": m["org_id"],
                "meeting_id": m["id"],
                "section": section,
                "escalation_id": None,
                "title": "",
                "position": positions[(m["id"], section)],
                "discussion": "",
                "decision": "",
                "responsible": "",
                "responsible_contact_id": None,
                "outcome": None,
                "forward_forum_id": None,
                "due_on": None,
                "response": "",
                "response_by_id": None,
            }
            item.update(kw)
            items.append(item)
            return item

        for m in planned_meetings:
            held = m["status"] == "genomfort"
            add_item(
                m,
                "statistik",
                title="Statistik sedan föregående möte",
                discussion="Ombuden redovisade statistiken." if held else "",
            )
            if held and rng.random() < 0.2:
                add_item(
                    m,
                    "ovrigt",
                    title="Information från samordnaren",
                    decision="Informationen noterades.",
                )

        for o in self.orgs:
            order = sorted(range(len(o.fault_rows)), key=lambda i: -o.counts[i])
            top = max(1, len(order) // 5)
            for pos, idx in enumerate(order):
                row = o.fault_rows[idx]
                if row["status"] == "avskriven":
                    continue
                if rng.random() >= (0.5 if pos < top else 0.06):
                    continue
                created = row["created_at"] + timedelta(days=rng.randint(7, 180))
                if created > self.now - timedelta(days=1):
                    continue
                forum = o.forums[0] if rng.random() < 0.7 else rng.choice(o.forums)
                self._escalate(o, row, forum, created, None, escalations, add_item, items_depth=0)
        self.escalation_count = len(escalations)
        # Non-escalated faults that moved on from "ny".
        for o in self.orgs:
            for row in o.fault_rows:
                self.events.append(
                    {
                        "id": self.ids.take("fault_event"),
                        "fault_id": row["id"],
                        "at": row["created_at"],
                        "actor_id": row["created_by_id"],
                        "kind": "created",
                        "from_status": None,
                        "to_status": "ny",
                        "other_fault_id": None,
                        "comment": "",
                    }
                )
                if row.get("_escalated"):
                    continue
                if row["status"] != "ny":
                    at = min(row["created_at"] + timedelta(days=rng.randint(1, 60)), self.now)
                    self._status(row, "ny", row["status"], at, o.users["samordnare"])
        for o in self.orgs:
            for row in o.fault_rows:
                row.pop("_escalated", None)
        ids = sorted(e["id"] for e in self.events)
        self.events.sort(key=lambda e: (e["at"], e["id"]))
        for i, e in zip(ids, self.events, strict=True):  # numbered in time order
            e["id"] = i
        self.pending = (forums, contacts, escalations, planned_meetings, items)
        self.item_count = len(items)

    def _status(
        self, row: dict[str, Any], frm: str, to: str, at: datetime, actor: int | None
    ) -> None:
        self.events.append(
            {
                "id": self.ids.take("fault_event"),
                "fault_id": row["id"],
                "at": at,
                "actor_id": actor,
                "kind": "status",
                "from_status": frm,
                "to_status": to,
                "other_fault_id": None,
                "comment": "",
            }
        )
        row["status"] = to
        row["updated_at"] = max(row["updated_at"], at)

    def _escalate(
        self,
        o: OrgPlan,
        row: dict[str, Any],
        forum: dict[str, Any],
        created: datetime,
        forwarded_from: dict[str, Any] | None,
        escalations: list[dict[str, Any]],
        add_item: Callable[..., dict[str, Any]],
        items_depth: int,
    ) -> None:
        """Follow one escalation through the forum's meetings after `created`."""
        rng = self.rng
        samordnare = o.users["samordnare"]
        proposed_only = forwarded_from is None and (
            self.now - created < timedelta(days=45) and rng.random() < 0.4
        )
        esc = {
            "id": self.ids.take("escalation"),
            "org_id": o.id,
            "fault_id": row["id"],
            "forum_id": forum["id"],
            "ask": rng.choice(ASKS),
            "status": "foreslagen" if proposed_only else "koad",
            "outcome": None,
            "forwarded_from_id": forwarded_from["id"] if forwarded_from else None,
            "created_by_id": o.users["ombud"] if forwarded_from is None else samordnare,
            "accepted_by_id": None if proposed_only else samordnare,
            "created_at": created,
            "closed_at": None,
        }
        escalations.append(esc)
        row["_escalated"] = True
        if proposed_only:
            return
        if row["status"] != "eskalerad":
            frm = row["status"]
            if frm in ("atgardad",):
                self._status(row, frm, "bekraftad", created, samordnare)
                frm = "bekraftad"
            self._status(row, frm, "eskalerad", created, samordnare)
        first = True
        for m in forum["meetings"]:
            if m["starts_at"] < created + timedelta(days=7) or m["status"] == "installt":
                continue
            section = "nytt" if first else "uppfoljning"
            title = f"{row['ref']} {row['title']}"
            if m["status"] == "planerat":
                add_item(m, section, escalation_id=esc["id"], title=title)
                if first:
                    esc["status"] = "pa_dagordning"
                return
            outcomes = ["foljs_upp", "atgardat", "ingen_atgard"]
            weights = [45, 25, 20]
            others = [f for f in o.forums if f["id"] != forum["id"]]
            if others and items_depth == 0:
                outcomes.append("vidarebefordras")
                weights.append(10)
            outcome = rng.choices(outcomes, weights)[0]
            cid, cname = rng.choice(forum["contacts"])
            target = rng.choice(others) if outcome == "vidarebefordras" else None
            response = rng.random() < 0.3 and outcome == "foljs_upp"
            add_item(
                m,
                section,
                escalation_id=esc["id"],
                title=title,
                discussion=rng.choice(DISCUSSIONS),
                decision=rng.choice(DECISIONS[outcome]),
                responsible=cname,
                responsible_contact_id=cid,
                outcome=outcome,
                forward_forum_id=target["id"] if target else None,
                due_on=(m["starts_at"] + timedelta(days=42)).date()
                if outcome == "foljs_upp"
                else None,
                response=rng.choice(RESPONSES) if response else "",
                response_by_id=o.users["ledamot"] if response else None,
            )
            first = False
            if outcome == "foljs_upp":
                esc["status"] = "uppfoljning"
                continue
            esc["status"] = "avslutad"
            esc["closed_at"] = m["finalised_at"]
            esc["outcome"] = {
                "atgardat": "atgardat",
                "ingen_atgard": "ingen_atgard",
                "vidarebefordras": "vidarebefordrad",
            }[outcome]
            if outcome == "atgardat":
                self._status(row, "eskalerad", "atgardad", m["finalised_at"], samordnare)
            if target is not None:
                self._escalate(
                    o, row, target, m["finalised_at"], esc, escalations, add_item, items_depth + 1
                )
            return

    # -- the rest --------------------------------------------------------------------------

    def sequences(self, conn: Connection) -> None:
        """Explicit ids bypassed the sequences: move each past its table's largest id."""
        quote = self.engine.dialect.identifier_preparer.quote
        for name in self.ids.next:
            table = quote(name)
            sql = "SELECT setval(pg_get_serial_sequence(:t, 'id'), :n, false)"
            conn.execute(text(sql), {"t": table, "n": self.ids.next[name]})

    def analyze(self) -> None:
        if self.engine.dialect.name == "postgresql":
            # what autovacuum does to a database in use: the statistics, and the visibility
            # map without which no index-only scan is chosen (VACUUM: outside a transaction)
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    def derived(self) -> None:
        try:
            module = importlib.import_module("tracker.faults.derived")
        except ModuleNotFoundError:
            return
        except ImportError as exc:  # present but half-written (work in progress): say so
            self.log(f"  tracker.faults.derived does not import ({exc}); derived data skipped")
            return
        recompute = getattr(module, "recompute_all", None)
        if recompute is None:
            return
        with self.app.app_context():
            s = db.session()
            recompute(s)
            s.commit()
        self.log("  (tracker.faults.derived.recompute_all ran)")


def generate(
    url: str, scale: float = 1.0, seed: int = 1, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Migrate the empty database at `url` and fill it; return a summary (counts, seconds)."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "national-bench", "DATABASE_URL": url, "SERVER_NAME": None}
    )
    try:
        migrate.upgrade(app)
        gen = Generator(app, scale, seed, log)
        return gen.run()
    finally:
        app.extensions["db_engine"].dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", required=True, help="URL of an EMPTY database")
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = national (default)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    summary = generate(args.db, args.scale, args.seed, log=lambda m: print(m, flush=True))
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
