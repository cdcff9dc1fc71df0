"""dealledger: a plain-text ledger of biopharma deals, validated and summarised from TOML files."""

__version__ = "0.1.0"
