"""Hostile strings stay inert: CSV formulas, terminal control characters, Markdown syntax.

The cases live in tests/data/bad/hostile/, one file per payload group and class (formula-*,
control-*, markdown-*; invalid-control-rating.toml fails on purpose). They go through the real
console script.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integration_index._cli.outputs import Value, csv_dialect_name, csv_text, neutralise_formula
from integration_index._reports.common import cell, md_text
from integration_index.exceptions import Problem
from integration_index.exceptions import _printable as printable

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path("tests/data/bad/hostile")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What must never reach a terminal raw: ESC, BEL, backspace, DEL, a C1 control, bidi controls.
RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\x7f", "\x9b", "\x85", "\u202e", "\u2066", "\u200f")
TEXT_COLUMNS = ("city_name", "country", "warnings")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(
        "integration-index", path=str(Path(sys.executable).parent)
    ) or shutil.which("integration-index")
    assert executable, "the integration-index console script is not installed"
    env = {**os.environ, "CI": "true"}
    # Bytes, decoded by hand: text mode would turn a carriage return inside a CSV value into \n.
    done = subprocess.run([executable, *args], capture_output=True, cwd=ROOT, env=env, timeout=120)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- unit tests ---------------------------------------------------------------------------------


def test_printable_escapes_controls_and_bidi_only() -> None:
    assert printable("plain é ü 漢字 — text") == "plain é ü 漢字 — text"
    assert printable("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert printable("a\x07b\x00c\x7fd\x9be\x85") == "a\\x07b\\x00c\\x7fd\\x9be\\x85"
    assert printable("tab\tline\n") == "tab\\x09line\\x0a"
    assert printable("evil\u202egnp.exe\u2066\u2069\u200e\u200f\u061c") == (
        "evil\\u202egnp.exe\\u2066\\u2069\\u200e\\u200f\\u061c"
    )


def test_problem_format_escapes_path_key_path_and_message() -> None:
    problem = Problem("bad \x1b[2J value", key_path="city.x\u202e", line=3)
    assert problem.format("f\x07.toml") == "f\\x07.toml:3: city.x\\u202e: bad \\x1b[2J value"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# heading", "\\# heading"),
        ("## two", "\\## two"),
        ("- list", "\\- list"),
        ("+ plus", "\\+ plus"),
        ("* star", "\\* star"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("=== setext", "\\=== setext"),
        ("> quote", "&gt; quote"),
        ("| a | b |", "\\| a \\| b \\|"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[click](javascript:x)", "\\[click\\](javascript:x)"),
        ("see ![i](x) [a][b] evidence[1]", "see ![i\\](x) [a\\][b] evidence[1]"),
        ("**b** _e_ `c` ~s~ \\", "\\*\\*b\\*\\* \\_e\\_ \\`c\\` \\~s\\~ \\\\"),
        ("a\n# b\n- c", "a # b - c"),
        ("&lt;", "&amp;lt;"),
        ("a_snake_case/file_name.toml", "a_snake_case/file_name.toml"),
        # Left alone: text that cannot start Markdown syntax where it stands.
        ("2023-2028 strategy", "2023-2028 strategy"),
        ("1.5 points, well-known", "1.5 points, well-known"),
        ("Rivermouth (north)", "Rivermouth (north)"),
    ],
)
def test_md_text(text: str, expected: str) -> None:
    assert md_text(text) == expected


def test_table_cells_are_inert_but_keep_numbers() -> None:
    assert cell("-3.5") == "-3.5"
    assert cell("<b>x</b> | y") == "&lt;b&gt;x&lt;/b&gt; \\| y"


def test_csv_neutralises_text_formulas_but_not_numbers() -> None:
    assert [neutralise_formula(t) for t in ("=1", "+1", "-1", "@A", "\t=1", "\r=1", "a=1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@A",
        "'\t=1",
        "'\r=1",
        "a=1",
    ]
    rows: list[list[Value]] = [["=SUM(A1)", -3.5, -2, "-2+3"]]
    columns = ("name", "score", "count", "note")
    assert csv_text(rows, columns) == "'=SUM(A1),-3.50,-2,'-2+3\n"
    keep = csv_dialect_name(None, "keep")
    assert csv_text(rows, columns, keep) == "=SUM(A1),-3.50,-2,-2+3\n"
    excel_fr = csv_dialect_name("excel-fr")
    assert csv_text(rows, columns, excel_fr) == "'=SUM(A1);-3,50;-2;'-2+3\r\n"


# --- the console script -------------------------------------------------------------------------


def test_score_csv_neutralises_formulas_and_keep_leaves_them() -> None:
    formulas = sorted(str(path) for path in HOSTILE.glob("formula-*.toml"))
    neutral = run("score", *formulas, "--format", "csv", "--no-progress")
    assert neutral.returncode == 0, neutral.stderr
    kept = run("score", *formulas, "--format", "csv", "--csv-formulas", "keep", "--no-progress")
    assert kept.returncode == 0, kept.stderr
    neutral_rows, kept_rows = csv_rows(neutral.stdout), csv_rows(kept.stdout)
    assert len(neutral_rows) == len(kept_rows) == 3
    names = {row["city_id"]: row["city_name"] for row in neutral_rows}
    assert names == {
        "formula-hyperlink": '\'=HYPERLINK("http://x","click")',
        "formula-signs": "'+1+1",
        "formula-tab": "'\t=1+2",
    }
    for safe, raw in zip(neutral_rows, kept_rows, strict=True):
        for column in TEXT_COLUMNS:
            assert not safe[column].startswith(FORMULA_START), (column, safe[column])
            if raw[column].startswith(FORMULA_START):
                assert safe[column] == "'" + raw[column]
            else:
                assert safe[column] == raw[column]
        # Numbers are untouched, and identical either way.
        for column in ("population", "lower", "upper", "coverage", "evidence", "modifiers"):
            assert safe[column] == raw[column]
            float(safe[column])
    assert {row["country"] for row in kept_rows} == {"@SUM(A1)", "-2+3", "\r=3"}


def test_table_and_errors_show_control_characters_escaped() -> None:
    result = run("score", str(HOSTILE), "--no-progress")
    assert result.returncode == 1  # invalid-control-rating.toml fails on purpose
    for stream in (result.stdout, result.stderr):
        assert not any(char in stream for char in RAW_CONTROLS), ascii(stream)
    assert "\\x1b[31mred\\x1b[0m" in result.stdout
    assert "evil\\u202egnp.exe" in result.stdout
    assert "ding\\x07\\x08\\x7f" in result.stdout
    assert "city.bad\\x1b[2Jkey\\u202e: unknown key" in result.stderr
    assert "scored 8 profile(s); 1 failed" in result.stderr


PAYLOAD_STARTS = ("#", "\\#", "-", "+", "*", "|", "1.", "1)", ">", "=", "<", "---")


@pytest.mark.parametrize("command", ["report", "plan"])
def test_markdown_reports_keep_free_text_inert(command: str) -> None:
    first_lines = {}
    for name in ("markdown-blocks.toml", "markdown-inline.toml"):
        result = run(command, str(HOSTILE / name))
        assert result.returncode == 0, result.stderr
        text = result.stdout
        first_lines[name] = text.splitlines()[0]
        for raw in ("<script", "<img", "<iframe", "<b>", "[click](", "**bold**", "`code`"):
            assert raw not in text, (name, raw)
        for line in text.splitlines():
            # The payloads never start a line: every heading, list item or table row is ours.
            for payload in ("heading", "list", "a | b", "item", "two", "three", "setext"):
                if payload in line:
                    assert not line.startswith(("# heading", "- list", "| a", "1) ", "# two")), line
                    assert not line.startswith(("- three", "=== ", "1. item")), line
        if command == "plan":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "1\\) item" in text
    assert "\\# heading" in first_lines["markdown-blocks.toml"]


def test_the_eurocities_context_section_quotes_context_values_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plugin's "Contextual factors" section quotes the profile's context values: inert."""
    from integration_index._cli.main import main

    text = (ROOT / HOSTILE / "markdown-blocks.toml").read_text(encoding="utf-8")
    payload = "<script>alert(1)</script> # not a heading [link](javascript:x) | cell |"
    text = text.replace('national-legislation = "| a | b |"', f'national-legislation = "{payload}"')
    profile = tmp_path / "context.toml"
    profile.write_text(text, encoding="utf-8")
    assert main(["report", str(profile)]) == 0
    report = capsys.readouterr().out
    section = report.split("### Contextual factors", 1)[1]
    assert "<script" not in section and "[link](javascript" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\# not a heading \\[link\\]" in section
