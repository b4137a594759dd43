"""The Flask app factory: the JSON API, the web pages, OpenAPI, and the decision log.

Packs are loaded and compiled once, when the app is created. Configuration comes from
``config`` (keys below), else from ``COMPLIANCE_CHECK_*`` environment variables, else
the defaults. See docs/api.md.
"""
from __future__ import annotations

import logging
import os
import secrets
import traceback
from typing import Any, Callable, Mapping

from flask import Flask, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .decisions import DecisionLog
from .web import api_v1, contacts_page, meta, pages
from .web.auth import protect_ui
from .web.catalog import SelectionError, load_catalog
from .web.problems import ApiProblem, invalid, problem_response
from .web.service import EXTENSION, Service
from .web.sessions import PagesOnlySessionInterface

log = logging.getLogger("compliance_check.api")


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(value: str) -> int:
    return int(value.replace("_", ""))


def _names(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


# config key -> (environment variable, parser, default)
SETTINGS: dict[str, tuple[str, Callable[[str], Any], Any]] = {
    "PACKS": ("COMPLIANCE_CHECK_PACKS", _names, []),
    "DECISIONS_DB": ("COMPLIANCE_CHECK_DECISIONS_DB", str, "compliance-check-decisions.sqlite3"),
    "STORE_TEXT": ("COMPLIANCE_CHECK_STORE_TEXT", _flag, False),
    "MAX_CONTENT_LENGTH": ("COMPLIANCE_CHECK_MAX_BODY_BYTES", _int, 1024 * 1024),
    "MAX_MESSAGE_CHARS": ("COMPLIANCE_CHECK_MAX_MESSAGE_CHARS", _int, 20_000),
    "MAX_MESSAGES": ("COMPLIANCE_CHECK_MAX_MESSAGES", _int, 1_000),
    "MAX_RECORDS": ("COMPLIANCE_CHECK_MAX_RECORDS", _int, 100_000),
    "MAX_UPLOAD_BYTES": ("COMPLIANCE_CHECK_MAX_UPLOAD_BYTES", _int, 16 * 1024 * 1024),
    "API_KEYS": ("COMPLIANCE_CHECK_API_KEYS", _names, []),
    "PROTECT_UI": ("COMPLIANCE_CHECK_PROTECT_UI", _flag, False),
    "SECRET_KEY": ("COMPLIANCE_CHECK_SECRET_KEY", str, None),
}


def settings(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Resolved configuration. ``ValueError`` names the variable that does not parse."""
    out: dict[str, Any] = {}
    for key, (variable, parse, default) in SETTINGS.items():
        if config and key in config:
            out[key] = config[key]
        elif environ.get(variable, "").strip():
            try:
                out[key] = parse(environ[variable])
            except ValueError:
                raise ValueError(f"{variable}: not a valid value: {environ[variable]!r}") from None
        else:
            out[key] = default
    out["SECRET_KEY"] = out["SECRET_KEY"] or secrets.token_hex(32)
    return out


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The service. ``config`` overrides the environment; unknown keys go to Flask as is."""
    app = Flask(__name__.rpartition(".")[0] + ".web")
    app.config.update(settings(config))
    app.config.update({k: v for k, v in (config or {}).items() if k not in SETTINGS})
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.session_interface = PagesOnlySessionInterface()
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    catalog = load_catalog(tuple(app.config["PACKS"]))
    app.extensions[EXTENSION] = Service(
        catalog=catalog,
        decisions=DecisionLog(app.config["DECISIONS_DB"], store_text=app.config["STORE_TEXT"],
                              check_message=api_v1.message_check(catalog)),
    )
    # The API checks its keys itself; everything else (pages, static files, /healthz,
    # /openapi.json) needs one only when the operator protects the UI. The setting is
    # read first: finding the request's blueprint costs more, on every API request.
    app.before_request(lambda: protect_ui() if app.config["PROTECT_UI"] and request.blueprint != api_v1.bp.name else None)
    app.register_blueprint(meta.bp)
    app.register_blueprint(api_v1.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(contacts_page.bp)
    _register_errors(app)
    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def api_problem(problem: ApiProblem):
        return problem_response(problem)

    @app.errorhandler(SelectionError)
    def selection(error: SelectionError):
        return problem_response(invalid([(error.field, error.message)]))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):
        limit = app.config["MAX_CONTENT_LENGTH"]
        return problem_response(invalid([("$", f"the body is over {limit:,} bytes")], status=413))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        headers = {k: v for k, v in error.get_headers() if k == "Allow"}
        slug = (error.name or "error").lower().replace(" ", "-")
        return problem_response(ApiProblem(error.code or 500, slug, error.name, error.description, headers=headers))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Only the decision id goes back; the log gets the exception type and the stack,
        # not its message, which may quote a message text.
        decisions = app.extensions[EXTENSION].decisions
        try:
            decision_id = decisions.record(request.path, "error", [], [])
        except Exception:
            decision_id = secrets.token_hex(16)
        stack = "".join(traceback.format_tb(error.__traceback__))
        log.error("internal error %s in %s %s: %s\n%s", decision_id, request.method, request.path, type(error).__name__, stack)
        return problem_response(ApiProblem(500, "internal-error", "Internal Server Error"), decision_id=decision_id)
