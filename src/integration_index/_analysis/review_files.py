"""A peer review from several files: one per reviewer, and the city's own self-assessment.

Each reviewer (or review team) keeps the ratings in a profile file of their own; the city's
self-assessment, if given, is a file whose assessment mode is "self-assessment". :func:`merge`
checks that the files make one review (the same city, the same frameworks, the same round) and
gathers the reviewers' files into one profile, which is scored and reviewed as usual; the
self-assessment is kept apart, as the baseline the review's consensus is compared with.

The round of a review is its assessment date: every reviewer's file carries the same one. The
self-assessment may be older (it usually precedes the review), never newer.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from integration_index._io.toml import locate
from integration_index._model.profile import CityProfile, ContextValue, Evidence
from integration_index.exceptions import ProfileError

__all__ = ["MergedReview", "merge"]


@attrs.frozen(kw_only=True)
class MergedReview:
    """The files of one peer review, checked and gathered.

    Attributes:
        profile: The reviewers' files as one profile: the first file's city and assessment
            (title, notes, mode), every assessor the files list, every evidence item in file
            order, each with its assessor (see
            [`merge_reviews`][integration_index.merge_reviews]), and the contextual values and
            exclusions of all files.
        sources: The reviewers' files (or labels), in the order given.
        self_assessment: The city's self-assessment, kept apart as the baseline, if given.
        self_assessment_source: Its file (or label).
        warnings: What the merge noticed, each naming the file and, given the files' texts, the
            line: ratings that name no assessor and so count in the consensus but not in the
            inter-rater agreement.
    """

    profile: CityProfile
    sources: tuple[str, ...]
    self_assessment: CityProfile | None = None
    self_assessment_source: str | None = None
    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class _File:
    profile: CityProfile
    source: str
    text: str | None

    def error(self, message: str, key_path: str) -> ProfileError:
        """A ProfileError about this file at *key_path* (with its line, given the text)."""
        line = locate(self.text, key_path) if self.text else None
        return ProfileError(message, path=self.source, key_path=key_path, line=line)


def merge(
    profiles: Sequence[CityProfile],
    *,
    sources: Sequence[str] | None = None,
    texts: Sequence[str | None] | None = None,
) -> MergedReview:
    """Check that *profiles* make one peer review and merge the reviewers' files.

    With one profile, it is the review whatever its mode. With several, a profile whose mode is
    "self-assessment" is the city's own baseline (at most one); every other one is a reviewer's
    file. An evidence item that names no assessor takes the one assessor its file lists, if it
    lists exactly one; otherwise it stays unnamed (it counts in the consensus, not in the
    inter-rater agreement) and a warning names its file and line.

    Args:
        profiles: The review's files, read.
        sources: Their paths (or labels), in the same order, for messages; default
            ``<profile N>`` (N from 0).
        texts: Their TOML texts, in the same order, to give messages their lines.

    Raises:
        ProfileError: (a ValueError) the files are not of one city, one set of frameworks or one
            round, or several are self-assessments; it names the file and the key.
        ValueError: no profile, or *sources* or *texts* of another length.
    """
    files = _files(profiles, sources, texts)
    baseline, reviewers = _split(files)
    _check_reviewers(reviewers)
    if baseline is not None:
        _check_baseline(baseline, reviewers[0])
    evidence: list[Evidence] = []
    warnings: list[str] = []
    for file in reviewers:
        evidence += _attributed(file, warnings)
    return MergedReview(
        profile=_merged_profile(reviewers, evidence),
        sources=tuple(file.source for file in reviewers),
        self_assessment=baseline.profile if baseline is not None else None,
        self_assessment_source=baseline.source if baseline is not None else None,
        warnings=tuple(warnings),
    )


def _files(
    profiles: Sequence[CityProfile],
    sources: Sequence[str] | None,
    texts: Sequence[str | None] | None,
) -> list[_File]:
    if not profiles:
        raise ValueError("a peer review needs at least one profile")
    labels = (
        list(sources) if sources is not None else [f"<profile {i}>" for i in range(len(profiles))]
    )
    contents = list(texts) if texts is not None else [None] * len(profiles)
    if len(labels) != len(profiles) or len(contents) != len(profiles):
        raise ValueError("give one source and one text per profile, in the same order")
    return [
        _File(profile=profile, source=label, text=text)
        for profile, label, text in zip(profiles, labels, contents, strict=True)
    ]


def _split(files: list[_File]) -> tuple[_File | None, list[_File]]:
    """The self-assessment (if any) and the reviewers' files."""
    if len(files) == 1:
        return None, files
    own = [file for file in files if file.profile.assessment.mode == "self-assessment"]
    if len(own) > 1:
        raise own[1].error(
            f"a second self-assessment (after {own[0].source}): a peer review compares the "
            "reviewers with one self-assessment of the city",
            "assessment.mode",
        )
    # With two files or more and at most one self-assessment, one file at least is a reviewer's.
    reviewers = [file for file in files if file.profile.assessment.mode != "self-assessment"]
    return (own[0] if own else None), reviewers


def _check_reviewers(reviewers: list[_File]) -> None:
    """Every reviewer's file is of the first one's city, frameworks and round."""
    first = reviewers[0]
    frameworks = set(first.profile.assessment.frameworks)
    round_ = first.profile.assessment.date
    for file in reviewers[1:]:
        _check_city(file, first)
        assessed = set(file.profile.assessment.frameworks)
        if assessed != frameworks:
            raise file.error(
                f"assesses {', '.join(sorted(assessed))}, but {first.source} assesses "
                f"{', '.join(sorted(frameworks))}: every reviewer's file of a peer review must "
                "assess the same frameworks",
                "assessment.frameworks",
            )
        date = file.profile.assessment.date
        if date != round_:
            raise file.error(
                f"dated {date.isoformat()}, but {first.source} is dated {round_.isoformat()}: "
                "every reviewer's file of a peer review must be of the same round (the same "
                "assessment date)",
                "assessment.date",
            )


def _check_city(file: _File, first: _File) -> None:
    if file.profile.city.id != first.profile.city.id:
        raise file.error(
            f"city {file.profile.city.id!r} is not the review's city {first.profile.city.id!r} "
            f"({first.source}): every file of a peer review must be of the same city",
            "city.id",
        )


def _check_baseline(baseline: _File, first: _File) -> None:
    """The self-assessment is of the review's city, frameworks, and not newer than its round."""
    _check_city(baseline, first)
    missing = set(first.profile.assessment.frameworks) - set(baseline.profile.assessment.frameworks)
    if missing:
        raise baseline.error(
            f"the self-assessment does not assess {', '.join(sorted(missing))}, which the "
            f"reviewers assess ({first.source})",
            "assessment.frameworks",
        )
    date, round_ = baseline.profile.assessment.date, first.profile.assessment.date
    if date > round_:
        raise baseline.error(
            f"the self-assessment is dated {date.isoformat()}, after the review round "
            f"({round_.isoformat()}, {first.source}): it must precede the review",
            "assessment.date",
        )


def _attributed(file: _File, warnings: list[str]) -> list[Evidence]:
    """*file*'s evidence, each item with its assessor where the file makes it plain; a warning
    in *warnings* for each item left unnamed."""
    listed = file.profile.assessment.assessors
    items = []
    for index, item in enumerate(file.profile.evidence):
        if not item.assessor and len(listed) == 1:
            item = attrs.evolve(item, assessor=listed[0])
        elif not item.assessor:
            key = f"evidence[{index}]"
            line = locate(file.text, key) if file.text else None
            where = f"{file.source}:{line}" if line is not None else file.source
            names = ", ".join(f'"{name}"' for name in listed)
            named = f"{len(listed)} assessors ({names})" if listed else "no assessor"
            warnings.append(
                f"{where}: {key}: the rating of {item.criterion} names no assessor and the file "
                f"lists {named}: it counts in the consensus, not in inter-rater agreement"
            )
        items.append(item)
    return items


def _merged_profile(reviewers: list[_File], evidence: list[Evidence]) -> CityProfile:
    first = reviewers[0].profile
    assessors = dict.fromkeys(a for f in reviewers for a in f.profile.assessment.assessors)
    return CityProfile(
        city=first.city,
        assessment=attrs.evolve(first.assessment, assessors=tuple(assessors)),
        evidence=tuple(evidence),
        context=_merged_context(reviewers),
        exclusions=tuple(dict.fromkeys(e for f in reviewers for e in f.profile.exclusions)),
        illustrative=any(f.profile.illustrative for f in reviewers),
    )


def _merged_context(reviewers: list[_File]) -> dict[str, dict[str, ContextValue]]:
    """Every file's contextual values; two files may not give one factor different values."""
    merged: dict[str, dict[str, ContextValue]] = {}
    given_by: dict[tuple[str, str], str] = {}
    for file in reviewers:
        for framework_id, values in file.profile.context.items():
            known = merged.setdefault(framework_id, {})
            for factor, value in values.items():
                if factor in known and known[factor] != value:
                    raise file.error(
                        f"gives {factor!r} another value than {given_by[framework_id, factor]}: "
                        "the files of a peer review must agree on the city's context",
                        f"context.{framework_id}.{factor}",
                    )
                known[factor] = value
                given_by.setdefault((framework_id, factor), file.source)
    return merged
