"""The JSON API, ``/v1``. Views are thin: validate the body, select packs, call the
checker, log the decision, answer."""
from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response

from ..checker import MessageResult
from ..contacts.audit import INPUT_RULE
from ..contacts.next_contact import OUTCOMES, NoZone, next_contact
from ..contacts.records import parse_time
from ..contacts.zones import ZoneError, zones_for_tz
from ..findings import verdict
from ..cli import _pack_dict as pack_document
from ..decisions import MessageCheck
from .apart import apart
from .auth import protect_api
from .body import check_count, check_text_length, json_body
from .contacts import audit, auditor_for, records_from_request, records_text, rejected_entries
from .problems import ApiProblem, invalid
from .catalog import Catalog
from .responses import json_bytes, json_response
from .service import service

bp = Blueprint("api_v1", __name__, url_prefix="/v1")
bp.before_request(protect_api)

_VERDICT_RANK = {"pass": 0, "warn": 1, "block": 2}
_DECISION_ID = re.compile(r"^[0-9a-f]{32}$")


def _entry(result: MessageResult, text: str, **extra: Any) -> dict[str, Any]:
    return {**extra, "text": text, "verdict": result.verdict, "rules": [f.rule for f in result.findings]}


def message_check(catalog: Catalog) -> MessageCheck:
    """What ``POST /v1/check/message`` decides, as the decision log's process runs it."""

    def check(ids: tuple[str, ...], channel: str | None, text: str):
        result = catalog.checker(ids).check(text, channel)
        document = result.to_dict()
        return (result.verdict, catalog.pack_records(ids), [f.rule for f in result.findings],
                lambda decision_id: json_bytes({**document, "decision_id": decision_id}))

    return check


@bp.post("/check/message")
def check_message():
    body = json_body("check-message.request.json")
    check_text_length(body["text"], "$.text")
    svc = service()
    ids = svc.catalog.select(body.get("packs"), body.get("jurisdiction"))
    # checked and logged in the decision log's process, beside this server's loop
    return Response(svc.decisions.check_message(ids, body.get("channel"), body["text"]), mimetype="application/json")


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
    checked = apart(lambda: [checker.check(m["text"], m.get("channel", body.get("channel"))) for m in messages])
    results, entries = [], []
    for m, result in zip(messages, checked):
        results.append({"id": m["id"], "verdict": result.verdict, "findings": [f.to_dict() for f in result.findings]})
        entries.append(_entry(result, m["text"], id=m["id"]))
    verdict = max((r["verdict"] for r in results), key=_VERDICT_RANK.__getitem__, default="pass")
    decision_id = svc.decisions.record("/v1/check/messages", verdict, svc.catalog.pack_records(ids), entries)
    return json_response({"results": results, "packs": checker.pack_summaries, "decision_id": decision_id})


def _selection_field(body: dict[str, Any]) -> str:
    return "$.packs" if "packs" in body else "$.jurisdiction" if "jurisdiction" in body else "$"


@bp.post("/check/contacts")
def check_contacts():
    body = json_body("check-contacts.request.json")
    check_count(body["records"], "$.records", "MAX_RECORDS", "records")
    svc = service()
    ids = svc.catalog.select(body.get("packs"), body.get("jurisdiction"))
    auditor = auditor_for(svc.catalog, ids, _selection_field(body))
    items = records_from_request(body["records"])
    result = apart(audit, auditor, items)
    judged = [f for f in result.findings if f.kind != INPUT_RULE]
    rejected = rejected_entries(result.rejected_problems, items)
    outcome = verdict(judged)
    decision_id = svc.decisions.record("/v1/check/contacts", outcome, svc.catalog.pack_records(ids), [{
        "text": records_text(body["records"]), "records": len(items), "rejected": result.rejected,
        "verdict": outcome, "rules": [f.rule for f in judged]}])
    return json_response({"verdict": outcome, "findings": [f.to_dict() for f in judged], "rejected": rejected,
                    "summary": result.summary(), "packs": result.packs, "decision_id": decision_id})


@bp.post("/contacts/next")
def contacts_next():
    body = json_body("contacts-next.request.json")
    check_count(body["records"], "$.records", "MAX_RECORDS", "records")
    problems = []
    if "after" in body:
        try:
            after = parse_time(body["after"])
        except ValueError as exc:
            problems.append(("$.after", str(exc)))
    else:
        after = datetime.fromtimestamp(int(time.time()) + 1, timezone.utc)  # now, to the next whole second
    if "tz" in body:
        try:
            zones_for_tz(body["tz"])
        except ZoneError as exc:
            problems.append(("$.tz", str(exc)))
    if problems:
        raise invalid(problems)
    svc = service()
    ids = svc.catalog.select(body.get("packs"), body.get("jurisdiction"))
    auditor = auditor_for(svc.catalog, ids, _selection_field(body))
    items = records_from_request(body["records"])
    try:
        answer = apart(next_contact, auditor, items, body["account"], body["channel"], after, OUTCOMES,
                       body.get("tz"), body.get("phone"), body.get("debtor"))
    except NoZone as exc:
        raise invalid([("$.tz", str(exc))]) from None
    outcome = "block" if answer.allowed_at is None else "warn" if answer.allowed_at > after.timestamp() else "pass"
    decision_id = svc.decisions.record("/v1/contacts/next", outcome, svc.catalog.pack_records(ids), [{
        "text": records_text(body["records"]), "records": len(items), "rejected": len(answer.rejected),
        "verdict": outcome, "rules": [b.rule for b in answer.blocked_by]}])
    rejected = [(r.line, name, message) for r in answer.rejected for name, message in r.problems]
    return json_response({**answer.to_dict(), "rejected": rejected_entries(rejected, items),
                    "packs": auditor.pack_summaries, "decision_id": decision_id})


@bp.get("/packs")
def packs():
    catalog = service().catalog
    return json_response({"packs": [
        {"id": p.id, "version": p.version, "title": p.title, "jurisdiction": p.jurisdiction, "language": p.language,
         "rules": len(p.rules), "extends": list(p.extends), "sha256": catalog.digests[p.id]}
        for p in catalog.packs.values()
    ]})


@bp.get("/packs/<pack_id>")
def pack(pack_id: str):
    catalog = service().catalog
    if pack_id not in catalog.packs:
        raise ApiProblem(404, "not-found", "Not found", "no pack with this id is loaded", [("pack_id", "unknown pack")])
    return json_response({**pack_document(catalog.packs[pack_id]), "sha256": catalog.digests[pack_id]})


@bp.get("/decisions/<decision_id>")
def decision(decision_id: str):
    found = service().decisions.get(decision_id) if _DECISION_ID.match(decision_id) else None
    if found is None:
        raise ApiProblem(404, "not-found", "Not found", "no decision with this id", [("decision_id", "unknown decision")])
    return json_response(found)
