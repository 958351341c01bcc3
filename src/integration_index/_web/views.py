"""The pages the app shows (GET): the folder, a profile, its settings, one top-level criterion's
questions, and the reports."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from integration_index._model.framework import Criterion, Framework
from integration_index._web import pages, reports
from integration_index._web.document import Document, today
from integration_index._web.profiles import Checked, Opened, open_stored
from integration_index._web.state import WebState, page, state_of

__all__ = ["factor_form", "index", "new_form", "plan", "profile", "report", "review"]


def open_profile(state: WebState, name: str) -> Opened:
    """The profile *name* of the folder, read and checked."""
    return open_stored(state.store.read(name), state.context)


def _name(request: Request) -> str:
    name = request.query_params.get("name")
    if not name:
        raise HTTPException(400, state_of(request).translator.t("web.errors.bad_name"))
    return name


def framework_and_top(
    state: WebState, opened: Opened, framework_id: str | None, criterion: str | None
) -> tuple[Framework, Criterion]:
    """The framework and top-level criterion a factor page is about (404 when unknown)."""
    named = (opened.document or {}).get("assessment", {}).get("frameworks", [])
    framework = state.context.frameworks.get(framework_id or "")
    if framework is None or framework.id not in named:
        raise HTTPException(404, state.translator.t("web.errors.no_framework"))
    for top in framework.criteria:
        if top.id == criterion:
            return framework, top
    raise HTTPException(404, state.translator.t("web.errors.no_criterion"))


def _summaries(state: WebState) -> tuple[list[dict[str, object]], list[list[str]]]:
    rows: list[dict[str, object]] = []
    opened_all = []
    for name in state.store.names():
        try:
            opened = open_profile(state, name)
        except OSError:
            continue
        opened_all.append(opened)
        checked = opened.checked
        profile = checked.profile if checked else None
        rows.append(
            {
                "name": name,
                "profile": profile,
                "problems": len(checked.problems) if checked else len(opened.read_problems),
                "cards": pages.cards_of(checked, state.context) if profile else [],
            }
        )
    return rows, pages.review_groups(opened_all)


async def index(request: Request) -> Response:
    state = state_of(request)
    rows, groups = await run_in_threadpool(_summaries, state)
    return page(request, "index.html", rows=rows, groups=groups, root=str(state.store.root))


async def new_form(request: Request) -> Response:
    state = state_of(request)
    frameworks = list(state.context.frameworks.values())
    values = {"assessment.date": today().isoformat(), "assessment.mode": "self-assessment"}
    return page(
        request,
        "new.html",
        frameworks=frameworks,
        values=values,
        chosen=[],
        problems={},
        error=None,
    )


async def profile(request: Request) -> Response:
    state = state_of(request)
    opened = await run_in_threadpool(open_profile, state, _name(request))
    cards = await run_in_threadpool(pages.cards_of, opened.checked, state.context)
    document = opened.document or {}
    progress = {}
    for card in cards:
        for top in card.framework.criteria:
            progress[(card.framework.id, top.id)] = pages.answered(document, card.framework, top)
    return page(
        request,
        "profile.html",
        opened=opened,
        cards=cards,
        progress=progress,
        saved=request.query_params.get("saved") == "1",
    )


async def settings_form(request: Request) -> Response:
    state = state_of(request)
    opened = await run_in_threadpool(open_profile, state, _name(request))
    if opened.document is None:
        raise HTTPException(409, state.translator.t("web.errors.not_toml"))
    return settings_page(request, opened, opened.document, opened.checked, None)


def settings_page(
    request: Request,
    opened: Opened,
    document: Document,
    checked: Checked | None,
    error: str | None,
    status: int = 200,
) -> HTMLResponse:
    """The settings form for *document* (the file's, or one not saved with its problems)."""
    state = state_of(request)
    named = document.get("assessment", {}).get("frameworks", [])
    frameworks = [state.context.frameworks[f] for f in named if f in state.context.frameworks]
    return page(
        request,
        "settings.html",
        status=status,
        opened=opened,
        document=document,
        checked=checked,
        frameworks=frameworks,
        error=error,
        modes=pages.ASSESSMENT_MODES,
    )


async def factor_form(request: Request) -> Response:
    state = state_of(request)
    opened = await run_in_threadpool(open_profile, state, _name(request))
    if opened.document is None:
        raise HTTPException(409, state.translator.t("web.errors.not_toml"))
    framework, top = framework_and_top(
        state, opened, request.query_params.get("framework"), request.query_params.get("criterion")
    )
    return await factor_page(request, opened, opened.document, opened.checked, framework, top)


async def factor_page(
    request: Request,
    opened: Opened,
    document: Document,
    checked: Checked | None,
    framework: Framework,
    top: Criterion,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The questions of one top-level criterion with *document*'s answers, and the card."""
    state = state_of(request)
    cards = await run_in_threadpool(pages.cards_of, checked, state.context)
    tops = list(framework.criteria)
    position = tops.index(top)
    return page(
        request,
        "factor.html",
        status=status,
        opened=opened,
        document=document,
        checked=checked,
        framework=framework,
        top=top,
        questions=pages.questions(document, framework, top),
        examples=pages.examples_of(framework, top),
        exclusion=pages.excluded(document, framework, top.id),
        previous=tops[position - 1] if position > 0 else None,
        following=tops[position + 1] if position + 1 < len(tops) else None,
        cards=cards,
        sources=pages.SOURCE_KINDS,
        efforts=pages.EFFORTS,
        assessors=_names(document.get("assessment", {}).get("assessors")),
        saved=request.query_params.get("saved") == "1",
        error=error,
    )


def _names(value: object) -> list[str]:
    return [name for name in value if isinstance(name, str)] if isinstance(value, list) else []


async def report(request: Request) -> Response:
    state = state_of(request)
    opened = await run_in_threadpool(open_profile, state, _name(request))
    return await run_in_threadpool(reports.profile_report, request, state, opened)


async def plan(request: Request) -> Response:
    state = state_of(request)
    opened = await run_in_threadpool(open_profile, state, _name(request))
    framework_id = request.query_params.get("framework")
    return await run_in_threadpool(reports.plan_report, request, state, opened, framework_id)


async def review(request: Request) -> Response:
    state = state_of(request)
    names = request.query_params.getlist("name")
    if not 1 <= len(names) <= 50:
        raise HTTPException(400, state.translator.t("web.errors.bad_name"))
    opened = [await run_in_threadpool(open_profile, state, name) for name in names]
    return await run_in_threadpool(reports.review_report, request, state, opened)
