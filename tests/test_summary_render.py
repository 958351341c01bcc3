"""A renderer marked with summary_renderer gets summary cards (no nodes, no context) from a
batch, and the text it renders is the same as from full cards: the summary renderers of the
command line (CSV, table, Markdown) rendered by hand from full cards, through partials too,
in one process and in two."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import integration_index as ii
from integration_index._batch import Renderer, ScoreResult, _summary_only, summary_renderer
from integration_index._cli.outputs import render_csv, render_summary, render_tidy

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "examples" / "profiles", Path(__file__).resolve().parent / "data" / "bad"]


def _unmarked_csv(result: ScoreResult) -> str:
    return render_csv(result, "excel-fr")


def _unmarked_summary(result: ScoreResult) -> str:
    return render_summary(result)


@summary_renderer
def _node_counts(result: ScoreResult) -> str:
    return ",".join(f"{len(card.nodes)}/{len(card.context)}" for card in result.cards)


def _full_node_counts(result: ScoreResult) -> str:
    return ",".join(f"{len(card.nodes)}/{len(card.context)}" for card in result.cards)


def test_the_marks_are_found_through_partials_and_only_there() -> None:
    assert _summary_only(render_csv) and _summary_only(render_summary)
    assert _summary_only(functools.partial(functools.partial(render_csv, dialect="excel")))
    assert not _summary_only(render_tidy) and not _summary_only(_unmarked_csv)
    assert not _summary_only(None)


@pytest.mark.parametrize("jobs", [1, 2])
def test_summary_renderers_render_what_they_render_from_full_cards(jobs: int) -> None:
    pairs: list[tuple[Renderer, Renderer]] = [
        (functools.partial(render_csv, dialect="excel-fr"), _unmarked_csv),
        (render_summary, _unmarked_summary),
    ]
    for marked, unmarked in pairs:
        fast = [r.output for r in ii.score_many(INPUTS, render=marked, jobs=jobs)]
        full = [r.output for r in ii.score_many(INPUTS, render=unmarked, jobs=jobs)]
        assert fast == full
        assert any(fast) and "" in fast  # scored profiles, and bad inputs rendered as nothing


def test_a_marked_renderer_sees_summary_cards_an_unmarked_one_full_cards() -> None:
    summary = [r.output or "" for r in ii.score_many(INPUTS[:1], render=_node_counts) if r.ok]
    full = [r.output or "" for r in ii.score_many(INPUTS[:1], render=_full_node_counts) if r.ok]
    assert summary and all(set(o.split(",")) == {"0/0"} for o in summary)
    assert all(int(count.split("/")[0]) > 10 for o in full for count in o.split(","))
