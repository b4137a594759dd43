"""The contact-log endpoints: POST /v1/check/contacts and POST /v1/contacts/next."""
from __future__ import annotations

import hashlib

import pytest

from compliance_check.api import create_app
from compliance_check.web.contacts import records_text
from compliance_check.web.schemas import validator

NY = "America/New_York"


def call(i: int, time: str, **extra) -> dict:
    return {"id": f"r{i}", "account": "A1", "time": time, "channel": "call", "tz": NY, "agent": "ag7", **extra}


@pytest.fixture
def client(tmp_path):
    return create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3"), "MAX_RECORDS": 5}).test_client()


def test_a_late_call_is_a_finding_and_a_bad_record_is_rejected_by_field(client):
    records = [call(1, "2026-03-02T21:30:00-05:00"), call(2, "2026-03-03T10:00:00-05:00"),
               {"id": "bad", "account": "A1", "time": "2026-03-03T11:00:00", "channel": "call"}]
    r = client.post("/v1/check/contacts", json={"records": records, "jurisdiction": "US"})
    assert r.status_code == 200
    body = r.get_json()
    assert not list(validator("check-contacts.response.json").iter_errors(body))
    assert body["verdict"] == "block"
    assert [(f["rule"], f["event"], f["line"]) for f in body["findings"]] == [("US-HOURS-001", "r1", 1)]
    assert body["findings"][0]["local_time"] == "2026-03-02T21:30:00-05:00"
    (rejected,) = body["rejected"]
    assert rejected["index"] == 2 and rejected["id"] == "bad" and rejected["field"] == "$.records[2].time"
    assert body["summary"]["by_agent"] == {"ag7": 1} and body["summary"]["rejected"] == 1
    decision = client.get(f"/v1/decisions/{body['decision_id']}").get_json()
    (entry,) = decision["messages"]
    assert decision["endpoint"] == "/v1/check/contacts" and entry["records"] == 3 and entry["rejected"] == 1
    assert entry["rules"] == ["US-HOURS-001"]
    assert entry["sha256"] == hashlib.sha256(records_text(records).encode()).hexdigest()
    assert "text" not in entry


def test_a_lawful_log_passes(client):
    body = client.post("/v1/check/contacts", json={"records": [call(1, "2026-03-02T10:00:00-05:00")], "jurisdiction": "US"}).get_json()
    assert body["verdict"] == "pass" and body["findings"] == [] and body["rejected"] == []


def test_contact_errors_are_problems(client):
    r = client.post("/v1/check/contacts", json={"records": [call(i, "2026-03-02T10:00:00-05:00") for i in range(6)]})
    assert r.status_code == 413 and r.get_json()["field"] == "$.records"
    r = client.post("/v1/check/contacts", json={"records": [1]})
    assert r.status_code == 422 and r.get_json()["field"] == "$.records[0]"
    r = client.post("/v1/check/contacts", json={"records": [], "packs": ["nope"]})
    assert r.status_code == 422 and r.get_json()["field"] == "$.packs[0]"


def test_next_contact_after_a_late_call_is_eight_in_the_morning(client):
    r = client.post("/v1/contacts/next", json={
        "records": [call(1, "2026-03-02T10:00:00-05:00")], "account": "A1", "channel": "call",
        "after": "2026-03-04T21:40:00-05:00", "jurisdiction": "US"})
    assert r.status_code == 200
    body = r.get_json()
    assert not list(validator("contacts-next.response.json").iter_errors(body))
    assert body["allowed_at"] == "2026-03-05T08:00:00-05:00"
    assert [b["rule"] for b in body["blocked_by"]] == ["US-HOURS-001"]
    decision = client.get(f"/v1/decisions/{body['decision_id']}").get_json()
    assert decision["verdict"] == "warn" and decision["messages"][0]["rules"] == ["US-HOURS-001"]


def test_next_contact_at_an_allowed_time_is_that_time(client):
    body = client.post("/v1/contacts/next", json={
        "records": [], "account": "A1", "channel": "call", "tz": NY,
        "after": "2026-03-04T10:00:00-05:00", "jurisdiction": "US"}).get_json()
    assert body["allowed_at"] == "2026-03-04T10:00:00-05:00" and body["blocked_by"] == []


def test_next_contact_errors_name_the_field(client):
    r = client.post("/v1/contacts/next", json={"records": [], "account": "A1", "channel": "call",
                                               "after": "tomorrow", "phone": "555"})
    assert r.status_code == 422
    assert [e["field"] for e in r.get_json()["errors"]] == ["$.after", "$.phone"]
    r = client.post("/v1/contacts/next", json={"records": [], "account": "A1", "channel": "call",
                                               "after": "2026-02-31T10:00:00Z", "tz": "Mars/Base"})
    assert r.status_code == 422
    assert [e["field"] for e in r.get_json()["errors"]] == ["$.after", "$.tz"]
    r = client.post("/v1/contacts/next", json={"records": [], "account": "A1", "channel": "fax"})
    assert r.status_code == 422 and r.get_json()["field"] == "$.channel"
    r = client.post("/v1/contacts/next", json={"records": [], "channel": "call"})
    assert r.status_code == 422 and r.get_json()["field"] == "$.account"
