"""Profile workbooks: the template's layout, reading filled and hand-edited workbooks back, every
problem named by its cell, and the round trip profile -> workbook -> profile as a property.

The spreadsheet library is an optional extra: outside CI these tests are skipped without it; in
CI (where the extra is installed) a missing library fails them loudly.
"""

from __future__ import annotations

import datetime
import importlib
import io
import os
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index import testing
from integration_index._spreadsheet import profile_from_workbook, profile_to_workbook
from integration_index._spreadsheet.cells import decode_text, encode_text
from integration_index.exceptions import ProfileError
from integration_index.model import Assessment, City, CityProfile, Evidence, Exclusion, Framework


def require_openpyxl() -> Any:
    """openpyxl, which CI installs (a missing one fails there); elsewhere skip without it."""
    if os.environ.get("CI"):
        return importlib.import_module("openpyxl")
    return pytest.importorskip("openpyxl", reason="the xlsx extra (openpyxl) is not installed")


openpyxl = require_openpyxl()

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(
    path
    for path in (ROOT / "examples").rglob("*.toml")
    if path.parent.name != "integration_index_oecd"
    and path.name != "pyproject.toml"
    and "cohort" not in path.relative_to(ROOT / "examples").parts  # tests/test_cohort.py
)
IN_PLACE = "'not-in-place', 'planned', 'partly', 'largely', 'fully'"

#: A framework with what the built-in ones lack: a measured criterion, ids a spreadsheet reads
#: as numbers, contextual factors of every kind and a competence exclusion.
SMALL = """
schema = 1
id = "small"
version = "1"
title = { en = "Small", fr = "Petit" }

[settings]
scale = "yn"

[[scales]]
id = "yn"
title = "Yes or no"
levels = [
    { id = "no", value = 0.0, label = { en = "No", fr = "Non" } },
    { id = "yes", value = 1.0, label = { en = "Yes", fr = "Oui" } },
]

[[criteria]]
id = "01"
title = { en = "Policy", fr = "Politique" }
children = [
    { id = "01.1", title = { en = "Is there a policy?", fr = "Y a-t-il une politique ?" } },
    { id = "01.2", title = "Is it funded?" },
]

[[criteria]]
id = "02"
title = "Outcomes"
children = [
    { id = "02.1", title = "Employment rate", goalposts = { min = 0.0, max = 100.0, unit = "%" } },
]

[[contextual_factors]]
id = "powers"
title = "Powers"
kind = "choice"
choices = ["low", "high"]

[[contextual_factors]]
id = "budget"
title = "Budget"
kind = "number"

[[contextual_factors]]
id = "capital"
title = "Capital city"
kind = "boolean"

[[contextual_factors]]
id = "law"
title = "National law"

[[competence_exclusions]]
criteria = ["02.1"]
reason = "Statistics are national"
"""


@pytest.fixture(scope="module")
def small() -> Framework:
    return ii.loads_framework(SMALL)


@pytest.fixture(scope="module")
def euro() -> Framework:
    return ii.get_framework("eurocities")


def blank_profile(*frameworks: Framework) -> CityProfile:
    return CityProfile(
        city=City(id="newtown", name="Newtown"),
        assessment=Assessment(
            frameworks=tuple(f.id for f in frameworks), date=datetime.date(2025, 3, 1)
        ),
    )


def to_bytes(profile: CityProfile, frameworks: list[Framework], language: str = "en") -> bytes:
    buffer = io.BytesIO()
    book = profile_to_workbook(profile, {f.id: f for f in frameworks}, language=language)
    book.save(buffer)
    return buffer.getvalue()


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(data: bytes, frameworks: list[Framework] | None) -> CityProfile:
    available = None if frameworks is None else {f.id: f for f in frameworks}
    return profile_from_workbook(io.BytesIO(data), available, name="city.xlsx")


def problems(data: bytes, frameworks: list[Framework]) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        read(data, frameworks)
    return [problem.message for problem in caught.value.problems]


def columns(sheet: Any) -> dict[str, int]:
    """The column (from 1) of each header of a sheet's first row."""
    return {cell.value: cell.column for cell in sheet[1] if cell.value is not None}


def row_of(sheet: Any, criterion: str, framework: str | None = None) -> int:
    """The first row of a criterion (of *framework*, if given) in the Evidence sheet."""
    column = columns(sheet).get("criterion") or columns(sheet)["critère"]
    named = columns(sheet).get("framework") or columns(sheet)["référentiel"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == criterion and framework in (
            None,
            sheet.cell(row=row, column=named).value,
        ):
            return row
    raise AssertionError(f"no row for {criterion}")


def fill(sheet: Any, leaf: str, **values: object) -> None:
    found, row = columns(sheet), row_of(sheet, leaf)
    for name, value in values.items():
        sheet.cell(row=row, column=found[name]).value = value


# -- the template ------------------------------------------------------------------------------


def test_the_template_has_its_sheets_and_one_row_per_question_by_key_factor(
    euro: Framework,
) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    assert book.sheetnames == ["Instructions", "Assessment", "Evidence", "Levels"]
    assert book["Levels"].sheet_state == "hidden"
    sheet = book["Evidence"]
    assert list(columns(sheet)) == [
        "framework", "key factor", "criterion", "question", "expected", "rating", "source",
        "reference", "date", "assessor", "note", "effort", "order",
    ]  # fmt: skip
    found = columns(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[found["criterion"] - 1] for row in rows] == [leaf.id for leaf in euro.leaves]
    assert all(row[found["rating"] - 1] is None for row in rows)  # nothing rated yet
    groups = [row[found["key factor"] - 1] for row in rows]
    tops = [f"{top.id} {top.title.en}" for top in euro.criteria]
    assert list(dict.fromkeys(groups)) == tops  # each key factor's rows together, in order
    questions = {row[found["criterion"] - 1]: row[found["question"] - 1] for row in rows}
    assert questions["01.1"] == euro.node("01.1").title.en


def test_the_rating_column_offers_the_levels_of_the_scale(
    euro: Framework, small: Framework
) -> None:
    book = load(to_bytes(blank_profile(euro, small), [euro, small]))
    sheet = book["Evidence"]
    rating = openpyxl.utils.get_column_letter(columns(sheet)["rating"])
    by_cell = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_cell[cell_range.coord] = validation
    listed = by_cell[f"{rating}{row_of(sheet, '01.1')}"]
    assert listed.type == "list"
    sheet_name, cells = listed.formula1.split("!")
    levels = [cell.value for (cell,) in book[sheet_name][cells.replace("$", "")]]
    assert levels == [level.id for level in euro.scales_by_id["in-place"].levels]
    measured = by_cell[f"{rating}{row_of(sheet, '02.1', 'small')}"]
    assert measured.type == "decimal"
    sources = [v for v in sheet.data_validations.dataValidation if "document" in v.formula1]
    assert sources and all(name in sources[0].formula1 for name in ("interview", "statistics"))


def test_french_headers_and_texts_and_both_languages_read(small: Framework) -> None:
    data = to_bytes(blank_profile(small), [small], language="fr")
    book = load(data)
    assert "notation" in columns(book["Evidence"]) and "critère" in columns(book["Evidence"])
    assert list(columns(book["Assessment"])) == ["champ", "clé", "valeur"]
    questions = [row[3] for row in book["Evidence"].iter_rows(min_row=2, values_only=True)]
    assert questions[0] == "Y a-t-il une politique ?"
    assert "Classeur" in book["Instructions"]["A1"].value
    fill(book["Evidence"], "01.1", notation="yes", source="document")
    profile = read(save(book), [small])
    assert [(e.criterion, e.rating) for e in profile.evidence] == [("01.1", "yes")]


# -- reading filled and hand-edited workbooks --------------------------------------------------


def test_a_filled_template_reads_as_a_valid_profile(euro: Framework) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    sheet = book["Evidence"]
    fill(sheet, "01.1", rating="largely", source="document", reference="Charter 2021",
         date=datetime.date(2025, 2, 1), assessor="A. Officer", note="Adopted by council")  # fmt: skip
    fill(sheet, "02.3", rating="partly", source="interview", effort="high")
    profile = read(save(book), [euro])
    assert profile.evidence == (
        Evidence(criterion="01.1", rating="largely", source="document", reference="Charter 2021",
                 date=datetime.date(2025, 2, 1), assessor="A. Officer", note="Adopted by council"),
        Evidence(criterion="02.3", rating="partly", source="interview", effort="high"),
    )  # fmt: skip
    assert ii.check_profile(profile) == []
    assert profile.city == City(id="newtown", name="Newtown")


def test_a_wrong_rating_names_its_sheet_and_cell(euro: Framework) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    sheet = book["Evidence"]
    fill(sheet, "01.1", rating="largely", source="document")
    fill(sheet, "01.3", rating="partially", source="document")
    cell = f"{openpyxl.utils.get_column_letter(columns(sheet)['rating'])}{row_of(sheet, '01.3')}"
    with pytest.raises(ProfileError) as caught:
        read(save(book), [euro])
    (problem,) = caught.value.problems
    assert problem.message == (
        f"Evidence!{cell}: rating 'partially' is not a level of scale 'in-place'; "
        f"expected one of: {IN_PLACE}"
    )
    assert problem.key_path == "evidence[1].rating"
    assert caught.value.path == "city.xlsx"


def test_every_problem_is_reported_in_sheet_order(euro: Framework) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    assessment, sheet = book["Assessment"], book["Evidence"]
    assessment["C2"] = "New Town"  # city.id
    assessment.append(["", "city.colour", "blue"])
    fill(sheet, "01.1", rating="largely", source="newspaper")
    fill(sheet, "01.2", rating="largely")
    found = problems(save(book), [euro])
    assert found[0].startswith("Assessment!C2: id 'New Town' must be lowercase letters")
    assert found[1].startswith("Assessment!B") and "unknown key 'city.colour'" in found[1]
    source = openpyxl.utils.get_column_letter(columns(sheet)["source"])
    assert found[2].startswith(f"Evidence!{source}{row_of(sheet, '01.1')}: expected one of:")
    assert found[3].startswith(f"Evidence!{source}{row_of(sheet, '01.2')}: required key is missing")
    assert len(found) == 4


def test_a_missing_row_is_named_by_its_key(euro: Framework) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    book["Assessment"].delete_rows(3)  # city.name
    assert problems(save(book), [euro]) == [
        "Assessment: city.name: required key is missing; expected a string"
    ]


def test_a_hand_edited_workbook_still_reads(euro: Framework) -> None:
    profile = ii.load_profile(ROOT / "examples/profiles/eurocities/ostavia-peer-review-2023.toml")
    book = load(to_bytes(profile, [euro]))
    sheet = book["Evidence"]
    rows = sorted(sheet.iter_rows(min_row=2, values_only=True), key=lambda row: str(row[5]))
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:  # sorted by rating
        sheet.append(row)
    sheet.insert_cols(3)  # a column of one's own, with a header
    sheet["C1"] = "my notes"
    sheet["C5"] = "check with the mayor's office"
    sheet.move_range(f"G1:G{sheet.max_row}", cols=10)  # the rating column, moved to the far right
    sheet.column_dimensions["B"].width = 80
    sheet.insert_rows(1)  # a title row above the header
    sheet["A1"] = "Ostavia peer review"
    assert read(save(book), [euro]) == profile  # the order column keeps the evidence's order


def test_values_a_spreadsheet_changed_are_put_back(small: Framework) -> None:
    book = load(to_bytes(blank_profile(small), [small]))
    sheet = book["Evidence"]
    fill(sheet, "01.1", rating=" Yes", source="Document ")
    fill(sheet, "02.1", rating="12,5", source="statistics")
    fill(sheet, "01.2", rating="no", source="interview", criterion=1.2)  # "01.2" typed as a number
    assessment = book["Assessment"]
    for row in assessment.iter_rows(min_row=2):
        key = row[1].value
        values = {"context.small.budget": "1 200", "context.small.capital": "VRAI",
                  "context.small.powers": "High", "context.small.law": 2024,
                  "city.population": "45 000", "illustrative": "faux"}  # fmt: skip
        if key in values:
            row[2].value = values[key]
    profile = read(save(book), [small])
    assert [(e.criterion, e.rating, e.source) for e in profile.evidence] == [
        ("01.1", "yes", "document"),
        ("01.2", "no", "interview"),
        ("02.1", 12.5, "statistics"),
    ]
    assert dict(profile.context["small"]) == {
        "powers": "high", "budget": 1200.0, "capital": True, "law": "2024"
    }  # fmt: skip
    assert profile.city.population == 45000 and profile.illustrative is False
    assert ii.check_profile(profile, [small]) == []


def test_assessors_one_per_cell_or_separated_by_semicolons(small: Framework) -> None:
    book = load(to_bytes(blank_profile(small), [small]))
    for row in book["Assessment"].iter_rows(min_row=2):
        if row[1].value == "assessment.assessors":
            row[2].value = "A. One; B. Two"
            book["Assessment"].cell(row=row[2].row, column=4).value = "C. Three"
    assert read(save(book), [small]).assessment.assessors == ("A. One", "B. Two", "C. Three")


def test_a_damaged_layout_is_reported(euro: Framework) -> None:
    book = load(to_bytes(blank_profile(euro), [euro]))
    sheet = book["Evidence"]
    sheet["L1"] = "rating"  # a second rating column
    fill(sheet, "01.1", rating="largely", source="document")
    assert problems(save(book), [euro]) == [
        "Evidence!L1: a second 'rating' column (the first is at Evidence!F1); rename or remove one"
    ]
    sheet["L1"] = "effort"
    sheet["G1"] = "kind of source"
    assert problems(save(book), [euro]) == ["Evidence!A1: the header row has no 'source' column"]
    book["Assessment"]["B1"] = "what"
    assert problems(save(book), [euro]) == [
        "Assessment!A1: no header row with the columns 'key' and 'value' "
        "(in French 'clé' and 'valeur') in the first 20 rows",
        "Evidence!A1: the header row has no 'source' column",
    ]


def test_a_workbook_that_is_not_one_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "city.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ProfileError, match="cannot read the workbook"):
        ii.read_workbook(path)
    book = openpyxl.Workbook()
    book.active.title = "Sheet"
    book.save(path)
    with pytest.raises(ProfileError, match="no sheet 'Assessment'"):
        ii.read_workbook(path)


def test_without_the_spreadsheet_library_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, euro: Framework
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # importing it now fails
    with pytest.raises(ImportError, match=r'pip install "integration-index\[xlsx\]"'):
        ii.write_workbook(blank_profile(euro), tmp_path / "city.xlsx")
    with pytest.raises(ImportError, match=r"install the spreadsheet extra"):
        ii.read_workbook(tmp_path / "city.xlsx")


# -- the round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_shipped_example_survives_the_round_trip(
    path: Path, language: str, tmp_path: Path
) -> None:
    profile = ii.load_profile(path)
    target = tmp_path / "profile.xlsx"
    ii.write_workbook(profile, target, language=language)
    assert ii.read_workbook(target) == profile


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_profile_to_workbook_to_profile_gives_the_same_profile(data: st.DataObject) -> None:
    framework = data.draw(testing.frameworks())
    profile = data.draw(testing.profiles(framework))
    written = to_bytes(profile, [framework])
    assert read(written, [framework]) == profile
    assert read(written, None) == profile  # without the frameworks too


TRICKY = [
    "",
    " both ",
    "a\rb\r\nc",
    "\x01\x1f\uffff",
    "_x0041_",
    '""',
    "=1+1",
    "x;y",
    "#N/A",
    "0012",
]


@pytest.mark.parametrize("text", TRICKY)
def test_any_text_survives_a_cell(text: str, small: Framework) -> None:
    profile = CityProfile(
        city=City(id="x", name=text or "x", country=text, metadata={"k": text, "n": 1.5, "d": datetime.date(2020, 1, 2), "b": True, "i": 10**18}),
        assessment=Assessment(frameworks=("small",), date=datetime.date(2025, 1, 1), assessors=(text, "b"), notes=text),
        evidence=(Evidence(criterion="02.1", rating=0.1 + 0.2, source="statistics", reference=text, note=text),),
        context={"small": {"law": text, "budget": -3.0}},
        exclusions=(Exclusion(criterion="02.1", reason=text or "r"),),
    )  # fmt: skip
    assert read(to_bytes(profile, [small]), [small]) == profile
    assert decode_text(encode_text(text)) == text


def test_floats_and_types_keep_exactly(small: Framework) -> None:
    profile = CityProfile(
        city=City(id="x", name="X", metadata={"float": 5.0, "int": 5}),
        assessment=Assessment(frameworks=("small",), date=datetime.date(2025, 1, 1)),
        evidence=(Evidence(criterion="02.1", rating=1e-300, source="statistics"),),
    )
    back = read(to_bytes(profile, [small]), [small])
    assert back == profile
    assert type(back.city.metadata["float"]) is float and type(back.city.metadata["int"]) is int
    assert attrs.asdict(back) == attrs.asdict(profile)
