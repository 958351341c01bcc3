"""What changes a profile (POST): creating one, its settings, one top-level criterion's answers,
and the score card of answers not yet saved.

Each checks the token, reads the file, refuses a save made from an older version than the
file's (another tab, another person), applies the form, and writes the file only when it reads
back without a problem (and, when the file had comments the app did not write, only once the
user has said they may be dropped).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from integration_index._model.framework import Criterion, Framework
from integration_index._web import forms, pages
from integration_index._web.document import Document
from integration_index._web.profiles import Checked, Opened, check_document
from integration_index._web.security import token_ok
from integration_index._web.state import WebState, page, state_of
from integration_index._web.store import Conflict
from integration_index._web.views import factor_page, framework_and_top, open_profile, settings_page

__all__ = ["create", "preview", "save_factor", "save_settings"]

_MAX_FIELDS = 4000


async def read_form(request: Request) -> dict[str, list[str]]:
    """The form's fields (files are refused), after the token check (403 without it)."""
    state = state_of(request)
    async with request.form(max_files=0, max_fields=_MAX_FIELDS) as form:
        fields: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if not isinstance(value, str):
                raise HTTPException(400, state.translator.t("web.errors.bad_form"))
            fields.setdefault(key, []).append(value)
    given = request.headers.get("x-csrf-token") or _one(fields, "csrf")
    if not token_ok(given, state.token):
        raise HTTPException(403, state.translator.t("web.errors.token"))
    return fields


def _one(fields: dict[str, list[str]], key: str) -> str:
    return (fields.get(key) or [""])[0]


def _url(path: str, **query: str) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(query)}"


def conflict_page(
    request: Request, name: str, fields: dict[str, list[str]], reload: str
) -> HTMLResponse:
    """The save was refused: the file changed since the page was opened. The user's entries
    are shown, so nothing typed is lost, with a link (*reload*) to the page as the file is now."""
    entries = [
        (key, value)
        for key, values in fields.items()
        if key not in ("csrf", "version", "name", "drop_comments")
        for value in values
        if value.strip()
    ]
    return page(request, "conflict.html", status=409, name=name, entries=entries, reload=reload)


def _comments_refused(opened: Opened, fields: dict[str, list[str]]) -> bool:
    return bool(opened.foreign) and _one(fields, "drop_comments") != "yes"


async def _save(
    state: WebState, opened: Opened, checked: Checked, fields: dict[str, list[str]]
) -> bool:
    """Write the checked text over the file, made from the form's version; False on conflict.
    A write that fails (a full disk, a read-only folder) leaves the file as it was: 500, saying
    why."""
    try:
        await run_in_threadpool(
            state.store.save, opened.name, checked.text, _one(fields, "version")
        )
    except Conflict:
        return False
    except OSError as exc:
        message = state.translator.t("web.errors.write", reason=_reason(exc))
        raise HTTPException(500, message) from None
    return True


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


async def save_settings(request: Request) -> Response:
    state = state_of(request)
    fields = await read_form(request)
    name = _one(fields, "name")
    opened = await run_in_threadpool(open_profile, state, name)
    if opened.document is None:
        raise HTTPException(409, state.translator.t("web.errors.not_toml"))
    reload = _url("/settings", name=name)
    if opened.version != _one(fields, "version"):
        return conflict_page(request, name, fields, reload)
    document = forms.apply_settings(fields, opened.document, state.context.frameworks)
    checked = await run_in_threadpool(check_document, document, state.context, opened.header)
    error = _refusal(state, opened, checked, fields)
    if error:
        return settings_page(request, opened, document, checked, error, status=422)
    if not await _save(state, opened, checked, fields):
        return conflict_page(request, name, fields, reload)
    return RedirectResponse(_url("/profile", name=name, saved="1"), status_code=303)


def _refusal(
    state: WebState, opened: Opened, checked: Checked, fields: dict[str, list[str]]
) -> str | None:
    if checked.problems:
        return state.translator.t("web.errors.problems", count=len(checked.problems))
    if _comments_refused(opened, fields):
        return state.translator.t("web.comments.confirm_first")
    return None


async def _factor_input(
    request: Request,
) -> tuple[WebState, dict[str, list[str]], Opened, Framework, Criterion]:
    state = state_of(request)
    fields = await read_form(request)
    opened = await run_in_threadpool(open_profile, state, _one(fields, "name"))
    if opened.document is None:
        raise HTTPException(409, state.translator.t("web.errors.not_toml"))
    framework, top = framework_and_top(
        state, opened, _one(fields, "framework"), _one(fields, "criterion")
    )
    return state, fields, opened, framework, top


async def _apply_factor(
    state: WebState,
    fields: dict[str, list[str]],
    opened: Opened,
    framework: Framework,
    top: Criterion,
) -> tuple[Document, Checked]:
    """The file's document with the form's answers, written and checked (400 when the rows do
    not belong to this page)."""
    assert opened.document is not None
    try:
        document = forms.apply_factor(fields, opened.document, framework, top)
    except ValueError:
        raise HTTPException(400, state.translator.t("web.errors.bad_form")) from None
    checked = await run_in_threadpool(check_document, document, state.context, opened.header)
    return document, checked


async def save_factor(request: Request) -> Response:
    state, fields, opened, framework, top = await _factor_input(request)
    name = opened.name
    reload = _url("/factor", name=name, framework=framework.id, criterion=top.id)
    if opened.version != _one(fields, "version"):  # before the rows, which name its items
        return conflict_page(request, name, fields, reload)
    document, checked = await _apply_factor(state, fields, opened, framework, top)
    error = _refusal(state, opened, checked, fields)
    if error:
        return await factor_page(
            request, opened, document, checked, framework, top, error=error, status=422
        )
    if not await _save(state, opened, checked, fields):
        return conflict_page(request, name, fields, reload)
    query = {"name": name, "framework": framework.id, "criterion": top.id, "saved": "1"}
    return RedirectResponse(_url("/factor", **query), status_code=303)


async def preview(request: Request) -> Response:
    """The score card of the answers on the page, saved or not (a fragment for the script);
    when the file changed since the page was opened, a notice to reload instead (409)."""
    state, fields, opened, framework, top = await _factor_input(request)
    if opened.version != _one(fields, "version"):
        reload = _url("/factor", name=opened.name, framework=framework.id, criterion=top.id)
        return page(request, "_stale.html", status=409, reload=reload)
    _, checked = await _apply_factor(state, fields, opened, framework, top)
    cards = await run_in_threadpool(pages.cards_of, checked, state.context)
    return page(request, "_card.html", cards=cards, checked=checked)


async def create(request: Request) -> Response:
    state = state_of(request)
    fields = await read_form(request)
    chosen = [f for f in fields.get("frameworks", []) if f in state.context.frameworks]
    name = forms.file_name(fields)
    document = forms.new_document(fields, chosen)
    checked = await run_in_threadpool(check_document, document, state.context)
    error = None
    if not name:
        error = state.translator.t("web.new.bad_file")
    elif not chosen:
        error = state.translator.t("web.new.no_framework")
    elif checked.problems:
        error = state.translator.t("web.errors.problems", count=len(checked.problems))
    else:
        try:
            await run_in_threadpool(state.store.create, name, checked.text)
        except Conflict:
            error = state.translator.t("web.new.exists", name=name)
        except OSError as exc:
            error = state.translator.t("web.errors.write", reason=_reason(exc))
    if error is None:
        return RedirectResponse(_url("/profile", name=name, saved="1"), status_code=303)
    values = {key: _one(fields, key) for key in fields}
    problems = {p.key_path: p.message for p in checked.problems}
    return page(
        request,
        "new.html",
        status=422,
        frameworks=list(state.context.frameworks.values()),
        values=values,
        chosen=chosen,
        problems=problems,
        error=error,
    )
