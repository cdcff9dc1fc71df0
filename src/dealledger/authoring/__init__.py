"""Writing deal files: the canonical layout (`fmt`), `new`, `record`, `init` and safe writes.

Uses `domain`, `load` and `rules`; never the ledger cache or the reports.
"""
