"""Micro-benchmark: the cost of each stage of loading one deal file, over a whole ledger.

`run.py` times whole commands; this script splits the per-file work of a cold `check` into
its stages (read, decode, bracket scan, TOML parse, structure limits, Pydantic validation,
per-file rules, and the two cache stages), each run over every deal file of a ledger, and
prints per-stage CPU seconds and their ratio to a floor measured in the same process: the
standard library's `tomllib` parsing the same texts. The ratios stay comparable on a busy or a
slower machine, where absolute seconds do not.

    python benchmarks/generate.py /tmp/ledger-10k --deals 10000   # once
    python benchmarks/stages.py /tmp/ledger-10k [--repeat 5]

Each stage is timed `--repeat` times with `time.process_time` (CPU of this process, so other
load on the machine matters less) and the minimum is reported. Files that do not parse or do
not validate are timed up to where they stop, as in a real run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dealledger.domain import fields, limits, models
from dealledger.ledger.cache_codec import dump_deal
from dealledger.load import reading, validate
from dealledger.load import toml_parse as toml_reader
from dealledger.rules import within_deal as rules


def _forget_seen_values() -> None:
    forget = getattr(fields, "forget_seen_values", None)  # absent before the memos existed
    if forget is not None:
        forget()


#: Stages that make up loading one file, as `rules.deal_file.load_deal_file` runs them.
LOAD_STAGES = ("read", "decode", "nesting", "parse", "structure", "validate", "rules")


def deal_files(root: Path) -> list[Path]:
    found = [
        Path(folder, name)
        for folder, _, names in os.walk(root / "deals")
        for name in names
        if name.endswith(".toml")
    ]
    return sorted(found)


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Minimum CPU seconds over `repeat` runs, and the last run's result.

    Validation remembers accepted amounts and periods; each run starts with empty memos, so
    every run costs what the one run of a real `check` costs.
    """
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        _forget_seen_values()
        gc.collect()
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def _parse_all(texts: Sequence[str]) -> list[dict[str, Any]]:
    parsed = []
    for text in texts:
        with contextlib.suppress(tomllib.TOMLDecodeError):
            parsed.append(toml_reader.loads(text))
    return parsed


def _tomllib_all(texts: Sequence[str]) -> int:
    count = 0
    for text in texts:
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        count += 1
    return count


def measure(root: Path, repeat: int) -> tuple[dict[str, float], float, int]:
    files = deal_files(root)
    times: dict[str, float] = {}
    times["read"], datas = best_of(repeat, lambda: [reading.read_bounded(p) for p in files])
    times["decode"], texts = best_of(repeat, lambda: [data.decode() for data in datas])
    times["nesting"], _ = best_of(repeat, lambda: [limits.nesting_breach(t) for t in texts])
    floor, _ = best_of(repeat, lambda: _tomllib_all(texts))
    times["parse"], parsed = best_of(repeat, lambda: _parse_all(texts))
    times["structure"], _ = best_of(repeat, lambda: [limits.structure_breach(d) for d in parsed])
    validate.validate_model(models.Deal, parsed[0])  # builds the deferred validators
    times["validate"], results = best_of(
        repeat, lambda: [validate.validate_model(models.Deal, d)[0] for d in parsed]
    )
    deals = [deal for deal in results if deal is not None]
    times["rules"], _ = best_of(repeat, lambda: [rules.check_deal(deal) for deal in deals])
    times["encode"], _ = best_of(repeat, lambda: [dump_deal(deal) for deal in deals])
    return times, floor, len(files)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, nargs="?", default=Path())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    times, floor, count = measure(args.ledger, args.repeat)
    print(f"{count:,} deal files, best of {args.repeat}, CPU seconds")
    print(f"{'stage':<12}{'seconds':>9}{'x tomllib':>11}")
    print(f"{'(tomllib)':<12}{floor:>9.3f}{1:>11.2f}")
    for stage, seconds in times.items():
        print(f"{stage:<12}{seconds:>9.3f}{seconds / floor:>11.2f}")
    load = sum(times[stage] for stage in LOAD_STAGES)
    print(f"{'load total':<12}{load:>9.3f}{load / floor:>11.2f}   ({' + '.join(LOAD_STAGES)})")


if __name__ == "__main__":
    main()
