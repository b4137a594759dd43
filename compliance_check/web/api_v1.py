"""The JSON API, ``/v1``. Views are thin: validate the body, select packs, call the
checker, log the decision, answer."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify

from ..checker import MessageResult
from ..cli import _pack_dict as pack_document
from .auth import protect_api
from .body import check_count, check_text_length, json_body
from .problems import ApiProblem
from .service import service

bp = Blueprint("api_v1", __name__, url_prefix="/v1")
bp.before_request(protect_api)

_VERDICT_RANK = {"pass": 0, "warn": 1, "block": 2}
_DECISION_ID = re.compile(r"^[0-9a-f]{32}$")


def _entry(result: MessageResult, text: str, **extra: Any) -> dict[str, Any]:
    return {**extra, "text": text, "verdict": result.verdict, "rules": [f.rule for f in result.findings]}


@bp.post("/check/message")
def check_message():
    body = json_body("check-message.request.json")
    check_text_length(body["text"], "$.text")
    svc = service()
    ids = svc.catalog.select(body.get("packs"), body.get("jurisdiction"))
    result = svc.catalog.checker(ids).check(body["text"], body.get("channel"))
    decision_id = svc.decisions.record("/v1/check/message", result.verdict, svc.catalog.pack_records(ids),
                                       [_entry(result, body["text"])])
    return jsonify({**result.to_dict(), "decision_id": decision_id})


@bp.post("/check/messages")
def check_messages():
    body = json_body("check-messages.request.json")
    messages = body["messages"]
    check_count(messages, "$.messages", "MAX_MESSAGES", "messages")
    for i, m in enumerate(messages):
        check_text_length(m["text"], f"$.messages[{i}].text")
    svc = service()
    ids = svc.catalog.select(body.get("packs"), body.get("jurisdiction"))
    checker = svc.catalog.checker(ids)
    results, entries = [], []
    for m in messages:
        result = checker.check(m["text"], m.get("channel", body.get("channel")))
        results.append({"id": m["id"], "verdict": result.verdict, "findings": [f.to_dict() for f in result.findings]})
        entries.append(_entry(result, m["text"], id=m["id"]))
    verdict = max((r["verdict"] for r in results), key=_VERDICT_RANK.__getitem__, default="pass")
    decision_id = svc.decisions.record("/v1/check/messages", verdict, svc.catalog.pack_records(ids), entries)
    return jsonify({"results": results, "packs": checker.pack_summaries, "decision_id": decision_id})


@bp.get("/packs")
def packs():
    catalog = service().catalog
    return jsonify({"packs": [
        {"id": p.id, "version": p.version, "title": p.title, "jurisdiction": p.jurisdiction, "language": p.language,
         "rules": len(p.rules), "extends": list(p.extends), "sha256": catalog.digests[p.id]}
        for p in catalog.packs.values()
    ]})


@bp.get("/packs/<pack_id>")
def pack(pack_id: str):
    catalog = service().catalog
    if pack_id not in catalog.packs:
        raise ApiProblem(404, "not-found", "Not found", "no pack with this id is loaded", [("pack_id", "unknown pack")])
    return jsonify({**pack_document(catalog.packs[pack_id]), "sha256": catalog.digests[pack_id]})


@bp.get("/decisions/<decision_id>")
def decision(decision_id: str):
    found = service().decisions.get(decision_id) if _DECISION_ID.match(decision_id) else None
    if found is None:
        raise ApiProblem(404, "not-found", "Not found", "no decision with this id", [("decision_id", "unknown decision")])
    return jsonify(found)
