"""A city profile as a workbook: instructions, the assessment's details, one row per rated
criterion (with a drop-down of its scale's levels), and the hidden lists the drop-downs use.

A profile with no evidence is the template a city team fills in; a filled profile gives the same
workbook with its ratings in place, which :mod:`.profile_reader` reads back to an equal profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._spreadsheet import labels
from integration_index._spreadsheet.assessment_sheet import write_assessment
from integration_index._spreadsheet.cells import openpyxl, set_cell
from integration_index._spreadsheet.evidence_sheet import write_evidence
from integration_index._spreadsheet.labels import ASSESSMENT, EVIDENCE, INSTRUCTIONS, LEVELS
from integration_index._spreadsheet.layout import styles

__all__ = ["profile_to_workbook", "save_profile_workbook"]


def profile_to_workbook(
    profile: CityProfile, frameworks: Mapping[str, Framework], *, language: str = "en"
) -> Any:
    """The workbook (an openpyxl Workbook) of *profile*, laid out by the frameworks it names
    (those of *frameworks*; evidence for another one is listed at the end of the Evidence sheet).
    """
    if language not in labels.LANGUAGES:
        raise ValueError(f"language {language!r}: expected one of {', '.join(labels.LANGUAGES)}")
    book = openpyxl().Workbook()
    instructions = book.active
    instructions.title = INSTRUCTIONS
    assessment = book.create_sheet(ASSESSMENT)
    evidence = book.create_sheet(EVIDENCE)
    levels = book.create_sheet(LEVELS)
    levels.sheet_state = "hidden"
    named = dict.fromkeys(profile.assessment.frameworks)
    used = [frameworks[framework_id] for framework_id in named if framework_id in frameworks]
    lists = _write_levels(levels, used)
    _write_instructions(instructions, used, language)
    write_assessment(assessment, profile, used, language)
    write_evidence(evidence, profile, used, lists, language)
    return book


def save_profile_workbook(
    profile: CityProfile,
    frameworks: Mapping[str, Framework],
    target: str | IO[bytes],
    *,
    language: str = "en",
) -> None:
    """Write the workbook of *profile* to a path or a binary file."""
    profile_to_workbook(profile, frameworks, language=language).save(target)


# -- Levels and Instructions -------------------------------------------------------------------


def _used_scales(framework: Framework) -> list[str]:
    used = {scale.id for leaf in framework.leaves if (scale := framework.scale_of(leaf))}
    return [scale.id for scale in framework.scales if scale.id in used]


def _write_levels(sheet: Any, used: Sequence[Framework]) -> dict[tuple[str, str], str]:
    """One column per framework's scale, its level ids below; the ranges the drop-downs use."""
    letter = openpyxl().utils.get_column_letter
    ranges: dict[tuple[str, str], str] = {}
    column = 0
    for framework in used:
        for scale_id in _used_scales(framework):
            column += 1
            scale = framework.scales_by_id[scale_id]
            set_cell(sheet.cell(row=1, column=column), f"{framework.id} {scale_id}")
            for row, level in enumerate(scale.levels, start=2):
                set_cell(sheet.cell(row=row, column=column), level.id)
            col = letter(column)
            ranges[framework.id, scale_id] = f"{LEVELS}!${col}$2:${col}${len(scale.levels) + 1}"
    return ranges


def _write_instructions(sheet: Any, used: Sequence[Framework], language: str) -> None:
    style = styles()
    names = ", ".join(f"{f.title.get(language)} ({f.id} {f.version})" for f in used)
    lines = labels.instructions(language, names)
    sheet.column_dimensions["A"].width = 110
    wrap = style.Alignment(wrap_text=True, vertical="top")
    row = 0
    for index, text in enumerate(lines):
        row += 1
        cell = sheet.cell(row=row, column=1)
        set_cell(cell, text)
        cell.alignment = wrap
        if index == 0:
            cell.font = style.Font(bold=True, size=14)
    row += 1
    for framework in used:
        for scale_id in _used_scales(framework):
            scale = framework.scales_by_id[scale_id]
            row += 2
            title = labels.word(
                "scale", language, scale.id, framework.id, scale.title.get(language)
            )
            set_cell(sheet.cell(row=row, column=1), title)
            sheet.cell(row=row, column=1).font = style.Font(bold=True)
            for level in scale.levels:
                row += 1
                text = f"{level.id}: {level.label.get(language)}"
                if level.description is not None:
                    text += f". {level.description.get(language)}"
                cell = sheet.cell(row=row, column=1)
                set_cell(cell, text)
                cell.alignment = wrap
