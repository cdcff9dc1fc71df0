"""How each shell is handed the completions: quoted so that what it inserts stays one word.

Typer's own formats hand bash the bare values, which bash inserts as typed: a party such as
`AstraZeneca Investment (China) Co., Ltd.` became five words and a syntax error. Its zsh
format writes an apostrophe as `''` inside a single-quoted string, which zsh reads as
nothing, so `CSPC's` came back as `CSPCs`. These classes replace Typer's for dealledger (the
scripts that `--show-completion` prints stay Typer's, so a script installed before keeps
working) and quote each value for the place it goes:

- bash inserts a value in place of the word being completed, exactly as given; so the value
  is quoted the way that word is: backslashes where it is bare, `'\\''` inside `'…`, and
  backslashes before `"`, `$`, `` ` `` and `\\` inside `"…`.
- zsh evaluates the reply (`eval $(…)`) and then `_arguments` evaluates each item inside
  double quotes; each value and description is escaped for both, and zsh quotes the word it
  inserts itself.
- fish quotes what it inserts itself, and needs the value and description apart by a tab,
  which Typer's format already does.
"""

from __future__ import annotations

import os

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, ZshComplete

# Characters bash reads as part of a bare word wherever they are; every other is escaped.
_BARE_SAFE = frozenset("_./@%+-,")


def bash_bare(value: str) -> str:
    """`value` as one bare bash word: a backslash before every character that is not plain."""
    return "".join(char if char.isalnum() or char in _BARE_SAFE else "\\" + char for char in value)


def bash_quoted(value: str, quote: str) -> str:
    """`value` continued inside an open `quote` (' or ") that the user has typed."""
    if quote == "'":
        return value.replace("'", "'\\''")
    return "".join("\\" + char if char in '"$`\\' else char for char in value)


def _current_word() -> str:
    """The word being completed as typed, quotes and backslashes included.

    Typer's script joins COMP_WORDS with newlines (its IFS); split on spaces where a caller
    set the variable by hand.
    """
    words = os.environ.get("COMP_WORDS", "")
    raw = words.split("\n") if "\n" in words else words.split(" ")
    try:
        return raw[int(os.environ.get("COMP_CWORD", ""))]
    except (IndexError, ValueError):
        return ""


class QuotingBashComplete(BashComplete):
    def format_completion(self, item: CompletionItem) -> str:
        word = _current_word()
        if word[:1] in ("'", '"') and word.count(word[0]) % 2 == 1:
            return bash_quoted(item.value, word[0])
        return bash_bare(item.value)


def zsh_item(text: str) -> str:
    """`text` for an `_arguments '*: :((VALUE:HELP …))'` reply that zsh evaluates twice: first
    inside single quotes, then inside the double quotes each item is written in."""
    inner = "".join("\\" + char if char in '"$`\\' else char for char in text)
    inner = inner.replace(":", "\\:")
    return inner.replace("'", "'\\''")


class QuotingZshComplete(ZshComplete):
    def format_completion(self, item: CompletionItem) -> str:
        if item.help:
            return f'"{zsh_item(item.value)}":"{zsh_item(item.help)}"'
        return f'"{zsh_item(item.value)}"'


def register() -> None:
    """Use these formats for this run; Typer registers its own while building the command
    line, so this is called just before a completion is answered."""
    add_completion_class(QuotingBashComplete, "bash")
    add_completion_class(QuotingZshComplete, "zsh")
