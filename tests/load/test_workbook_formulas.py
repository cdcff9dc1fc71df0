"""Formula cells without a saved value, found in a sheet's XML as other programs write it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from dealledger.load.workbook_formulas import has_formulas, sheet_parts, unsaved_formulas

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_RELS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def _archive(path: Path, sheet: str) -> zipfile.ZipFile:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{STRICT_RELS}"><sheets>'
            '<sheet name="Deals" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Target="/xl/worksheets/deals.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/deals.xml", sheet)
    return zipfile.ZipFile(path)


def test_prefixed_xml_without_cell_references_is_read(tmp_path: Path) -> None:
    # A generator's style: an `x:` prefix, rows and cells without `r`, a shared formula.
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>Upfront</x:t></x:is></x:c></x:row>'
        "<x:row><x:c><x:v>5</x:v></x:c><x:c><x:f>A2*2</x:f><x:v>10</x:v></x:c></x:row>"
        '<x:row><x:c><x:v>6</x:v></x:c><x:c><x:f t="shared" si="0"/></x:c>'
        '<x:c t="str"><x:f>IF(A3&gt;9,"x","")</x:f><x:v></x:v></x:c>'
        "<x:c><x:f>A3+1</x:f><x:v/></x:c></x:row>"
        "</x:sheetData></x:worksheet>"
    )
    with _archive(tmp_path / "book.xlsx", sheet) as archive:
        assert sheet_parts(archive) == {"Deals": "xl/worksheets/deals.xml"}
        assert has_formulas(archive, "xl/worksheets/deals.xml")
        assert list(unsaved_formulas(archive, "xl/worksheets/deals.xml")) == [
            (3, 2, ""),  # a cell of a shared formula, no value
            (3, 4, "=A3+1"),  # an empty <v> of a number: none saved
        ]  # C3's empty text is the value its formula gave


def test_a_sheet_without_formulas_is_not_parsed_again(tmp_path: Path) -> None:
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>fx &lt;f&gt;</t></is></c></row></sheetData></worksheet>"
    )
    with _archive(tmp_path / "book.xlsx", sheet) as archive:
        assert not has_formulas(archive, "xl/worksheets/deals.xml")
