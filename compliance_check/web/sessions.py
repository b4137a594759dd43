"""Sessions only where they are used: the pages keep their CSRF nonce in the signed
session cookie; the JSON API has no session, and skips the cost of opening one."""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class PagesOnlySessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith("/v1/"):
            return self.null_session_class()
        return super().open_session(app, request)
