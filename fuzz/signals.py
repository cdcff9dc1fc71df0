"""SIGINT and SIGTERM at random moments of cold runs, many in a row (tests/signal_runs.py).

    python fuzz/signals.py --runs 50 --seed 1

Each run copies a generated 2,000-deal ledger (made once under $TMPDIR), starts a random
command on it without a cache, sends SIGINT or SIGTERM after a random delay, and checks the
exit code (130/143, or 0/1 when the run finished first), the absence of any traceback or
"Exception ignored" line and of temporary files, and that the cache is usable afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from signal_runs import generated_ledger, interrupt_once


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    source = generated_ledger(Path(tempfile.gettempdir()) / "dealledger-signals-2000")
    rng = random.Random(options.seed)
    exits: Counter[tuple[str, int]] = Counter()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="dealledger-signals-") as work:
        for number in range(1, options.runs + 1):
            run = interrupt_once(source, Path(work), rng)
            exits[(run.signal_name, run.exit_code)] += 1
            status = "ok" if not run.failures else "FAILED"
            print(
                f"{number:3} {status} {run.signal_name} at {run.delay:.2f} s "
                f"{' '.join(run.command)}: exit {run.exit_code}",
                flush=True,
            )
            for failure in run.failures:
                print(f"      {failure}", flush=True)
            failed += bool(run.failures)
    passed = options.runs - failed
    print(f"\n{passed}/{options.runs} runs passed; exits: {dict(sorted(exits.items()))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
