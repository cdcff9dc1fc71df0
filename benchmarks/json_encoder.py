"""JSON encoder speed: `dumps` against the two encoders it replaced, in one process.

    python benchmarks/json_encoder.py [--rows 10000] [--repeat 5]

Builds a summarize-like document (the spec's per-deal object: ids, titles, dates, parties,
Decimal figures, None, booleans, a few titles with non-ASCII and control characters) and times
three encoders on it, in CPU time, best of --repeat: `dumps` (orjson), `_slow_dumps` (the
reference the tests compare with) and the encoder `dumps` used before, `json.dumps(indent=2)`
with Decimals spliced in, which runs the standard library's pure-Python `_iterencode` because
of the indent. Absolute times depend on the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dealledger.domain.money import to_json_number
from dealledger.render.jsonout import _EXTRA_ESCAPES, _json_escape, _slow_dumps, dumps


def document(rows: int, seed: int = 6) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    names = ["Novartis AG", "Pfizer Inc.", "Genmab A/S", "Hengrui Medicine", "Zai Lab", "Ono"]
    titles = ["licenses", "collaborates with", "acquires rights from", "partners with"]

    def amount() -> Decimal | None:
        if rng.random() < 0.2:
            return None
        return Decimal(rng.randrange(0, 10**12)).scaleb(-2)

    records = []
    for number in range(rows):
        signed = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
        buyer, seller = rng.sample(names, 2)
        title = f"{buyer} {rng.choice(titles)} {seller} for XYZ-{number}"
        if number % 97 == 0:
            title += " — «Phase 2»\t\u202e"
        records.append(
            {
                "id": f"{signed.year}-{number:05d}",
                "title": title,
                "kind": rng.choice(["license", "collaboration", "option", "acquisition"]),
                "status": rng.choice(["active", "completed", "terminated"]),
                "announced": signed - timedelta(days=rng.randrange(30)),
                "signed": signed if rng.random() < 0.8 else None,
                "currency": rng.choice(["USD", "EUR", "CNY", "JPY"]),
                "parties": [
                    {"name": seller, "role": "licensor", "group": seller},
                    {"name": buyer, "role": "licensee", "group": None},
                ],
                **{
                    name: amount()
                    for name in ("upfront", "milestone", "commercial", "other", "total")
                },
                "declared_total": amount(),
                "paid": amount(),
                "forfeited": amount(),
                "outstanding": amount(),
                "complete": rng.random() < 0.5,
                "path": f"deals/{signed.year}/{signed.year}-{number:05d}.toml",
            }
        )
    return records


def previous_dumps(value: Any, indent: int | None = 2) -> str:
    """The encoder `dumps` was before orjson: json.dumps with Decimals spliced in afterwards."""
    numbers: list[str] = []

    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            numbers.append(to_json_number(item))
            return f"\x00nonce:{len(numbers) - 1}"
        if isinstance(item, date):
            return item.isoformat()
        raise TypeError(type(item).__name__)

    text = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    text = re.sub(r'"\\u0000nonce:(\d+)"', lambda match: numbers[int(match.group(1))], text)
    return _EXTRA_ESCAPES.sub(_json_escape, text)


def best_times(
    encoders: dict[str, Callable[[Any, int | None], str]], value: Any, indent: int | None, n: int
) -> dict[str, float]:
    """The least CPU time of each encoder; rounds alternate the encoders, so that load from
    other processes falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(n):
        for name, encode in encoders.items():
            start = time.process_time()
            encode(value, indent)
            times[name].append(time.process_time() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    value = document(args.rows)
    for indent in (2, None):
        text = dumps(value, indent)
        assert text == _slow_dumps(value, indent) == previous_dumps(value, indent)
        encoders = {"new": dumps, "slow": _slow_dumps, "previous": previous_dumps}
        times = best_times(encoders, value, indent, args.repeat)
        new, slow, previous = times["new"], times["slow"], times["previous"]
        print(
            f"indent={indent!s:4}  {args.rows} rows, {len(text) / 1e6:.1f} MB:  "
            f"dumps {new * 1000:7.1f} ms   _slow_dumps {slow * 1000:7.1f} ms "
            f"({slow / new:5.1f}x)   json.dumps path {previous * 1000:7.1f} ms "
            f"({previous / new:5.1f}x)"
        )


if __name__ == "__main__":
    main()
