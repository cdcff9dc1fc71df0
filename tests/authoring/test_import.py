"""`dealledger import`: spreadsheets and export folders into deal files, checked first."""

from __future__ import annotations

import builtins
import json
import re
import shutil
import textwrap
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import REPO
from dealledger.authoring import importer
from dealledger.authoring.import_cells import CellError, read_amount, read_date, stage_text
from dealledger.authoring.import_mapping import UNITS
from dealledger.cli import app

WORDS = ("undisclosed", "n/a", "-")


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def empty_ledger(tmp_path: Path) -> Path:
    root = tmp_path / "ledger"
    result = run("init", "--empty", str(root))
    assert result.exit_code == 0, result.output
    return root


def deal_files(root: Path) -> list[Path]:
    return sorted((root / "deals").rglob("*.toml"))


def check_ok(root: Path) -> None:
    result = run("check", "--ledger", str(root), "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0, document["problems"]
    assert document["errors"] == 0


# --- reading cells -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "unit", "amount", "currency"),
    [
        ("$110M", "one", Decimal(110_000_000), "USD"),
        ("1.62bn", "one", Decimal(1_620_000_000), None),
        ("USD 5,300 million", "one", Decimal(5_300_000_000), "USD"),
        ("€50m", "one", Decimal(50_000_000), "EUR"),
        ("up to $3.6 billion", "one", Decimal(3_600_000_000), "USD"),
        ("110", "million", Decimal(110_000_000), None),
        (110, "million", Decimal(110_000_000), None),
        (1.62, "billion", Decimal(1_620_000_000), None),
        ("43,243,243.24", "one", Decimal("43243243.24"), None),
        ("250 CNY", "million", Decimal(250_000_000), "CNY"),
    ],
)
def test_amounts_are_read_in_the_forms_spreadsheets_use(
    written: object, unit: str, amount: Decimal, currency: str | None
) -> None:
    assert read_amount(written, UNITS[unit], WORDS) == (amount, currency)


@pytest.mark.parametrize("written", [None, "", "  ", "undisclosed", "N/A", "-"])
def test_blank_and_unknown_amounts_are_undisclosed_never_zero(written: object) -> None:
    assert read_amount(written, UNITS["million"], WORDS) == ("undisclosed", None)


@pytest.mark.parametrize("written", ["about a lot", "=SUM(A1:A3)", "-5M", True])
def test_unreadable_amounts_are_errors(written: object) -> None:
    with pytest.raises(CellError):
        read_amount(written, UNITS["one"], WORDS)


@pytest.mark.parametrize(
    ("written", "order", "expected"),
    [
        ("2025-06-03", None, date(2025, 6, 3)),
        ("03/06/2025", "DMY", date(2025, 6, 3)),
        ("03/06/2025", "MDY", date(2025, 3, 6)),
        ("25/06/2025", None, date(2025, 6, 25)),
        (45811, None, date(2025, 6, 3)),
        ("45811", None, date(2025, 6, 3)),
        (datetime(2025, 6, 3, 0, 0), None, date(2025, 6, 3)),
        ("3 June 2025", None, date(2025, 6, 3)),
    ],
)
def test_dates_are_read_in_the_forms_spreadsheets_use(
    written: object, order: str | None, expected: date
) -> None:
    assert read_date(written, order) == expected


def test_an_ambiguous_date_without_a_declared_order_is_an_error() -> None:
    with pytest.raises(CellError, match="date_order"):
        read_date("03/06/2025", None)


@pytest.mark.parametrize(
    ("written", "stage"),
    [("Phase II", "phase2"), ("phase 1", "phase1"), ("Pre-clinical", "preclinical")],
)
def test_stages_are_normalised(written: str, stage: str) -> None:
    assert stage_text(written) == stage


# --- export, then import -----------------------------------------------------------------


def _figures_without_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """summarize rows without `path` (a new ledger) and party groups (the registry lives in
    dealledger.toml, which an export does not carry)."""
    result = []
    for row in rows:
        kept = {key: value for key, value in row.items() if key != "path"}
        kept["parties"] = [{"name": p["name"], "role": p["role"]} for p in row["parties"]]
        result.append(kept)
    return result


def test_export_then_import_gives_the_same_figures(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    result = run("export", "--ledger", str(REPO), "--format", "csv", "--output", str(tables))
    assert result.exit_code == 0, result.output
    root = empty_ledger(tmp_path)

    result = run("import", str(tables), "--ledger", str(root), "--yes")

    assert result.exit_code == 0, result.output
    assert len(deal_files(root)) == len(deal_files(REPO))
    check_ok(root)
    for command in ("totals", "summarize"):
        before = json.loads(run(command, "--ledger", str(REPO), "--format", "json").stdout)
        after = json.loads(run(command, "--ledger", str(root), "--format", "json").stdout)
        if command == "totals":
            assert after == before
        else:
            assert _figures_without_groups(after) == _figures_without_groups(before)
    # With the original settings (registry) beside them, even the groups agree.
    shutil.copyfile(REPO / "dealledger.toml", root / "dealledger.toml")
    before = json.loads(run("summarize", "--ledger", str(REPO), "--format", "json").stdout)
    after = json.loads(run("summarize", "--ledger", str(root), "--format", "json").stdout)
    assert [{**row, "path": None} for row in after] == [{**row, "path": None} for row in before]
    # The files are in fmt's layout.
    assert run("fmt", "--check", "--ledger", str(root), str(root / "deals")).exit_code == 0


# --- a BD team's list --------------------------------------------------------------------

MAPPING = """\
# The BD team's deal list.
date_order = "DMY"
amount_unit = "million"

[columns]
title = "Deal"
parties = "Licensor → Licensee"
announced = "Announced"
upfront = "Upfront"
milestone = "Milestones"
total = "Total"
royalty = "Royalties"
phase = "Stage"
source_url = "Source"
notes = "Comment"

[constants]
kind = "license"
currency = "USD"
"""

BD_CSV = """\
Deal,Licensor → Licensee,Announced,Upfront,Milestones,Total,Royalties,Stage,Source,Comment
Oral Lp(a) licence,CSPC → AstraZeneca,03/06/2025,$110M,1.62bn,,tiered,Phase II,https://example.com/a,=HYPERLINK("x")
Obesity peptides,Hengrui → Kailera,15/05/2024,100,"USD 5,300 million",,n/a,Preclinical,https://example.com/b,
ADC option,Duality → BioNTech,01/02/2023,undisclosed,,,,,,-ve result
"""


def write_bd(tmp_path: Path, csv_text: str = BD_CSV, mapping: str = MAPPING) -> tuple[Path, Path]:
    sheet = tmp_path / "bd.csv"
    sheet.write_text(csv_text, encoding="utf-8")
    mapping_path = tmp_path / "mapping.toml"
    mapping_path.write_text(mapping, encoding="utf-8")
    return sheet, mapping_path


def test_a_bd_csv_imports_with_a_mapping_and_passes_check(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path)

    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 0, result.output
    files = deal_files(root)
    assert [path.relative_to(root / "deals").as_posix() for path in files] == [
        "2023/duality-biontech-2023-adc-option.toml",
        "2024/hengrui-kailera-2024-obesity-peptides.toml",
        "2025/cspc-astrazeneca-2025-oral-lp.toml",
    ]
    check_ok(root)
    first = (root / "deals/2025/cspc-astrazeneca-2025-oral-lp.toml").read_text()
    assert "announced = 2025-06-03" in first
    assert "amount = 110000000\n" in first and "amount = 1620000000\n" in first
    assert 'notes = "=HYPERLINK(\\"x\\")"' in first  # a formula-like cell stays text
    assert 'phase = "phase2"' in first
    second = (root / "deals/2024/hengrui-kailera-2024-obesity-peptides.toml").read_text()
    assert "amount = 100000000\n" in second  # a bare number in millions
    assert "amount = 5300000000\n" in second
    assert (
        run("fmt", "--check", "--ledger", str(root), str(root / "deals")).exit_code == 0
    )  # fmt's layout
    third = (root / "deals/2023/duality-biontech-2023-adc-option.toml").read_text()
    assert 'financials = "undisclosed"' in third and "amount = 0" not in third


def _xlsx(path: Path, cached: dict[str, str]) -> None:
    """A workbook as a BD team keeps it; openpyxl writes formulas without a cached value, so
    the value Excel would have saved is added to the sheet's XML afterwards."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2025 deals"
    sheet.append(["Internal list - do not share"])
    sheet.append(
        ["Deal", "Licensor", "Licensee", "Signed", "Upfront ($m)", "Milestones ($m)", "Notes"]
    )
    sheet.append(
        ["Lp(a) licence", "CSPC", "AstraZeneca", datetime(2025, 6, 3), 110, "=1000+620", "@risk"]
    )
    sheet.append(["Peptides", "Hengrui", "Kailera", 45427, "undisclosed", None, "+1 call"])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for cell, value in cached.items():
        xml, count = re.subn(
            rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?',
            rf"\1<f>\2</f><v>{value}</v>",
            xml,
        )
        assert count == 1, xml
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


XLSX_MAPPING = """\
sheet = "2025 deals"
header_row = 2
amount_unit = "million"

[columns]
title = "Deal"
licensor = "Licensor"
licensee = "Licensee"
announced = "Signed"
signed = "Signed"
upfront = "Upfront ($m)"
milestone = "Milestones ($m)"
notes = "Notes"

[constants]
kind = "license"
currency = "USD"
"""


def test_an_xlsx_imports_with_cached_formula_values_and_passes_check(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    _xlsx(book, {"F3": "1620"})
    mapping = tmp_path / "map.toml"
    mapping.write_text(XLSX_MAPPING, encoding="utf-8")
    root = empty_ledger(tmp_path)

    result = run("import", str(book), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 0, result.output
    check_ok(root)
    first = (root / "deals/2025/cspc-astrazeneca-2025-lp.toml").read_text()
    assert "amount = 1620000000\n" in first  # the cached value, not "=1000+620"
    assert "signed = 2025-06-03" in first
    assert 'notes = "@risk"' in first
    second = (root / "deals/2024/hengrui-kailera-2024-peptides.toml").read_text()
    assert "announced = 2024-05-15" in second  # an Excel serial number
    assert 'notes = "+1 call"' in second
    assert run("fmt", "--check", "--ledger", str(root), str(root / "deals")).exit_code == 0
    assert 'financials = "undisclosed"' in second


def test_an_invalid_row_is_reported_at_its_cell_and_nothing_is_written(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    bad = BD_CSV.replace("15/05/2024,100,", "15/05/2024,lots,").replace(
        "CSPC → AstraZeneca", "CSPC alone"
    )
    sheet, mapping = write_bd(
        tmp_path, bad, MAPPING.replace('kind = "license"', 'kind = "licence"')
    )

    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 1
    assert deal_files(root) == []
    assert not list(root.glob(".dealledger-import-*"))  # the staging folder is gone too
    lines = result.stderr.splitlines()
    assert any(line.startswith("bd.csv:R3:C4: error DL109 column 'Upfront'") for line in lines)
    assert any(line.startswith("bd.csv:R2:C2: error DL212") for line in lines), lines
    assert any(
        line.startswith("bd.csv:R2: error DL104 constants.kind:") and "license" in line
        for line in lines
    ), lines
    assert "nothing written" in result.stderr

    skipped = run(
        "import",
        str(sheet),
        "--map",
        str(mapping),
        "--ledger",
        str(root),
        "--yes",
        "--skip-invalid",
    )
    assert skipped.exit_code == 1
    assert deal_files(root) == []  # the constant makes every row invalid

    fixed = mapping.read_text().replace('"licence"', '"license"')
    mapping.write_text(fixed)
    skipped = run(
        "import",
        str(sheet),
        "--map",
        str(mapping),
        "--ledger",
        str(root),
        "--yes",
        "--skip-invalid",
    )
    assert skipped.exit_code == 1
    assert len(deal_files(root)) == 1
    check_ok(root)


def test_dry_run_lists_and_writes_nothing(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path)
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "cspc-astrazeneca-2025-oral-lp.toml" in result.stdout
    assert deal_files(root) == []


def test_without_a_terminal_import_asks_for_yes(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path)
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root))
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert deal_files(root) == []


def test_on_a_terminal_import_asks_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealledger.cli import import_command

    monkeypatch.setattr(import_command, "_interactive", lambda: True)
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path)
    declined = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), input="n\n")
    assert declined.exit_code == 1
    assert deal_files(root) == []
    accepted = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert len(deal_files(root)) == 3


COMMENTED = """\
# Kept by hand: the BD list only refreshes the upfront.
id = "cspc-astrazeneca-2025-oral-lp"
title = "Oral Lp(a) licence"  # short title
kind = "license"
announced = 2025-06-03
currency = "USD"

# CSPC is the licensor.
[[parties]]
name = "CSPC"
role = "licensor"

[[parties]]
name = "AstraZeneca"
role = "licensee"

# Paid on signing.
[[tranches]]
type = "upfront"
amount = "100M"  # first reported figure
"""


def test_update_changes_a_mapped_field_and_keeps_every_comment(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    target = root / "deals" / "lpa.toml"
    target.write_text(COMMENTED, encoding="utf-8")
    sheet = tmp_path / "refresh.csv"
    sheet.write_text("id,upfront\ncspc-astrazeneca-2025-oral-lp,$110M\n", encoding="utf-8")

    refused = run("import", str(sheet), "--ledger", str(root), "--yes")
    assert refused.exit_code == 1
    assert target.read_text() == COMMENTED

    result = run("import", str(sheet), "--ledger", str(root), "--yes", "--update")

    assert result.exit_code == 0, result.output
    after = target.read_text()
    assert after == COMMENTED.replace('amount = "100M"', "amount = 110000000")
    check_ok(root)


def fail_the_second_write(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The import's second file write fails with a full disk; returns the paths tried."""
    real = importer.write_atomic
    calls: list[Path] = []

    def failing(path: Path, data: bytes, *, create: bool = False) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, create=create)

    monkeypatch.setattr(importer, "write_atomic", failing)
    return calls


def test_a_failure_part_way_removes_the_files_already_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path)
    calls = fail_the_second_write(monkeypatch)
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 1
    assert "import stopped" in result.stderr
    assert len(calls) == 2 and calls[0].parent.name == "2025"
    assert deal_files(root) == []
    assert sorted(path.name for path in (root / "deals").iterdir()) == []
    assert not list(root.glob(".dealledger-import-*"))


def test_generated_ids_are_deterministic_and_never_collide(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    row = "Oral Lp(a) licence,CSPC → AstraZeneca,03/06/2025,$110M,,,,,,\n"
    header = BD_CSV.splitlines()[0] + "\n"
    sheet, mapping = write_bd(tmp_path, header + row + row)
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")
    assert result.exit_code == 0, result.output
    names = {path.stem for path in deal_files(root)}
    assert names == {"cspc-astrazeneca-2025-oral-lp", "cspc-astrazeneca-2025-oral-lp-2"}
    sheet.write_text(header + row, encoding="utf-8")
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")
    assert result.exit_code == 0, result.output
    assert {path.stem for path in deal_files(root)} - names == {"cspc-astrazeneca-2025-oral-lp-3"}


def test_mapping_problems_are_reported_at_their_line(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path, mapping=MAPPING.replace("amount_unit", "amount_units"))
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert re.search(r"mapping\.toml:3:1: error DL102 .*amount_unit", result.stderr), result.stderr


def test_a_column_the_sheet_lacks_is_named(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet, mapping = write_bd(tmp_path, mapping=MAPPING.replace('"Upfront"', '"Up-front fee"'))
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert "no column named upfront = 'Up-front fee'" in result.stderr


def test_missing_excel_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openpyxl")
    book = tmp_path / "book.xlsx"
    _xlsx(book, {"F3": "1620"})
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("openpyxl"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    root = empty_ledger(tmp_path)
    result = run("import", str(book), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert result.stderr == (
        "dealledger: error: reading .xlsx needs the excel extra: pip install 'dealledger[excel]'\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deals.xlsx", b"Deal,Upfront\nx,1\n", "not an Excel workbook"),
        ("deals.csv", b"PK\x03\x04rest", "is a zip archive"),
        ("deals.tsv", b"a\x00b", "NUL bytes"),
        ("deals.xls", b"\xd0\xcf\x11\xe0", "old .xls format"),
        ("deals.ods", b"", "not a spreadsheet"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_a_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    root = empty_ledger(tmp_path)
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", str(path), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_zip_that_is_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    path = tmp_path / "deals.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = run("import", str(path), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert "not an Excel workbook (no xl/workbook.xml)" in result.stderr


def test_a_semicolon_csv_in_cp1252_reads_with_a_declared_encoding(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    text = textwrap.dedent(
        """\
        title;licensor;licensee;announced;upfront;currency;kind
        Café licence;Société A;B Inc;2025-06-13;$50m;USD;license
        """
    )
    sheet = tmp_path / "eu.csv"
    sheet.write_bytes(text.encode("cp1252"))
    result = run("import", str(sheet), "--ledger", str(root), "--yes")
    assert result.exit_code == 2
    assert "encoding" in result.stderr
    mapping = tmp_path / "map.toml"
    mapping.write_text('encoding = "cp1252"\n', encoding="utf-8")
    result = run("import", str(sheet), "--map", str(mapping), "--ledger", str(root), "--yes")
    assert result.exit_code == 0, result.output
    (written,) = deal_files(root)
    assert 'name = "Société A"' in written.read_text(encoding="utf-8")
    check_ok(root)


# --- formula cells without a saved value -------------------------------------------------


def test_a_formula_without_a_saved_value_is_a_problem_at_its_cell(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    _xlsx(book, {})  # as openpyxl writes it: F3 holds "=1000+620" and no value
    mapping = tmp_path / "map.toml"
    mapping.write_text(XLSX_MAPPING, encoding="utf-8")
    root = empty_ledger(tmp_path)

    result = run("import", str(book), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 1
    assert deal_files(root) == []  # not imported as an undisclosed amount
    problems = [line for line in result.stderr.splitlines() if "DL007" in line]
    assert problems == [
        "book.xlsx:2025 deals:R3:C6: error DL007 column 'Milestones ($m)': the formula "
        "=1000+620 has no saved value (the workbook was written by a program that does not "
        "compute formulas); open and save the workbook in Excel or LibreOffice so that "
        "formula values are stored, or replace the formula with its value"
    ]


def _with_cell(path: Path, row: int, cell: str) -> None:
    """Add a raw `<c>` element in column H to a row of the workbook's first sheet."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r'<dimension ref="A1:[A-Z]+(\d+)"', r'<dimension ref="A1:H\1"', xml)
    xml, count = re.subn(rf'(<row r="{row}"[^>]*>.*?)(</row>)', rf"\1{cell}\2", xml, count=1)
    assert count == 1, xml
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_formula_whose_saved_value_is_empty_text_reads_as_blank(tmp_path: Path) -> None:
    # Excel saves =IF(…, "", …) giving "" as t="str" with an empty <v>: a value, not a gap.
    book = tmp_path / "book.xlsx"
    _xlsx(book, {"F3": "1620"})
    _with_cell(book, 2, '<c r="H2" t="inlineStr"><is><t>Extra</t></is></c>')
    _with_cell(book, 3, '<c r="H3"><f>1+1</f></c>')
    _with_cell(book, 4, '<c r="H4" t="str"><f>IF(E4="","","x")</f><v></v></c>')
    mapping = tmp_path / "map.toml"
    mapping.write_text(XLSX_MAPPING.replace('notes = "Notes"', 'notes = "Extra"'), "utf-8")
    root = empty_ledger(tmp_path)

    result = run(
        *("import", str(book), "--map", str(mapping), "--ledger", str(root)),
        *("--skip-invalid", "--yes"),
    )

    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if " error " in line]
    assert [line.split(" column")[0] for line in errors] == [
        "book.xlsx:2025 deals:R3:C8: error DL007"
    ]  # H3 has no <v>; H4's empty text is a saved value
    (written,) = deal_files(root)
    assert "notes" not in written.read_text()


def test_a_header_formula_without_a_saved_value_is_a_clear_error(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    _xlsx(book, {"F3": "1620"})
    _with_cell(book, 2, '<c r="H2"><f>"Ex"&amp;"tra"</f></c>')
    mapping = tmp_path / "map.toml"
    mapping.write_text(XLSX_MAPPING, encoding="utf-8")
    root = empty_ledger(tmp_path)

    result = run("import", str(book), "--map", str(mapping), "--ledger", str(root), "--yes")

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "dealledger: error: book.xlsx:2025 deals: row 2: a header cell is the formula "
        '="Ex"&"tra" with no saved value; open and save the workbook in Excel or LibreOffice'
    ), result.stderr
    assert deal_files(root) == []


# --- large imports: bookkeeping on disk, not per row in memory ---------------------------


def _rows_csv(count: int, related: dict[int, str] | None = None) -> str:
    lines = ["title,licensor,licensee,announced,upfront,currency,kind,related"]
    for index in range(count):
        linked = (related or {}).get(index, "")
        lines.append(
            f"Programme {index},Licensor {index},Licensee {index},2024-01-02,$5m,USD,license,"
            f"{linked}"
        )
    return "\n".join(lines) + "\n"


def test_a_plan_keeps_no_object_per_row(tmp_path: Path) -> None:
    import gc

    from dealledger.cli.import_command import _candidates

    root = empty_ledger(tmp_path)
    sheet = tmp_path / "many.csv"
    sheet.write_text(_rows_csv(3 * importer.SUMMARIES), encoding="utf-8")

    plan = importer.plan_import(root, _candidates(sheet, None))
    try:
        gc.collect()
        kept = [item for item in gc.get_objects() if isinstance(item, importer.PlannedFile)]
        assert plan.planned == 3 * importer.SUMMARIES
        assert len(kept) == importer.SUMMARIES  # the listing's rows; the rest are on disk
        assert [item.seq for item in plan.files()] == list(range(1, 3 * importer.SUMMARIES + 1))
    finally:
        plan.discard()
    assert not list(root.glob(".dealledger-import-*"))


def test_a_large_import_lists_the_first_rows_and_writes_every_file(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet = tmp_path / "many.csv"
    sheet.write_text(_rows_csv(120), encoding="utf-8")

    listed = run("import", str(sheet), "--ledger", str(root), "--dry-run")

    assert listed.exit_code == 0, listed.output
    assert "licensor-licensee-2024-programme-49.toml" in listed.stdout
    assert "programme-50.toml" not in listed.stdout
    assert "… and 70 more" in listed.stdout
    assert listed.stderr.endswith(
        "120 row(s): 120 ready, 0 with errors (0 error(s), 0 warning(s)); dry run: nothing "
        "written\n"
    )
    result = run("import", str(sheet), "--ledger", str(root), "--yes")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 120
    assert result.stdout.splitlines()[119].endswith(
        "deals/2024/licensor-licensee-2024-programme-119.toml"
    )
    assert len(deal_files(root)) == 120
    assert not list(root.glob(".dealledger-import-*"))


def test_related_ids_are_checked_against_every_row_and_the_ledger(tmp_path: Path) -> None:
    root = empty_ledger(tmp_path)
    sheet = tmp_path / "linked.csv"
    later = "licensor-licensee-2024-programme-2"
    sheet.write_text(_rows_csv(3, {0: later, 1: "no-such-deal"}), encoding="utf-8")

    result = run("import", str(sheet), "--ledger", str(root), "--yes")

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if " error " in line]
    assert errors == [
        "linked.csv:R3:C8: error DL302 column 'related': no deal in the ledger has id "
        "'no-such-deal'; check the spelling or add that deal"
    ]  # row 2's id is that of a later row: known once every row is read
    assert deal_files(root) == []
    skipped = run("import", str(sheet), "--ledger", str(root), "--yes", "--skip-invalid")
    assert skipped.exit_code == 1
    assert len(deal_files(root)) == 2
    check_ok(root)


def test_a_failure_part_way_restores_the_files_already_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = empty_ledger(tmp_path)
    target = root / "deals" / "lpa.toml"
    target.write_text(COMMENTED, encoding="utf-8")
    sheet = tmp_path / "refresh.csv"
    sheet.write_text(
        "id,upfront\ncspc-astrazeneca-2025-oral-lp,$110M\nother-deal,$5M\n", encoding="utf-8"
    )
    calls = fail_the_second_write(monkeypatch)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[constants]\ntitle = "T"\nkind = "license"\nannounced = "2025-06-03"\n'
        'licensor = "A"\nlicensee = "B"\ncurrency = "USD"\n',
        encoding="utf-8",
    )

    result = run(
        *("import", str(sheet), "--map", str(mapping), "--ledger", str(root)),
        *("--yes", "--update"),
    )

    assert result.exit_code == 1, result.output
    assert "import stopped" in result.stderr
    assert calls[0] == target and calls[2] == target  # updated, then restored
    assert target.read_text(encoding="utf-8") == COMMENTED
    assert deal_files(root) == [target]
    assert not list(root.glob(".dealledger-import-*"))
