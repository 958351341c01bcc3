"""The reports the app opens for a profile: the profile report, the development plan, and the
merged peer review of several reviewers' files, through the library's public report functions."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from integration_index._api.core import only_framework, score
from integration_index._api.modes import (
    development_plan,
    merge_reviews,
    peer_review,
    peer_review_markdown,
    plan_markdown,
    profile_markdown,
)
from integration_index._model.profile import CityProfile
from integration_index._web.profiles import Opened
from integration_index._web.state import WebState, page
from integration_index.exceptions import IntegrationIndexError

__all__ = ["plan_report", "profile_report", "review_report"]


def _profile(state: WebState, opened: Opened) -> CityProfile:
    checked = opened.checked
    if checked is None or checked.profile is None or checked.problems:
        raise HTTPException(409, state.translator.t("web.errors.fix_first"))
    return checked.profile


def _markdown(request: Request, title: str, text: str, back: str | None) -> HTMLResponse:
    return page(request, "report.html", title=title, markdown=text, back=back)


def profile_report(request: Request, state: WebState, opened: Opened) -> HTMLResponse:
    """The profile's report through every framework it names."""
    profile = _profile(state, opened)
    try:
        text = profile_markdown(profile, language=state.language, registry=state.registry)
    except IntegrationIndexError as exc:
        raise HTTPException(409, exc.problems[0].message) from None
    return _markdown(request, state.translator.t("web.report.title"), text, opened.name)


def plan_report(
    request: Request, state: WebState, opened: Opened, framework_id: str | None
) -> HTMLResponse:
    """The development plan of the profile for one framework."""
    profile = _profile(state, opened)
    try:
        chosen = framework_id or only_framework(profile)
        if chosen not in profile.assessment.frameworks:
            raise HTTPException(404, state.translator.t("web.errors.no_framework"))
        card = score(profile, chosen, registry=state.registry)
        plan = development_plan(card, profile, registry=state.registry)
        text = plan_markdown(plan, card, profile, language=state.language, registry=state.registry)
    except IntegrationIndexError as exc:
        raise HTTPException(409, exc.problems[0].message) from None
    return _markdown(request, state.translator.t("web.plan.title"), text, opened.name)


def review_report(request: Request, state: WebState, opened: list[Opened]) -> HTMLResponse:
    """The merged review of the reviewers' files (and the self-assessment, if among them)."""
    profiles = [_profile(state, item) for item in opened]
    try:
        merged = merge_reviews(
            profiles, sources=[item.name for item in opened], texts=[item.text for item in opened]
        )
        framework = only_framework(merged.profile)
        result = peer_review(merged, framework=framework, registry=state.registry)
        text = peer_review_markdown(result, merged, framework=framework, registry=state.registry)
    except (IntegrationIndexError, ValueError) as exc:
        message = exc.problems[0].message if isinstance(exc, IntegrationIndexError) else str(exc)
        raise HTTPException(409, message) from None
    return _markdown(request, state.translator.t("web.review.title"), text, None)
