"""Documentation that must not drift from the code."""

from __future__ import annotations

from cli_reference import DOC, current_document


def test_cli_reference_lists_every_command_and_option() -> None:
    assert DOC.read_text(encoding="utf-8") == current_document(), (
        "docs/cli.md is out of date: run `python tests/cli_reference.py`"
    )
