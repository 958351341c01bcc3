"""Nothing stops a batch: each bad input is its own error line, and the good ones are scored.

The cases live in ``tests/data/bad/batch/`` (``good-*.toml`` are the two good profiles they are
mixed with; ``frameworks/`` holds frameworks that must be refused when loaded). A FIFO and an
oversized file are made by the tests rather than committed.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import integration_index as ii
from integration_index._analysis.compare import rank
from integration_index._io.documents import (
    framework_from_text,
    load_profile_file,
    profile_from_text,
)
from integration_index._io.toml import locate, parse, read_text
from integration_index.exceptions import FrameworkError, ProfileError

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "bad" / "batch"
TINY = ROOT / "tests" / "data" / "frameworks" / "tiny.toml"
GOOD = {
    "good-alpha.toml": "Alphaville",
    "good-beta.toml": "Betaburg",
    "byte-order-mark.toml": "Bomtown",
}
BAD = {
    "deep-nesting.toml": "nesting too deep",
    "impossible-date.toml": "2024-02-30 is not a valid date",
    "bad-effort.toml": "evidence[1].effort: expected one of: 'low', 'medium', 'high'",
    "empty-frameworks.toml": "assessment.frameworks: at least one framework id is needed",
    "long-value.toml": "(100,007 characters)",
    "triple-quotes-in-literal.toml": ":19: evidence[1].rating: rating 'lots'",
}
LIMIT = 200_000  # bytes, for the oversized file: the 100 KB value still fits


def _script() -> str:
    found = shutil.which("integration-index", path=str(Path(sys.executable).parent))
    found = found or shutil.which("integration-index")
    assert found, "the integration-index console script is not installed"
    return found


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """The cases, a FIFO and an oversized file, side by side in one directory."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for case in CASES.glob("*.toml"):
        shutil.copyfile(case, folder / case.name)
    (folder / "oversized.toml").write_text("# filler\n" * (LIMIT // 9 + 10), encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.toml")
    return folder


def _bad_expected() -> dict[str, str]:
    expected = {**BAD, "oversized.toml": f"larger than the limit of {LIMIT:,} bytes"}
    if hasattr(os, "mkfifo"):
        expected["fifo.toml"] = "not a regular file (a FIFO)"
    return expected


@pytest.mark.parametrize("command", ["score", "compare"])
def test_the_console_script_reports_each_bad_file_and_scores_the_good(
    batch_dir: Path, command: str
) -> None:
    env = {**os.environ, "CI": "true", "INTEGRATION_INDEX_MAX_INPUT_BYTES": str(LIMIT)}
    # A directory's walk lists regular files only: non-regular files are given by name.
    named = [str(batch_dir / "fifo.toml")] if hasattr(os, "mkfifo") else []
    result = subprocess.run(
        [
            _script(),
            command,
            str(batch_dir),
            *named,
            "--framework-file",
            str(TINY),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    for name, message in _bad_expected().items():
        block = [line for line in lines if line.startswith(str(batch_dir / name))]
        assert len(block) == 1, (name, result.stderr)
        assert message in block[0], block[0]
        assert len(block[0]) < 500  # the 100 KB value is not echoed
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(row["city_name"] for row in rows) == sorted(GOOD.values())
    for good in GOOD:
        assert str(batch_dir / good) not in result.stderr


# -- reading -------------------------------------------------------------------------------------


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    with pytest.raises(ProfileError, match="nesting too deep"):
        parse("a = " + "[" * 5000 + "]" * 5000, "deep.toml", ProfileError)


def test_the_nesting_error_states_the_documents_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    from integration_index._io import toml
    from integration_index._io.nesting import MAX_DEPTH

    # tomli's own limit depends on its version (about 410 levels at 2.5, a few thousand at
    # 2.2): no parser is given more than MAX_DEPTH, and the message states the document's depth
    # and its line.
    monkeypatch.setattr(toml, "_fast_loads", None)
    depth = 20_000
    text = '# a comment with [ and {\ntitle = \'a [string\'\nnote = """\n[[[\n"""\n'
    text += "a = " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(ProfileError) as caught:
        parse(text, "deep.toml", ProfileError)
    assert f"arrays or inline tables {depth} levels inside one another" in str(caught.value)
    assert f"at most {MAX_DEPTH} are read" in str(caught.value)
    assert caught.value.line == 6
    # At MAX_DEPTH exactly, it reads (tomli 2.5 gives up at about 410, 2.2 at a few thousand).
    assert parse("a = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, "deep.toml", ProfileError)
    with pytest.raises(ProfileError, match=f"{MAX_DEPTH + 1} levels"):
        parse("a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "deep.toml", ProfileError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1", (0, 1)),
        ("a = [[1], {b = [2]}]", (3, 1)),
        ('[t]\na = \'[[[[\'\nb = "[\\"["\nc = [ # [[[\n 1]\n', (1, 1)),
        ('s = """\n[[\n"""\nx = [[\n[]]]', (3, 5)),
        ("s = '''[\\'''\nx = [[]]", (2, 2)),
    ],
)
def test_deepest_nesting_skips_strings_and_comments(text: str, expected: tuple[int, int]) -> None:
    from integration_index._io.nesting import deepest_nesting

    assert deepest_nesting(text) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError, match=r"not a regular file \(a FIFO\)"):
        read_text(fifo, ProfileError)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"not a regular file \(a device\)"):
        read_text("/dev/zero", ProfileError)


def test_a_path_with_a_nul_character_is_an_input_error_not_an_internal_one() -> None:
    with pytest.raises(ProfileError, match="the path holds a NUL character"):
        read_text("a\x00b.toml", ProfileError)
    profile = (
        Path(__file__).resolve().parent.parent / "examples/profiles/eurocities/lindenburg-2024.toml"
    )
    first, *others = ii.score_many(["a\x00b.toml", profile])
    assert first.error is not None and "internal error" not in str(first.error)
    assert [result.ok for result in others] == [True]


def test_the_size_limit_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.toml"
    path.write_text("a = 1\n" * 100, encoding="utf-8")
    assert read_text(path, ProfileError).startswith("a = 1")
    monkeypatch.setenv("INTEGRATION_INDEX_MAX_INPUT_BYTES", "100")
    with pytest.raises(ProfileError, match="larger than the limit of 100 bytes") as caught:
        read_text(path, ProfileError)
    assert caught.value.path == str(path)
    monkeypatch.setenv("INTEGRATION_INDEX_MAX_INPUT_BYTES", "lots")
    with pytest.raises(ProfileError, match="must be a positive whole number of bytes"):
        read_text(path, ProfileError)


def test_an_empty_path_is_named_as_such() -> None:
    with pytest.raises(ProfileError, match="empty path"):
        read_text("", ProfileError)
    results = list(ii.score_many([""], [ii.load_framework(TINY)]))
    assert len(results) == 1
    assert results[0].error is not None
    assert "empty path" in results[0].error.format()


def test_a_byte_order_mark_is_accepted() -> None:
    text = read_text(CASES / "byte-order-mark.toml", ProfileError)
    assert not text.startswith("\ufeff")
    assert profile_from_text("\ufeff" + text).city.name == "Bomtown"


def test_the_line_after_a_literal_string_holding_triple_quotes() -> None:
    text = '[city]\nname = \'He said """\'\nnote = "a \\"\\"\\" b"\npopulation = 1\n'
    assert locate(text, "city.population") == 4
    literal = "[city]\nname = '''one \"\"\"\ntwo'''\npopulation = 1\n"
    assert locate(literal, "city.population") == 4


# -- messages ------------------------------------------------------------------------------------


def _message(name: str) -> str:
    with pytest.raises(ProfileError) as caught:
        ii.load_profile(CASES / name)
    return caught.value.format()


def test_impossible_date() -> None:
    assert "impossible-date.toml:10: invalid TOML: 2024-02-30 is not a valid date" in _message(
        "impossible-date.toml"
    )


def test_bad_effort() -> None:
    assert _message("bad-effort.toml").endswith(
        "evidence[1].effort: expected one of: 'low', 'medium', 'high'"
    )


def test_empty_frameworks() -> None:
    assert _message("empty-frameworks.toml").endswith(
        ":9: assessment.frameworks: at least one framework id is needed"
    )


def test_a_long_value_is_shortened() -> None:
    message = _message("long-value.toml")
    assert len(message) < 400
    assert message.endswith("… (100,007 characters)")


# -- the batch goes on ---------------------------------------------------------------------------


def test_score_many_goes_on_after_an_unexpected_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = load_profile_file

    def flaky(path: str) -> object:
        if "alpha" in str(path):
            raise RecursionError("maximum recursion depth exceeded")
        if "beta" in str(path):
            raise TypeError("a plugin's bug")
        return real(path)

    monkeypatch.setattr("integration_index._batch.load_profile_file", flaky)
    inputs = [
        CASES / "good-alpha.toml",
        CASES / "deep-nesting.toml",
        CASES / "good-beta.toml",
        CASES / "byte-order-mark.toml",
    ]
    results = list(ii.score_many(inputs, [ii.load_framework(TINY)]))
    assert [r.ok for r in results] == [False, False, False, True]
    errors = [r.error.format() for r in results if r.error is not None]
    assert "nested too deeply" in errors[0]
    assert errors[0].startswith(str(CASES / "good-alpha.toml"))
    assert "nesting too deep" in errors[1]
    assert "internal error while scoring: TypeError: a plugin's bug" in errors[2]


# -- extreme numbers -----------------------------------------------------------------------------


def _tiny(weight: str = "", modifier: str = "", goalposts: str = "") -> str:
    text = TINY.read_text(encoding="utf-8")
    if weight:
        text = text.replace(
            'id = "a"\ntitle = "A"\n', f'id = "a"\ntitle = "A"\nweight = {weight}\n'
        )
        text = text.replace(
            'id = "b"\ntitle = "B"\n', f'id = "b"\ntitle = "B"\nweight = {weight}\n'
        )
    if goalposts:
        text = text.replace(
            'id = "b2"\ntitle = "B2"\n', f'id = "b2"\ntitle = "B2"\ngoalposts = {goalposts}\n'
        )
    return text + modifier


def test_weights_that_overflow_are_refused_at_load() -> None:
    with pytest.raises(FrameworkError, match="add up beyond the largest float") as caught:
        framework_from_text(_tiny(weight="1e308"))
    assert caught.value.key_path == "criteria"
    with pytest.raises(FrameworkError, match="add up beyond the largest float"):
        ii.load_framework(CASES / "frameworks" / "huge-weights.toml")


def test_large_weights_that_fit_score_finite() -> None:
    framework = framework_from_text(_tiny(weight="1e300"))
    profile = ii.load_profile(CASES / "good-alpha.toml")
    card = ii.score(profile, framework)
    assert card.score is not None
    assert math.isfinite(card.score)
    assert card.score == pytest.approx(75.0)


def test_a_modifier_factor_of_infinity_is_refused() -> None:
    with pytest.raises(FrameworkError, match="expected a finite number, got inf") as caught:
        ii.load_framework(CASES / "frameworks" / "infinite-factor.toml")
    assert caught.value.key_path == "modifiers[0].factor"
    boost = (
        '\n[[modifiers]]\nid = "boost"\neffect = "scale_weight"\ncriteria = ["a"]\n'
        'reason = "more"\nfactor = 1e300\n'
    )
    with pytest.raises(FrameworkError, match="could exceed the largest float"):
        framework_from_text(_tiny(weight="1e300", modifier=boost))


def test_goalposts_must_be_finite() -> None:
    with pytest.raises(FrameworkError, match="expected a finite number, got -inf"):
        framework_from_text(_tiny(goalposts="{ min = -inf, max = 1.0 }"))
    with pytest.raises(FrameworkError, match="goalposts span beyond the largest float"):
        framework_from_text(_tiny(goalposts="{ min = -1e308, max = 1e308 }"))
    assert framework_from_text(_tiny(goalposts="{ min = -1e300, max = 1e300 }"))


def test_a_measured_value_must_be_finite() -> None:
    text = (CASES / "good-alpha.toml").read_text(encoding="utf-8")
    with pytest.raises(ProfileError, match="expected a finite number, got nan"):
        profile_from_text(text.replace('rating = "yes"', "rating = nan"))


# -- compare -------------------------------------------------------------------------------------


def test_two_different_assessments_of_one_city_on_one_date_are_ambiguous() -> None:
    framework = ii.load_framework(TINY)
    first = ii.load_profile(CASES / "good-alpha.toml")
    text = (CASES / "good-alpha.toml").read_text(encoding="utf-8")
    second = profile_from_text(text.replace('rating = "yes"', 'rating = "no"'))
    entries = [(p, ii.score(p, framework)) for p in (first, second)]
    sources = ["first.toml", "second.toml"]
    with pytest.raises(ValueError, match="ambiguous: two different assessments of city 'alpha'"):
        rank(entries, [100_000], sources=sources, refuse_ambiguous=True)
    with pytest.raises(ValueError, match=r"\(second.toml and first.toml\)"):
        rank(entries[::-1], [100_000], sources=sources[::-1], refuse_ambiguous=True)
    same = rank([entries[0], entries[0]], [100_000], refuse_ambiguous=True)
    assert len(same.rows) == 1  # the same one twice counts once


def test_compare_refuses_two_different_assessments_of_one_city_on_one_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from integration_index._cli.main import main

    alpha = (CASES / "good-alpha.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(alpha, encoding="utf-8")
    # The same city and date, another rating: which one counts cannot depend on argument order.
    (tmp_path / "b.toml").write_text(alpha.replace('rating = "half"', 'rating = "no"'), "utf-8")
    for order in (["a.toml", "b.toml"], ["b.toml", "a.toml"]):
        paths = [str(tmp_path / name) for name in order]
        code = main(["compare", *paths, "--framework-file", str(TINY)])
        err = capsys.readouterr().err
        assert code == 1
        assert "ambiguous" in err and "alpha" in err and "2025-01-15" in err
    # The same assessment given twice is not ambiguous: it counts once.
    (tmp_path / "c.toml").write_text(alpha, encoding="utf-8")
    code = main(
        [
            "compare",
            str(tmp_path / "a.toml"),
            str(tmp_path / "c.toml"),
            "--framework-file",
            str(TINY),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.count("Alphaville") >= 1
