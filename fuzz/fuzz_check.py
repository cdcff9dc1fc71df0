"""Long-running fuzz harness for `dealledger check`.

Two engines, same oracle (tests/hostile_helpers.check_invariants: exit 0 or 1, valid JSON with
the spec's keys, no traceback, exit 1 exactly when there are errors):

  coverage-guided, atheris/libFuzzer (pip install atheris), seeded with the bundled deals and
  generated valid deals; stops at the first failure and saves the input as crash-*:

    python fuzz/fuzz_check.py -runs=100000 -max_len=8192 fuzz/corpus

  pure hypothesis/random (no native extension needed): generated valid deals, mutated
  (byte flips, deletions, shuffled lines, type swaps, hostile bytes):

    python fuzz/fuzz_check.py --mutate 100000 [--seed 1]
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

import typer.testing  # noqa: E402

# CliRunner rebuilds the click command from the Typer app on every call (~25 ms); the app
# does not change during a run, so build it once. This is what makes ~100 inputs/s possible.
typer.testing._get_command = functools.lru_cache(maxsize=None)(typer.testing._get_command)


def _generated_seeds(count: int, seed: int) -> list[bytes]:
    from deal_strategies import generated_deals

    del seed
    return generated_deals(count)


def seed_corpus(directory: Path) -> None:
    """Bundled deals plus generated ones, written once into the corpus folder."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        return
    for index, path in enumerate(sorted((ROOT / "deals").rglob("*.toml"))):
        (directory / f"bundled-{index}").write_bytes(path.read_bytes())
    for index, data in enumerate(_generated_seeds(50, 0)):
        (directory / f"generated-{index}").write_bytes(data)


def run_mutations(total: int, seed: int) -> int:
    from deal_strategies import mutate
    from hostile_helpers import check_invariants, check_settings_invariants

    rng = random.Random(seed)
    seeds = [path.read_bytes() for path in sorted((ROOT / "deals").rglob("*.toml"))]
    seeds += _generated_seeds(200, seed)
    started = time.monotonic()
    settings_seeds = [(ROOT / "dealledger.toml").read_bytes()]
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as other:
        root, settings_root = Path(folder), Path(other)
        for count in range(1, total + 1):
            settings = rng.random() < 0.1
            data = mutate(rng.choice(settings_seeds if settings else seeds), rng, rng.randint(1, 6))
            try:
                if settings:
                    check_settings_invariants(settings_root, data, seeds[0])
                else:
                    check_invariants(root, data)
            except Exception:
                crash = HERE / f"crash-mutate-{seed}-{count}.toml"
                crash.write_bytes(data)
                print(f"FAILED on input {count}; saved as {crash}", flush=True)
                raise
            if count % 5000 == 0:
                rate = count / (time.monotonic() - started)
                print(f"{count:,} inputs, {rate:.0f}/s, no failure", flush=True)
    print(f"done: {total:,} inputs, no failure", flush=True)
    return 0


def run_atheris(argv: list[str]) -> None:
    import atheris

    # Commands import their modules lazily (start-up time), so import them here, inside the
    # instrumentation, or libFuzzer would see no coverage of the code under test.
    with atheris.instrument_imports(include=["dealledger"]):
        import dealledger.ledger.ledger
        import dealledger.load.document
        import dealledger.load.positions
        import dealledger.render.jsonout
        import dealledger.reports.check  # noqa: F401
        from hostile_helpers import check_invariants, check_settings_invariants

    corpus = [arg for arg in argv[1:] if not arg.startswith("-")]
    for folder in corpus:
        seed_corpus(Path(folder))
    workdir = Path(tempfile.mkdtemp(prefix="dealledger-fuzz-"))

    settings_dir = Path(tempfile.mkdtemp(prefix="dealledger-fuzz-settings-"))
    valid_deal = sorted((ROOT / "deals").rglob("*.toml"))[0].read_bytes()

    def target(data: bytes) -> None:
        # One input in eight is a dealledger.toml (next to a valid deal) rather than a deal.
        if data[:1] == b"\x00" or (data and data[0] % 8 == 7):
            check_settings_invariants(settings_dir, data[1:], valid_deal)
        else:
            check_invariants(workdir, data)

    atheris.Setup(argv, target)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--mutate", type=int)
    parser.add_argument("--seed", type=int, default=1)
    known, _ = parser.parse_known_args()
    if known.mutate:
        return run_mutations(known.mutate, known.seed)
    run_atheris(sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
