"""Shared fixtures and Hypothesis settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from browser import Browser, launch
from hypothesis import HealthCheck, settings

from integration_index import Registry
from integration_index._cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def examples() -> Path:
    """The shipped example profiles."""
    return EXAMPLES


@attrs.frozen(kw_only=True)
class CliResult:
    """What one run of the command line gave: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Cli:
    """Runs the command line in this process (``main(argv)``), as the console script would.

    Standard output and error are captured with ``capsys``; an ``argparse`` exit (``--help``,
    ``--version``, a usage error) gives its exit code like any other run.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(
        self, *args: str | os.PathLike[str], registry: Registry | None = None
    ) -> CliResult:
        self._capsys.readouterr()  # drop anything printed before this run
        try:
            code = main([os.fspath(arg) for arg in args], registry=registry)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        out, err = self._capsys.readouterr()
        return CliResult(returncode=code, stdout=out, stderr=err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The command line run in process, from the repository root, as in CI (no progress line,
    no plugin blocked by the environment)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("INTEGRATION_INDEX_BLOCK_PLUGINS", raising=False)
    return Cli(capsys)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium (Debian's, offline) for the whole session: see tests/browser.py.
    Skips outside CI when Playwright or Chromium is missing; fails in CI."""
    with launch() as running:
        yield running
