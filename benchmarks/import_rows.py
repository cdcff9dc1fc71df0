"""Time `dealledger import` of a generated spreadsheet and measure its peak memory.

    python benchmarks/import_rows.py                 # 100,000 CSV rows
    python benchmarks/import_rows.py --rows 20000 --xlsx
    python benchmarks/import_rows.py --dry-run       # the checking pass alone, no writes

The sheet is generated (a BD-style list: parties, dates as 03/06/2025, amounts as "$110M",
"1.62bn" or blank) into a temporary folder, imported with `--yes` into a new empty ledger in
a child process, and the child's wall time (rows/s) and peak RSS are printed. Peak RSS that
stays flat as --rows grows is what "streaming" means here.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAPPING = """\
date_order = "DMY"
amount_unit = "million"

[columns]
title = "Deal"
parties = "Licensor / Licensee"
announced = "Announced"
upfront = "Upfront"
milestone = "Milestones"
royalty = "Royalties"

[constants]
kind = "license"
currency = "USD"
"""
HEADER = ["Deal", "Licensor / Licensee", "Announced", "Upfront", "Milestones", "Royalties"]


def rows(count: int) -> list[list[object]]:
    amounts = ["$110M", "1.62bn", "", "undisclosed", "45", "USD 5,300 million"]
    return [
        [
            f"Programme {index} licence",
            f"Licensor {index % 997} / Licensee {index % 991}",
            f"{index % 28 + 1:02d}/{index % 12 + 1:02d}/{2015 + index % 10}",
            amounts[index % len(amounts)],
            amounts[(index + 1) % len(amounts)],
            "tiered" if index % 3 else "",
        ]
        for index in range(count)
    ]


def write_sheet(folder: Path, count: int, xlsx: bool) -> Path:
    if xlsx:
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("deals")
        sheet.append(HEADER)
        for row in rows(count):
            sheet.append(row)
        path = folder / "deals.xlsx"
        workbook.save(path)
        return path
    path = folder / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="an .xlsx workbook instead of CSV")
    parser.add_argument(
        "--dry-run", action="store_true", help="read and check every row, write nothing"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dl-import-bench-") as temporary:
        folder = Path(temporary)
        sheet = write_sheet(folder, args.rows, args.xlsx)
        (folder / "map.toml").write_text(MAPPING, encoding="utf-8")
        ledger = folder / "ledger"
        subprocess.run(
            [sys.executable, "-m", "dealledger", "init", "--empty", str(ledger)],
            check=True,
            capture_output=True,
        )
        command = [sys.executable, "-m", "dealledger", "import", str(sheet), "--map"]
        command += [str(folder / "map.toml"), "--ledger", str(ledger)]
        command.append("--dry-run" if args.dry_run else "--yes")
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0:
            sys.exit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
        written = sum(1 for _ in (ledger / "deals").rglob("*.toml"))
    kind = ("xlsx" if args.xlsx else "csv") + (" (dry run)" if args.dry_run else "")
    print(
        f"import {args.rows:,} {kind} rows: {elapsed:.1f} s, {args.rows / elapsed:,.0f} rows/s, "
        f"{written:,} files written, peak RSS {peak_kib / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
