"""The horizons (quick win or long-haul work) of the EUROCITIES guiding questions.

Each of the 61 guiding questions declares the usual horizon of the action it calls for, with a
one-line reason in English and French and a basis: "source" where the toolkit's own text supports
the horizon (its French wording is then quoted between « » in the French reason), "encoding" where
it is the judgement of this encoding.

The quotes of "source" reasons are checked against the toolkit's French text (the seed file, which
lives outside the repository: ``INTEGRATION_INDEX_SEEDS``, default ``/work/shared/seeds``); that
check is skipped when the file is missing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import integration_index as ii
from integration_index.model import Criterion, Framework

SEEDS = Path(os.environ.get("INTEGRATION_INDEX_SEEDS", "/work/shared/seeds"))
TOOLKIT = SEEDS / "004_f30c555305270803.txt"

# Named in the issue as long-haul work that plans had called quick wins by arithmetic alone.
LONG_HAUL = ("04.4", "07.1", "12.2")

_QUOTE = re.compile(r"«\s*(.+?)\s*»")


def _canon(text: str) -> str:
    """NFC, line-end hyphenation joined, whitespace runs as one space, case folded."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"(?<=[^\W\d_])-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def eurocities() -> Framework:
    return ii.get_framework("eurocities")


@pytest.fixture(scope="module")
def questions(eurocities: Framework) -> list[Criterion]:
    return [node for node in eurocities.leaves if node.kind == "guiding-question"]


def test_every_guiding_question_has_a_horizon_with_reasons(questions: list[Criterion]) -> None:
    assert len(questions) == 61
    missing = [q.id for q in questions if q.horizon is None]
    assert not missing
    for question in questions:
        assert question.horizon is not None
        reason = question.horizon.reason
        assert reason.en.strip(), question.id
        assert (reason.fr or "").strip(), question.id
        assert "\n" not in reason.en and "\n" not in (reason.fr or ""), question.id


def test_only_guiding_questions_carry_horizons(eurocities: Framework) -> None:
    carriers = [node.id for c in eurocities.criteria for node in c.walk() if node.horizon]
    assert all(node.is_leaf for c in eurocities.criteria for node in c.walk() if node.horizon)
    assert len(carriers) == 61


@pytest.mark.parametrize("question_id", LONG_HAUL)
def test_named_long_haul_questions(eurocities: Framework, question_id: str) -> None:
    horizon = eurocities.node(question_id).horizon
    assert horizon is not None
    assert horizon.kind == "long-haul"


def test_both_kinds_and_both_bases_occur(questions: list[Criterion]) -> None:
    kinds = Counter(q.horizon.kind for q in questions if q.horizon)
    bases = Counter(q.horizon.basis for q in questions if q.horizon)
    assert set(kinds) == {"quick-win", "long-haul"}
    assert set(bases) == {"source", "encoding"}
    # A credible split: neither kind is a token few.
    assert min(kinds.values()) >= 15


def test_source_reasons_quote_the_toolkit(questions: list[Criterion]) -> None:
    sourced = [q for q in questions if q.horizon and q.horizon.basis == "source"]
    assert sourced
    for question in sourced:
        assert question.horizon is not None
        assert _QUOTE.search(question.horizon.reason.fr or ""), (
            f"{question.id}: a source-based reason quotes the toolkit in French"
        )
    if not TOOLKIT.is_file():
        pytest.skip(f"toolkit text not available (it lives outside the repository): {TOOLKIT}")
    source = _canon(TOOLKIT.read_text(encoding="utf-8"))
    absent = [
        (question.id, quote)
        for question in sourced
        if question.horizon is not None
        for quote in _QUOTE.findall(question.horizon.reason.fr or "")
        if _canon(quote) not in source
    ]
    assert not absent
