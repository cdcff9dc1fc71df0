"""How every report command writes its result in the chosen `--format`, written once.

json is the report's document, exact numbers; csv and tsv are flat rows (formula-like cells
neutralized unless --raw-cells); markdown and table are the report's View, the table through
the pager on a terminal. All of it inside `closed_pipe_ends_quietly()`, so a reader that
stops early ends the command quietly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .common import Format, write
from .pipe import closed_pipe_ends_quietly

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..render.view import View
    from .table_options import RowOptions


def write_json(document: Any) -> None:
    from ..render.jsonout import dumps

    write(dumps(document) + "\n")


def write_pieces(pieces: Iterable[str]) -> None:
    """A document written as it is produced (then a newline), in flat memory."""
    with closed_pipe_ends_quietly():
        for piece in pieces:
            sys.stdout.write(piece)
        write("\n")


def write_delimited(
    rows: list[dict[str, Any]], fields: Sequence[str], output_format: Format, raw_cells: bool
) -> None:
    from ..render.delimited import render_delimited

    delimiter = "," if output_format is Format.CSV else "\t"
    write(render_delimited(rows, fields, delimiter=delimiter, neutralize=not raw_cells))


def emit_records(
    output_format: Format,
    *,
    document: Any,
    rows: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
    fields: Sequence[str],
    view: Callable[[], View],
    raw_cells: bool,
    no_pager: bool,
    before_table: Callable[[], None] | None = None,
    above_table: Callable[[], list[RenderableType]] | None = None,
    options: RowOptions | None = None,
    row_list: str | None = None,
) -> None:
    """Write a report: `document` as json, `rows` as csv/tsv, `view()` as markdown or table.

    `before_table` runs only for the table (a note on stderr, such as "no deal matches");
    `above_table` gives what is drawn above the table (a chart), paged with it. `options`
    brings --columns (names among `fields`) and --wide; the rows are already in the order
    asked for. In json, --columns keeps those fields of each row of the document's list
    (`document[row_list]`, or the document itself when it is the list). `document` and
    `rows` may be functions, called only for the formats that write them: a report whose
    table streams its rows then never holds them all for a format it does not write.
    """
    if callable(document) and output_format is Format.JSON:
        document = document()
    if callable(rows) and output_format in (Format.CSV, Format.TSV):
        rows = rows()
    columns = options.chosen(fields) if options is not None else None
    wide = bool(options is not None and options.wide)
    with closed_pipe_ends_quietly():
        if output_format is Format.JSON:
            write_json(_projected(document, columns, row_list))
        elif output_format in (Format.CSV, Format.TSV):
            write_delimited(rows, columns or fields, output_format, raw_cells)  # type: ignore[arg-type]
        elif output_format is Format.MARKDOWN:
            from ..render.markdown import render_markdown

            write(render_markdown(_chosen_view(view(), columns)))
        else:
            from .pager import show_view

            if before_table is not None:
                before_table()
            show_view(
                _chosen_view(view(), columns),
                no_pager=no_pager,
                above=above_table() if above_table else (),
                wide=wide,
            )


def _chosen_view(view: View, columns: Sequence[str] | None) -> View:
    if columns is None:
        return view
    from ..render.table import select_columns

    return select_columns(view, columns)


def _projected(document: Any, columns: Sequence[str] | None, row_list: str | None) -> Any:
    """The document with each row keeping only `columns` (key fields read from `key`)."""
    if columns is None:
        return document
    from ..reports.ordering import field_value

    def project(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{name: field_value(row, name) for name in columns} for row in rows]

    if row_list is None:
        return project(document)
    return {**document, row_list: project(document[row_list])}
