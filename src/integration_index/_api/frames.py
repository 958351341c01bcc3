"""Results as pandas DataFrames, long (tidy) or wide: the ``notebook`` extra.

pandas is imported when a frame is asked for; without it, an ImportError says what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from integration_index._analysis.compare import Ranking, RankingRow
from integration_index._model.scorecard import NODE_ROW_COLUMNS, NodeResult, ScoreCard, node_row
from integration_index._vector.results import RankUncertainty, ScoreArrays

__all__ = ["CARD_COLUMNS", "NOTEBOOK_HINT", "frame", "pandas"]

#: What to install for data frames.
NOTEBOOK_HINT = (
    "data frames need pandas: pip install 'integration-index[notebook]' (or pip install pandas)"
)

#: The long form of score cards: one row per city and node.
CARD_COLUMNS = ("city_id", "city_name", *NODE_ROW_COLUMNS[1:])
_CITY_STATS = (
    "city_id",
    "city_name",
    "assessment_date",
    "score",
    "rank",
    "median_rank",
    "rank_low",
    "rank_high",
    "mean_rank",
    "top_k",
    "mean_score",
    "sd_score",
)


def pandas() -> Any:
    """The pandas module, or an ImportError naming the extra."""
    try:
        import pandas
    except ImportError:
        raise ImportError(NOTEBOOK_HINT) from None
    return pandas


def frame(result: Any, *, form: str = "long", value: str = "score") -> Any:
    """See :func:`integration_index.to_frame`."""
    if form not in ("long", "wide"):
        raise ValueError(f"form must be 'long' or 'wide', got {form!r}")
    pd = pandas()
    if isinstance(result, ScoreCard):
        result = [result]
    if isinstance(result, Ranking):
        rows = [attrs.astuple(row) for row in result.rows]
        names = [field.name for field in attrs.fields(RankingRow)]
        return pd.DataFrame(rows, columns=names)
    if isinstance(result, RankUncertainty):
        return _uncertainty(pd, result, form)
    if isinstance(result, ScoreArrays):
        return _arrays(pd, result, form, value)
    if isinstance(result, Sequence) and all(isinstance(card, ScoreCard) for card in result):
        return _cards(pd, result, form, value)
    raise TypeError(
        "to_frame takes score cards, a Ranking, a RankUncertainty or ScoreArrays, "
        f"not {type(result).__name__}"
    )


def _card_row(card: ScoreCard, node: NodeResult) -> tuple[Any, ...]:
    city_id, *rest = node_row(card, node)
    return (city_id, card.city_name, *rest)


def _cards(pd: Any, cards: Sequence[ScoreCard], form: str, value: str) -> Any:
    rows = [_card_row(card, node) for card in cards for node in (card.overall, *card.nodes)]
    long = pd.DataFrame(rows, columns=list(CARD_COLUMNS))
    for column in ("score", "raw_score", "lower", "upper", "value", "spread", "target", "measured"):
        long[column] = long[column].astype("float64")
    if form == "long":
        return long
    if value not in CARD_COLUMNS[8:]:
        raise ValueError(f"value must be one of {', '.join(CARD_COLUMNS[8:])}, got {value!r}")
    keys = ["city_id", "framework", "assessment_date"]
    wide = long.pivot(index=keys, columns="node", values=value)
    rows = long[keys].drop_duplicates()  # in the order of the cards
    nodes = list(dict.fromkeys(long["node"]))  # depth first, as on the cards
    wide = wide.reindex(index=pd.MultiIndex.from_frame(rows), columns=nodes)
    wide.columns.name = None
    return wide.reset_index()


def _uncertainty(pd: Any, result: RankUncertainty, form: str) -> Any:
    if form == "wide":
        rows = []
        for city in result.cities:
            row = [getattr(city, name) for name in _CITY_STATS]
            for source in result.sources:
                row += [city.rank_first_order[source], city.rank_total[source]]
                row += [city.score_first_order[source], city.score_total[source]]
            rows.append(row)
        names = [
            f"{what}_{source}"
            for source in result.sources
            for what in ("rank_s1", "rank_st", "score_s1", "score_st")
        ]
        return pd.DataFrame(rows, columns=[*_CITY_STATS, *names])
    long = [
        (city.city_id, source, output, first[source], total[source])
        for city in result.cities
        for source in result.sources
        for output, first, total in (
            ("rank", city.rank_first_order, city.rank_total),
            ("score", city.score_first_order, city.score_total),
        )
    ]
    return pd.DataFrame(long, columns=["city_id", "source", "output", "first_order", "total"])


def _arrays(pd: Any, arrays: ScoreArrays, form: str, value: str) -> Any:
    names = ("score", "estimate", "lower", "upper", "coverage", "weight", "applicable")
    if form == "wide":
        if value not in names:
            raise ValueError(f"value must be one of {', '.join(names)}, got {value!r}")
        table = getattr(arrays.adjusted, value)
        return pd.DataFrame(table, index=list(arrays.city_ids), columns=list(arrays.node_ids))
    frames = []
    cities, nodes = len(arrays.city_ids), len(arrays.node_ids)
    for label, arrays_pass in (("raw", arrays.raw), ("adjusted", arrays.adjusted)):
        data: dict[str, Any] = {
            "city_id": [c for c in arrays.city_ids for _ in range(nodes)],
            "node": list(arrays.node_ids) * cities,
            "pass": [label] * (cities * nodes),
        }
        for name in names:
            data[name] = getattr(arrays_pass, name).reshape(-1)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)
