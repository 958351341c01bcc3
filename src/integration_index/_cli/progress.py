"""A progress line on a terminal for long batches: count, rate and time left."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

__all__ = ["Progress", "wanted"]


def wanted(stream: TextIO, requested: bool | None) -> bool:
    """Show progress only on a terminal, never in CI or a pipe (unless asked explicitly)."""
    if requested is not None:
        return requested
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """Redraws one line on *stream* at most ten times a second."""

    def __init__(self, total: int | None, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr  # the current one, not import's
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self._drawn = 0.0

    def advance(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if now - self._drawn >= 0.1:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        parts = [f"{self.done}" + (f"/{self.total}" if self.total else "") + " profiles"]
        if self.total:
            parts.insert(0, f"{100 * self.done / self.total:3.0f}%")
        parts.append(f"{rate:,.0f}/s")
        if self.total and rate > 0:
            left = (self.total - self.done) / rate
            parts.append(f"{int(left // 60)}:{int(left % 60):02d} left")
        if self.failed:
            parts.append(f"{self.failed} failed")
        self.stream.write("\r\033[K" + "  ".join(parts))
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()
