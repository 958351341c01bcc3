"""Shares of the overall score carried by each node, from a card's normalised weights."""

from __future__ import annotations

from integration_index._model.scorecard import ScoreCard

__all__ = ["overall_shares"]


def overall_shares(card: ScoreCard) -> dict[str, float]:
    """Each applicable node's share of the overall score: the product of its normalised weights
    and its ancestors' (adjusted pass). Nodes left out by a modifier get no entry.
    """
    shares: dict[str, float] = {}
    for node in card.nodes:  # depth first: a parent comes before its children
        if not node.adjusted.applicable:
            continue
        parent_share = (
            1.0 if node.parent in (None, "overall") else shares.get(node.parent or "", 0.0)
        )
        shares[node.id] = parent_share * node.adjusted.weight
    return shares
