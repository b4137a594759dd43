"""The /contacts upload page: findings by rule and by agent, CSV and JSON downloads."""
from __future__ import annotations

import base64
import io
import json
import re

import pytest

from compliance_check.api import create_app

LOG = ("id,account,time,channel,tz,agent\n"
       "r1,A1,2026-03-02T21:30:00-05:00,call,America/New_York,<b>ag7</b>\n"
       "r2,A1,2026-03-03T22:30:00-05:00,call,America/New_York,ag8\n"
       "r3,A1,2026-03-02T10:00:00,call,,ag8\n")


@pytest.fixture
def client(tmp_path):
    return create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")}).test_client()


def upload(client, data: bytes, name="log.csv", fmt="html", token=None, scope="jurisdiction:US"):
    if token is None:
        page = client.get("/contacts?lang=en").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/contacts", content_type="multipart/form-data",
                       data={"csrf_token": token, "scope": scope, "format": fmt, "log": (io.BytesIO(data), name)})


def test_findings_grouped_by_rule_and_agent_with_rejected_records(client):
    r = upload(client, LOG.encode())
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    by_rule = page[page.index('id="by-rule"'):page.index('id="by-agent"')]
    assert "US-HOURS-001" in by_rule and "<td>2</td>" in by_rule
    by_agent = page[page.index('id="by-agent"'):page.index('id="findings-table"')]
    assert "&lt;b&gt;ag7&lt;/b&gt;" in by_agent and "<b>ag7</b>" not in page
    rejected = page[page.index('id="rejected"'):]
    assert "no UTC offset" in rejected
    csv_href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(csv_href).decode().startswith("line,event,account,agent")


def test_downloads(client):
    r = upload(client, LOG.encode(), fmt="csv")
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = r.get_data(as_text=True).splitlines()
    assert rows[0].startswith("line,event") and sum("US-HOURS-001" in row for row in rows) == 2
    r = upload(client, LOG.encode(), fmt="json")
    body = json.loads(r.get_data(as_text=True))
    assert body["summary"]["by_rule"] == {"US-HOURS-001": 2}


def test_jsonl_logs_are_read_too(client):
    log = "\n".join(json.dumps(x) for x in [
        {"id": "a", "account": "A9", "time": "2026-03-02T06:00:00-05:00", "channel": "call", "tz": "America/New_York"}])
    page = upload(client, log.encode(), name="log.jsonl").get_data(as_text=True)
    assert "US-HOURS-001" in page


def test_upload_problems_are_shown_not_dropped(client):
    assert upload(client, LOG.encode(), token="forged").status_code == 400
    r = upload(client, b"\xff\xfe\x00", name="log.csv")
    assert r.status_code == 400 and "UTF-8" in r.get_data(as_text=True)
    r = upload(client, b"id,account,when,channel\n1,A,x,call\n")
    assert r.status_code == 400 and "when" in r.get_data(as_text=True)
