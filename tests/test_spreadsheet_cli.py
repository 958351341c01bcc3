"""Workbooks and Excel-friendly CSV on the command line: init --format xlsx, import-xlsx,
score --format xlsx, compare --format xlsx and --csv-dialect.

The spreadsheet library is an optional extra: outside CI the workbook tests are skipped without
it; in CI (where the extra is installed) a missing library fails them loudly.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import integration_index as ii
from integration_index._cli import outputs
from integration_index._cli.files import atomic_binary_output

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
RIVERMOUTH = EXAMPLES / "eurocities" / "rivermouth-2024.toml"


def require_openpyxl() -> Any:
    """openpyxl, which CI installs (a missing one fails there); elsewhere skip without it."""
    if os.environ.get("CI"):
        return importlib.import_module("openpyxl")
    return pytest.importorskip("openpyxl", reason="the xlsx extra (openpyxl) is not installed")


def header_columns(sheet: Any) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value is not None}


# -- init --format xlsx and import-xlsx --------------------------------------------------------


def test_init_writes_a_workbook_that_imports_and_validates_once_filled(
    cli: Cli, tmp_path: Path
) -> None:
    openpyxl = require_openpyxl()
    book_path = tmp_path / "newtown.xlsx"
    result = cli("init", "--framework", "eurocities", book_path, "--city-id", "newtown",
                 "--city-name", "Newtown", "--language", "fr")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr and "workbook" in result.stderr
    book = openpyxl.load_workbook(book_path)
    sheet = book["Evidence"]
    found = header_columns(sheet)
    assert "notation" in found  # French headers
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=found["critère"]).value in ("01.1", "03.2"):
            sheet.cell(row=row, column=found["notation"]).value = "largely"
            sheet.cell(row=row, column=found["source"]).value = "document"
    book.save(book_path)
    profile_path = tmp_path / "newtown.toml"
    result = cli("import-xlsx", book_path, "--output", profile_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {profile_path}" in result.stderr
    assert cli("validate", profile_path).returncode == 0
    profile = ii.load_profile(profile_path)
    assert profile.city.id == "newtown"
    assert [(e.criterion, e.rating) for e in profile.evidence] == [
        ("01.1", "largely"),
        ("03.2", "largely"),
    ]
    assert cli("init", "--framework", "eurocities", book_path).returncode == 2  # no overwrite


def test_import_names_the_cell_of_every_problem_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    openpyxl = require_openpyxl()
    book_path = tmp_path / "rivermouth.xlsx"
    ii.write_workbook(ii.load_profile(RIVERMOUTH), book_path)
    book = openpyxl.load_workbook(book_path)
    sheet = book["Evidence"]
    found = header_columns(sheet)
    rating = openpyxl.utils.get_column_letter(found["rating"])
    row = next(r for r in range(2, sheet.max_row + 1) if sheet[f"{rating}{r}"].value)
    sheet[f"{rating}{row}"] = "partially"
    book.save(book_path)
    output = tmp_path / "rivermouth.toml"
    result = cli("import-xlsx", book_path, "--output", output)
    assert result.returncode == 1
    assert f"{book_path}: Evidence!{rating}{row}: rating 'partially' is not a level of scale " \
        "'in-place'; expected one of: 'not-in-place', 'planned', 'partly', 'largely', 'fully'" \
        in result.stderr  # fmt: skip
    assert "1 problem(s); no profile written" in result.stderr
    assert not output.exists()


def test_import_reads_profiles_of_a_framework_file(cli: Cli, tmp_path: Path) -> None:
    require_openpyxl()
    framework_file = ROOT / "tests" / "data" / "frameworks" / "tiny.toml"
    book_path = tmp_path / "tiny.xlsx"
    result = cli("init", "--framework-file", framework_file, book_path)
    assert result.returncode == 0, result.stderr
    result = cli("import-xlsx", book_path)
    assert result.returncode == 1  # the framework is not registered: its id is unknown
    assert "unknown framework 'tiny'" in result.stderr
    result = cli("import-xlsx", book_path, "--framework-file", framework_file)
    assert result.returncode == 0, result.stderr
    assert 'frameworks = ["tiny"]' in result.stdout and result.stdout.startswith("# Imported")


def test_init_toml_refuses_a_language(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--framework", "eurocities", tmp_path / "x.toml", "--language", "fr")
    assert result.returncode == 2 and "--language applies to --format xlsx" in result.stderr


def test_without_the_spreadsheet_library_the_commands_say_what_to_install(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # importing it now fails
    hint = 'install the spreadsheet extra: pip install "integration-index[xlsx]"'
    for args in (
        ("init", "--framework", "eurocities", tmp_path / "a.xlsx"),
        ("import-xlsx", tmp_path / "a.xlsx"),
        ("score", RIVERMOUTH, "--format", "xlsx", "--output", tmp_path / "s.xlsx"),
        ("compare", EXAMPLES, "--framework", "eurocities", "--format", "xlsx", "-o", tmp_path / "c.xlsx"),
    ):  # fmt: skip
        result = cli(*args)
        assert result.returncode == 2, args
        assert hint in result.stderr
    assert list(tmp_path.iterdir()) == []


# -- score --format xlsx, compare --format xlsx ------------------------------------------------


def test_score_as_a_workbook_keeps_numbers_and_dates(cli: Cli, tmp_path: Path) -> None:
    openpyxl = require_openpyxl()
    target = tmp_path / "scores.xlsx"
    result = cli("score", EXAMPLES, "--format", "xlsx", "--output", target, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "Summary"
    assert {"eurocities", "Nodes eurocities", "gfmd-arrival-cities"} <= set(book.sheetnames)
    rows = list(book["Summary"].iter_rows(values_only=True))
    assert rows[0] == outputs.SUMMARY_COLUMNS
    csv_text = cli("score", EXAMPLES, "--format", "csv").stdout
    assert len(rows) - 1 == len(csv_text.splitlines()) - 1  # one row per city and framework
    record = dict(zip(rows[0], rows[1], strict=True))
    assert isinstance(record["assessment_date"], datetime.datetime)  # a date cell
    assert isinstance(record["score"], int | float) and isinstance(record["population"], int)
    assert isinstance(record["coverage"], float) and isinstance(record["evidence"], int)
    first_csv = next(csv.DictReader(io.StringIO(csv_text)))
    assert f"{record['score']:.2f}" == first_csv["score"]
    nodes = list(book["Nodes eurocities"].iter_rows(values_only=True))
    assert nodes[0] == outputs.TIDY_COLUMNS
    overall = dict(zip(nodes[0], nodes[1], strict=True))
    assert overall["node"] == "overall" and overall["parent"] is None  # empty, not ""
    assert overall["applicable"] is True and overall["depth"] == 0
    cities = list(book["eurocities"].iter_rows(values_only=True))
    euro = ii.get_framework("eurocities")
    assert cities[0][-len(euro.criteria) :] == tuple(top.id for top in euro.criteria)


def test_score_as_a_workbook_needs_an_output_file(cli: Cli) -> None:
    result = cli("score", RIVERMOUTH, "--format", "xlsx")
    assert result.returncode == 2 and "give its file with --output" in result.stderr


def test_compare_as_a_workbook(cli: Cli, tmp_path: Path) -> None:
    openpyxl = require_openpyxl()
    target = tmp_path / "ranking.xlsx"
    result = cli("compare", EXAMPLES, "--framework", "eurocities", "--format", "xlsx", "-o", target)
    assert result.returncode == 0, result.stderr
    rows = list(openpyxl.load_workbook(target)["Ranking"].iter_rows(values_only=True))
    assert rows[0][:2] == ("city_id", "city_name")
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["rank"] == 1 and isinstance(record["assessment_date"], datetime.datetime)


# -- Excel-friendly CSV ------------------------------------------------------------------------


def test_csv_for_excel_in_french_has_a_bom_semicolons_and_decimal_commas(cli: Cli) -> None:
    plain = cli("score", RIVERMOUTH, "--format", "csv").stdout
    french = cli("score", RIVERMOUTH, "--format", "csv", "--csv-dialect", "excel-fr").stdout
    assert french.startswith("\ufeffsource;city_id;") and "\r\n" in french
    plain_row = next(csv.DictReader(io.StringIO(plain)))
    french_row = next(csv.DictReader(io.StringIO(french.lstrip("\ufeff")), delimiter=";"))
    assert french_row["score"] == plain_row["score"].replace(".", ",")
    assert "," in french_row["score"] and french_row["assessment_date"] == "2024-03-20"
    assert french_row == {**plain_row, **{k: v.replace(".", ",") for k, v in plain_row.items()
                                          if k in outputs.DIGITS}}  # fmt: skip
    tidy = cli("score", RIVERMOUTH, "--format", "tidy-csv", "--csv-dialect", "excel-fr").stdout
    assert tidy.startswith("\ufeffsource;city_id;framework;") and ";1,000;0,2500;" in tidy


def test_csv_for_excel_has_a_bom_and_commas(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    result = cli("score", RIVERMOUTH, "--format", "csv", "--csv-dialect", "excel", "-o", target)
    assert result.returncode == 0, result.stderr
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsource,city_id,") and b"\r\n" in data
    plain = cli("score", RIVERMOUTH, "--format", "csv").stdout
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == plain
    assert not plain.startswith("\ufeff")  # the default is unchanged


def test_csv_dialect_only_with_csv(cli: Cli) -> None:
    result = cli("score", RIVERMOUTH, "--format", "json", "--csv-dialect", "excel")
    assert result.returncode == 2 and "--csv-dialect applies to" in result.stderr
    result = cli("compare", EXAMPLES, "--framework", "eurocities", "--csv-dialect", "excel")
    assert result.returncode == 2


def test_compare_csv_for_excel_in_french(cli: Cli) -> None:
    plain = cli("compare", EXAMPLES, "--framework", "eurocities", "--format", "csv").stdout
    french = cli("compare", EXAMPLES, "--framework", "eurocities", "--format", "csv",
                 "--csv-dialect", "excel-fr").stdout  # fmt: skip
    plain_rows = list(csv.reader(io.StringIO(plain)))
    french_rows = list(csv.reader(io.StringIO(french.lstrip("\ufeff")), delimiter=";"))
    assert french.startswith("\ufeff")
    assert french_rows == [[cell.replace(".", ",") for cell in row] for row in plain_rows]


# -- atomic binary output ----------------------------------------------------------------------


def test_atomic_binary_output_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o640)

    def interrupted() -> None:
        with atomic_binary_output(target) as stream:
            stream.write(b"partial")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]
    with atomic_binary_output(target) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode
    fresh = tmp_path / "fresh.xlsx"
    umask = os.umask(0o022)
    try:
        with atomic_binary_output(fresh) as stream:
            stream.write(b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # as open() would give
