"""The OpenAPI 3.1 document, assembled from the same schema files that validate requests
(``schemas/api/``), so the description cannot drift from what the server enforces."""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from .. import __version__
from .schemas import api_schemas

_COMMON = "common.json"


def _component_ref(ref: str) -> str:
    """``common.json#/$defs/Finding`` and ``#/$defs/Finding`` -> ``#/components/schemas/Finding``;
    ``check-message.response.json`` -> the component named by that file's title."""
    document, _, pointer = ref.partition("#")
    if pointer.startswith("/$defs/"):
        return "#/components/schemas/" + pointer.removeprefix("/$defs/")
    return "#/components/schemas/" + api_schemas()[document]["title"]


def _convert(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (_component_ref(v) if k == "$ref" else _convert(v))
                for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
    if isinstance(node, list):
        return [_convert(v) for v in node]
    return node


def _json(schema_file: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _component_ref(schema_file)}}}


def _problems(*statuses: int) -> dict[str, Any]:
    reasons = {400: "Invalid JSON", 401: "Missing or wrong API key", 404: "Not found",
               413: "Body, message or batch over the configured limit", 415: "Body is not application/json",
               422: "The body breaks the request schema, or names packs this server has not loaded",
               500: "Unexpected error; the body carries only the decision id to quote"}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {str(s): {"description": reasons[s], "content": problem} for s in statuses}


def _any_case(word: str) -> str:
    """An ECMA-262 pattern matching ``word`` in any letter case (no inline flags there)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


def build_openapi(config: Mapping[str, Any], pack_ids: Sequence[str], jurisdictions: Sequence[str]) -> dict[str, Any]:
    """The document for an app with ``config`` (limits, whether keys are required) that
    loaded ``pack_ids``: the schema files, narrowed to the packs and jurisdictions this
    server accepts, so that every request the document calls valid is answered."""
    files = api_schemas()
    components = {name: _convert(s) for name, s in files[_COMMON]["$defs"].items()}
    components["PackIds"]["items"]["enum"] = list(pack_ids)
    components["Jurisdiction"]["pattern"] = "^(" + "|".join(_any_case(j) for j in jurisdictions) + ")$"
    components.update({s["title"]: _convert(s) for name, s in files.items() if name != _COMMON})
    limits = (f"Limits: {config['MAX_CONTENT_LENGTH']:,} bytes per body, {config['MAX_MESSAGE_CHARS']:,} characters "
              f"per message, {config['MAX_MESSAGES']:,} messages per batch, {config['MAX_RECORDS']:,} contact records "
              "per request (413 beyond).")
    write_errors = _problems(400, 413, 415, 422, 500)
    secured = bool(config["API_KEYS"])
    auth_errors = _problems(401) if secured else {}

    def operation(summary: str, responses: dict[str, Any], op_id: str, body: str | None = None,
                  params: list[dict[str, Any]] | None = None, api: bool = True) -> dict[str, Any]:
        op: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": responses}
        if body:
            op["requestBody"] = {"required": True, "content": _json(body)}
        if params:
            op["parameters"] = params
        if api:
            op["responses"] = {**responses, **auth_errors, **_problems(500)}
            if secured:
                op["security"] = [{"bearerAuth": []}]
        return op

    def path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "schema": schema}

    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "compliance-check", "version": __version__,
                 "description": "Check debt-collection messages against rule packs. " + limits},
        "paths": {
            "/healthz": {"get": operation("Liveness, with the loaded packs",
                                          {"200": {"description": "Serving", "content": _json("health.response.json")}},
                                          "health", api=False)},
            "/openapi.json": {"get": operation("This document", {"200": {"description": "OpenAPI 3.1",
                                               "content": {"application/json": {"schema": {"type": "object"}}}}},
                                               "openapi", api=False)},
            "/v1/check/message": {"post": operation(
                "Check one message", {"200": {"description": "Verdict and findings", "content": _json("check-message.response.json")},
                                      **write_errors}, "checkMessage", body="check-message.request.json")},
            "/v1/check/messages": {"post": operation(
                "Check a batch of messages", {"200": {"description": "One result per message, in order",
                                                      "content": _json("check-messages.response.json")}, **write_errors},
                "checkMessages", body="check-messages.request.json")},
            "/v1/check/contacts": {"post": operation(
                "Audit a contact log", {"200": {"description": "Findings, rejected records and a summary",
                                                "content": _json("check-contacts.response.json")}, **write_errors},
                "checkContacts", body="check-contacts.request.json")},
            "/v1/contacts/next": {"post": operation(
                "When may this account next be contacted", {"200": {"description": "The earliest allowed time and what blocks",
                                                               "content": _json("contacts-next.response.json")}, **write_errors},
                "nextContact", body="contacts-next.request.json")},
            "/v1/packs": {"get": operation("The loaded packs", {"200": {"description": "Packs",
                                           "content": _json("packs.response.json")}}, "listPacks")},
            "/v1/packs/{pack_id}": {"get": operation(
                "One pack with its rules", {"200": {"description": "The pack", "content": _json("pack.response.json")},
                                            **_problems(404)}, "getPack", params=[path_param("pack_id", {"type": "string"})])},
            "/v1/decisions/{decision_id}": {"get": operation(
                "One entry of the decision log", {"200": {"description": "The decision", "content": _json("decision.response.json")},
                                                  **_problems(404)}, "getDecision",
                params=[path_param("decision_id", {"type": "string"})])},
        },
        "components": {"schemas": components},
    }
    if secured:
        doc["components"]["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    return doc
