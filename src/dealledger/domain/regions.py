"""Territory entries of format version 2: ISO country codes and a few documented region words.

A licence's territory is almost always said as "worldwide", "worldwide excluding China" or a
list of countries and regions; a closed vocabulary lets reports and checks compare territories
(the option that widens one, the opt-in in the licensor's retained part) instead of prose.
Every entry may be negated with `ex-` ("ex-CN": everywhere the rest of the list covers, except
mainland China).
"""

from __future__ import annotations

import difflib

from .codes import COUNTRIES

#: Region words and what they mean (docs/format.md lists them).
REGION_WORDS: dict[str, str] = {
    "worldwide": "every country",
    "greater-china": "mainland China, Hong Kong, Macau and Taiwan (CN, HK, MO, TW)",
    "eu": "the member states of the European Union",
    "eea": "the European Economic Area",
    "europe": "Europe as the source names it",
    "north-america": "the United States, Canada and Mexico",
    "latin-america": "Mexico, Central and South America and the Caribbean",
    "middle-east": "the Middle East",
    "africa": "Africa",
    "asia-pacific": "Asia and the Pacific",
}
EXCLUDED = "ex-"


def region_problem(entry: str) -> str | None:
    """Why `entry` is not a territory entry, with the nearest spelling; None where it is."""
    body = entry.removeprefix(EXCLUDED)
    if body in COUNTRIES or body in REGION_WORDS:
        return None
    if body.upper() in COUNTRIES:
        return (
            f'country codes are upper case; write "{entry[: len(entry) - len(body)]}{body.upper()}"'
        )
    if body.lower() in REGION_WORDS:
        return (
            f'region words are lower case; write "{entry[: len(entry) - len(body)]}{body.lower()}"'
        )
    nearest = difflib.get_close_matches(body.lower(), list(REGION_WORDS), n=1, cutoff=0.6)
    hint = f'; did you mean "{nearest[0]}"?' if nearest else ""
    return (
        f"{entry!r} is neither an ISO 3166-1 alpha-2 code nor a region word "
        f"({', '.join(REGION_WORDS)}), optionally prefixed ex-{hint}"
    )
