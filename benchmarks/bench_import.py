"""Time `tracker import occurrences` on a 50,000-row XLSX file, on SQLite.

    .venv/bin/python benchmarks/bench_import.py [--rows 50000] [--csv]

The script makes a temporary instance folder with a migrated SQLite database and one
organisation (`tracker org create`), writes a file in the import template's layout with
openpyxl (200 faults over the catalogue's authorities, a different anonymised narrative on
every row, dates over two years, optional columns filled on half the rows) and runs the
real command line in a subprocess, timing it from start to exit. It prints the wall time,
the CPU time of the command (with its guard workers) – the figure that does not depend on
what else the machine runs – and the command's summary line. The target is under a minute
on the project's machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACKER = str(Path(sys.executable).with_name("tracker"))
AUTHORITIES = ["Försäkringskassan", "Kronofogden", "Arbetsförmedlingen", "Skatteverket"]
WORDS = [
    "ansökan",
    "handläggare",
    "beslut",
    "avslag",
    "väntetid",
    "underlag",
    "komplettering",
    "utbetalning",
    "återkoppling",
    "läkarintyg",
    "besked",
    "överklagande",
]


def write_file(path: Path, rows: int, as_csv: bool) -> None:
    rnd = random.Random(14)
    start = date(2024, 1, 1)
    titles = [f"Systemfel nummer {i} i handläggningen" for i in range(200)]

    def row(i: int) -> list[object]:
        narrative = " ".join(rnd.choice(WORDS) for _ in range(12)) + f" (iakttagelse {i})"
        extra = i % 2 == 0
        return [
            start + timedelta(days=rnd.randrange(700)),
            rnd.choice(AUTHORITIES),
            rnd.choice(titles),
            narrative,
            "Kvinna" if extra else "",
            "30–49" if extra else "",
            "Inkomstbortfall" if extra else "",
            "",
        ]

    header = [
        "Datum",
        "Myndighet",
        "Systemfel",
        "Iakttagelse",
        "Kön",
        "Ålder",
        "Konsekvenser",
        "Tema",
    ]
    if as_csv:
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            f.write(";".join(header) + "\r\n")
            for i in range(rows):
                f.write(";".join(str(c) for c in row(i)) + "\r\n")
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Förekomster")
    ws.append(header)
    for i in range(rows):
        ws.append(row(i))
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of XLSX")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TRACKER_INSTANCE_PATH=tmp,
            TRACKER_DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite",
            TRACKER_SECRET_KEY="bench-" + "x" * 32,
        )

        def tracker(*argv: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(  # noqa: S603 - our own command line
                [TRACKER, *argv], env=env, capture_output=True, text=True, check=True, cwd=ROOT
            )

        tracker("db", "upgrade")
        tracker("org", "create", "--slug", "bench", "--name", "PO Bench")
        path = Path(tmp) / ("lista.csv" if args.csv else "lista.xlsx")
        t0 = time.perf_counter()
        write_file(path, args.rows, args.csv)
        made = time.perf_counter() - t0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = tracker("import", "occurrences", str(path), "--org", "bench")
        took = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        size = path.stat().st_size / (1024 * 1024)
        print(f"file: {path.name}, {args.rows} rows, {size:.1f} MB (written in {made:.1f} s)")
        print(done.stdout.strip())
        print(f"import (tracker import occurrences, SQLite): {took:.1f} s wall, {cpu:.1f} s CPU")
        print(f"load average (1, 5, 15 min): {os.getloadavg()}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
