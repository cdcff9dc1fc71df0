"""The checked ledger: every deal file and the settings, loaded once, with the cache behind it.

This package is the only user of the cache; reports ask the `Ledger` for what they need.
"""

from .cache import close_caches
from .ledger import Entry, Ledger, LedgerChanged, load_ledger

__all__ = ["Entry", "Ledger", "LedgerChanged", "close_caches", "load_ledger"]
