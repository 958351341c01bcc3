"""Batch scoring benchmark: parse-only vs the whole ``score`` pipeline, and peak RSS.

Run from the project root with the project installed::

    python benchmarks/bench_batch.py                   # N=2000, RSS at 10,000 and 100,000
    python benchmarks/bench_batch.py --quick           # N=500, RSS at 1,000 and 5,000
    python benchmarks/bench_batch.py --n 2000 --rss 10000,100000 --workdir /tmp/ii-bench
    python benchmarks/bench_batch.py --quick --profile # also a cProfile of the 1-job pipeline
    python benchmarks/bench_batch.py --baseline /tmp/ii-before  # and another checkout, side by side

It generates deterministic synthetic EUROCITIES profiles (45 rated guiding questions each, with
source, reference, date, assessor and note; city metadata; contextual factor values; some
competence exclusions) into ``--workdir`` and reuses them on later runs. It then prints files/s
for:

* parse only: read bytes, decode, ``tomli.loads``, toml-rs (the [fast] extra, when installed)
  and the stdlib ``tomllib``, for reference;
* for each variant of the code (this checkout with tomli, with toml-rs when installed, and the
  ``--baseline`` checkout): the real CLI, ``integration-index score DIR --format csv --output
  OUT --jobs 1`` (and ``--jobs 2``), timed from the outside as a subprocess, start-up included;
  ``score_many([DIR], render=render_csv)`` timed inside a fresh process of the variant (no CLI
  start-up); the CLI's start-up, ``--version`` and ``import integration_index``; then the
  variants side by side, with each one's ratios against the targets;
* a per-stage breakdown of the one-job pipeline (read, parse, structure, check, score, render);

and the peak RSS of the ``score`` command (one job) for each ``--rss`` size, read from
``os.wait4`` for that single child (``RUSAGE_CHILDREN`` keeps the maximum over every child
waited for, so it cannot separate two runs made by one parent).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import functools
import hashlib
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tomli

from integration_index import default_registry, get_framework, score_many, version
from integration_index._batch import ScoreResult, expand_inputs
from integration_index._cli.outputs import render_csv
from integration_index._io.convert import structure
from integration_index._io.toml import PARSER_VARIABLE, fast_parser, parse, read_text
from integration_index._model.checks import check_profile
from integration_index._model.profile import CityProfile
from integration_index._scoring.engine import Plan, score_profile
from integration_index.exceptions import ProfileError

#: Bump when the generated text changes, so that stale data sets are not reused.
GENERATOR_VERSION = 1
FRAMEWORK_ID = "eurocities"
RATINGS_PER_PROFILE = 45

TARGET_PIPELINE_VS_PARSE = 0.8
TARGET_TWO_JOBS_VS_ONE = 1.7
TARGET_RSS_RATIO = 1.2
TARGET_FAST_RATE = 3000

# -- synthetic profiles --------------------------------------------------------------------------

_PREFIXES = (
    "Lin", "Ost", "River", "Porto", "Ber", "Mar", "Val", "Kel", "Santa", "Nor",
    "Alt", "Bel", "Cas", "Dor", "Els", "Fer", "Gran", "Hav", "Ister", "Jon",
)  # fmt: skip
_SUFFIXES = (
    "denburg", "avia", "mouth", "stad", "ville", "ford", "heim", "ona", "ica", "polis",
    "berg", "wick", "sund", "ano", "ia", "gate", "dorf", "haven", "mont", "lund",
)  # fmt: skip
_COUNTRIES = (
    "Westmark", "Marenland", "Ostria", "Valdoria", "Nordhaven", "Caspia", "Bergland", "Lusora",
)  # fmt: skip
_REGIONS = ("North", "South", "East", "West", "Upper Valley", "Coast", "Lakes", "Hills")
_GIVEN = ("A.", "M.", "T.", "S.", "J.", "K.", "L.", "P.", "É.", "R.")
_FAMILY = (
    "Martin", "Keller", "Rovan", "Haddad", "Oduya", "Berg", "Novak", "Silva", "Dubois",
    "Jansen", "Moreau", "Costa", "Weber", "Nieminen", "Kowalski", "Müller",
)  # fmt: skip
_SOURCES = ("document", "interview", "focus-group", "statistics", "observation", "self-assessment")
_REFERENCES = (
    "Minutes {y}/{k}",
    "Interview {k}",
    "Focus group {k}",
    "Report {y}",
    "Statistics {y}",
    "Visit, day {k}",
    "Plan {y}, §{k}",
    "PV n° {k}/{y}",
)
_NOTES = (
    "Quick win.",
    "Needs a vote.",
    "Cut in {y}.",
    "Partial.",
    "Pilot: {k} areas.",
    "Validé.",
    "No data.",
    "NGO support.",
    "Trained {y}.",
)
_LEVEL_WEIGHTS = {"not-in-place": 1, "planned": 2, "partly": 4, "largely": 3, "fully": 2}
_TEXT_FACTORS = {
    "national-legislation": (
        "Civil-service posts restricted to nationals.",
        "Cities run welcome services under a national framework.",
        "Procurement law allows optional social clauses.",
    ),
    "data-availability": (
        "Register data by country of birth.",
        "No local integration statistics.",
        "Census tables every ten years only.",
    ),
    "migrant-populations": (
        "About {p}% of residents born abroad.",
        "{p}% of residents of immigrant origin; growing student migration.",
    ),
    "labour-market": (
        "Unemployment {u}%; demand for health staff.",
        "Unemployment {u}%; many migrant-owned small firms.",
    ),
    "political-situation": (
        "Stable majority; elections due in {y}.",
        "Coalition council; integration has low visibility.",
    ),
    "civil-society": (
        "Dense network of migrant organisations.",
        "Small but active volunteer network.",
    ),
}


def _toml_str(text: str) -> str:
    # A JSON string (with ensure_ascii=False) is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def _pick_text(rng: random.Random, options: Sequence[str], year: int) -> str:
    return rng.choice(options).format(y=year, k=rng.randint(1, 12))


def profile_text(index: int, seed: int, leaves: Sequence[str], levels: Sequence[str]) -> str:
    """One synthetic eurocities profile; file *index* is the same whatever the data set size."""
    rng = random.Random(seed * 1_000_003 + index)
    name = rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)
    city_id = f"{name.lower().replace(' ', '-')}-{index}"
    date = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(6 * 365))
    year = date.year
    mode = rng.choices(("self-assessment", "peer-review", "external"), (6, 3, 1))[0]
    assessors = [
        f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        for _ in range(3 if mode == "peer-review" else 2)
    ]
    lines = [
        f"# Synthetic benchmark profile {index} (seed {seed}); not a real assessment.",
        "schema = 1",
        "illustrative = true",
        "",
        "[city]",
        f'id = "{city_id}"',
        f"name = {_toml_str(name)}",
        f"country = {_toml_str(rng.choice(_COUNTRIES))}",
        f"population = {rng.randrange(50_000, 2_500_000)}",
        f"region = {_toml_str(rng.choice(_REGIONS))}",
        "[city.metadata]",
        'network = "EUROCITIES"',
        f'size_class = "{rng.choice(("small", "medium", "large"))}"',
        f"member_since = {rng.randrange(1990, 2020)}",
        f"charter_signed = {datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(3000))}",
        "",
        "[assessment]",
        f'frameworks = ["{FRAMEWORK_ID}"]',
        f"date = {date}",
        f'mode = "{mode}"',
        "assessors = [" + ", ".join(_toml_str(a) for a in assessors) + "]",
        f'title = "{mode.replace("-", " ").capitalize()} {year}"',
        f'notes = "Synthetic assessment of {RATINGS_PER_PROFILE} guiding questions."',
        "",
        f"[context.{FRAMEWORK_ID}]",
    ]
    for factor, options in _TEXT_FACTORS.items():
        text = rng.choice(options).format(
            y=year + rng.randint(1, 3), p=rng.randint(5, 40), u=rng.randint(3, 15)
        )
        lines.append(f"{factor} = {_toml_str(text)}")
    lines.append(f'city-resources = "{rng.choice(("low", "medium", "high"))}"')
    excluded: set[str] = set()
    if rng.random() < 0.2:
        criterion = rng.choice(("07", "12"))
        excluded.add(criterion)
        lines += [
            "",
            "[[exclusions]]",
            f'criterion = "{criterion}"',
            'factor = "national-legislation"',
            'reason = "Reserved by national law."',
        ]
    chosen = sorted(rng.sample(range(len(leaves)), RATINGS_PER_PROFILE))
    weights = [_LEVEL_WEIGHTS.get(level, 1) for level in levels]
    for position in chosen:
        gathered = date - datetime.timedelta(days=rng.randrange(180))
        lines += [
            "",
            "[[evidence]]",
            f'criterion = "{leaves[position]}"',
            f'rating = "{rng.choices(levels, weights)[0]}"',
            f'source = "{rng.choice(_SOURCES)}"',
            f"reference = {_toml_str(_pick_text(rng, _REFERENCES, gathered.year))}",
            f"date = {gathered}",
            f"assessor = {_toml_str(rng.choice(assessors))}",
            f"note = {_toml_str(_pick_text(rng, _NOTES, gathered.year))}",
        ]
    return "\n".join(lines) + "\n"


def ensure_profiles(workdir: Path, n: int, seed: int) -> Path:
    """The directory of *n* generated profiles, generated unless a complete one is there."""
    directory = workdir / f"eurocities-n{n}-seed{seed}-v{GENERATOR_VERSION}"
    marker = directory / ".complete"
    if marker.exists() and marker.read_text() == str(n):
        return directory
    framework = get_framework(FRAMEWORK_ID)
    leaves = [leaf.id for leaf in framework.leaves]
    scale = framework.scale_of(framework.leaves[0])
    assert scale is not None
    levels = [level.id for level in scale.levels]
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for index in range(n):
        path = directory / f"profile-{index:06d}.toml"
        path.write_text(profile_text(index, seed, leaves, levels), encoding="utf-8")
    marker.write_text(str(n))
    print(
        f"generated {n} profiles in {directory} ({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return directory


# -- measurements --------------------------------------------------------------------------------


@dataclass
class Sample:
    """One timed run.

    Attributes:
        seconds: Wall-clock time.
        cpu_seconds: CPU time of this process and the children it waited for during the run.
        others: Share of the machine's CPU time that other processes used during the run (0-1);
            a busy machine makes wall-clock rates, and above all the two-job rate, lower.
        max_rss_kb: Peak RSS of the child, for CLI runs.
        stderr: What the child wrote to stderr, for CLI runs.
        stdout: What the child wrote to stdout, for CLI runs.
    """

    seconds: float
    cpu_seconds: float
    others: float
    max_rss_kb: int | None = None
    stderr: str = ""
    stdout: str = ""


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stream:
            fields = [int(value) for value in stream.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(run: Callable[[], Any]) -> tuple[Sample, Any]:
    """Time *run*; return the sample and what *run* returned."""
    busy, cpu = _busy_seconds(), _own_cpu()
    started = time.perf_counter()
    value = run()
    elapsed = time.perf_counter() - started
    own = _own_cpu() - cpu
    busy_after = _busy_seconds()
    others = 0.0
    if busy is not None and busy_after is not None and elapsed > 0:
        others = max(0.0, (busy_after - busy - own) / (elapsed * (os.cpu_count() or 1)))
    return Sample(elapsed, own, min(1.0, others)), value


@dataclass
class Quiet:
    """How hard :func:`best` tries to measure while other processes leave the CPUs alone."""

    threshold: float = 1.0
    max_tries: int = 0


QUIET = Quiet()


def best(repeat: int, run: Callable[[], Sample]) -> Sample:
    """The fastest of *repeat* runs made while the machine was quiet enough.

    Runs during which other processes used more than ``QUIET.threshold`` of the CPUs are made
    again, up to ``QUIET.max_tries`` runs in all; when too few quiet runs came, the fastest of
    all is kept (its ``others`` column says how disturbed it was).
    """
    samples: list[Sample] = []
    quiet: list[Sample] = []
    tries = max(repeat, QUIET.max_tries)
    while len(samples) < tries and (len(quiet) < repeat):
        sample = run()
        samples.append(sample)
        if sample.others <= QUIET.threshold:
            quiet.append(sample)
        elif len(samples) < tries:
            time.sleep(1.0)
    return min(quiet or samples, key=lambda sample: sample.seconds)


@dataclass
class Row:
    """One line of the results table."""

    name: str
    files: int
    sample: Sample
    spread: float = 0.0

    @property
    def rate(self) -> float:
        return self.files / self.sample.seconds if self.sample.seconds > 0 else float("inf")


@dataclass
class Results:
    """Everything measured in one run (``--json`` writes it)."""

    machine: dict[str, Any]
    n: int
    mean_file_bytes: float
    rows: list[Row] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    rss: dict[int, float] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)


def time_parse(paths: Sequence[str], loads: Callable[[str], dict[str, Any]]) -> Sample:
    """Read, decode and parse every file."""

    def run() -> None:
        for path in paths:
            with open(path, "rb") as stream:
                loads(stream.read().decode("utf-8"))

    return measure(run)[0]


def time_score_many(paths: Sequence[str], jobs: int = 1) -> Sample:
    """In-process ``score_many(paths, jobs=jobs, render=render_csv)``, outputs kept in memory."""
    default_registry().frameworks()

    def run() -> int:
        sink = io.StringIO()
        failed = 0
        for result in score_many(paths, jobs=jobs, render=render_csv):
            if result.ok:
                sink.write(result.output or "")
            else:
                failed += 1
        return failed

    sample, failed = measure(run)
    if failed:
        raise SystemExit(f"score_many: {failed} profile(s) failed")
    return sample


def _cli_command() -> list[str]:
    beside = Path(sys.executable).with_name("integration-index")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("integration-index")
    return [found] if found else [sys.executable, "-m", "integration_index"]


@dataclass
class ChildEnv:
    """The environment of the CLI children (None: this process's own)."""

    env: dict[str, str] | None = None


CHILD_ENV = ChildEnv()


def run_cli(
    arguments: Sequence[str],
    workdir: Path,
    env: dict[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> Sample:
    """Run ``integration-index ARGUMENTS``; wall time, CPU time and peak RSS of that one child.

    ``os.wait4`` reports the usage of this child alone (with the workers it waited for), unlike
    ``getrusage(RUSAGE_CHILDREN)``, whose ``ru_maxrss`` is the maximum over every child so far.
    *env* is the child's environment (default: CHILD_ENV's); *command* replaces the console
    script (``python -c ...`` for the in-process runs). What the child prints is in ``stdout``.
    """
    with (
        tempfile.TemporaryFile(mode="w+", dir=workdir) as errors,
        tempfile.TemporaryFile(mode="w+", dir=workdir) as output,
    ):

        def run() -> tuple[int, Any]:
            process = subprocess.Popen(
                [*(command or _cli_command()), *arguments],
                stdout=output,
                stderr=errors,
                env=env if env is not None else CHILD_ENV.env,
            )
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage

        sample, (returncode, usage) = measure(run)
        errors.seek(0)
        sample.stderr = errors.read()
        output.seek(0)
        sample.stdout = output.read()
    if returncode != 0:
        raise SystemExit(
            f"integration-index {' '.join(arguments)} failed:\n{sample.stderr[-2000:]}"
        )
    sample.cpu_seconds = usage.ru_utime + usage.ru_stime
    sample.max_rss_kb = usage.ru_maxrss
    return sample


def cli_score(
    directory: Path, jobs: int, workdir: Path, expected: int, variant: Variant | None = None
) -> Sample:
    """``integration-index score DIRECTORY --format csv --output OUT --jobs JOBS``, checked."""
    output = workdir / f"out-jobs{jobs}.csv"
    arguments = ["score", str(directory), "--format", "csv", "--output", str(output)]
    env = variant.env if variant is not None else None
    sample = run_cli([*arguments, "--jobs", str(jobs)], workdir, env)
    # The summary spells the count with or without a thousands separator (before and after 0.2).
    said = sample.stderr.replace(",", "").replace("\u202f", "").replace("\xa0", "")
    if f"scored {expected} profile(s); 0 failed" not in said:
        raise SystemExit(f"unexpected summary: {sample.stderr.strip()[-500:]}")
    with output.open(encoding="utf-8") as stream:
        lines = sum(1 for _ in stream)
    if lines != expected + 1:
        raise SystemExit(f"{output}: {lines} lines, expected {expected + 1}")
    return sample


#: ``score_many`` timed inside a fresh process of the variant, after a warm-up: the in-process
#: rate without CLI start-up, for any checkout (only public names and the CSV renderer).
_IN_PROCESS = """
import json, sys, time
from integration_index import default_registry, score_many
from integration_index._cli.outputs import render_csv
directory, jobs = sys.argv[1], int(sys.argv[2])
default_registry().frameworks()
warm = sorted(__import__("glob").glob(directory + "/*.toml"))[:50]
for result in score_many(warm, render=render_csv):
    pass
started, failed, size = time.perf_counter(), 0, 0
for result in score_many([directory], jobs=jobs, render=render_csv):
    failed += not result.ok
    size += len(result.output or "")
print(json.dumps({"seconds": time.perf_counter() - started, "failed": failed}))
"""


def in_process_score(directory: Path, jobs: int, workdir: Path, variant: Variant) -> Sample:
    """``score_many([DIRECTORY], jobs=JOBS, render=render_csv)`` in a fresh process of the
    variant, timed inside it (start-up and warm-up excluded; CPU time is the whole child's)."""
    sample = run_cli(
        [str(directory), str(jobs)], workdir, variant.env, [sys.executable, "-c", _IN_PROCESS]
    )
    reported = json.loads(sample.stdout.strip().splitlines()[-1])
    if reported["failed"]:
        raise SystemExit(f"score_many ({variant.name}): {reported['failed']} profile(s) failed")
    sample.seconds = reported["seconds"]
    return sample


def import_time(workdir: Path, variant: Variant) -> Sample:
    """``python -c "import integration_index"``, wall time of the whole child."""
    return run_cli([], workdir, variant.env, [sys.executable, "-c", "import integration_index"])


@dataclass
class Variant:
    """One version of the code measured: this checkout with tomli or the fast parser, or the
    ``--baseline`` checkout (put first on the children's ``PYTHONPATH``)."""

    name: str
    env: dict[str, str]
    parser: str  # the parser it uses: "tomli" or "toml-rs"


def variants(baseline: Path | None) -> list[Variant]:
    """The versions to measure side by side."""
    base = dict(CHILD_ENV.env if CHILD_ENV.env is not None else os.environ)
    base.pop(PARSER_VARIABLE, None)
    found = [Variant("after, tomli", {**base, PARSER_VARIABLE: "tomli"}, "tomli")]
    if fast_parser() is not None:
        found.append(Variant(f"after, {fast_parser()}", base, "toml-rs"))
    if baseline is not None:
        source = (baseline / "src").resolve()
        if not (source / "integration_index" / "__init__.py").is_file():
            raise SystemExit(f"--baseline {baseline}: no src/integration_index there")
        path = os.pathsep.join(filter(None, [str(source), base.get("PYTHONPATH", "")]))
        found.insert(0, Variant("before", {**base, "PYTHONPATH": path}, "tomli"))
    return found


def stage_times(paths: Sequence[str], repeat: int = 1) -> dict[str, float]:
    """Seconds per stage of the one-job pipeline, summed over *paths* (no profiler).

    Each stage keeps its lowest total over *repeat* passes.
    """
    best_totals: dict[str, float] = {}
    for _ in range(max(1, repeat)):
        for name, seconds in _stage_pass(paths).items():
            best_totals[name] = min(seconds, best_totals.get(name, seconds))
    return best_totals


def _stage_pass(paths: Sequence[str]) -> dict[str, float]:
    registry = default_registry()
    frameworks = {framework.id: framework for framework in registry.frameworks()}
    aggregations = registry.aggregations()
    framework = frameworks[FRAMEWORK_ID]
    plan = Plan(framework)  # compiled once, as a batch's context does
    totals = dict.fromkeys(
        ("read+decode", "parse", "structure (cattrs)", "check_profile",
         "version()", "score_profile", "render_csv"),
        0.0,
    )  # fmt: skip
    clock = time.perf_counter
    for path in paths:
        t0 = clock()
        text = read_text(path, ProfileError)
        t1 = clock()
        data = parse(text, path, ProfileError)
        t2 = clock()
        data.pop("schema", None)
        profile = structure(data, CityProfile)
        t3 = clock()
        problems = check_profile(profile, frameworks)
        t4 = clock()
        engine_version = version()
        t5 = clock()
        card = score_profile(
            profile, framework, aggregations, engine_version=engine_version, plan=plan
        )
        t6 = clock()
        render_csv(ScoreResult(source=path, cards=(card,), profile=profile))
        t7 = clock()
        if problems:
            raise SystemExit(f"{path}: {problems[0].format()}")
        for name, seconds in zip(
            totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6), strict=True
        ):
            totals[name] += seconds
    return totals


#: (file suffix, function name) of the stages reported from the profile.
_PROFILED = (
    ("integration_index/_batch.py", "_score_one", "_score_one (everything per file)"),
    ("integration_index/_io/toml.py", "read_text", "read_text"),
    ("integration_index/_io/toml.py", "parse", "toml.parse (toml-rs or tomli)"),
    ("integration_index/_io/documents.py", "load_document", "load_document (parse + cattrs)"),
    ("integration_index/_batch.py", "score_checked", "score_checked"),
    ("integration_index/_model/checks.py", "check_profile", "check_profile"),
    ("integration_index/_api/core.py", "version", "version()"),
    ("integration_index/_scoring/engine.py", "score_profile", "score_profile"),
    ("integration_index/_cli/outputs.py", "render_csv", "render_csv"),
    ("integration_index/_io/toml.py", "locate", "toml.locate"),
)


def profile_pipeline(paths: Sequence[str], top: int) -> str:
    """cProfile of in-process ``score_many(paths, render=render_csv)``: stages, then top calls."""
    default_registry().frameworks()
    profiler = cProfile.Profile()
    profiler.enable()
    for result in score_many(paths, render=render_csv):
        assert result.ok, result.error
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in raw.values())
    lines = [f"cProfile of score_many on {len(paths)} files ({total:.2f} s under the profiler)"]
    lines.append(f"{'stage':<38} {'calls':>8} {'cum s':>8} {'% total':>8}")
    for suffix, name, label in _PROFILED:
        calls, cumulative = 0, 0.0
        for (filename, _, function), (_, ncalls, _, ct, _) in raw.items():
            if function == name and filename.replace(os.sep, "/").endswith(suffix):
                calls += ncalls
                cumulative += ct
        lines.append(f"{label:<38} {calls:>8} {cumulative:>8.3f} {100 * cumulative / total:>7.1f}%")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    lines += ["", "top functions by cumulative time:", _trim_pstats(buffer.getvalue())]
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    lines += ["", "top functions by own time:", _trim_pstats(buffer.getvalue())]
    return "\n".join(lines)


def _trim_pstats(text: str) -> str:
    keep = text.split("ncalls", 1)
    return ("   ncalls" + keep[1]).rstrip() if len(keep) == 2 else text.rstrip()


# -- report --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "platform": sys.platform,
        "tomli": getattr(tomli, "__version__", "?"),
        "tomli_compiled": not str(getattr(tomli, "__file__", "")).endswith(".py"),
        "fast_parser": _fast_parser_version(),
        "integration_index": version(),
        "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "source_sha256": _source_fingerprint(),
    }


def _fast_parser_version() -> str | None:
    if fast_parser() is None:
        return None
    import toml_rs

    return f"{fast_parser()} {getattr(toml_rs, '__version__', '?')}"


def _source_fingerprint() -> str:
    """A short hash of the installed integration_index sources (they change between runs)."""
    import integration_index

    digest = hashlib.sha256()
    root = Path(integration_index.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _verdict(value: float, target: float | None, at_least: bool) -> str:
    if target is None:
        return ""
    ok = value >= target if at_least else value <= target
    return f"{'meets' if ok else 'MISSES'} target {'>=' if at_least else '<='} {target:g}x"


def print_table(results: Results) -> None:
    print(f"\n{results.n} profiles, {results.mean_file_bytes / 1024:.1f} KiB each on average")
    header = (
        f"{'measurement':<46} {'files/s':>8} {'wall s':>7} {'cpu s':>7} {'others':>6}"
        f" {'spread':>6} {'RSS MB':>6}"
    )
    print(header)
    for row in results.rows:
        sample = row.sample
        rss = f"{sample.max_rss_kb / 1024:.0f}" if sample.max_rss_kb is not None else ""
        print(
            f"{row.name:<46} {row.rate:>8.0f} {sample.seconds:>7.2f} {sample.cpu_seconds:>7.2f}"
            f" {sample.others:>6.0%} {row.spread:>6.0%} {rss:>6}"
        )
    print(
        "(best of the rounds; others: CPU share other processes used during that run; spread: how\n"
        " much slower the slowest round was; RSS: peak of the child process)"
    )


#: What is measured for each variant: (key, label, files per run; 0: N).
_KINDS = (
    ("cli1", "(c) CLI score --format csv --jobs 1", 0),
    ("cli2", "(d) CLI score --format csv --jobs 2", 0),
    ("in1", "(c') score_many, in process, 1 job", 0),
    ("in2", "(d') score_many, in process, 2 jobs", 0),
    ("startup", "CLI start-up: score of 1 file", 1),
    ("version", "integration-index --version", 1),
    ("import", "python -c 'import integration_index'", 1),
)
Measurement = tuple[str, int, Callable[[], Sample]]


def _measurements(
    paths: Sequence[str], directory: Path, workdir: Path, n: int, measured: Sequence[Variant]
) -> list[Measurement]:
    """Every row of the table: the parse-only rates, then each kind for each variant."""
    rows: list[Measurement] = [
        ("(a) parse only: read + tomli.loads", n, lambda: time_parse(paths, tomli.loads)),
        ("(b) parse only: read + tomllib.loads (stdlib)", n, lambda: time_parse(paths, tomllib.loads)),
    ]  # fmt: skip
    if fast_parser() is not None:
        import toml_rs

        fast = functools.partial(toml_rs.loads, toml_version="1.0.0")
        rows.insert(1, ("(a) parse only: read + toml-rs", n, lambda: time_parse(paths, fast)))
    for variant in measured:
        runs: dict[str, Callable[[], Sample]] = {
            "cli1": functools.partial(cli_score, directory, 1, workdir, n, variant),
            "cli2": functools.partial(cli_score, directory, 2, workdir, n, variant),
            "in1": functools.partial(in_process_score, directory, 1, workdir, variant),
            "in2": functools.partial(in_process_score, directory, 2, workdir, variant),
            "startup": functools.partial(
                run_cli, ["score", paths[0], "--format", "csv"], workdir, variant.env
            ),
            "version": functools.partial(run_cli, ["--version"], workdir, variant.env),
            "import": functools.partial(import_time, workdir, variant),
        }
        for key, label, files in _KINDS:
            rows.append((f"{label} [{variant.name}]", files or n, runs[key]))
    return rows


def _row(results: Results, label: str) -> Row | None:
    return next((row for row in results.rows if row.name == label), None)


def _ratios(
    results: Results,
    rounds: Sequence[Sequence[Sample]],
    measurements: Sequence[Measurement],
    measured: Sequence[Variant],
) -> dict[str, float]:
    """Each variant's ratios against the targets, best-of and paired by round."""
    names = [name for name, _, _ in measurements]
    parse_label = {
        "tomli": "(a) parse only: read + tomli.loads",
        "toml-rs": "(a) parse only: read + toml-rs",
    }
    ratios: dict[str, float] = {}
    print("\nratios (best of the rounds; paired: median of the same ratio round by round):")
    for variant in measured:
        label = {key: f"{text} [{variant.name}]" for key, text, _ in _KINDS}
        parse_only = parse_label[variant.parser]

        def rate(name: str) -> float:
            row = _row(results, name)
            return row.rate if row is not None else float("nan")

        def paired(numerator: str, denominator: str) -> float:
            i, j = names.index(numerator), names.index(denominator)
            return statistics.median(r[j].seconds / r[i].seconds for r in rounds)

        found = {
            "cli_1_job_vs_parse_only": (rate(label["cli1"]) / rate(parse_only), TARGET_PIPELINE_VS_PARSE),
            "cli_2_jobs_vs_1_job": (rate(label["cli2"]) / rate(label["cli1"]), TARGET_TWO_JOBS_VS_ONE),
            "in_process_1_job_vs_parse_only": (rate(label["in1"]) / rate(parse_only), None),
            "in_process_2_jobs_vs_1_job": (rate(label["in2"]) / rate(label["in1"]), None),
            "paired_cli_1_job_vs_parse_only": (paired(label["cli1"], parse_only), None),
            "paired_cli_2_jobs_vs_1_job": (paired(label["cli2"], label["cli1"]), None),
        }  # fmt: skip
        print(f"  {variant.name} (parser {variant.parser}):")
        for key, (value, target) in found.items():
            ratios[f"{variant.name}: {key}"] = value
            verdict = _verdict(value, target, True) if target is not None else ""
            print(f"    {key:<34} {value:>6.2f}x  {verdict}")
        in_process = rate(label["in1"])
        print(f"    {'in-process 1-job rate':<34} {in_process:>6.0f}/s  (target with the fast "
              f"parser: >= {TARGET_FAST_RATE}/s)")  # fmt: skip
    return ratios


def print_side_by_side(results: Results, measured: Sequence[Variant]) -> None:
    """The variants side by side: files/s for the batch rows, seconds for the start-ups."""
    width = max(14, *(len(variant.name) for variant in measured))
    print("\nside by side (files/s; the last three rows in milliseconds):")
    print(f"{'measurement':<40}" + "".join(f" {variant.name:>{width}}" for variant in measured))
    for _, label, files in _KINDS:
        cells = []
        for variant in measured:
            row = _row(results, f"{label} [{variant.name}]")
            if row is None:
                cells.append("")
            elif files == 1:
                cells.append(f"{1000 * row.sample.seconds:.0f} ms")
            else:
                cells.append(f"{row.rate:.0f}")
        print(f"{label:<40}" + "".join(f" {cell:>{width}}" for cell in cells))


def _parse_sizes(text: str) -> list[int]:
    if text.strip().lower() in ("", "none", "0"):
        return []
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=None, help="profiles for the rates (2000)")
    parser.add_argument(
        "--rss", default=None, help="comma-separated sizes for peak RSS (10000,100000; none: skip)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "integration-index-bench",
        help="where profiles are generated and kept for later runs",
    )
    parser.add_argument("--quick", action="store_true", help="N=500, RSS at 1000 and 5000")
    parser.add_argument("--seed", type=int, default=20240301, help="generator seed")
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of every measurement; best kept (3)"
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=1.0,
        help="redo runs during which other processes used more than this share of the CPUs "
        "(0-1; default 1: never), up to --max-tries runs",
    )
    parser.add_argument("--max-tries", type=int, default=20, help="runs at most, with --quiet")
    parser.add_argument(
        "--pycache",
        action="store_true",
        help="let the CLI children cache bytecode under WORKDIR/pycache (as an installed package "
        "would), even when PYTHONDONTWRITEBYTECODE is set",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile the in-process one-job pipeline"
    )
    parser.add_argument("--profile-n", type=int, default=2000, help="files to profile (2000)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by the profile")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the project (e.g. a 'git worktree add /tmp/ii-before e50e6b1'):"
        " its src/ is measured too, as 'before', side by side with this one",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    n = args.n if args.n is not None else (500 if args.quick else 2000)
    rss_sizes = _parse_sizes(
        args.rss if args.rss is not None else ("1000,5000" if args.quick else "10000,100000")
    )
    workdir: Path = args.workdir
    QUIET.threshold, QUIET.max_tries = args.quiet, args.max_tries
    if args.pycache:
        # Let the children cache bytecode (as an installed package does) even where the
        # environment says PYTHONDONTWRITEBYTECODE, so start-up does not recompile the sources.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str((workdir / "pycache").resolve())
        CHILD_ENV.env = env
    elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "note: PYTHONDONTWRITEBYTECODE is set: each CLI run compiles the project's modules "
            "again (about 0.1 s); --pycache avoids it",
            file=sys.stderr,
        )
    workdir.mkdir(parents=True, exist_ok=True)

    directory = ensure_profiles(workdir, n, args.seed)
    paths = list(expand_inputs([directory]))
    mean_bytes = sum(os.path.getsize(p) for p in paths) / len(paths)
    results = Results(machine(), n, mean_bytes)
    print(json.dumps(results.machine), file=sys.stderr)

    time_parse(paths, tomli.loads)  # warm the page cache
    measured = variants(args.baseline)
    for variant in measured:  # warm up (--pycache: compile) each variant's CLI
        run_cli(["score", paths[0], "--format", "csv"], workdir, variant.env)
    measurements = _measurements(paths, directory, workdir, n, measured)
    # Rounds interleave the measurements, so that a slow spell of the machine hits them all
    # alike; each row keeps its fastest round, and the paired ratios are taken round by round.
    repeat = args.repeat
    rounds: list[list[Sample]] = []
    for number in range(max(1, repeat)):
        print(f"round {number + 1}/{repeat}", file=sys.stderr)
        rounds.append([best(1, run) for _, _, run in measurements])
    rows = results.rows
    for index, (name, files, _) in enumerate(measurements):
        samples = [samples_of_round[index] for samples_of_round in rounds]
        fastest = min(samples, key=lambda sample: sample.seconds)
        slowest = max(sample.seconds for sample in samples)
        rows.append(Row(name, files, fastest, spread=slowest / fastest.seconds - 1.0))

    stages = stage_times(paths, repeat)
    results.stages = stages
    stage_total = sum(stages.values())
    print_table(results)
    print(f"\nper-stage time of the 1-job pipeline over {n} files (no profiler; parser: "
          f"{fast_parser() or 'tomli'}):")  # fmt: skip
    for name, seconds in stages.items():
        print(
            f"  {name:<20} {seconds:>7.3f} s  {1e6 * seconds / n:>7.0f} us/file"
            f"  {100 * seconds / stage_total:>5.1f}%"
        )
    ratios = _ratios(results, rounds, measurements, measured)
    print_side_by_side(results, measured)

    if rss_sizes:
        print("\npeak RSS of `integration-index score DIR --format csv --output OUT --jobs 1`:")
        for size in rss_sizes:
            rss_directory = ensure_profiles(workdir, size, args.seed)
            run = cli_score(rss_directory, 1, workdir, size)
            assert run.max_rss_kb is not None
            results.rss[size] = run.max_rss_kb / 1024
            print(
                f"  N={size:>7}: {run.max_rss_kb / 1024:7.1f} MB"
                f"  ({run.seconds:.1f} s, {size / run.seconds:.0f} files/s, others {run.others:.0%})"
            )
        if len(rss_sizes) >= 2:
            low, high = min(rss_sizes), max(rss_sizes)
            ratio = results.rss[high] / results.rss[low]
            ratios["rss_ratio"] = ratio
            print(
                f"  RSS at N={high} / N={low}: {ratio:.2f}x  "
                + _verdict(ratio, TARGET_RSS_RATIO, False)
            )
    results.ratios = ratios

    if args.profile:
        profile_paths = paths[: args.profile_n]
        if len(profile_paths) < args.profile_n:
            profile_paths = list(
                expand_inputs([ensure_profiles(workdir, args.profile_n, args.seed)])
            )
        print()
        print(profile_pipeline(profile_paths, args.top))

    if args.json:
        data = asdict(results)
        for row, raw in zip(results.rows, data["rows"], strict=True):
            raw["files_per_second"] = row.rate
            raw["sample"].pop("stderr")
            raw["sample"].pop("stdout")
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
