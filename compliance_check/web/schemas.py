"""The API's JSON Schemas (``compliance_check/schemas/api/``): loading, and request validation
with one ``(JSON path, message)`` per problem."""
from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any, Iterator

import jsonschema
import jsonschema_rs

from ..errors import json_path

@functools.cache
def api_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file of the API by file name, e.g. ``check-message.request.json``."""
    folder = importlib.resources.files("compliance_check.schemas").joinpath("api")
    return {
        entry.name: json.loads(entry.read_text("utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def _inline(node: Any, document: str) -> Any:
    """``node`` with every ``$ref`` replaced by what it points at (the API's schemas have
    no recursive references). Resolving references on every request costs several times
    more than the checking itself."""
    if isinstance(node, list):
        return [_inline(v, document) for v in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target_file, _, pointer = node["$ref"].partition("#")
        target_file = target_file or document
        target: Any = api_schemas()[target_file]
        for part in pointer.strip("/").split("/"):
            target = target[part] if part else target
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**_inline(target, target_file), **_inline(rest, document)}
    return {k: _inline(v, document) for k, v in node.items() if k != "$defs"}


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema file ``name`` with its references inlined."""
    return jsonschema.Draft202012Validator(_inline(api_schemas()[name], name))


@functools.cache
def _fast_validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(_inline(api_schemas()[name], name))


def _describe(error: jsonschema.ValidationError) -> Iterator[tuple[str, str]]:
    """Short messages that name the field and do not echo the value (it may be personal data)."""
    path = list(error.absolute_path)
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        for name in expected:
            if isinstance(error.instance, dict) and name not in error.instance:
                yield json_path([*path, name]), "required"
        return
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        for name in error.instance:
            if name not in allowed:
                yield json_path([*path, name]), f"unknown field; expected one of {', '.join(allowed)}"
        return
    messages = {
        "type": lambda: f"expected {' or '.join(expected) if isinstance(expected, list) else expected}",
        "enum": lambda: f"must be one of {', '.join(map(str, expected))}",
        "minItems": lambda: f"must have at least {expected} item{'s' if expected != 1 else ''}",
        "minLength": lambda: "must not be empty" if expected == 1 else f"must be at least {expected} characters",
        "minimum": lambda: f"must be at least {expected}",
        "pattern": lambda: f"must match {expected}",
    }
    yield json_path(path), messages[keyword]() if keyword in messages else error.message[:200]


def request_problems(name: str, instance: Any) -> list[tuple[str, str]]:
    """Every way ``instance`` breaks the schema ``name``, ordered by field. A valid request
    (the common case) costs one pass of the compiled validator; only an invalid one is
    walked again to describe each problem."""
    if _fast_validator(name).is_valid(instance):
        return []
    found = [p for error in validator(name).iter_errors(instance) for p in _describe(error)]
    return sorted(dict.fromkeys(found))
