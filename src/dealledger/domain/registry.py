"""The party registry of dealledger.toml: aliases to registered names, and group roll-up.

Deals name the signing entity ("Shanghai JMT-Bio Inc."); analysts ask about the group
("CSPC Pharmaceutical Group"). The registry bridges the two without rewriting deal files.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Party, RegistryParty


class Registry:
    def __init__(self, parties: dict[str, RegistryParty]) -> None:
        self._entries = parties
        self._canonical: dict[str, str] = {}
        for name, entry in parties.items():
            self._canonical.setdefault(name, name)
            for alias in entry.aliases:
                self._canonical.setdefault(alias, name)
        self._folded = {name.casefold(): canonical for name, canonical in self._canonical.items()}

    def __bool__(self) -> bool:
        return bool(self._entries)

    def canonical(self, name: str) -> str:
        """The registered name for a name or alias; unregistered names stand for themselves."""
        return self._canonical.get(name) or self._folded.get(name.casefold(), name)

    def is_known(self, name: str) -> bool:
        return name in self._canonical

    def nearest(self, name: str) -> str | None:
        matches = difflib.get_close_matches(name, list(self._canonical), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def parent_of(self, name: str) -> str | None:
        entry = self._entries.get(self.canonical(name))
        return self.canonical(entry.parent) if entry and entry.parent else None

    def group(self, party: Party) -> str:
        """The top of the party's ownership chain: its own `parent` first, then the registry's."""
        start = self.canonical(party.parent) if party.parent else self.canonical(party.name)
        return self._top(start, {self.canonical(party.name)})

    def _top(self, current: str, seen: set[str]) -> str:
        # Linear in the chain (no set copied per step): a hostile dealledger.toml may hold a
        # chain of 200,000 parents.
        seen = set(seen)
        while (
            (parent := self.parent_of(current)) is not None
            and parent != current
            and parent not in seen
        ):
            seen.add(current)
            current = parent
        return current

    def groups_of(self, name: str) -> list[str]:
        """Every name a party is known by and rolls up to, for `--party` matching."""
        canonical = self.canonical(name)
        chain = [name, canonical]
        members = set(chain)
        current = canonical
        while (parent := self.parent_of(current)) is not None and parent not in members:
            chain.append(parent)
            members.add(parent)
            current = parent
        return chain

    def cycles(self) -> list[str]:
        """Registered names whose parent chain loops back on itself.

        Each name is visited once (a chain's verdict is shared by every name on it), so a
        registry of 200,000 chained parents is checked in linear time.
        """
        loops: dict[str, bool] = {}
        for name in self._entries:
            path: list[str] = []
            on_path: set[str] = set()
            current: str | None = name
            while current is not None and current not in loops and current not in on_path:
                path.append(current)
                on_path.add(current)
                current = self.parent_of(current)
            if current is None:
                verdict = False
            elif current in on_path:
                verdict = True
            else:
                verdict = loops[current]
            for member in path:
                loops[member] = verdict
        return [name for name in self._entries if loops[name]]

    def aliases_of(self, name: str) -> tuple[str, ...]:
        entry = self._entries.get(self.canonical(name))
        return entry.aliases if entry else ()
