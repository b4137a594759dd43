"""Every error class of the API is RFC 9457 problem+json naming the field; never a traceback."""
from __future__ import annotations

import io
import json
import logging

import jsonschema
import pytest
from werkzeug.test import EnvironBuilder

from compliance_check.api import create_app
from compliance_check.web.schemas import api_schemas

PROBLEM = jsonschema.Draft202012Validator({**api_schemas()["common.json"], "$ref": "#/$defs/Problem"})


@pytest.fixture
def app(tmp_path):
    return create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3"), "MAX_CONTENT_LENGTH": 4096,
                       "MAX_MESSAGE_CHARS": 50, "MAX_MESSAGES": 3})


@pytest.fixture
def client(app):
    return app.test_client()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.get_data(as_text=True))
    assert not list(PROBLEM.iter_errors(body))
    assert body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def post(client, path, data, content_type="application/json"):
    return client.post(path, data=data, content_type=content_type)


def test_invalid_json_is_400_with_the_position(client):
    body = problem(post(client, "/v1/check/message", b'{"text": "a",}'), 400)
    assert body["field"] == "$" and "line 1 column" in body["detail"]
    problem(post(client, "/v1/check/message", b"\xff\xfe"), 400)
    problem(post(client, "/v1/check/message", b'{"text": NaN}'), 400)


@pytest.mark.parametrize("payload, field", [
    ({}, "$.text"),
    ({"text": 1}, "$.text"),
    ({"text": "a", "channel": "fax"}, "$.channel"),
    ({"text": "a", "colour": "red"}, "$.colour"),
    ({"text": "a", "packs": []}, "$.packs"),
    ({"text": "a", "packs": ["nope"]}, "$.packs[0]"),
    ({"text": "a", "jurisdiction": "FR"}, "$.jurisdiction"),
    ([], "$"),
])
def test_schema_violations_are_422_naming_the_json_path(client, payload, field):
    body = problem(client.post("/v1/check/message", json=payload), 422)
    assert body["field"] == field
    assert body["errors"][0]["field"] == field


def test_batch_violations_name_the_message(client):
    body = problem(client.post("/v1/check/messages", json={"messages": [{"id": 1, "text": "a"}, {"id": True, "text": "b"}]}), 422)
    assert body["field"] == "$.messages[1].id"
    body = problem(client.post("/v1/check/messages", json={"messages": [{"id": 1}]}), 422)
    assert body["field"] == "$.messages[0].text"


def test_unpaired_surrogates_are_422(client):
    body = problem(post(client, "/v1/check/message", b'{"text": "a\\ud800b"}'), 422)
    assert body["field"] == "$.text"


def test_wrong_content_type_is_415(client):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        body = problem(post(client, "/v1/check/message", b'{"text": "a"}', content_type), 415)
        assert body["field"] == "Content-Type"
    assert client.post("/v1/check/message", data=b'{"text": "a"}', content_type="application/json; charset=utf-8").status_code == 200


def test_over_the_limits_is_413_naming_what(client):
    assert problem(post(client, "/v1/check/message", json.dumps({"text": "a" * 5000})), 413)["field"] == "$"
    assert problem(client.post("/v1/check/message", json={"text": "a" * 51}), 413)["field"] == "$.text"
    assert client.post("/v1/check/message", json={"text": "a" * 50}).status_code == 200
    many = {"messages": [{"id": i, "text": "a"} for i in range(4)]}
    assert problem(client.post("/v1/check/messages", json=many), 413)["field"] == "$.messages"
    long_one = {"messages": [{"id": 0, "text": "a"}, {"id": 1, "text": "b" * 51}]}
    assert problem(client.post("/v1/check/messages", json=long_one), 413)["field"] == "$.messages[1].text"


def test_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CHECK_MAX_MESSAGE_CHARS", "10")
    client = create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")}).test_client()
    assert client.post("/v1/check/message", json={"text": "a" * 11}).status_code == 413
    monkeypatch.setenv("COMPLIANCE_CHECK_MAX_MESSAGE_CHARS", "ten")
    with pytest.raises(ValueError, match="COMPLIANCE_CHECK_MAX_MESSAGE_CHARS"):
        create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")})


def test_unknown_path_and_wrong_method(client):
    problem(client.get("/v1/nothing"), 404)
    r = client.delete("/v1/packs")
    problem(r, 405)
    assert "GET" in r.headers["Allow"]


def test_an_unexpected_error_is_a_bare_500_with_a_logged_decision_id(client, app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("".join(("secret", "-marker")))  # joined at run time: the source line shows in the stack

    monkeypatch.setattr(app.extensions["compliance_check"].catalog, "checker", broken)
    with caplog.at_level(logging.ERROR, logger="compliance_check.api"):
        r = client.post("/v1/check/messages", json={"messages": [{"id": "a", "text": "再不还钱"}]})
    body = problem(r, 500)
    assert set(body) == {"type", "title", "status", "decision_id"}
    assert "再不还钱" not in r.get_data(as_text=True)
    decision = client.get(f"/v1/decisions/{body['decision_id']}").get_json()
    assert decision["verdict"] == "error" and decision["endpoint"] == "/v1/check/messages"
    assert body["decision_id"] in caplog.text and "RuntimeError" in caplog.text
    assert "secret-marker" not in caplog.text


def test_a_check_that_fails_in_the_decision_logs_process_is_a_500_too(tmp_path, monkeypatch, capfd):
    """``POST /v1/check/message`` is checked in the decision log's process: a failure there
    is reported on its standard error (type and stack, not the message) and answered as
    any unexpected error; the process goes on."""
    app = create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")})
    client = app.test_client()
    catalog = app.extensions["compliance_check"].catalog
    working = catalog.checker

    def broken(ids):
        if ids == ("cn-collection",):
            raise RuntimeError("".join(("secret", "-marker")))
        return working(ids)

    monkeypatch.setattr(catalog, "checker", broken)  # before the process is forked: it runs there too
    r = client.post("/v1/check/message", json={"text": "再不还钱", "jurisdiction": "CN"})
    body = problem(r, 500)
    assert set(body) == {"type", "title", "status", "decision_id"}
    assert client.get(f"/v1/decisions/{body['decision_id']}").get_json()["verdict"] == "error"
    err = capfd.readouterr().err
    assert "check failed: RuntimeError" in err and "secret-marker" not in err and "再不还钱" not in err
    fine = client.post("/v1/check/message", json={"text": "We will have you arrested.", "jurisdiction": "US"})
    assert fine.status_code == 200 and fine.get_json()["verdict"] == "block"
    app.extensions["compliance_check"].decisions.close()


def test_a_chunked_body_over_the_limit_is_413_too(client):
    """No Content-Length (chunked transfer): the limit holds while the body is read."""
    environ = EnvironBuilder(path="/v1/check/message", method="POST", content_type="application/json",
                             input_stream=io.BytesIO(json.dumps({"text": "a" * 5000}).encode())).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True  # what a server sets once it has de-chunked the body
    assert problem(client.open(environ), 413)["field"] == "$"


def test_deep_nesting_is_400_not_a_crash(client):
    deep = b'{"text": "a", "packs": ' + b"[" * 1900 + b"]" * 1900 + b"}"
    assert problem(post(client, "/v1/check/message", deep), 400)["detail"] == "nested too deeply"
