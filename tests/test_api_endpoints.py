"""The JSON API through Flask's test client: every endpoint, answers a caller relies on."""
from __future__ import annotations

import hashlib
import json

import pytest

from compliance_check.api import create_app
from compliance_check.web.openapi import build_openapi
from compliance_check.web.schemas import api_schemas, validator

THREAT = "再不还钱小心你的腿"


@pytest.fixture
def app(tmp_path):
    return create_app({"DECISIONS_DB": str(tmp_path / "decisions.sqlite3"), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def assert_matches(schema_file: str, document: dict) -> None:
    errors = list(validator(schema_file).iter_errors(document))
    assert not errors, [e.message for e in errors]


def test_check_message_finds_the_threat_with_code_point_spans_after_an_emoji(client):
    text = "😀" + THREAT
    r = client.post("/v1/check/message", json={"text": text, "jurisdiction": "CN", "channel": "sms"})
    assert r.status_code == 200
    body = r.get_json()
    assert_matches("check-message.response.json", body)
    assert body["verdict"] == "block"
    threat = next(f for f in body["findings"] if f["rule"] == "CN-THREAT-001")
    start, end = threat["span"]["start"], threat["span"]["end"]
    assert text[start:end] == threat["matched"] == "小心你的腿"
    assert start == 5  # the emoji is one code point, not two UTF-16 units
    assert [p["id"] for p in body["packs"]] == ["cn-collection"]
    assert len(body["decision_id"]) == 32


def test_check_message_selects_packs_by_id_jurisdiction_or_all(client):
    def pack_ids(payload):
        return [p["id"] for p in client.post("/v1/check/message", json=payload).get_json()["packs"]]

    assert pack_ids({"text": "hi", "packs": ["us-federal"]}) == ["us-federal"]
    assert pack_ids({"text": "hi", "jurisdiction": "cn"}) == ["cn-collection"]
    loaded = sorted(p["id"] for p in client.get("/v1/packs").get_json()["packs"])
    assert pack_ids({"text": "hi"}) == loaded and {"cn-collection", "us-federal"} <= set(loaded)
    assert pack_ids({"text": "hi", "packs": ["us-federal"], "jurisdiction": "CN"}) == ["cn-collection", "us-federal"]


def test_a_lawful_message_passes(client):
    r = client.post("/v1/check/message", json={
        "text": "您好，您尾号1234的信用卡本期账单已到期，请于5月20日前还款。如有疑问或异议，请致电客服热线95555。",
        "jurisdiction": "CN", "channel": "sms"})
    assert r.get_json()["verdict"] == "pass" and r.get_json()["findings"] == []


def test_check_messages_answers_in_order_with_ids_and_one_decision(client, app):
    r = client.post("/v1/check/messages", json={
        "jurisdiction": "US", "channel": "sms",
        "messages": [{"id": "a", "text": "We will have you arrested."}, {"id": 2, "text": "Hello", "channel": "letter"}]})
    assert r.status_code == 200
    body = r.get_json()
    assert_matches("check-messages.response.json", body)
    assert [m["id"] for m in body["results"]] == ["a", 2]
    assert body["results"][0]["verdict"] == "block"
    decision = client.get(f"/v1/decisions/{body['decision_id']}").get_json()
    assert decision["verdict"] == "block"
    assert [m["id"] for m in decision["messages"]] == ["a", 2]
    assert decision["messages"][0]["sha256"] == hashlib.sha256("We will have you arrested.".encode()).hexdigest()


def test_decision_log_keeps_packs_verdict_rules_and_hashes_but_not_the_text(client):
    body = client.post("/v1/check/message", json={"text": THREAT, "jurisdiction": "CN"}).get_json()
    r = client.get(f"/v1/decisions/{body['decision_id']}")
    assert r.status_code == 200
    decision = r.get_json()
    assert_matches("decision.response.json", decision)
    assert decision["endpoint"] == "/v1/check/message"
    assert decision["verdict"] == "block"
    (pack,) = decision["packs"]
    assert pack["id"] == "cn-collection" and len(pack["sha256"]) == 64
    (message,) = decision["messages"]
    assert message["rules"] == [f["rule"] for f in body["findings"]]
    assert message["sha256"] == hashlib.sha256(THREAT.encode()).hexdigest()
    assert "text" not in message
    assert THREAT not in r.get_data(as_text=True)


def test_the_operator_can_store_texts(tmp_path):
    client = create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3"), "STORE_TEXT": True}).test_client()
    decision_id = client.post("/v1/check/message", json={"text": THREAT}).get_json()["decision_id"]
    assert client.get(f"/v1/decisions/{decision_id}").get_json()["messages"][0]["text"] == THREAT


def test_unknown_decision_is_404(client):
    for missing in ("0" * 32, "not-an-id"):
        r = client.get(f"/v1/decisions/{missing}")
        assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_packs_lists_the_loaded_packs_with_content_hashes(client):
    r = client.get("/v1/packs")
    assert r.status_code == 200
    assert_matches("packs.response.json", r.get_json())
    packs = {p["id"]: p for p in r.get_json()["packs"]}
    assert {"cn-collection", "us-federal"} <= set(packs)  # every bundled pack
    assert packs["cn-collection"]["jurisdiction"] == "CN" and packs["cn-collection"]["rules"] > 0


def test_pack_shows_rules_and_unknown_pack_is_404(client):
    r = client.get("/v1/packs/us-federal")
    assert r.status_code == 200
    assert_matches("pack.response.json", r.get_json())
    assert any(rule["id"] == "US-PROFANITY-001" for rule in r.get_json()["rules"])
    missing = client.get("/v1/packs/nope")
    assert missing.status_code == 404 and missing.get_json()["field"] == "pack_id"


def test_a_changed_pack_has_a_different_hash():
    from compliance_check.packs.loader import load_packs
    from compliance_check.web.catalog import pack_digest

    (pack,) = load_packs(["us-federal"])
    changed = type(pack)(**{**pack.__dict__, "version": "9.9.9"})
    assert pack_digest(pack) != pack_digest(changed)
    assert pack_digest(pack) == pack_digest(load_packs(["us-federal"])[0])


def test_a_retrained_model_changes_the_hash_of_the_pack_that_reads_it(tmp_path):
    """The rule text names the model file; what the rules decide is in the file."""
    from compliance_check.packs.loader import load_packs
    from compliance_check.web.catalog import pack_digest

    model = {"format": 1, "ngrams": [2, 3], "length_floor": 10, "categories": {},
             "violation": {"bias": 0.0, "weights": {"打断": 9.0, "你的腿": 9.0}}}
    pack = {"id": "tiny", "version": "1.0.0", "title": "tiny",
            "rules": [{"id": "T-ML", "kind": "classifier", "category": "threat_violence", "severity": "error",
                       "message": "reads like a threat", "model": "tiny.model.json", "threshold": 0.8}]}
    digests = []
    for weight in (9.0, 4.0):
        folder = tmp_path / str(weight)
        folder.mkdir()
        model["violation"]["weights"]["打断"] = weight
        (folder / "tiny.model.json").write_text(json.dumps(model, ensure_ascii=False), "utf-8")
        (folder / "tiny.yaml").write_text(json.dumps(pack, ensure_ascii=False), "utf-8")
        digests.append(pack_digest(load_packs([str(folder / "tiny.yaml")])[0]))
    assert digests[0] != digests[1]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"
    assert_matches("health.response.json", r.get_json())


def test_openapi_is_built_from_the_request_schemas(client, app):
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    catalog = app.extensions["compliance_check"].catalog
    assert doc == build_openapi(app.config, list(catalog.packs), catalog.jurisdictions())
    assert doc["components"]["schemas"]["PackIds"]["items"]["enum"] == list(catalog.packs)
    request_schema = doc["paths"]["/v1/check/message"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    component = request_schema["$ref"].rsplit("/", 1)[1]
    file_schema = api_schemas()["check-message.request.json"]
    assert component == file_schema["title"]
    assert set(doc["components"]["schemas"][component]["properties"]) == set(file_schema["properties"])
    assert set(doc["components"]["schemas"]["Channel"]["enum"]) == set(api_schemas()["common.json"]["$defs"]["Channel"]["enum"])
    refs = []

    def walk(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    for ref in refs:  # every reference resolves inside the document
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in doc["components"]["schemas"], ref
