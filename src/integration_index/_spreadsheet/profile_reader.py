"""A filled profile workbook back to a city profile, every problem named by its sheet and cell.

Columns are found by their headers (in English or French), so a workbook edited by hand (rows
sorted, columns widened, moved or added) still reads. The cells become the data a profile TOML
file holds, structured and checked as one; each problem keeps the profile's key path and its
message starts with the cell: ``Evidence!F14: rating 'partially' is not a level of ...``.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import IO, Any, NamedTuple

from integration_index._io.convert import StructureError, structure
from integration_index._model.checks import check_profile
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._spreadsheet import labels
from integration_index._spreadsheet.cells import (
    cell_value,
    decode_text,
    header_key,
    openpyxl,
    text_of,
)
from integration_index._spreadsheet.labels import ASSESSMENT, EVIDENCE
from integration_index._spreadsheet.repair import as_bool, as_int, repair
from integration_index.exceptions import IntegrationIndexError, Problem, ProfileError

__all__ = ["profile_from_workbook"]

_EXCLUSION = re.compile(r"^exclusions\[(\d+)\]\.(criterion|reason|framework|factor)$")
_TEXT_KEYS = frozenset(
    {"city.id", "city.name", "city.country", "city.region", "assessment.mode"}
    | {"assessment.title", "assessment.notes"}
)
_OTHER_KEYS = frozenset({"city.population", "assessment.date", "illustrative"})
_LIST_KEYS = frozenset({"assessment.frameworks", "assessment.assessors"})
_KNOWN = ", ".join(
    [*sorted(_TEXT_KEYS | _OTHER_KEYS | _LIST_KEYS), "city.metadata.NAME"]
    + ["context.FRAMEWORK.FACTOR", "exclusions[N].criterion|reason|framework|factor"]
)
_LAST_STEP = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")
#: How far down a header row may be (a title row or two above it is fine).
_HEADER_ROWS = 20


class Cell(NamedTuple):
    """Where a value was read: a sheet, a row and a column (both from 1)."""

    sheet: str
    row: int
    column: int

    def __str__(self) -> str:
        return f"{self.sheet}!{openpyxl().utils.get_column_letter(self.column)}{self.row}"


class _Reading:
    """What reading one workbook gathers: the cell of each key path, and the problems."""

    def __init__(self) -> None:
        self.cells: dict[str, Cell] = {}
        self.problems: list[tuple[tuple[int, int, int], Problem]] = []
        #: A sheet's layout cannot be read: what the profile then lacks is no further news.
        self.broken = False

    def problem(self, cell: Cell, message: str, key_path: str = "") -> None:
        order = (labels.SHEETS.index(cell.sheet), cell.row, cell.column)
        self.problems.append((order, Problem(f"{cell}: {message}", key_path)))

    def add(self, problems: Sequence[Problem]) -> None:
        """Problems of the profile, by key path, each placed at its cell."""
        for problem in problems:
            cell = self.locate(problem.key_path)
            if cell is not None:
                self.problem(cell, problem.message, problem.key_path)
                continue
            sheet = EVIDENCE if problem.key_path.startswith("evidence") else ASSESSMENT
            where = f"{sheet}: {problem.key_path}" if problem.key_path else sheet
            order = (labels.SHEETS.index(sheet), sys.maxsize, 0)  # after those with cells
            self.problems.append((order, Problem(f"{where}: {problem.message}", problem.key_path)))

    def locate(self, key_path: str) -> Cell | None:
        """The cell of a key path, or of the nearest enclosing one that has a cell."""
        path = key_path
        while path:
            if path in self.cells:
                return self.cells[path]
            shorter = _LAST_STEP.sub("", path)
            if shorter == path:
                return None
            path = shorter
        return None

    def sorted_problems(self) -> list[Problem]:
        return [problem for _, problem in sorted(self.problems, key=lambda pair: pair[0])]


def profile_from_workbook(
    source: str | IO[bytes],
    frameworks: Mapping[str, Framework] | None = None,
    *,
    name: str | None = None,
) -> CityProfile:
    """Read a profile workbook (a path or a binary file).

    Given *frameworks* (the frameworks available, by id), values a spreadsheet typed otherwise
    are put back (a level id with stray spaces, a measured value typed as text, "01.1" turned
    into the number 1.1) and the profile is checked against the frameworks it names.

    Raises:
        ProfileError: the file is not a readable workbook, or lists every problem, each message
            starting with its sheet and cell.
    """
    book = _load(source, name)
    reading = _Reading()
    data: dict[str, Any] = {}
    _read_assessment(_sheet(book, ASSESSMENT, name), reading, data)
    _read_evidence(_sheet(book, EVIDENCE, name), reading, data)
    if frameworks is not None:
        repair(data, frameworks)
    profile: CityProfile | None = None
    try:
        if not reading.broken:
            profile = structure(data, CityProfile)
    except (StructureError, IntegrationIndexError) as exc:
        reading.add(exc.problems)
    except ValueError as exc:
        reading.add([Problem(str(exc))])
    if profile is not None and frameworks is not None:
        reading.add(check_profile(profile, frameworks))
    problems = reading.sorted_problems()
    if problems:
        raise ProfileError(problems[0].message, path=name, problems=problems)
    assert profile is not None
    return profile


def _load(source: str | IO[bytes], name: str | None) -> Any:
    xl = openpyxl()
    try:
        with warnings.catch_warnings():
            # What openpyxl cannot keep of a workbook Excel saved (extensions of drop-downs,
            # say) matters for writing it back, which this never does.
            warnings.simplefilter("ignore", UserWarning)
            return xl.load_workbook(source, data_only=True)
    except Exception as exc:  # a missing file, not a zip, not a workbook, a damaged one...
        raise ProfileError(f"cannot read the workbook: {exc}", path=name) from None


def _sheet(book: Any, title: str, name: str | None) -> Any:
    for sheet in book.worksheets:
        if sheet.title == title:
            return sheet
    for sheet in book.worksheets:
        if sheet.title.strip().casefold() == title.casefold():
            return sheet
    raise ProfileError(
        f"the workbook has no sheet {title!r}; a profile workbook has the sheets "
        f"{', '.join(labels.SHEETS[:3])} (see `integration-index init --format xlsx`)",
        path=name,
    )


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))


def _header(
    rows: Sequence[tuple[Any, ...]], names: Mapping[str, str], required: set[str]
) -> tuple[int, dict[str, list[int]]] | None:
    """The index of the header row (the first with the *required* columns) and the columns of
    each key (a key found twice has two)."""
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        found: dict[str, list[int]] = {}
        for column, value in enumerate(row):
            key = names.get(header_key(value))
            if key is not None:
                found.setdefault(key, []).append(column)
        if required <= found.keys():
            return index, found
    return None


def _columns(
    sheet: str, top: int, found: dict[str, list[int]], reading: _Reading
) -> dict[str, int]:
    """The column of each key; a second column with the same header is a problem."""
    for key, columns in found.items():
        for column in columns[1:]:
            first = Cell(sheet, top + 1, columns[0] + 1)
            reading.problem(
                Cell(sheet, top + 1, column + 1),
                f"a second {key!r} column (the first is at {first}); rename or remove one",
            )
    return {key: columns[0] for key, columns in found.items()}


def _names(columns: Sequence[labels.Column], keys: Sequence[str]) -> str:
    """The headers of the columns *keys*, in English and in French."""
    wanted = [column for column in columns if column.key in keys]
    english = " and ".join(repr(column.en) for column in wanted)
    french = " and ".join(repr(column.fr) for column in wanted)
    return english if english == french else f"{english} (in French {french})"


def _missing_header(columns: Sequence[labels.Column], keys: Sequence[str]) -> str:
    names = _names(columns, keys)
    return f"no header row with the columns {names} in the first {_HEADER_ROWS} rows"


# -- Assessment --------------------------------------------------------------------------------


def _read_assessment(sheet: Any, reading: _Reading, data: dict[str, Any]) -> None:
    rows = _rows(sheet)
    header = _header(rows, labels.header_names(labels.ASSESSMENT_COLUMNS), {"key", "value"})
    if header is None:
        message = _missing_header(labels.ASSESSMENT_COLUMNS, ("key", "value"))
        reading.problem(Cell(ASSESSMENT, 1, 1), message)
        reading.broken = True
        return
    top, found = header
    columns = _columns(ASSESSMENT, top, found, reading)
    key_column, value_column = columns["key"], columns["value"]
    # The columns right of "value" with no header of their own continue it (lists).
    value_columns = [value_column]
    for column in range(value_column + 1, len(rows[top])):
        if not _blank(rows[top][column]):
            break
        value_columns.append(column)
    exclusions: dict[int, dict[str, tuple[Any, Cell]]] = {}
    for index in range(top + 1, len(rows)):
        row = rows[index]
        raw_key = row[key_column] if key_column < len(row) else None
        if _blank(raw_key):
            continue
        key = decode_text(str(text_of(raw_key))).strip()
        cells = [
            (Cell(ASSESSMENT, index + 1, c + 1), row[c]) for c in value_columns if c < len(row)
        ]
        match = _EXCLUSION.match(key)
        if match is None and _target(key) is None:
            cell = Cell(ASSESSMENT, index + 1, key_column + 1)
            reading.problem(cell, f"unknown key {key!r}; expected one of: {_KNOWN}")
        elif match:
            _exclusion_cell(match, cells, exclusions, reading)
        elif key in _LIST_KEYS:
            _list_value(key, cells, reading, data)
        else:
            _scalar_value(key, cells, reading, data)
    _exclusions(exclusions, reading, data)


def _target(key: str) -> tuple[list[str], str] | None:
    """Where a key's value goes in the profile's data: the tables, then the key (None: unknown)."""
    if key in _TEXT_KEYS or key in _OTHER_KEYS or key in _LIST_KEYS:
        *tables, last = key.split(".")
        return tables, last
    if key.startswith("city.metadata.") and len(key) > len("city.metadata."):
        return ["city", "metadata"], key[len("city.metadata.") :]
    parts = key.split(".", 2)
    if parts[0] == "context" and len(parts) == 3 and parts[1] and parts[2]:
        return ["context", parts[1]], parts[2]
    return None


def _store(key: str, value: Any, cell: Cell, reading: _Reading, data: dict[str, Any]) -> None:
    target = _target(key)
    assert target is not None
    tables, last = target
    if key in reading.cells:
        reading.problem(cell, f"{key!r} is given twice (first at {reading.cells[key]})", key)
        return
    reading.cells[key] = cell
    if tables[:1] == ["context"]:  # a framework's first context cell locates its whole table
        reading.cells.setdefault(".".join(tables), cell)
    if value is None:
        return
    table = data
    for name in tables:
        table = table.setdefault(name, {})
    table[last] = value


def _scalar_value(
    key: str, cells: list[tuple[Cell, Any]], reading: _Reading, data: dict[str, Any]
) -> None:
    given = [(cell, raw) for cell, raw in cells if not _blank(raw)]
    for cell, _ in given[1:]:
        reading.problem(cell, f"{key!r} takes one value, in the first value column", key)
    value = cell_value(given[0][1]) if given else None
    if value is not None:
        if key in _TEXT_KEYS:
            value = text_of(value)
        elif key == "city.population":
            value = as_int(value)
        elif key == "illustrative":
            value = as_bool(value)
    _store(key, value, cells[0][0], reading, data)


def _list_value(
    key: str, cells: list[tuple[Cell, Any]], reading: _Reading, data: dict[str, Any]
) -> None:
    items: list[tuple[Cell, Any]] = []
    for cell, raw in cells:
        if _blank(raw):
            continue
        parts = raw.split(";") if isinstance(raw, str) else [raw]
        if len(parts) > 1:
            parts = [part.strip() for part in parts if part.strip()]
        items += [(cell, text_of(cell_value(part))) for part in parts]
    _store(key, [value for _, value in items] or None, cells[0][0], reading, data)
    for index, (cell, _) in enumerate(items):
        reading.cells[f"{key}[{index}]"] = cell


def _exclusion_cell(
    match: re.Match[str],
    cells: list[tuple[Cell, Any]],
    exclusions: dict[int, dict[str, tuple[Any, Cell]]],
    reading: _Reading,
) -> None:
    number, name = int(match.group(1)), match.group(2)
    fields = exclusions.setdefault(number, {})
    cell, raw = cells[0]
    if name in fields:
        first = fields[name][1]
        reading.problem(cell, f"{match.group(0)!r} is given twice (first at {first})")
        return
    fields[name] = (None if _blank(raw) else text_of(cell_value(raw)), cell)


def _exclusions(
    exclusions: dict[int, dict[str, tuple[Any, Cell]]], reading: _Reading, data: dict[str, Any]
) -> None:
    """The exclusions in the order of their numbers; one whose rows are all empty is none."""
    listed: list[dict[str, Any]] = []
    for number in sorted(exclusions):
        fields = exclusions[number]
        if all(value is None for value, _ in fields.values()):
            continue
        index = len(listed)
        listed.append({name: value for name, (value, _) in fields.items() if value is not None})
        for name, (_, cell) in fields.items():
            reading.cells[f"exclusions[{index}].{name}"] = cell
        reading.cells[f"exclusions[{index}]"] = min(cell for _, cell in fields.values())
    if listed:
        data["exclusions"] = listed


# -- Evidence ----------------------------------------------------------------------------------


def _read_evidence(sheet: Any, reading: _Reading, data: dict[str, Any]) -> None:
    rows = _rows(sheet)
    names = labels.header_names(labels.EVIDENCE_COLUMNS)
    header = _header(rows, names, {"criterion", "rating"})
    if header is None:
        message = _missing_header(labels.EVIDENCE_COLUMNS, ("criterion", "rating"))
        reading.problem(Cell(EVIDENCE, 1, 1), message)
        reading.broken = True
        return
    top, found = header
    columns = _columns(EVIDENCE, top, found, reading)
    if "source" not in columns:
        message = f"the header row has no {_names(labels.EVIDENCE_COLUMNS, ('source',))} column"
        reading.problem(Cell(EVIDENCE, top + 1, 1), message)
        reading.broken = True
        return
    entries = []
    for index in range(top + 1, len(rows)):
        row = rows[index]
        if _blank(row[columns["rating"]]):
            continue  # a criterion not rated: no evidence
        entries.append(_evidence_row(row, index + 1, columns, reading))
    # Rows that carry their order (an exported profile's) first, in it; then the others.
    entries.sort(key=lambda entry: (entry[0] is None, entry[0] or 0))
    for position, (_, _item, cells) in enumerate(entries):
        for name, cell in cells.items():
            reading.cells[f"evidence[{position}].{name}"] = cell
        reading.cells[f"evidence[{position}]"] = cells.get("framework", cells["rating"])
    if entries:
        data["evidence"] = [item for _, item, _ in entries]


def _evidence_row(
    row: tuple[Any, ...], number: int, columns: Mapping[str, int], reading: _Reading
) -> tuple[int | None, dict[str, Any], dict[str, Cell]]:
    """One evidence item: its order (if given), its values and their cells."""
    item: dict[str, Any] = {}
    cells: dict[str, Cell] = {}
    for name in labels.EVIDENCE_FIELDS:
        column = columns.get(name)
        if column is None:
            continue
        cells[name] = Cell(EVIDENCE, number, column + 1)
        raw = row[column]
        if _blank(raw):
            continue
        value = cell_value(raw)
        item[name] = value if name in ("rating", "date") else text_of(value)
    order = None
    if "order" in columns and not _blank(row[columns["order"]]):
        order = as_int(cell_value(row[columns["order"]]))
        if not isinstance(order, int) or isinstance(order, bool):
            cell = Cell(EVIDENCE, number, columns["order"] + 1)
            reading.problem(
                cell, f"expected a whole number (the order of the evidence), got {order!r}"
            )
            order = None
    return order, item, cells
