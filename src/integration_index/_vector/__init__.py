"""The vectorised scoring path and the uncertainty and sensitivity analysis of ranks.

numpy is the optional ``analysis`` extra: the modules of this package import it at their top, so
import them only after :func:`require_numpy` (the public functions in ``_api`` do), and import
this package's ``__init__`` freely: it needs nothing optional.
"""

from __future__ import annotations

import importlib.util

__all__ = ["ANALYSIS_HINT", "AnalysisUnavailable", "require_numpy"]

#: What to install for the vectorised path and the uncertainty analysis.
ANALYSIS_HINT = (
    "the uncertainty analysis needs numpy: pip install 'integration-index[analysis]' "
    "(or pip install numpy)"
)


class AnalysisUnavailable(ImportError):
    """numpy (the ``analysis`` extra) is not installed; the message says what to install."""


def require_numpy() -> None:
    """Raise :class:`AnalysisUnavailable` naming the extra when numpy is missing."""
    if importlib.util.find_spec("numpy") is None:
        raise AnalysisUnavailable(ANALYSIS_HINT)
