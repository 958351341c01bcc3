"""The app's state (one folder, one registry, one language, one token) and page rendering.

Every page is rendered on the server from Jinja2 templates with autoescaping.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from integration_index._api.core import scoring_context
from integration_index._i18n import Catalogue, Translator
from integration_index._model.text import Text
from integration_index._plugins.registry import Registry
from integration_index._scoring.context import ScoringContext
from integration_index._web.hosts import LOOPBACK_HOSTS
from integration_index._web.store import ProfileStore

__all__ = ["DEFAULT_HOSTS", "MAX_BODY", "WebState", "page", "state_of"]

#: The names the app answers to when it listens on the loopback address.
DEFAULT_HOSTS = LOOPBACK_HOSTS
#: The largest request body accepted, in bytes (a factor's answers with long notes fit easily).
MAX_BODY = 2 * 1024 * 1024


class WebState:
    """Everything a request needs: the folder, the frameworks, the words, the token."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        registry: Registry,
        language: str,
        token: str,
    ) -> None:
        self.store = ProfileStore(root)
        self.registry = registry
        self.context: ScoringContext = scoring_context(registry=registry)
        self.language = language
        self.translator: Translator = Catalogue.load().translator(language)
        self.token = token
        self.templates = Environment(
            loader=PackageLoader("integration_index._web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        t = self.translator
        self.templates.globals.update(
            t=t.t,
            number=t.number,
            percent=t.percent,
            integer=t.integer,
            long_date=t.date,
            text=self.text,
            language=language,
            token=token,
        )

    def text(self, value: Text | str | None) -> str:
        """A framework text in the app's language (English when it has no translation)."""
        if value is None:
            return ""
        return value if isinstance(value, str) else value.get(self.language)


def state_of(request: Request) -> WebState:
    """The app's state."""
    state: WebState = request.app.state.web
    return state


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page rendered from *template* with *values*."""
    state = state_of(request)
    html = state.templates.get_template(template).render(request_path=request.url.path, **values)
    return HTMLResponse(html, status_code=status)
