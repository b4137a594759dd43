"""API keys: /v1 needs a Bearer key when keys are configured; the UI stays open unless protected."""
from __future__ import annotations

import re

import pytest

from compliance_check.api import create_app

KEYS = ["key-one", "key-two"]


def make_client(tmp_path, **config):
    return create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3"), "API_KEYS": KEYS, **config}).test_client()


def test_without_a_key_v1_is_401_problem(tmp_path):
    client = make_client(tmp_path)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic key-one"}, {"Authorization": "Bearer "}):
        r = client.post("/v1/check/message", json={"text": "hi"}, headers=headers)
        assert r.status_code == 401 and r.mimetype == "application/problem+json"
        assert r.get_json()["field"] == "Authorization"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/v1/packs").status_code == 401


@pytest.mark.parametrize("key", KEYS)
def test_any_configured_key_opens_v1(tmp_path, key):
    client = make_client(tmp_path)
    r = client.post("/v1/check/message", json={"text": "hi"}, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200
    assert client.get("/v1/packs", headers={"Authorization": f"bearer {key}"}).status_code == 200


def test_keys_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CHECK_API_KEYS", " alpha , beta ")
    client = create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")}).test_client()
    assert client.get("/v1/packs").status_code == 401
    assert client.get("/v1/packs", headers={"Authorization": "Bearer beta"}).status_code == 200


def test_ui_healthz_openapi_and_static_stay_open(tmp_path):
    client = make_client(tmp_path)
    for path in ("/", "/healthz", "/openapi.json", "/static/check.js"):
        assert client.get(path).status_code == 200, path
    doc = client.get("/openapi.json").get_json()
    assert doc["paths"]["/v1/packs"]["get"]["security"] == [{"bearerAuth": []}]


def test_protect_ui_closes_everything_without_a_key(tmp_path):
    client = make_client(tmp_path, PROTECT_UI=True)
    for path in ("/", "/healthz", "/openapi.json", "/static/check.js"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Authorization": "Bearer key-two"}).status_code == 200, path


def test_the_page_token_opens_only_the_live_check_and_only_while_the_ui_is_open(tmp_path):
    client = make_client(tmp_path)
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'data-ui-token="([^"]+)"', page).group(1)
    headers = {"X-Compliance-UI-Token": token}
    assert client.post("/v1/check/message", json={"text": "hi"}, headers=headers).status_code == 200
    assert client.post("/v1/check/messages", json={"messages": []}, headers=headers).status_code == 401
    assert client.get("/v1/packs", headers=headers).status_code == 401
    forged = {"X-Compliance-UI-Token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")}
    assert client.post("/v1/check/message", json={"text": "hi"}, headers=forged).status_code == 401
    other_server = make_client(tmp_path, SECRET_KEY="another secret")
    assert other_server.post("/v1/check/message", json={"text": "hi"}, headers=headers).status_code == 401
