"""The uncertainty and sensitivity of a ranking (``rank_uncertainty``) as Markdown, and the
texts its HTML page and the ``uncertainty`` command's table share: every word from the
catalogue, every number in the reader's language."""

from __future__ import annotations

import re

from integration_index._i18n import Translator
from integration_index._reports.common import md_text, table
from integration_index._vector.results import RankUncertainty, SourceSensitivity

__all__ = [
    "CITY_COLUMNS",
    "REPORTS",
    "city_rows",
    "convergence_text",
    "sensitivity_rows",
    "setting_text",
    "source_name",
    "sources_text",
    "summary_text",
    "uncertainty_report",
]

#: The columns of the cities' table (catalogue keys ``reports.uncertainty.col_*``).
CITY_COLUMNS = ("rank", "city", "score", "median", "low", "high", "top", "mean", "sd")
_SETTINGS = (
    (re.compile(r"uniform \+-(?P<spread>\S+)"), "setting_uniform"),
    (re.compile(r"dirichlet concentration (?P<concentration>\S+)"), "setting_dirichlet"),
    (re.compile(r"levels (?P<levels>[\d,]+)"), "setting_levels"),
)


#: Where the words are: the reports' catalogue, or the command line's (``cli.uncertainty``).
REPORTS = "reports.uncertainty"


def source_name(tr: Translator, source: str, domain: str = REPORTS) -> str:
    """A source of uncertainty in words (its id when the catalogue does not know it)."""
    key = f"{domain}.source_{source}"
    return tr.t(key) if tr.has(key) else source


def setting_text(tr: Translator, source: str, text: str, domain: str = REPORTS) -> str:
    """A source's setting (``uniform +-0.25``, ``levels 0,1``, ``median,mean``) in words."""
    for pattern, key in _SETTINGS:
        match = pattern.fullmatch(text)
        if match:
            values = {
                k: tr.number(float(v), 3).rstrip("0").rstrip(",.") if k != "levels" else v
                for k, v in match.groupdict().items()
            }
            return tr.t(f"{domain}.{key}", **values)
    if source == "evidence":
        rules = ", ".join(tr.t(f"{domain}.rule_{r}") for r in text.split(","))
        return tr.t(f"{domain}.setting_rules", rules=rules)
    return text


def sources_text(result: RankUncertainty, tr: Translator, domain: str = REPORTS) -> str:
    """The sources switched on, each with its setting, in words."""
    names = [
        f"{source_name(tr, s, domain)} ({setting_text(tr, s, result.settings[s], domain)})"
        if s in result.settings
        else source_name(tr, s, domain)
        for s in result.sources
    ]
    return ", ".join(names) or tr.t(f"{domain}.sources_none")


def summary_text(result: RankUncertainty, tr: Translator) -> str:
    """How many cities and runs, the base sample and the seed."""
    return tr.t(
        "reports.uncertainty.summary", count=len(result.cities), runs=str(result.runs),
        sample=str(result.base_sample), seed=str(result.seed),
    )  # fmt: skip


def city_rows(result: RankUncertainty, tr: Translator) -> list[list[str]]:
    """One row per city (CITY_COLUMNS), in point-rank order."""
    return [
        [str(c.rank), c.city_name, tr.number(c.score, 1), str(c.median_rank), str(c.rank_low),
         str(c.rank_high), tr.percent(c.top_k, 1), tr.number(c.mean_score, 2),
         tr.number(c.sd_score, 2)]
        for c in result.cities
    ]  # fmt: skip


def convergence_text(s: SourceSensitivity, tr: Translator) -> str:
    """The indices at each base sample, ``N: S1 / ST``."""
    return "; ".join(
        f"{p.base_sample}: {tr.number(p.first_order, 2)} / {tr.number(p.total, 2)}"
        for p in s.convergence
    )


def sensitivity_rows(result: RankUncertainty, tr: Translator) -> list[list[str]]:
    """One row per source: its name, first-order and total index, their convergence."""
    return [
        [source_name(tr, s.source), tr.number(s.first_order, 3), tr.number(s.total, 3),
         convergence_text(s, tr)]
        for s in result.sensitivity
    ]  # fmt: skip


def uncertainty_report(result: RankUncertainty, tr: Translator) -> str:
    """*result* as Markdown in *tr*'s language."""
    t = tr.t
    title = t("reports.uncertainty.title", framework=md_text(result.framework_id))
    lines = [f"# {title}", "", summary_text(result, tr), ""]
    lines += [t("reports.uncertainty.sources", sources=sources_text(result, tr)), ""]
    lines += [f"## {t('reports.uncertainty.ranks')}", "", t("reports.uncertainty.ranks_intro"), ""]
    header = [
        t(f"reports.uncertainty.col_{n}", **({"k": result.top_k} if n == "top" else {}))
        for n in CITY_COLUMNS
    ]
    rows = city_rows(result, tr)
    rows = [[row[0], md_text(row[1]), *row[2:]] for row in rows]
    lines += table(header, rows, right=(0, 2, 3, 4, 5, 6, 7, 8)) + [""]
    lines += [f"## {t('reports.uncertainty.sensitivity')}", ""]
    if result.sensitivity:
        shift = tr.number(result.mean_rank_shift, 2)
        lines += [t("reports.uncertainty.sensitivity_intro", shift=shift), ""]
        words = ("source", "first", "total", "convergence")
        header = [t(f"reports.uncertainty.col_{w}") for w in words]
        lines += table(header, sensitivity_rows(result, tr), right=(1, 2)) + [""]
    else:
        lines += [t("reports.uncertainty.no_sensitivity"), ""]
    if result.scalar_nodes:
        nodes = ", ".join(md_text(n) for n in result.scalar_nodes)
        lines += [t("reports.uncertainty.scalar_nodes", nodes=nodes), ""]
    return "\n".join(lines).rstrip() + "\n"
