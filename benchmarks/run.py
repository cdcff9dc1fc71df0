"""The dealledger benchmark: every goal of the performance issue, measured and compared.

    python benchmarks/run.py                    # 10k deals, plus the 100k scaling run
    python benchmarks/run.py --deals 2000 --big 0 --repeat 3   # a quick look

Each command runs as a child process, several times; the table shows the median wall time,
the median CPU time (user+sys, summed over all processes of the run: immune to other load on
the machine, but it charges a parallel run for every core it used) and the peak RSS of the
largest process (from `wait4`). Ratios compare medians with the floor measured in the same
run: a plain script that reads every deal file and parses it with `tomllib`, nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

FLOOR = """
import os, sys, tomllib
count = 0
for directory, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".toml"):
            with open(os.path.join(directory, name), "rb") as stream:
                try:
                    tomllib.load(stream)
                except tomllib.TOMLDecodeError:
                    pass
            count += 1
print(count)
"""
IMPORT_FLOOR = "import typer, pydantic, rich.console, tomllib"
# Children run as an installed program runs: with compiled bytecode. An environment that sets
# PYTHONDONTWRITEBYTECODE (this machine's does) would make an editable install recompile
# every module of dealledger on every run, while the floor's packages keep their .pyc files.
CHILD_ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in ("PYTHONDONTWRITEBYTECODE", "DEALLEDGER_CACHE_DIR")
}
_SCRIPT = Path(sys.executable).parent / "dealledger"
DEALLEDGER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "dealledger"]


@dataclass
class Result:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb)


def run_once(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple:
    """Wall seconds, CPU seconds (this child and its own children) and peak RSS in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=CHILD_ENV if env is None else env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss of wait4 is the child's own peak; any children it forks are
    # reported through its own RUSAGE_CHILDREN, which the child's rusage includes for CPU.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def measure(
    name: str,
    command: list[str],
    cwd: Path,
    repeat: int,
    before: object = None,
    env: dict[str, str] | None = None,
) -> Result:
    result = Result(name)
    for _ in range(repeat):
        if callable(before):
            before()
        wall, cpu, rss, code = run_once(command, cwd, env)
        result.wall.append(wall)
        result.cpu.append(cpu)
        result.rss_mb.append(rss)
        result.codes.add(code)
    print(
        f"  {name:<38} median {result.median:7.3f}s  min {min(result.wall):7.3f}s  "
        f"cpu {result.median_cpu:7.3f}s  "
        f"peak {result.peak_mb:6.1f} MB  runs {', '.join(f'{w:.2f}' for w in result.wall)}",
        flush=True,
    )
    return result


def has_command(name: str) -> bool:
    probe = subprocess.run([*DEALLEDGER, name, "--help"], capture_output=True, check=False)
    return probe.returncode == 0


def schema_file(folder: Path) -> Path:
    """dealledger's own JSON schema: `dealledger schema` where it exists, else the model's."""
    target = folder / "deal.schema.json"
    done = None
    if has_command("schema"):
        done = subprocess.run([*DEALLEDGER, "schema"], capture_output=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            target.write_bytes(done.stdout)
    if done is None or done.returncode != 0 or not done.stdout.strip():
        from dealledger.domain.models import Deal

        target.write_text(json.dumps(Deal.model_json_schema()), encoding="utf-8")
    text = target.read_text(encoding="utf-8")
    if "\\\\-" in text:
        # Python's re.escape writes `\-`, which ECMA-262 regexes (JSON Schema's dialect, as
        # check-jsonschema enforces) reject; `-` means the same outside a character class.
        print("  (schema patched: `\\-` in patterns is not an ECMA-262 escape)")
        target.write_text(text.replace("\\\\-", "-"), encoding="utf-8")
    return target


class Bench:
    def __init__(self, root: Path, repeat: int) -> None:
        self.root = root
        self.repeat = repeat
        self.cache = root / ".dealledger-cache"
        self.env = dict(CHILD_ENV)

    def clear(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def floor(self) -> Result:
        return measure(
            "tomllib floor", [sys.executable, "-c", FLOOR, "deals"], self.root, self.repeat
        )

    def cold(self, name: str, args: list[str]) -> Result:
        return measure(
            f"{name} (cold)", [*DEALLEDGER, *args], self.root, self.repeat, self.clear, self.env
        )

    def warm(self, name: str, args: list[str]) -> Result:
        run_once([*DEALLEDGER, *args], self.root, self.env)  # fill the cache
        return measure(
            f"{name} (warm)", [*DEALLEDGER, *args], self.root, self.repeat, None, self.env
        )

    def edited(self, name: str, args: list[str]) -> Result:
        run_once([*DEALLEDGER, *args], self.root, self.env)
        victim = sorted((self.root / "deals").rglob("*.toml"))[len(self.root.name) % 7]
        counter = iter(range(10**6))

        def edit() -> None:
            with victim.open("a", encoding="utf-8") as stream:
                stream.write(f"# edited {next(counter)}\n")

        return measure(
            f"{name} (warm, 1 file edited)",
            [*DEALLEDGER, *args],
            self.root,
            self.repeat,
            edit,
            self.env,
        )


def report_commands(deal_id: str) -> list[tuple[str, list[str]]]:
    """The reporting commands of the speed goals: each warm, against the same floor."""
    export = str(Path(tempfile.gettempdir()) / "dl-bench-export.sqlite")
    return [
        ("summarize (table)", ["summarize", "--no-pager"]),
        ("totals --by year", ["totals", "--by", "year"]),
        ("totals --by payee-group", ["totals", "--by", "payee-group"]),
        ("totals --by area", ["totals", "--by", "area"]),
        ("timeline", ["timeline", "--no-pager"]),
        ("value", ["value", "--no-pager"]),
        ("show", ["show", deal_id, "--no-pager"]),
        ("export --format sqlite", ["export", "--output", export, "--force"]),
    ]


def ledger(work: Path, deals: int, regenerate: bool) -> Path:
    root = work / f"ledger-{deals}"
    marker = root / ".generated"
    if regenerate or not marker.exists():
        print(f"generating {deals} deals in {root} ...", flush=True)
        counts = generate(root, deals)
        marker.write_text(json.dumps(counts), encoding="utf-8")
    return root


def verdict(label: str, value: float, goal: float, unit: str = "x") -> tuple[str, str, str, str]:
    ok = "met" if value <= goal else "NOT met"
    return (label, f"{value:.3f}{unit}", f"<= {goal}{unit}", ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="scaling run size; 0 skips")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-repeat", type=int, default=1)
    parser.add_argument("--peer-repeat", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dl-bench")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--skip-peer", action="store_true", help="do not run check-jsonschema")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    root = ledger(args.work, args.deals, args.regenerate)
    bench = Bench(root, args.repeat)
    totals = has_command("totals")
    rows: list[tuple[str, str, str, str]] = []
    figures: dict[str, dict[str, float]] = {}

    def keep(result: Result) -> Result:
        figures[result.name] = {
            "median_s": result.median,
            "min_s": min(result.wall),
            "median_cpu_s": result.median_cpu,
            "peak_rss_mb": result.peak_mb,
        }
        return result

    print(f"\n{args.deals:,} deal files")
    floor = keep(bench.floor())
    check_cold = keep(bench.cold("check", ["check"]))
    summarize_cold = keep(bench.cold("summarize --format json", ["summarize", "--format", "json"]))
    totals_cold = keep(bench.cold("totals", ["totals"])) if totals else None
    check_warm = keep(bench.warm("check", ["check"]))
    summarize_warm = keep(bench.warm("summarize --format json", ["summarize", "--format", "json"]))
    totals_warm = keep(bench.warm("totals", ["totals"])) if totals else None
    check_edit = keep(bench.edited("check", ["check"]))
    no_cache = keep(
        measure("check --no-cache", [*DEALLEDGER, "check", "--no-cache"], root, args.repeat)
    )

    def ratio(result: Result) -> float:
        return result.median / floor.median

    def cpu_ratio(result: Result) -> float:
        return result.median_cpu / floor.median_cpu

    rows.append(verdict("check cold / floor", ratio(check_cold), 0.5))
    rows.append(verdict("summarize cold / floor", ratio(summarize_cold), 0.6))
    if totals_cold is not None:
        rows.append(verdict("totals cold / floor", ratio(totals_cold), 0.6))
    else:
        rows.append(("totals cold / floor", "missing", "<= 0.6x", "no `totals` command"))
    rows.append(verdict("check warm / floor", ratio(check_warm), 0.15))
    rows.append(verdict("summarize warm / floor", ratio(summarize_warm), 0.15))
    if totals_warm is not None:
        rows.append(verdict("totals warm / floor", ratio(totals_warm), 0.15))
    rows.append(verdict("check, one file edited / floor", ratio(check_edit), 0.2))
    rows.append(("check --no-cache / floor", f"{ratio(no_cache):.3f}x", "(info)", ""))
    rows.append(("check cold CPU / floor CPU", f"{cpu_ratio(check_cold):.3f}x", "(info)", ""))
    rows.append(("check warm CPU / floor CPU", f"{cpu_ratio(check_warm):.3f}x", "(info)", ""))

    print("\nreports, warm")
    first_id = next(iter(sorted((root / "deals").rglob("*.toml")))).stem
    report_results: dict[str, Result] = {}
    for name, report in report_commands(first_id):
        result = report_results[name] = keep(bench.warm(name, report))
        rows.append(verdict(f"{name} warm / floor", ratio(result), 0.3))
        rows.append(verdict(f"{name} warm peak RSS", result.peak_mb, 150, " MB"))

    print("\nstart-up")
    bundled = Path(__file__).resolve().parent.parent
    for warm_up in ([sys.executable, "-c", IMPORT_FLOOR], [*DEALLEDGER, "check"]):
        run_once(warm_up, bundled)  # bytecode written, the bundled ledger's cache filled
    imports = keep(
        measure("import floor", [sys.executable, "-c", IMPORT_FLOOR], root, args.repeat * 2)
    )
    version = keep(
        measure("dealledger --version", [*DEALLEDGER, "--version"], root, args.repeat * 2)
    )
    bundled_check = keep(
        measure("check (bundled ledger)", [*DEALLEDGER, "check"], bundled, args.repeat * 2)
    )
    rows.append(verdict("--version / import floor", version.median / imports.median, 1.3))
    rows.append(verdict("bundled check / import floor", bundled_check.median / imports.median, 1.3))

    print("\npeer: check-jsonschema")
    peer_bin = shutil.which("check-jsonschema") or shutil.which(
        "check-jsonschema", path=str(Path(sys.executable).parent)
    )
    if args.skip_peer:
        rows.append(("vs check-jsonschema", "skipped", ">= 10x faster", ""))
    elif peer_bin is None:
        rows.append(("vs check-jsonschema", "missing", ">= 10x faster", "not installed"))
    else:
        schema = schema_file(args.work)
        files = [str(path.relative_to(root)) for path in sorted((root / "deals").rglob("*.toml"))]
        peer = keep(
            measure(
                "check-jsonschema (cold)",
                [peer_bin, "--no-cache", "--schemafile", str(schema), *files],
                root,
                args.peer_repeat,
            )
        )
        speedup = peer.median / check_cold.median
        rows.append(
            (
                "check cold vs check-jsonschema",
                f"{speedup:.1f}x faster",
                ">= 10x",
                "met" if speedup >= 10 else "NOT met",
            )
        )

    if args.big:
        print(f"\n{args.big:,} deal files")
        big_root = ledger(args.work, args.big, args.regenerate)
        big = Bench(big_root, args.big_repeat)
        big_floor = keep(
            measure(
                f"tomllib floor ({args.big:,})",
                [sys.executable, "-c", FLOOR, "deals"],
                big_root,
                args.big_repeat,
            )
        )
        big_check = keep(big.cold(f"check {args.big:,}", ["check"]))
        big_check_warm = keep(big.warm(f"check {args.big:,}", ["check"]))
        big_summary_cold = keep(
            big.cold(f"summarize --format json {args.big:,}", ["summarize", "--format", "json"])
        )
        big_summary = keep(
            big.warm(f"summarize --format json {args.big:,}", ["summarize", "--format", "json"])
        )
        scale = args.big / args.deals
        rows.append(
            verdict(
                f"check cold {args.big:,} / {args.deals:,}",
                big_check.median / check_cold.median,
                1.1 * scale,
            )
        )
        rows.append(
            verdict(
                f"check warm {args.big:,} / {args.deals:,}",
                big_check_warm.median / check_warm.median,
                1.1 * scale,
            )
        )
        rows.append(
            (
                f"floor {args.big:,} / {args.deals:,}",
                f"{big_floor.median / floor.median:.2f}x",
                "",
                "",
            )
        )
        rows.append(verdict(f"check cold peak RSS {args.big:,}", big_check.peak_mb, 300, " MB"))
        rows.append(
            verdict(f"check warm peak RSS {args.big:,}", big_check_warm.peak_mb, 300, " MB")
        )
        rows.append(
            verdict(f"summarize json cold RSS {args.big:,}", big_summary_cold.peak_mb, 300, " MB")
        )
        rows.append(
            verdict(f"summarize json warm RSS {args.big:,}", big_summary.peak_mb, 300, " MB")
        )
        big_first_id = next(iter(sorted((big_root / "deals").rglob("*.toml")))).stem
        for name, report in report_commands(big_first_id):
            result = keep(big.warm(f"{name} {args.big:,}", report))
            rows.append(
                verdict(
                    f"{name} warm {args.big:,} / {args.deals:,}",
                    result.median / report_results[name].median,
                    1.1 * scale,
                )
            )
            rows.append(verdict(f"{name} warm peak RSS {args.big:,}", result.peak_mb, 300, " MB"))
        if totals:
            big_totals_cold = keep(big.cold(f"totals {args.big:,}", ["totals"]))
            big_totals = keep(big.warm(f"totals {args.big:,}", ["totals"]))
            rows.append(
                verdict(f"totals cold peak RSS {args.big:,}", big_totals_cold.peak_mb, 300, " MB")
            )
            rows.append(
                verdict(f"totals warm peak RSS {args.big:,}", big_totals.peak_mb, 300, " MB")
            )
        else:
            rows.append((f"totals peak RSS {args.big:,}", "missing", "<= 300 MB", "no `totals`"))

    print("\n| goal | measured | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "goals": rows}, indent=2))


if __name__ == "__main__":
    main()
