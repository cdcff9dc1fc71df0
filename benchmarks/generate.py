"""Write a realistic synthetic ledger for the benchmark: N deal files plus dealledger.toml.

The files look like the bundled ones (comments, multi-line summaries, parties, assets, several
tranche kinds, sources), use several currencies converted through [[fx]] rates, name parties
from a registry (with aliases and subsidiaries), and about 2% of them are broken in the ways
real files break (TOML syntax, unknown keys, bad codes, duplicate ids, dangling `related`), so
the benchmark measures the error paths as well as the happy path. Output is deterministic for
a given seed, so two runs compare like with like.

    python benchmarks/generate.py /tmp/ledger-10k --deals 10000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

COMPANIES = [
    ("AstraZeneca", "GB", ["AstraZeneca PLC"]),
    ("Pfizer", "US", ["Pfizer Inc."]),
    ("Novartis", "CH", ["Novartis AG"]),
    ("Roche", "CH", ["F. Hoffmann-La Roche Ltd"]),
    ("Merck & Co.", "US", ["MSD", "Merck Sharp & Dohme"]),
    ("Sanofi", "FR", ["Sanofi S.A."]),
    ("GSK", "GB", ["GlaxoSmithKline"]),
    ("Bristol Myers Squibb", "US", ["BMS"]),
    ("Eli Lilly", "US", ["Lilly"]),
    ("AbbVie", "US", ["AbbVie Inc."]),
    ("Takeda", "JP", ["Takeda Pharmaceutical"]),
    ("Daiichi Sankyo", "JP", []),
    ("Astellas", "JP", ["Astellas Pharma"]),
    ("Bayer", "DE", ["Bayer AG"]),
    ("Boehringer Ingelheim", "DE", []),
    ("Novo Nordisk", "DK", ["Novo Nordisk A/S"]),
    ("CSPC Pharmaceutical Group", "CN", ["CSPC"]),
    ("Hengrui", "CN", ["Jiangsu Hengrui Pharmaceuticals"]),
    ("BeiGene", "CN", []),
    ("Hansoh", "CN", ["Hansoh Pharmaceutical"]),
    ("Innovent", "CN", ["Innovent Biologics"]),
    ("Kelun-Biotech", "CN", []),
    ("Zai Lab", "CN", []),
    ("Genmab", "DK", []),
    ("argenx", "NL", []),
    ("Ipsen", "FR", []),
    ("UCB", "BE", []),
    ("Servier", "FR", []),
    ("Chugai", "JP", ["Chugai Pharmaceutical"]),
    ("Ono", "JP", ["Ono Pharmaceutical"]),
]
BIOTECH_WORDS = [
    "Arc", "Nova", "Helix", "Cura", "Gene", "Onco", "Imm", "Thera", "Vita", "Neuro",
    "Cardio", "Ribo", "Path", "Bio", "Lumen", "Axon", "Cell", "Mira", "Zen", "Quant",
]  # fmt: skip
BIOTECH_SUFFIX = ["Therapeutics", "Biosciences", "Pharma", "Bio", "Medicines", "Oncology"]
COUNTRIES = ["US", "GB", "CN", "DE", "FR", "CH", "JP", "KR", "DK", "NL", "BE", "CA", "AU"]
CURRENCIES = [("USD", 70), ("EUR", 12), ("CNY", 8), ("GBP", 4), ("JPY", 4), ("CHF", 2)]
RATES = {"EUR": "1.08", "CNY": "0.1389", "GBP": "1.27", "JPY": "0.0067", "CHF": "1.12"}
AREAS = ["oncology", "immunology", "neurology", "cardiovascular", "metabolic", "rare disease"]
MODALITIES = ["small-molecule", "antibody", "adc", "peptide", "sirna", "bispecific", "platform"]
TARGETS = ["EGFR", "HER2", "PD-1", "GLP-1R", "KRAS", "TROP2", "CLDN18.2", "IL-23", "FcRn", "BCMA"]
PHASES = ["discovery", "preclinical", "phase1", "phase2", "phase3", "filed"]
KINDS = [
    ("license", "licensor", "licensee"),
    ("collaboration", "licensor", "licensee"),
    ("option", "licensor", "licensee"),
    ("acquisition", "target", "acquirer"),
    ("equity", "investee", "investor"),
]
ROYALTIES = ['"single-digit"', '"low-double-digit"', '"tiered"', '"8%-12%"', '"up to 15%"']


def registry(rng: random.Random, biotechs: int) -> tuple[str, list[str], list[str]]:
    """dealledger.toml text, the names deals may use, and the names of biotechs."""
    lines = [
        "# Synthetic ledger settings written by benchmarks/generate.py.",
        'currency = "USD"',
        "",
    ]
    for year in range(2015, 2027):
        for code, rate in RATES.items():
            lines += [
                "[[fx]]",
                f"date = {year}-01-01",
                f'from = "{code}"',
                'to = "USD"',
                f'rate = "{rate}"',
                "",
            ]
    names: list[str] = []
    for name, country, aliases in COMPANIES:
        lines += [f'[parties."{name}"]', f'country = "{country}"']
        if aliases:
            lines.append("aliases = [" + ", ".join(f'"{alias}"' for alias in aliases) + "]")
        lines.append("")
        names.append(name)
        names.extend(aliases)
        subsidiary = f"{name} Investment Co., Ltd."
        lines += [f'[parties."{subsidiary}"]', f'parent = "{name}"', ""]
        names.append(subsidiary)
    small: list[str] = []
    for index in range(biotechs):
        word = rng.choice(BIOTECH_WORDS) + rng.choice(BIOTECH_WORDS).lower()
        name = f"{word} {rng.choice(BIOTECH_SUFFIX)} {index}"
        lines += [f'[parties."{name}"]', f'country = "{rng.choice(COUNTRIES)}"', ""]
        small.append(name)
    return "\n".join(lines), names, small


def money(rng: random.Random, low: int, high: int) -> str:
    """An amount written the ways people write them: suffixed strings and grouped integers."""
    millions = rng.randint(low, high)
    style = rng.random()
    if style < 0.5:
        return f'"{millions}M"'
    if style < 0.75 and millions >= 1000:
        return f'"{millions / 1000:.2f}B"'
    if style < 0.9:
        return f"{millions:_}_000_000"
    return f'"{millions:,},000,000"'


def deal_text(rng: random.Random, index: int, big: list[str], small: list[str]) -> tuple[str, str]:
    """One deal file's id and text."""
    kind, giver, taker = rng.choice(KINDS)
    year = rng.randint(2015, 2026)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    licensor = rng.choice(small)
    licensee = rng.choice(big)
    target = rng.choice(TARGETS)
    deal_id = f"deal-{year}-{index:06d}"
    currency = rng.choices([c for c, _ in CURRENCIES], [w for _, w in CURRENCIES])[0]
    area = rng.choice(AREAS)
    lines = [
        "# Deal file format version 1 (synthetic, for the benchmark).",
        f"# Source: generated deal number {index}.",
        "",
        f'id = "{deal_id}"',
        f'title = "{licensee} and {licensor}: {target} {kind} in {area}"',
        f'kind = "{kind}"',
        'status = "active"',
        f"announced = {year}-{month:02d}-{day:02d}",
    ]
    if rng.random() < 0.6:
        lines.append(f"signed = {year}-{month:02d}-{max(1, day - 1):02d}   # signing date")
    undisclosed = rng.random() < 0.1
    if undisclosed:
        lines.append('financials = "undisclosed"')
    else:
        lines.append(f'currency = "{currency}"')
    lines += [
        'territory = ["worldwide"]' if rng.random() < 0.5 else 'territory = ["CN", "HK", "MO"]',
        f'therapeutic_areas = ["{area}"]',
        f'tags = ["{target.lower()}", "{kind}", "synthetic"]',
        'summary = """',
        f"{licensor} grants {licensee} rights to its {target} programme in {area}. This \\",
        "paragraph is long enough to look like a real summary written from a press release, \\",
        "with the figures repeated in prose so that the parser has realistic strings to scan.\\",
        '"""',
        "",
        "[[parties]]",
        f'name = "{licensor}"',
        f'role = "{giver}"',
        "",
        "[[parties]]",
        f'name = "{licensee}"',
        f'role = "{taker}"',
        "",
        "[[assets]]",
        f'name = "{target} {rng.choice(MODALITIES)} programme"',
        f'code = "SYN-{index:06d}"',
        f'modality = "{rng.choice(MODALITIES)}"',
        f'target = "{target}"',
        f'owner = "{licensor}"',
        f'indications = ["{area}"]',
        f'phase = "{rng.choice(PHASES)}"',
        "",
    ]
    if not undisclosed:
        lines += ["[[tranches]]", 'type = "upfront"', f"amount = {money(rng, 5, 300)}"]
        if year < 2026 and rng.random() < 0.7:
            lines += ['status = "paid"', f"paid = {year}-{month:02d}-28"]
        lines.append("")
        for _ in range(rng.randint(0, 4)):
            lines += [
                "[[tranches]]",
                'type = "milestone"',
                f'label = "Development milestone: {rng.choice(PHASES)}"',
                f"amount = {money(rng, 10, 900)}",
                f'phase = "{rng.choice(PHASES[2:])}"',
                f'due = "{year + rng.randint(1, 6)}-Q{rng.randint(1, 4)}"',
                "",
            ]
        if rng.random() < 0.5:
            lines += [
                "[[tranches]]",
                'type = "commercial"',
                'label = "Sales milestones"',
                f"amount = {money(rng, 100, 3000)}",
                "",
            ]
        if rng.random() < 0.3:
            lines += ["[[tranches]]", 'type = "milestone"', 'amount = "undisclosed"', ""]
        if rng.random() < 0.6:
            lines += ["[[tranches]]", 'type = "royalty"', f"rate = {rng.choice(ROYALTIES)}", ""]
    lines += [
        "[[sources]]",
        f'url = "https://example.com/news/{deal_id}"',
        f'title = "{licensee} signs {kind} deal with {licensor}"',
        'publisher = "Example Wire"',
        f"published = {year}-{month:02d}-{day:02d}",
        "",
    ]
    return deal_id, "\n".join(lines)


FLOAT_TOTAL = 'status = "active"\ntotal = 1.5e9'
DANGLING = 'related = ["nope"]\n\n[[parties]]'
BREAKAGES = [
    ("toml syntax", lambda text: text.replace('kind = "', 'kind = ', 1)),
    ("unknown key", lambda text: text.replace('status = "active"', 'stauts = "active"', 1)),
    ("bad currency", lambda text: text.replace('currency = "', 'currency = "X', 1)),
    ("float money", lambda text: text.replace('status = "active"', FLOAT_TOTAL, 1)),
    ("dangling related", lambda text: text.replace("[[parties]]", DANGLING, 1)),
    ("one party", lambda text: text.replace("[[parties]]", "[[parties-gone]]", 1)),
]  # fmt: skip


def generate(out: Path, deals: int, seed: int = 6, invalid: float = 0.02) -> dict[str, int]:
    """Write the ledger; returns how many files of each breakage were written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "deals").mkdir(parents=True)
    settings, big, small = registry(rng, max(20, deals // 20))
    (out / "dealledger.toml").write_text(settings + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    previous_id = None
    for index in range(deals):
        deal_id, text = deal_text(rng, index, big, small)
        if rng.random() < invalid:
            if rng.random() < 0.15 and previous_id is not None:
                text = text.replace(f'id = "{deal_id}"', f'id = "{previous_id}"', 1)
                name = "duplicate id"
            else:
                name, breaker = rng.choice(BREAKAGES)
                text = breaker(text)
            counts[name] = counts.get(name, 0) + 1
        year = deal_id.split("-")[1]
        folder = out / "deals" / year
        folder.mkdir(exist_ok=True)
        (folder / f"{deal_id}.toml").write_text(text, encoding="utf-8")
        previous_id = deal_id
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to (re)create")
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--invalid", type=float, default=0.02, help="share of broken files")
    args = parser.parse_args()
    counts = generate(args.out, args.deals, args.seed, args.invalid)
    broken = sum(counts.values())
    print(f"wrote {args.deals} deal files to {args.out}/deals ({broken} broken: {counts})")


if __name__ == "__main__":
    main()
