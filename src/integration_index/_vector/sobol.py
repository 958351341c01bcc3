"""Variance-based sensitivity indices from a Saltelli design, accumulated in a stream.

For d group factors and N base rows: two independent samples A and B, and for each group i the
matrix A_B^i (A with group i's columns taken from B): N(d + 2) runs. With Y_A, Y_B, Y_ABi the
outputs, m the mean of all N(d + 2) outputs and V the variance of the 2N outputs of A and B:

* first order, Saltelli et al. (2010): S_i = mean((Y_B - m) * (Y_ABi - Y_A)) / V
* total, Jansen (1999): ST_i = mean((Y_A - Y_ABi)^2) / (2 V)

as SALib's ``sobol.analyze`` computes them (it standardises Y first, which leaves the ratios as
they are). A constant output (V <= 1e-24) gives 0. Only sums are kept between chunks: memory
does not grow with N, and the indices at any prefix of the rows (the convergence table) come
from the sums at that point.
"""

from __future__ import annotations

import numpy as np

from integration_index._vector.compiled import Floats

__all__ = ["SobolSums", "indices"]

_CONSTANT = 1e-24


class SobolSums:
    """Running sums over the rows of a design, for outputs of width *width*."""

    def __init__(self, groups: int, width: int) -> None:
        self.groups = groups
        self.rows = 0
        self.sum_all = np.zeros(width)
        self.sum_a = np.zeros(width)
        self.sum_b = np.zeros(width)
        self.square_a = np.zeros(width)
        self.square_b = np.zeros(width)
        self.b_times_diff = np.zeros((groups, width))
        self.diff = np.zeros((groups, width))
        self.diff_squared = np.zeros((groups, width))

    def add(self, y_a: Floats, y_b: Floats, y_ab: Floats) -> None:
        """Rows of outputs: *y_a*, *y_b* ``[rows, width]``; *y_ab* ``[group, rows, width]``."""
        self.rows += y_a.shape[0]
        self.sum_all += y_a.sum(axis=0) + y_b.sum(axis=0) + y_ab.sum(axis=(0, 1))
        self.sum_a += y_a.sum(axis=0)
        self.sum_b += y_b.sum(axis=0)
        self.square_a += (y_a * y_a).sum(axis=0)
        self.square_b += (y_b * y_b).sum(axis=0)
        diff = y_ab - y_a[None]
        self.b_times_diff += (y_b[None] * diff).sum(axis=1)
        self.diff += diff.sum(axis=1)
        self.diff_squared += (diff * diff).sum(axis=1)

    def indices(self) -> tuple[Floats, Floats]:
        """First-order and total indices ``[group, width]`` from the rows so far."""
        n = self.rows
        mean_all = self.sum_all / (n * (self.groups + 2))
        mean_ab = (self.sum_a + self.sum_b) / (2 * n)
        variance = (self.square_a + self.square_b) / (2 * n) - mean_ab * mean_ab
        constant = variance <= _CONSTANT
        safe = np.where(constant, 1.0, variance)
        first = (self.b_times_diff - mean_all * self.diff) / n / safe
        total = self.diff_squared / (2 * n) / safe
        return np.where(constant, 0.0, first), np.where(constant, 0.0, total)


def indices(y_a: Floats, y_b: Floats, y_ab: Floats) -> tuple[Floats, Floats]:
    """First-order and total indices of a whole design at once (see the module docstring):
    *y_a*, *y_b* ``[rows, width]``, *y_ab* ``[group, rows, width]``."""
    sums = SobolSums(y_ab.shape[0], y_a.shape[1])
    sums.add(y_a, y_b, y_ab)
    return sums.indices()
