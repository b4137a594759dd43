"""The web form at ``/``. With JavaScript it checks as the user types (``static/check.js``
calls ``POST /v1/check/message``); without, the form posts here and the result is
rendered on the server, with the same markup."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request

from ..batch import CHANNELS
from ..checker import MessageResult
from .auth import UI_TOKEN_HEADER, ui_token
from .catalog import Catalog, SelectionError
from .csrf import FIELD as CSRF_FIELD
from .csrf import csrf_token, csrf_valid
from .highlight import pieces
from .i18n import COOKIE, STRINGS, chosen_explicitly, language
from .service import service

bp = Blueprint("pages", __name__)


def scope_options(catalog: Catalog, strings: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups of the rules select: jurisdictions, then single packs."""
    return [
        ("", [("", strings["scope_all"])]),
        (strings["jurisdiction"], [(f"jurisdiction:{j}", j) for j in catalog.jurisdictions()]),
        (strings["pack"], [(f"pack:{p.id}", f"{p.id} {p.version}") for p in catalog.packs.values()]),
    ]


def default_scope(catalog: Catalog, lang: str) -> str:
    """The jurisdiction of the interface language (CN for Chinese, US for English), if loaded."""
    preferred = "CN" if lang == "zh" else "US"
    return f"jurisdiction:{preferred}" if preferred in catalog.jurisdictions() else ""


def selection(catalog: Catalog, scope: str) -> tuple[str, ...]:
    """Pack ids of a rules-select value: ``jurisdiction:J``, ``pack:ID`` or ``""`` (all)."""
    kind, _, value = scope.partition(":")
    if kind == "jurisdiction":
        return catalog.select(None, value)
    if kind == "pack":
        return catalog.select([value], None)
    if scope:
        raise SelectionError("scope", "unknown selection")
    return catalog.select(None, None)


def _render(lang: str, status: int = 200, text: str = "", channel: str = "sms", scope: str | None = None,
            result: MessageResult | None = None, error: str | None = None):
    catalog = service().catalog
    strings = STRINGS[lang]
    context: dict[str, Any] = {
        "t": strings, "lang": lang, "text": text, "channel": channel, "channels": CHANNELS,
        "scope": default_scope(catalog, lang) if scope is None else scope, "scopes": scope_options(catalog, strings),
        "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(), "ui_token": ui_token(), "ui_token_header": UI_TOKEN_HEADER,
        "verdict": result.verdict if result else None,
        "findings": [f.to_dict() for f in result.findings] if result else [],
        "pieces": pieces(text, result.findings) if result else [],
        "error": error, "max_chars": current_app.config["MAX_MESSAGE_CHARS"],
    }
    response = make_response(render_template("index.html", **context), status)
    if chosen_explicitly():
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.get("/")
def index():
    return _render(language())


@bp.post("/")
def submit():
    lang = language()
    strings = STRINGS[lang]
    text = request.form.get("text", "").replace("\r\n", "\n")
    channel = request.form.get("channel", "sms")
    scope = request.form.get("scope", "")
    form = {"text": text, "channel": channel, "scope": scope}
    if not csrf_valid(request.form.get(CSRF_FIELD)):
        return _render(lang, 400, error=strings["csrf_failed"], **form)
    if channel not in CHANNELS:
        return _render(lang, 400, error=f"{strings['channel']}: {', '.join(CHANNELS)}", **{**form, "channel": "sms"})
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        return _render(lang, 413, error=strings["too_long"].format(limit=limit), **form)
    catalog = service().catalog
    try:
        ids = selection(catalog, scope)
    except SelectionError as exc:
        return _render(lang, 400, error=f"{strings['scope']}: {exc.message}", **form)
    result = catalog.checker(ids).check(text, channel)
    return _render(lang, result=result, **form)
