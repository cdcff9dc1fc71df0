"""`dealledger schema`: the JSON Schema of a deal file (or of dealledger.toml)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import app


@app.command()
def schema(
    settings: Annotated[
        bool, typer.Option("--settings", help="The schema of dealledger.toml instead.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write it to FILE instead of standard output (- for standard output).",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a deal file, for editors and check-jsonschema.

    The schema checks the shape of a file (keys, types, allowed values); rules that relate
    values (date order, parties, totals) need `dealledger check`.

    Examples:

      dealledger schema -o deal.schema.json      # then start deal files with
                                                 # #:schema ../deal.schema.json

      check-jsonschema --schemafile deal.schema.json deals/**/*.toml

      dealledger schema --settings -o settings.schema.json
    """
    from ..domain.json_schema import deal_schema, settings_schema
    from ..render.jsonout import dumps

    document = dumps(settings_schema() if settings else deal_schema()) + "\n"
    if output is None or str(output) == "-":
        sys.stdout.write(document)
        return
    from ..authoring.safe_write import folder_lock, output_refusal, write_atomic
    from ..domain.errors import UsageError
    from ..domain.safe_text import terminal_safe

    target = output.absolute()
    if not target.parent.is_dir():
        raise UsageError(f"folder {str(output.parent)!r} does not exist")
    refusal = output_refusal(target)
    if refusal is not None:
        raise UsageError(refusal)
    with folder_lock(target.parent):
        write_atomic(target, document.encode("utf-8"))
    sys.stderr.write(terminal_safe(f"wrote {output}") + "\n")
