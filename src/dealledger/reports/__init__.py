"""Report functions: a `Ledger` in, plain rows (dicts of exact values) out."""
