"""The reports the app opens for a profile: the profile report, the development plan, and the
merged peer review of several reviewers' files, as the library's self-contained HTML reports
(``render(..., format="html")``) in the app's language.

A report is served as it is, a page of its own, under a policy stricter than the app's: a
sandbox (an origin of its own, so that its script cannot reach the app), its inline style and
charts, nothing from the network. ``download=1`` serves it as a file to keep.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from integration_index._api.core import only_framework, score
from integration_index._api.modes import development_plan, merge_reviews, peer_review
from integration_index._api.reports import render
from integration_index._model.profile import CityProfile
from integration_index._web.profiles import Opened
from integration_index._web.security import REPORT_POLICY
from integration_index._web.state import WebState
from integration_index.exceptions import IntegrationIndexError

__all__ = ["plan_report", "profile_report", "review_report"]


def _profile(state: WebState, opened: Opened) -> CityProfile:
    checked = opened.checked
    if checked is None or checked.profile is None or checked.problems:
        raise HTTPException(409, state.translator.t("web.errors.fix_first"))
    return checked.profile


def _page(request: Request, text: str, stem: str) -> HTMLResponse:
    headers = {"Content-Security-Policy": REPORT_POLICY}
    if request.query_params.get("download") == "1":
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "report"
        headers["Content-Disposition"] = f'attachment; filename="{safe}.html"'
    return HTMLResponse(text, headers=headers)


def _stem(opened: Opened, suffix: str) -> str:
    return opened.name.rsplit("/", 1)[-1].removesuffix(".toml") + suffix


def profile_report(request: Request, state: WebState, opened: Opened) -> HTMLResponse:
    """The profile's report through every framework it names."""
    profile = _profile(state, opened)
    try:
        text = render(profile, format="html", language=state.language, registry=state.registry)
    except IntegrationIndexError as exc:
        raise HTTPException(409, exc.problems[0].message) from None
    return _page(request, text, _stem(opened, "-report"))


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
        text = render(
            plan,
            format="html",
            card=card,
            profile=profile,
            language=state.language,
            registry=state.registry,
        )
    except IntegrationIndexError as exc:
        raise HTTPException(409, exc.problems[0].message) from None
    return _page(request, text, _stem(opened, f"-plan-{chosen}"))


def review_report(request: Request, state: WebState, opened: list[Opened]) -> HTMLResponse:
    """The merged review of the reviewers' files (and the self-assessment, if among them)."""
    profiles = [_profile(state, item) for item in opened]
    try:
        merged = merge_reviews(
            profiles, sources=[item.name for item in opened], texts=[item.text for item in opened]
        )
        framework = only_framework(merged.profile)
        result = peer_review(merged, framework=framework, registry=state.registry)
        text = render(
            result,
            format="html",
            profile=merged,
            framework=framework,
            language=state.language,
            registry=state.registry,
        )
    except (IntegrationIndexError, ValueError) as exc:
        message = exc.problems[0].message if isinstance(exc, IntegrationIndexError) else str(exc)
        raise HTTPException(409, message) from None
    return _page(request, text, _stem(opened[0], "-peer-review"))
