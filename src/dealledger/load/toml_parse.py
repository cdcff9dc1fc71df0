"""TOML parsing: rtoml (Rust) where it gives exactly tomllib's answer, tomllib otherwise.

Parsing dominates the cost of a cold run, and rtoml parses deal files about 20x faster than
tomllib. Run against the toml-test suite's TOML 1.0 list, rtoml returns the same values as
tomllib for every valid document, but also accepts some TOML 1.1 syntax that 1.0 forbids
(newlines and trailing commas in inline tables, `\\x` and `\\e` escapes, times without
seconds), and keeps a CRLF inside a multi-line string where tomllib reads "\\n". A document
that could use any of those goes straight to tomllib; so does any
document rtoml rejects, so every syntax error is reported by tomllib, with its exact position.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

try:  # an optional accelerator: without it everything still works, only slower
    import rtoml as _rtoml
except ImportError:  # pragma: no cover - rtoml ships wheels for the supported platforms
    _rtoml = None

_MINUTES = re.compile(r":\d\d(?!:)")  # starts with a literal, so the scan is fast


def _maybe_toml_11(text: str) -> bool:
    """Conservative: any `{`, backslash-x or -e, `H:MM` without `:SS`, a leading BOM, or a
    carriage return in a document with a multi-line string.

    (rtoml skips a byte-order mark at the start; tomllib does not, and the loader has already
    removed the one BOM the format allows.)
    """
    if "{" in text or "\\x" in text or "\\e" in text or text.startswith("\ufeff"):
        return True
    if "\r" in text and ('"""' in text or "'''" in text):
        return True
    for match in _MINUTES.finditer(text):
        start = match.start()
        # `07:32` is a time without seconds; the `:00` of `07:32:00` is its seconds.
        if start and text[start - 1].isdigit() and text[max(0, start - 3)] != ":":
            return True
    return False


def loads(text: str) -> dict[str, Any]:
    """Parse like `tomllib.loads`, raising `tomllib.TOMLDecodeError` with tomllib's position."""
    if _rtoml is not None and not _maybe_toml_11(text):
        try:
            return _rtoml.loads(text)
        except Exception:  # tomllib decides, and words the error
            pass
    return tomllib.loads(text)
