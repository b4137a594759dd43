"""API keys. With ``API_KEYS`` configured, ``/v1/*`` needs ``Authorization: Bearer <key>``;
with ``PROTECT_UI`` as well, so do the pages, ``/healthz``, ``/openapi.json`` and static files.

The page's own live check calls ``POST /v1/check/message`` from the browser, which holds
no API key: the page carries a signed, expiring UI token that is accepted for that one
endpoint while the UI is open (anyone can already check a message through the form).
"""
from __future__ import annotations

import hmac

from flask import current_app, request
from itsdangerous import BadSignature, TimestampSigner

from .problems import ApiProblem

UI_TOKEN_HEADER = "X-Compliance-UI-Token"
UI_TOKEN_MAX_AGE = 12 * 3600
UI_TOKEN_ENDPOINTS = {"api_v1.check_message"}


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt="compliance-check-ui")


def ui_token() -> str:
    return _signer().sign(b"ui").decode("ascii")


def _ui_token_valid(token: str) -> bool:
    try:
        return _signer().unsign(token, max_age=UI_TOKEN_MAX_AGE) == b"ui"
    except BadSignature:
        return False


def _key_valid(token: str) -> bool:
    presented = token.encode("utf-8")
    matched = False
    for key in current_app.config["API_KEYS"]:  # compare with every key: the time taken tells nothing
        matched |= hmac.compare_digest(presented, key.encode("utf-8"))
    return matched


def require_key(allow_ui_token: bool = False) -> None:
    """Raise a 401 problem unless the request carries a configured key."""
    if not current_app.config["API_KEYS"]:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip() and _key_valid(token.strip()):
        return
    if allow_ui_token and not current_app.config["PROTECT_UI"] and request.endpoint in UI_TOKEN_ENDPOINTS:
        if _ui_token_valid(request.headers.get(UI_TOKEN_HEADER, "")):
            return
    raise ApiProblem(401, "unauthorized", "Unauthorized", "send a configured API key as Authorization: Bearer <key>",
                     [("Authorization", "missing or not a configured key")],
                     headers={"WWW-Authenticate": 'Bearer realm="compliance-check"'})


def protect_api() -> None:
    require_key(allow_ui_token=True)


def protect_ui() -> None:
    if current_app.config["PROTECT_UI"]:
        require_key()
