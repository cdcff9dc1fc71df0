"""dealledger.toml for one run: its problems now, the validated settings when first needed.

`check` over a warm cache needs only the settings' problems, and those are cached under a
key that holds the settings' exact bytes; validating the settings (and importing the models
to do it) is left to the first report or parse that needs the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.problems import Problem
from ..load.discover import settings_file

if TYPE_CHECKING:
    from ..domain.models import Settings
    from .cache import Cache


_UNKNOWN = object()


@dataclass
class LedgerSettings:
    """The settings' problems, and a way to the validated settings (computed once).

    `currency`, the reporting currency most reports start from, is known from the cache
    too, so a warm `totals` need not validate the settings for it.
    """

    problems: tuple[Problem, ...]
    _load: Callable[[], Settings]
    _settings: Settings | None = None
    _currency: object = _UNKNOWN

    def get(self) -> Settings:
        if self._settings is None:
            self._settings = self._load()
        return self._settings

    def __call__(self) -> Settings:
        return self.get()

    @property
    def currency(self) -> str | None:
        known = self._currency
        return self.get().currency if known is _UNKNOWN else known  # type: ignore[return-value]


def read_settings(
    root: Path | None, cache: Cache | None, display: Callable[[Path], str]
) -> LedgerSettings:
    """The settings of the ledger at `root` (the defaults where it has no dealledger.toml)."""
    found = settings_file(root) if root is not None else None
    if found is None:
        return LedgerSettings((), _defaults)
    path, refusal = found
    if refusal is not None:
        problem = Problem("DL001", refusal.severity, display(path), None, None, refusal.message)
        return LedgerSettings((problem,), _defaults)
    shown = display(path)
    known = cache.settings_record(shown) if cache is not None else None
    if known is not None:
        problems, currency = known
        return LedgerSettings(problems, lambda: _validated(path, shown)[0], _currency=currency)
    settings, problems = _validated(path, shown)
    if cache is not None:
        cache.keep_settings_record(problems, settings.currency)
    return LedgerSettings(problems, lambda: settings, settings)


def _defaults() -> Settings:
    from ..domain.models import Settings

    return Settings()


def _validated(path: Path, shown: str) -> tuple[Settings, tuple[Problem, ...]]:
    """The settings and all their own problems: the file's and the registry's, FX, valuation."""
    from ..domain.registry import Registry
    from ..load.document import load_settings_file, place_findings
    from ..rules.ledger_wide import check_settings

    settings, problems, text = load_settings_file(path, shown)
    findings = check_settings(settings, Registry(settings.parties))
    if findings and text is not None:
        problems += place_findings(findings, text, shown, None)
    return settings, problems
