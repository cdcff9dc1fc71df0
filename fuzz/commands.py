"""Long-running fuzz harness over every command: mutated ledgers, every command, every format.

Each mutant is a ledger (the bundled one, tests/data/real-deals, or a small generated one)
with one to three files changed: byte flips, deletions, duplicated lines, values swapped
across keys and types, undisclosed amounts, periods, extreme dates, hostile text; sometimes a
file duplicated or removed. Every registered command then runs on it in every `--format`,
in-process, with the argument lists of tests/command_matrix.py; one mutant in fifty also runs
one command through `python -m dealledger` in a subprocess. The oracle is
tests/command_fuzz.py: exit 0, 1 or 2; no exception, traceback or "internal error"; no run
over 10 s; after a writer, every deal file either unchanged or complete TOML, no temporary
file left.

    python fuzz/commands.py --mutants 20000 --seed 1 --jobs 4
    python fuzz/commands.py --mutants 200 --commands report,value
    python fuzz/commands.py --seed 1 --replay 1234      # mutant 1234 of seed 1 again
    python fuzz/commands.py --seed 1 --start 9500 --mutants 10500   # a run resumed

It prints the runs per command and exit code, and saves the ledger of each new kind of crash
(command and exception) under tests/data/fuzz-regressions/commands-SEED-INDEX/, with a
CRASH.toml saying what crashed; tests/hostile/test_fuzz_commands.py runs every saved one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

import command_fuzz  # noqa: E402
from command_matrix import command_formats  # noqa: E402

SUBPROCESS_EVERY = 50
_commands: set[str] | None = None


def _init(commands: set[str] | None) -> None:
    global _commands
    _commands = commands


def run_mutant(task: tuple[int, int]) -> tuple[int, Counter, list[tuple[list[str], str]]]:
    seed, index = task
    files, base = command_fuzz.mutant_and_base(seed, index)
    with tempfile.TemporaryDirectory(prefix="dealledger-fuzz-") as work:
        outcome = command_fuzz.run_every_command(Path(work), files, _commands, base=base)
        if index % SUBPROCESS_EVERY == 0:
            crash = _one_subprocess(Path(work) / "ledger", files, index)
            if crash:
                outcome.crashes.append(crash)
    return index, outcome.exits, outcome.crashes


def _one_subprocess(root: Path, files: command_fuzz.Files, index: int) -> tuple | None:
    every = list(command_fuzz.invocations(root, command_fuzz.first_deal_id(files), _commands))
    args = every[index % len(every)]
    command_fuzz.write_ledger(root, files)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dealledger", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=command_fuzz.HANG_SECONDS * 3,  # a cold interpreter start on a busy machine
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return args, "subprocess: hang"
    if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr:
        return args, f"subprocess: exit {done.returncode}: {done.stderr[-500:]}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutants", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="first mutant index (to resume)")
    parser.add_argument("--commands", help="comma-separated command names (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--replay", type=int, help="run only mutant INDEX of --seed")
    options = parser.parse_args()
    commands = set(options.commands.split(",")) if options.commands else None
    known = {name for name, _ in command_formats()}
    if commands is not None and not commands <= known:
        parser.error(f"unknown command(s): {', '.join(sorted(commands - known))}")
    if options.replay is not None:
        indexes: list[int] | range = [options.replay]
    else:
        indexes = range(options.start, options.start + options.mutants)
    tasks = [(options.seed, index) for index in indexes]

    totals: Counter = Counter()
    seen: set[tuple[str, str]] = set()
    crashes = 0
    started = time.monotonic()
    command_fuzz.seed_ledgers()  # once, inherited by every worker
    done = 0
    try:
        # Workers are renewed now and then: whatever a run leaves behind goes with its worker.
        with multiprocessing.Pool(options.jobs, _init, (commands,), maxtasksperchild=20) as pool:
            for index, exits, found in pool.imap_unordered(run_mutant, tasks):
                done += 1
                totals.update(exits)
                for args, crash in found:
                    crashes += 1
                    print(f"CRASH mutant {index}: {' '.join(args)}\n  {crash}", flush=True)
                    if (args[0], crash[:80]) not in seen:  # one ledger per kind of crash
                        seen.add((args[0], crash[:80]))
                        files = command_fuzz.mutant(options.seed, index)
                        folder = command_fuzz.DATA / "fuzz-regressions"
                        name = f"commands-{options.seed}-{index}"
                        command_fuzz.save_regression(folder / name, files, args, crash)
                if done % 500 == 0:
                    rate = done / (time.monotonic() - started)
                    print(f"{done:,} mutants, {rate:.1f}/s, {crashes} crashes", flush=True)
    except KeyboardInterrupt:
        print("interrupted: the counts so far", flush=True)
    _print_counts(totals, done, crashes, time.monotonic() - started)
    return 1 if crashes else 0


def _print_counts(totals: Counter, mutants: int, crashes: int, seconds: float) -> None:
    codes = ["0", "1", "2", "crash"]
    print(f"\n{mutants:,} mutants in {seconds:.0f} s, {crashes} crashes")
    print(f"{'command':<10}{'runs':>9}" + "".join(f"{'exit ' + code:>11}" for code in codes))
    for command in sorted({command for command, _ in totals}):
        runs = sum(count for (name, _), count in totals.items() if name == command)
        row = "".join(f"{totals[(command, code)]:>11,}" for code in codes)
        print(f"{command:<10}{runs:>9,}{row}")


if __name__ == "__main__":
    sys.exit(main())
