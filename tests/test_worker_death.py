"""A worker process that dies while scoring one input costs that input alone.

With ``jobs=2`` a worker can die mid-batch (``os._exit`` in a plugin, a SIGKILL): the input it
was scoring gets an error, every other input is scored, in order, and the command line exits 1
as for any other failed input. The deaths are caused in the worker processes only (the workers
are forked, so they see this module's patches); the test process itself is never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import integration_index as ii
from integration_index import _batch
from integration_index._cli.outputs import render_csv
from integration_index._model.profile import CityProfile

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EUROCITIES = ROOT / "examples" / "profiles" / "eurocities"
MAIN_PID = os.getpid()

pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="the workers must be forked to see the test's patches",
)


def _batch_dir(tmp_path: Path, copies: int = 6) -> list[Path]:
    """*copies* copies of each EUROCITIES example, sorted as the batch reads them."""
    for source in sorted(EUROCITIES.glob("*.toml")):
        for index in range(copies):
            shutil.copy(source, tmp_path / f"{index:02d}-{source.name}")
    return sorted(tmp_path.glob("*.toml"))


def _die_in_worker(how: str) -> None:
    if os.getpid() == MAIN_PID:  # never in the test process
        return
    if how == "exit":
        os._exit(3)
    os.kill(os.getpid(), signal.SIGKILL)


_VICTIM: dict[str, str] = {}


def render_or_die(result: ii.ScoreResult) -> str:
    """render_csv, except that the worker dies on the victim's file."""
    if result.source.endswith(_VICTIM["name"]):
        _die_in_worker(_VICTIM["how"])
    return render_csv(result)


@pytest.mark.parametrize(("how", "chunk_size"), [("exit", 4), ("sigkill", 4), ("exit", 128)])
def test_score_many_survives_a_worker_that_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, chunk_size: int
) -> None:
    paths = _batch_dir(tmp_path)
    victim = paths[7]
    monkeypatch.setitem(_VICTIM, "name", victim.name)
    monkeypatch.setitem(_VICTIM, "how", how)
    results = list(
        ii.score_many(
            paths, jobs=2, render=render_or_die, start_method="fork", chunk_size=chunk_size
        )
    )
    assert [r.source for r in results] == [str(p) for p in paths]  # all, in input order
    failed = [r for r in results if not r.ok]
    assert [r.source for r in failed] == [str(victim)]
    assert failed[0].error is not None
    assert "worker process scoring this input died" in str(failed[0].error)
    # Everything else was scored, and as one process scores it.
    alone = {r.source: r.output for r in ii.score_many(paths, render=render_csv)}
    for result in results:
        if result.ok:
            assert result.output == alone[result.source]


def test_two_deaths_in_one_batch_cost_two_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _batch_dir(tmp_path)
    monkeypatch.setitem(_VICTIM, "name", "-porto-verde-2024.toml")  # one per copy: 6 victims
    monkeypatch.setitem(_VICTIM, "how", "exit")
    results = list(
        ii.score_many(paths, jobs=2, render=render_or_die, start_method="fork", chunk_size=3)
    )
    assert [r.source for r in results] == [str(p) for p in paths]
    failed = sorted(r.source for r in results if not r.ok)
    assert failed == sorted(str(p) for p in paths if p.name.endswith("-porto-verde-2024.toml"))
    assert len(failed) == 6


def test_the_command_line_reports_the_dead_workers_input_and_scores_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    paths = _batch_dir(tmp_path, copies=4)
    real_score = _batch.score_profile  # type: ignore[attr-defined]

    def score_or_die(profile: CityProfile, *args: object, **kwargs: object) -> object:
        if profile.city.id == "porto-verde":
            _die_in_worker("sigkill")
        return real_score(profile, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_batch, "score_profile", score_or_die)
    output = tmp_path / "out.csv"
    result = cli("score", tmp_path, "--format", "csv", "--jobs", "2", "-o", output)
    assert result.returncode == 1, result.stderr
    porto = [p for p in paths if p.name.endswith("porto-verde-2024.toml")]
    for path in porto:
        assert f"{path}: the worker process scoring this input died" in result.stderr
    assert f"scored {len(paths) - len(porto)} profile(s); {len(porto)} failed" in result.stderr
    rows = output.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + len(paths) - len(porto)  # the header, one row per scored profile
