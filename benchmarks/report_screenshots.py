"""Screenshots of `dealledger report` in headless Chromium, for the eye and for the docs.

Renders the HTML report of the bundled ledger (`deals/` at the repository root) and of a
generated 200-deal ledger, then takes:

- `bundled-1280.png` and `bundled-1920.png`: the top of the bundled report in a 1280 px and a
  1920 px wide window (summary, totals, timeline);
- `bundled-charts-1280.png`: its timeline, payment schedule and Valuation section;
- `bundled-explain-1280.png`: its last deals' details with their valuation explanations;
- `l200-timeline-1280.png`, `l200-schedule-1280.png`: the 200-deal report's timeline, and
  its payment schedule with the Valuation section;
- `bundled-print-1.png`: the first page of the bundled report printed to PDF (A4 landscape;
  `--pages N` for more).

A screenshot shows the top of the page, so the views of later sections are taken of a copy
of the page with one more `<style>` that hides the sections above them; nothing else
changes. Every report is as of one fixed date (`--as-of`, default 2026-01-15), so the
pictures change only when the page does. Needs `chromium` and `pdftoppm` (Debian:
`apt-get install chromium poppler-utils`).

    python benchmarks/report_screenshots.py                    # into docs/screenshots/
    python benchmarks/report_screenshots.py --out /tmp/shots --keep
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Flags that keep a headless run off the network and out of the user's profile.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        sys.exit("needs chromium: apt-get install chromium")
    return found


def run_browser(browser: str, profile: Path, *arguments: str) -> None:
    subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        check=True,
        capture_output=True,
        timeout=180,
    )


def report(ledger: Path, output: Path, as_of: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dealledger",
            "report",
            "--ledger",
            str(ledger),
            "--no-cache",
            "--as-of",
            as_of,
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: some files have errors; the page is written
        sys.exit(done.stderr)


SECTIONS = ("summary", "totals", "timeline", "schedule", "valuation", "deals", "problems")


def from_section(page: Path, first: str, *also_hidden: str) -> str:
    """A copy of `page` showing `first` and the sections after it (less any `also_hidden`
    CSS selectors); its file URI."""
    hidden = ["main > h1", "main > .meta", "nav", *also_hidden]
    hidden += [f"#{name}" for name in SECTIONS[: SECTIONS.index(first)]]
    style = f"<style>{', '.join(hidden)} {{ display: none; }}</style></head>"
    copy = page.with_name(f"{page.stem}-from-{first}.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</head>", style, 1), "utf-8")
    return copy.as_uri()


def screenshot(browser: str, profile: Path, page: str, png: Path, width: int, height: int) -> None:
    run_browser(browser, profile, f"--window-size={width},{height}", f"--screenshot={png}", page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--as-of", default="2026-01-15")
    parser.add_argument("--pages", type=int, default=1, help="PDF pages to keep as PNG")
    parser.add_argument("--keep", action="store_true", help="keep the HTML and PDF too")
    args = parser.parse_args()
    browser = chromium()
    if shutil.which("pdftoppm") is None:
        sys.exit("needs pdftoppm: apt-get install poppler-utils")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        profile = work / "profile"
        bundled = work / "bundled.html"
        report(REPO, bundled, args.as_of)
        generated = work / "l200"
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                str(generated),
                "--deals",
                "200",
            ],
            check=True,
            capture_output=True,
        )
        large = work / "l200.html"
        report(generated, large, args.as_of)

        shots = [
            (bundled.as_uri(), "bundled-1280.png", 1280, 1500),
            (bundled.as_uri(), "bundled-1920.png", 1920, 1200),
            (from_section(bundled, "timeline"), "bundled-charts-1280.png", 1280, 1900),
            (
                # the last deals: the first ones have nothing to value
                from_section(bundled, "deals", "article.deal:nth-of-type(-n+3)"),
                "bundled-explain-1280.png",
                1280,
                1600,
            ),
            (from_section(large, "timeline"), "l200-timeline-1280.png", 1280, 1000),
            (from_section(large, "schedule"), "l200-schedule-1280.png", 1280, 1300),
        ]
        for page, name, width, height in shots:
            screenshot(browser, profile, page, args.out / name, width, height)
        pdf = work / "bundled.pdf"
        run_browser(
            browser,
            profile,
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            str(bundled.as_uri()),
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "72",
                "-f",
                "1",
                "-l",
                str(args.pages),
                str(pdf),
                str(args.out / "bundled-print"),
            ],
            check=True,
        )
        if args.keep:
            for kept in (bundled, large, pdf):
                shutil.copy(kept, args.out / kept.name)
    for png in sorted(args.out.glob("*.png")):
        print(f"{png}  {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
