"""The web form without JavaScript: server-side result, CSRF, escaping, languages."""
from __future__ import annotations

import re

import pytest

from compliance_check.api import create_app

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']


@pytest.fixture
def client(tmp_path):
    return create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")}).test_client()


def csrf(client, lang="en") -> str:
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_plain_post_renders_the_verdict_and_highlight_on_the_server(client):
    token = csrf(client, "zh")
    r = client.post("/", data={"csrf_token": token, "text": "😀再不还钱小心你的腿", "channel": "sms", "scope": "jurisdiction:CN", "lang": "zh"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'class="verdict verdict-block"' in page and "拦截" in page
    assert re.search(r'<mark class="sev-error" data-findings="\d+">小心你的腿</mark>', page)
    assert "crim-law 第293条之一" in page  # the citation beside the finding
    assert "😀再不还钱小心你的腿</textarea>" in page


def test_post_without_a_valid_csrf_token_is_refused(client, tmp_path):
    csrf(client)
    for data in ({}, {"csrf_token": "forged"}):
        r = client.post("/", data={**data, "text": "再不还钱小心你的腿", "channel": "sms"})
        assert r.status_code == 400
        assert "verdict-block" not in r.get_data(as_text=True)
    other = create_app({"DECISIONS_DB": str(tmp_path / "other.sqlite3")}).test_client()
    token = csrf(other)
    assert client.post("/", data={"csrf_token": token, "text": "x", "channel": "sms"}).status_code == 400


@pytest.mark.parametrize("payload", XSS)
def test_what_the_user_typed_is_escaped(client, payload):
    r = client.post("/", data={"csrf_token": csrf(client), "text": payload, "channel": "sms", "scope": ""})
    page = r.get_data(as_text=True)
    assert payload not in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;" in page


def test_bad_fields_are_reported_not_dropped(client):
    token = csrf(client)
    r = client.post("/", data={"csrf_token": token, "text": "hi", "channel": "fax", "scope": ""})
    assert r.status_code == 400 and 'class="error"' in r.get_data(as_text=True)
    r = client.post("/", data={"csrf_token": token, "text": "hi", "channel": "sms", "scope": "pack:nope"})
    assert r.status_code == 400
    r = client.post("/", data={"csrf_token": token, "text": "a" * 20_001, "channel": "sms", "scope": ""})
    assert r.status_code == 413


def test_language_from_accept_language_and_the_switch(client):
    assert "催收话术合规检查" in client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "Collection message check" in client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    r = client.get("/?lang=zh", headers={"Accept-Language": "en-US"})
    assert "催收话术合规检查" in r.get_data(as_text=True)
    assert "lang=zh" in r.headers["Set-Cookie"]
    assert "催收话术合规检查" in client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)


def test_default_rules_follow_the_language(client):
    zh = client.get("/?lang=zh").get_data(as_text=True)
    en = client.get("/?lang=en").get_data(as_text=True)
    assert '<option value="jurisdiction:CN" selected>' in zh
    assert '<option value="jurisdiction:US" selected>' in en
