"""The app: its routes, error pages and guard, over one folder of profiles.

Every page is rendered on the server from Jinja2 templates with autoescaping; the one script
(``static/app.js``) only asks the server for the score card of the answers not yet saved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from integration_index._api.core import resolve_registry
from integration_index._plugins.registry import Registry
from integration_index._web import edit, views
from integration_index._web.security import Guard, new_token
from integration_index._web.state import DEFAULT_HOSTS, MAX_BODY, WebState, page, state_of
from integration_index._web.store import BadName

__all__ = ["DEFAULT_HOSTS", "MAX_BODY", "create_app"]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return page(request, "error.html", status=exc.status_code, message=exc.detail)


async def _bad_name(request: Request, exc: Exception) -> Response:
    return page(
        request,
        "error.html",
        status=400,
        message=state_of(request).translator.t("web.errors.bad_name"),
    )


async def _missing(request: Request, exc: Exception) -> Response:
    return page(
        request,
        "error.html",
        status=404,
        message=state_of(request).translator.t("web.errors.missing"),
    )


def create_app(
    root: str | os.PathLike[str],
    *,
    registry: Registry | None = None,
    language: str = "en",
    hosts: Iterable[str] = DEFAULT_HOSTS,
    max_body: int = MAX_BODY,
    token: str | None = None,
) -> Starlette:
    """The app over the profiles in *root* (created if missing).

    Args:
        root: The folder of profiles.
        registry: Where frameworks come from (default: the default registry).
        language: ``en`` or ``fr``.
        hosts: The host names the app answers to, as ``Host`` headers name them without their
            port (an IPv6 address in brackets); there is no wildcard.
        max_body: The largest request body, in bytes.
        token: The anti-forgery token of its forms (default: a fresh random one).
    """
    state = WebState(root, resolve_registry(registry), language, token or new_token())
    routes = [
        Route("/", views.index),
        Route("/new", views.new_form, methods=["GET"]),
        Route("/new", edit.create, methods=["POST"]),
        Route("/profile", views.profile),
        Route("/settings", views.settings_form, methods=["GET"]),
        Route("/settings", edit.save_settings, methods=["POST"]),
        Route("/factor", views.factor_form, methods=["GET"]),
        Route("/factor", edit.save_factor, methods=["POST"]),
        Route("/preview", edit.preview, methods=["POST"]),
        Route("/report", views.report),
        Route("/plan", views.plan),
        Route("/review", views.review),
        Mount(
            "/static", StaticFiles(packages=[("integration_index._web", "static")]), name="static"
        ),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: _http_error,
            BadName: _bad_name,
            FileNotFoundError: _missing,
        },
    )
    app.state.web = state
    app.add_middleware(Guard, hosts=list(hosts), max_body=max_body)
    return app
