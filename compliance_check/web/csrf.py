"""CSRF tokens for the HTML forms: a random nonce kept in the (signed) session cookie,
and a signed, expiring copy of it in the form. Another site can neither read the cookie
nor mint the token, so it cannot make a browser submit the form."""
from __future__ import annotations

import hmac
import secrets

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

FIELD = "csrf_token"
MAX_AGE = 12 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="compliance-check-csrf")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(18)
    return _serializer().dumps(session["csrf"])


def csrf_valid(token: str | None) -> bool:
    expected = session.get("csrf")
    if not token or not expected:
        return False
    try:
        nonce = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return False
    return isinstance(nonce, str) and hmac.compare_digest(nonce, expected)
