"""Shell completion of deal ids and party names, for options and arguments that take them.

Typer calls these while the user presses TAB, so they must be quick and must never fail: they
read only the `id`, `title` and party names of each file (no validation, no FX, no rules) and
swallow every error, because a traceback in the middle of a command line helps nobody.

What they offer comes from files a stranger may have written and goes straight to the
terminal, so it passes through `terminal_safe` like every other output; and the files are
found and read as every command reads them (`discover`, `read_bounded`): a FIFO cannot hang
the shell, and a link out of the ledger is not read.

Use in a command:

    deal_id: Annotated[str, typer.Argument(autocompletion=complete_deal_id)]
    party: Annotated[str | None, typer.Option(autocompletion=complete_party)] = None
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, get_args

import typer

MAX_FILE_BYTES = 1_000_000


def _root(ctx: typer.Context | None) -> Path | None:
    """The ledger the command line names (--ledger), else the usual discovery."""
    from ..load.discover import find_root

    ledger = None
    context = ctx
    while context is not None and ledger is None:
        ledger = context.params.get("ledger")
        context = context.parent
    try:
        return find_root(Path(ledger) if ledger else None, Path.cwd())
    except Exception:
        return None


def _documents(root: Path) -> Iterator[dict[str, Any]]:
    from ..load.discover import DEALS_DIR, deal_files

    for target in deal_files(root / DEALS_DIR, ""):
        if target.refusal is None:
            document = _read(target.path)
            if document is not None:
                yield document


def _read(path: Path) -> dict[str, Any] | None:
    """A file's TOML, or None where it cannot be read quickly and safely."""
    from ..load.reading import NotRegularFile, TooLarge, read_bounded

    try:
        return tomllib.loads(read_bounded(path, MAX_FILE_BYTES).decode("utf-8"))
    except (OSError, ValueError, NotRegularFile, TooLarge, RecursionError):
        return None


def _one_line(text: object) -> str:
    return " ".join(str(text).split())[:80]


def deal_ids(root: Path) -> list[tuple[str, str]]:
    """(id, title) of every deal file that has a string id, sorted by id."""
    found: dict[str, str] = {}
    for document in _documents(root):
        deal_id = document.get("id")
        if isinstance(deal_id, str) and deal_id:
            found.setdefault(deal_id, _one_line(document.get("title", "")))
    return sorted(found.items())


def party_names(root: Path) -> list[tuple[str, str]]:
    """(name, where it comes from) of every party in the deals and the registry."""
    from ..load.discover import settings_file

    found: dict[str, str] = {}
    settings = settings_file(root)
    document = _read(settings[0]) if settings is not None and settings[1] is None else None
    registry = (document or {}).get("parties", {})
    if isinstance(registry, dict):
        for name, entry in registry.items():
            found.setdefault(name, "registry")
            aliases = entry.get("aliases", []) if isinstance(entry, dict) else []
            for alias in aliases if isinstance(aliases, list) else []:
                if isinstance(alias, str):
                    found.setdefault(alias, f"alias of {name}")
    for document in _documents(root):
        parties = document.get("parties", [])
        for party in parties if isinstance(parties, list) else []:
            name = party.get("name") if isinstance(party, dict) else None
            if isinstance(name, str) and name:
                found.setdefault(name, str(party.get("role", "party")))
    return sorted(found.items(), key=lambda item: item[0].casefold())


def _matching(items: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """The items starting with what was typed, each made safe to print on a terminal."""
    from ..domain.safe_text import terminal_safe

    prefix = incomplete.casefold()
    return [
        (terminal_safe(value), terminal_safe(help_))
        for value, help_ in items
        if value.casefold().startswith(prefix)
    ]


def complete_deal_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Typer `autocompletion` for a DEAL_ID: ids starting with what was typed, with titles."""
    try:
        root = _root(ctx)
        return _matching(deal_ids(root), incomplete) if root is not None else []
    except Exception:
        return []


def complete_party(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Typer `autocompletion` for a party name (deal parties, registry names and aliases)."""
    try:
        root = _root(ctx)
        return _matching(party_names(root), incomplete) if root is not None else []
    except Exception:
        return []


# --- fixed choices ------------------------------------------------------------------------
# Options that take one of a few words but are typed as `str` (so that a wrong word gets
# dealledger's own message with a did-you-mean) complete here. Where the option accepts a
# comma-separated list, the words before the last comma are kept and the last one completed.


def _choices(values: Iterable[str], incomplete: str) -> list[str]:
    head, comma, tail = incomplete.rpartition(",")
    prefix = tail.strip().casefold()
    return [head + comma + value for value in dict.fromkeys(values) if value.startswith(prefix)]


def complete_kind(incomplete: str) -> list[str]:
    """`--kind`: the format's deal kinds."""
    from ..domain.models import Kind

    return _choices(get_args(Kind), incomplete)


def complete_deal_status(incomplete: str) -> list[str]:
    """`--status` of the deal filters: the deal statuses."""
    from ..domain.models import DealStatus

    return _choices(get_args(DealStatus), incomplete)


def complete_record_status(incomplete: str) -> list[str]:
    """`record --status`: a tranche's, the deal's or an option's status."""
    from ..domain.models import DealStatus, OptionStatus, TrancheStatus

    statuses = (*get_args(TrancheStatus), *get_args(DealStatus), *get_args(OptionStatus))
    return _choices(statuses, incomplete)


def complete_totals_by(incomplete: str) -> list[str]:
    """`totals --by`: its grouping keys."""
    from ..reports.totals import BY_KEYS

    return _choices(BY_KEYS, incomplete)


def complete_timeline_by(incomplete: str) -> list[str]:
    """`timeline --by`: year, quarter, month."""
    from ..reports.timeline import BUCKETS

    return _choices(BUCKETS, incomplete)


def complete_comps_by(incomplete: str) -> list[str]:
    """`comps --by`: its grouping keys."""
    from ..reports.comps import BY_KEYS

    return _choices(BY_KEYS, incomplete)
