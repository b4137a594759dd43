"""RFC 9457 problem details: every error the service returns, as ``application/problem+json``."""
from __future__ import annotations

import json
from typing import Any

from flask import Response

PROBLEM_TYPE = "https://compliance-check.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raised by a view or a check; the app turns it into a problem response.
    ``errors`` are ``(field, message)`` pairs; ``field`` names the first."""

    def __init__(self, status: int, slug: str, title: str, detail: str | None = None,
                 errors: list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None):
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        super().__init__(detail or title)


def problem_response(problem: ApiProblem, decision_id: str | None = None) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_TYPE + problem.slug, "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["field"] = problem.errors[0][0]
        body["errors"] = [{"field": f, "message": m} for f, m in problem.errors]
    if decision_id:
        body["decision_id"] = decision_id
    return Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=MEDIA_TYPE, headers=problem.headers)


def invalid(errors: list[tuple[str, str]], status: int = 422) -> ApiProblem:
    """A request that parsed but is not acceptable: 422 for schema violations, 413 for limits."""
    slug, title = ("too-large", "Request too large") if status == 413 else ("invalid-request", "Invalid request")
    first_field, first_message = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ApiProblem(status, slug, title, f"{first_field}: {first_message}{more}", errors)
