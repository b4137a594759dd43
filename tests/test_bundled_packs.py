"""The bundled packs in rules/. These two tests fail until the bundled packs exist."""
from __future__ import annotations

import json

from compliance_check.packs.loader import PackLibrary

from conftest import run_subprocess


def test_every_bundled_pack_passes_its_own_examples():
    assert PackLibrary().bundled_ids(), "no bundled packs in rules/ yet"
    result = run_subprocess("packs", "test")
    assert result.code == 0, result.out + result.err
    assert "Traceback" not in result.err
    assert " 0 failures" in result.out


def test_acceptance_cn_collection_spans_include_filler():
    text = "你个老-赖，再不还钱就把你的事发到你通 讯 录里"
    result = run_subprocess("message", "-", "--pack", "cn-collection", "--format", "json", stdin=text + "\n", script=True)
    assert "Traceback" not in result.err
    assert result.code == 1, result.err
    doc = json.loads(result.out)
    assert doc["verdict"] == "block"
    assert any(p["id"] == "cn-collection" for p in doc["packs"])
    findings = doc["findings"]
    assert findings
    for f in findings:
        start, end = f["span"]["start"], f["span"]["end"]
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == f["matched"]
    matched = [f["matched"] for f in findings]
    assert "老-赖" in matched, matched
    assert any("通 讯 录" in m for m in matched), matched
