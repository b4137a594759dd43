"""Reading a JSON request body: content type, size, syntax, schema, then the size limits
the schema cannot know (they are configurable). Each failure is an ``ApiProblem``."""
from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, request

from .problems import ApiProblem, invalid
from .schemas import request_problems

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Built once: ``json.loads`` with an option builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _lone_surrogates(document: Any) -> list[tuple[str, str]]:
    """Strings holding half of a surrogate pair: valid JSON escapes, but not text.
    Walked with a stack, not recursion: nesting depth is the client's to choose."""
    found = []
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                found.append((path, "contains an unpaired surrogate escape; not valid Unicode text"))
        elif isinstance(value, dict):
            stack.extend((v, f"{path}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return sorted(found)


def json_body(schema: str) -> Any:
    """The request's JSON document, valid against the API schema file ``schema``."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not (mimetype.startswith("application/") and mimetype.endswith("+json")):
        raise ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                         f"send the body as application/json, not {mimetype or 'no content type'}",
                         [("Content-Type", "must be application/json")])
    data = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: werkzeug raises 413
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiProblem(400, "invalid-json", "Invalid JSON", f"not valid UTF-8 at byte {exc.start + 1}", [("$", "not UTF-8")]) from None
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ApiProblem(400, "invalid-json", "Invalid JSON", f"line {exc.lineno} column {exc.colno}: {exc.msg}", [("$", exc.msg)]) from None
    except ValueError as exc:
        raise ApiProblem(400, "invalid-json", "Invalid JSON", str(exc), [("$", str(exc))]) from None
    except RecursionError:
        raise ApiProblem(400, "invalid-json", "Invalid JSON", "nested too deeply", [("$", "nested too deeply")]) from None
    problems = request_problems(schema, document)
    if not problems and _SURROGATE_ESCAPE.search(data):
        problems = _lone_surrogates(document)
    if problems:
        raise invalid(problems)
    return document


def check_text_length(text: str, field: str) -> None:
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise invalid([(field, f"{len(text)} characters; at most {limit} per message")], status=413)


def check_count(items: list[Any], field: str, limit_key: str, noun: str) -> None:
    limit = current_app.config[limit_key]
    if len(items) > limit:
        raise invalid([(field, f"{len(items)} {noun}; at most {limit} per request")], status=413)
