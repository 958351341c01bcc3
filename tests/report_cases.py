"""Every report kind built from the shipped examples, and the same reports built from hostile
inputs: shared by the HTML, browser and translation tests.

A case knows what its report should show (the score card's values per first-level criterion,
how many bars or rows its main chart has), computed here from the public API, independently of
the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

import integration_index as ii
from integration_index import Framework, Registry
from integration_index.analysis import PeerRule
from integration_index.model import ReportSection

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
REVIEW = ROOT / "examples" / "peer-review" / "ostavia-2023"

KINDS = ("report", "plan", "progress", "peer-review", "compare", "uncertainty")
LANGUAGES = ("en", "fr")


@attrs.frozen(kw_only=True)
class Case:
    """One report kind on the shipped examples (or on hostile inputs)."""

    kind: str
    #: The report in a format and a language: render(format, language) -> text.
    render: Callable[[str, str], str]
    #: The main chart's marks (CSS selector) and how many there must be.
    marks: str
    count: int
    #: The values the main chart must show, by id, on 0-100 with one decimal (None: not drawn).
    values: dict[str, str | None]
    #: The city the report is about.
    city: str


def _format(name: str) -> Literal["markdown", "html"]:
    assert name in ("markdown", "html")
    return "html" if name == "html" else "markdown"


def _one_decimal(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def _report(registry: Registry | None, path: Path) -> Case:
    profile = ii.load_profile(path)
    cards = [ii.score(profile, f, registry=registry) for f in profile.assessment.frameworks]
    first = cards[0]
    framework = (registry or ii.default_registry()).get_framework(first.framework_id)
    values = {
        top.id: _one_decimal(first.node(top.id).adjusted.score)
        if first.node(top.id).adjusted.applicable
        else None
        for top in framework.criteria
    }
    return Case(
        kind="report",
        render=lambda fmt, lang: ii.render(
            profile,
            format=_format(fmt),
            language=lang,
            cards=cards,
            registry=registry,
        ),
        marks=f"[data-chart=score][data-key={framework.id}] .bar-row",
        count=len(framework.criteria),
        values=values,
        city=profile.city.name,
    )


def _plan(registry: Registry | None, path: Path) -> Case:
    profile = ii.load_profile(path)
    card = ii.score(profile, registry=registry)
    plan = ii.development_plan(card, profile, registry=registry)
    return Case(
        kind="plan",
        render=lambda fmt, lang: ii.render(
            plan,
            card=card,
            profile=profile,
            format=_format(fmt),
            language=lang,
            registry=registry,
        ),
        marks="[data-chart=objectives] .bar-row",
        count=len(plan.objectives),
        values={o.criterion: _one_decimal(o.score) for o in plan.objectives},
        city=profile.city.name,
    )


def _progress(registry: Registry | None, paths: list[Path]) -> Case:
    profiles = [ii.load_profile(p) for p in paths]
    cards = [ii.score(p, registry=registry) for p in profiles]
    report = ii.track_progress(cards, registry=registry)
    top = [n for n in report.nodes if n.depth == 1]
    return Case(
        kind="progress",
        render=lambda fmt, lang: ii.render(
            report,
            profiles=profiles,
            cards=cards,
            format=_format(fmt),
            language=lang,
            registry=registry,
        ),
        marks="[data-chart=progress] svg.small-multiple",
        count=len(top),
        values={n.criterion: _one_decimal(n.scores[-1]) for n in top},
        city=report.city_name,
    )


def _peer_review(registry: Registry | None, paths: list[Path]) -> Case:
    profiles = [ii.load_profile(p) for p in paths]
    merged = ii.merge_reviews(profiles, sources=[p.name for p in paths])
    review = ii.peer_review(merged, registry=registry)
    factors = [f for f in review.factors if f.questions]
    return Case(
        kind="peer-review",
        render=lambda fmt, lang: ii.render(
            review,
            profile=merged,
            format=_format(fmt),
            language=lang,
            registry=registry,
        ),
        marks="[data-chart=agreement] .alpha-row",
        count=len(factors),
        values={
            f.criterion: None if f.agreement.alpha is None else f"{f.agreement.alpha:.3f}"
            for f in factors
        },
        city=review.city_name,
    )


def _compare(registry: Registry | None, paths: list[Path], framework: str) -> Case:
    entries = [(p, ii.score(p, framework, registry=registry)) for p in map(ii.load_profile, paths)]
    ranking = ii.rank_cities(entries)
    cards = [card for _, card in entries]
    return Case(
        kind="compare",
        render=lambda fmt, lang: ii.render(
            ranking,
            cards=cards,
            format=_format(fmt),
            language=lang,
            registry=registry,
        ),
        marks="[data-chart=compare] .city-row",
        count=len(ranking.rows),
        values={r.city_id: _one_decimal(r.score) for r in ranking.rows},
        city=ranking.rows[0].city_name,
    )


def _uncertainty(registry: Registry | None, paths: list[Path], framework: str) -> Case:
    """The uncertainty of a ranking (draws kept small: the report, not the estimate, is under
    test). The chart draws each city's 5%, median and 95% rank: ``data-interval="lo med hi"``."""
    profiles = [ii.load_profile(p) for p in paths]
    result = ii.rank_uncertainty(profiles, framework, draws=96, seed=3, registry=registry)
    return Case(
        kind="uncertainty",
        render=lambda fmt, lang: ii.render(
            result, format=_format(fmt), language=lang, registry=registry
        ),
        marks="[data-chart=uncertainty] .rank-row",
        count=len(result.cities),
        values={c.city_id: f"{c.rank_low} {c.median_rank} {c.rank_high}" for c in result.cities},
        city=result.cities[0].city_name,
    )


def example_cases() -> dict[str, Case]:
    """Every report kind on the shipped examples."""
    euro = EXAMPLES / "eurocities"
    return {
        "report": _report(None, EXAMPLES / "all-three" / "harbourton-2024.toml"),
        "plan": _plan(None, euro / "rivermouth-2024.toml"),
        "progress": _progress(None, [euro / "rivermouth-2022.toml", euro / "rivermouth-2024.toml"]),
        "peer-review": _peer_review(None, sorted(REVIEW.glob("*.toml"))),
        "compare": _compare(None, sorted(euro.glob("*.toml")), "eurocities"),
        "uncertainty": _uncertainty(None, sorted(euro.glob("*.toml")), "eurocities"),
    }


# -- hostile inputs ---------------------------------------------------------------------------

#: A payload that would set window.pwned if any of it ran: script, event handlers, an SVG,
#: a javascript: link (raw and in Markdown), a style break-out, bidi controls. No quote and no
#: backslash, so it fits any TOML basic string.
PAYLOAD = (
    " <script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    "<svg onload=window.pwned=3><circle r=1 /></svg></style><style>body{display:none}</style>"
    "<a href=javascript:window.pwned=4>link</a> [md](javascript:window.pwned=5) "
    "<iframe src=https://example.invalid/></iframe> \u202eevil\u2066gnp.exe\u2069 &amp; "
)
#: A 10,000-character word, to show that layout holds.
LONG_WORD = "W" * 10_000

#: Profile keys whose values are free text (every other string is an id, a date or a level).
_FREE_TEXT = ("name", "country", "region", "title", "notes", "note", "reference", "reason")
_CONTEXT_LINE = re.compile(r'^([a-z][a-z-]*) = "(.*)"$')


def hostile_profile(text: str, framework_id: str) -> str:
    """A profile's TOML with the payload in every free-text field, assessor names and context
    values included, the long word in its name and notes, scored against *framework_id*."""
    out = []
    section = ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line
        match = _CONTEXT_LINE.match(line)
        key = match.group(1) if match else ""
        if match and (key in _FREE_TEXT or section.startswith("[context")):
            if section.startswith("[context") and match.group(2) in ("low", "medium", "high"):
                out.append(line)
                continue
            extra = (
                f" {LONG_WORD}"
                if (key in ("name", "notes") and section == "[city]") or key == "notes"
                else ""
            )
            out.append(f'{key} = "{match.group(2)}{PAYLOAD}{extra}"')
        else:
            out.append(line)
    hostile = "\n".join(out) + "\n"
    for name in set(re.findall(r'assessor = "([^"]+)"', text)):
        hostile = hostile.replace(f'"{name}"', f'"{name}{PAYLOAD}"')
    hostile = hostile.replace('frameworks = ["eurocities"]', f'frameworks = ["{framework_id}"]')
    hostile = hostile.replace('framework = "eurocities"', f'framework = "{framework_id}"')
    return hostile.replace("[context.eurocities]", f"[context.{framework_id}]")


_TEXT_FIELD = re.compile(r'((?:en|fr) = ")(?!"")((?:[^"\\]|\\.)*)(")')


def hostile_framework_text() -> str:
    """The EUROCITIES framework as a third-party plugin might ship it: id "hostile", the payload
    in its version and in every English and French text (titles, statements, level labels,
    reasons, examples)."""
    text = (ROOT / "frameworks" / "eurocities.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^id = "eurocities"$', 'id = "hostile"', text, count=1)
    text = re.sub(
        r'(?m)^version = "([^"]*)"$', lambda m: f'version = "{m.group(1)}{PAYLOAD}"', text, count=1
    )
    return _TEXT_FIELD.sub(lambda m: m.group(1) + m.group(2) + PAYLOAD + m.group(3), text)


class HostilePlugin:
    """Registers the hostile framework and adds a hostile Markdown section to every report."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Any) -> None:
        register(self.framework)

    @ii.hookimpl
    def integration_index_report_sections(
        self, report: str, framework: Framework, cards: Any, profiles: Any, options: Any
    ) -> list[ReportSection] | None:
        if framework.id != "hostile":
            return None
        body = (
            f"A paragraph{PAYLOAD}\n\n| a | b{PAYLOAD} |\n|---|---|\n| 1 | {LONG_WORD} |\n\n"
            f"- item{PAYLOAD}\n- [click](javascript:window.pwned=6)\n\n<script>window.pwned=7</script>"
        )
        return [ReportSection(title=f"Section{PAYLOAD}", body=body)]


def hostile_registry() -> Registry:
    registry = Registry(entry_points=False)
    framework = ii.loads_framework(hostile_framework_text())
    registry.register_plugin(HostilePlugin(framework), name="hostile")
    return registry


def hostile_cases(tmp: Path) -> dict[str, Case]:
    """Every report kind on the hostile framework and hostile profiles (files under *tmp*)."""
    registry = hostile_registry()
    euro = EXAMPLES / "eurocities"

    def write(source: Path, name: str) -> Path:
        path = tmp / name
        path.write_text(hostile_profile(source.read_text(encoding="utf-8"), "hostile"), "utf-8")
        return path

    early = write(euro / "rivermouth-2022.toml", "rivermouth-2022.toml")
    late = write(euro / "rivermouth-2024.toml", "rivermouth-2024.toml")
    reviews = [write(p, p.name) for p in sorted(REVIEW.glob("*.toml"))]
    others = [write(p, p.name) for p in sorted(euro.glob("*.toml")) if "rivermouth" not in p.name]
    return {
        "report": _report(registry, late),
        "plan": _plan(registry, late),
        "progress": _progress(registry, [early, late]),
        "peer-review": _peer_review(registry, reviews),
        "compare": _compare(registry, [late, *others], "hostile"),
        "uncertainty": _uncertainty(registry, [late, *others], "hostile"),
    }


# -- the cohort example: analysis notes, peer groups, bounds, overlaps, rank intervals ------------

COHORT = ROOT / "examples" / "cohort"


def cohort_reports() -> dict[str, Callable[[str, str], str]]:
    """Reports on the cohort example that show what the shipped examples' reports do not: a
    score report with the cohort table, an imputed value and overridden weights, one with a
    switched-off criterion, and rankings by country (with rank intervals) and by similarity.
    Each is render(format, language) -> text."""
    framework = ii.load_framework(COHORT / "framework.toml")
    profiles = [ii.load_profile(p) for p in sorted((COHORT / "profiles").glob("*.toml"))]
    one = next(p for p in profiles if p.city.id == "barholby")
    weights = ii.load_weights(COHORT / "weights.toml")
    weighted = ii.score(one, framework, cohort=profiles, weights=weights)
    plain = ii.score(one, framework, cohort=profiles)
    entries = [(p, ii.score(p, framework, cohort=profiles)) for p in profiles]
    first, second = (r.city_id for r in ii.rank_cities(entries).rows[:2])
    by_country = ii.rank_cities(
        entries, peers=PeerRule(by="country"), intervals={first: (1, 2), second: (1, 3)}
    )
    similar = ii.rank_cities(
        entries, peers=PeerRule(by="similar", k=3, factors=("population", "metadata.coastal"))
    )

    def report(card: ii.ScoreCard) -> Callable[[str, str], str]:
        return lambda fmt, lang: ii.render(
            one, format=_format(fmt), language=lang, frameworks=[framework], cards=[card]
        )

    def ranking(ranked: Any) -> Callable[[str, str], str]:
        return lambda fmt, lang: ii.render(
            ranked, format=_format(fmt), language=lang, framework=framework
        )

    return {
        "report-weights": report(weighted),
        "report-switched-off": report(plain),
        "compare-country": ranking(by_country),
        "compare-similar": ranking(similar),
    }
