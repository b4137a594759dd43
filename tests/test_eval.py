"""`compliance-check eval`: precision, recall and F1 of the block verdict on a labelled corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
PACK = str(FIXTURES / "pack.yaml")
CORPUS = str(FIXTURES / "corpus.jsonl")


def test_eval_scores_the_block_verdict_overall_per_category_and_disguised(run_cli):
    result = run_cli("eval", CORPUS, "--pack", PACK, "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["messages"] == 7
    # blocked: 1 (insult), 3 (arrest), 5 (false alarm); missed: 2 (disguised), 4 (warning only)
    overall = report["overall"]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (2, 1, 2)
    assert overall["precision"] == pytest.approx(2 / 3) and overall["recall"] == pytest.approx(0.5)
    assert overall["f1"] == pytest.approx(4 / 7)
    assert report["disguised"]["recall"] == 0.0 and report["disguised"]["fn"] == 1
    by_category = report["by_category"]
    assert by_category["insult_profanity"]["tp"] == 1 and by_category["insult_profanity"]["fn"] == 1
    # the false alarm blocked on both an insult and an arrest rule: it counts against both
    assert by_category["insult_profanity"]["fp"] == 1 and by_category["false_legal_threat"]["fp"] == 1
    assert [m["id"] for m in report["misses"]] == [2, 4]
    assert [(a["id"], a["rules"]) for a in report["false_alarms"]] == [(5, ["EV-ARREST", "EV-INSULT"])]
    assert report["false_alarms"][0]["text"].startswith("Police never")


def test_missing_disclosures_do_not_count_unless_asked(run_cli):
    quiet = json.loads(run_cli("eval", CORPUS, "--pack", PACK, "--format", "json").out)
    loud = json.loads(run_cli("eval", CORPUS, "--pack", PACK, "--format", "json", "--include-disclosures").out)
    # message 6 (sms, no "reply stop") is compliant wording but lacks the opt-out
    assert 6 not in [a["id"] for a in quiet["false_alarms"]]
    assert 6 in [a["id"] for a in loud["false_alarms"]]


def test_eval_text_report_lists_misses_and_false_alarms(run_cli):
    result = run_cli("eval", CORPUS, "--pack", PACK)
    assert "overall" in result.out and "disguised" in result.out
    assert "misses (2):" in result.out and "false alarms (1):" in result.out
    assert "  2 (insult_profanity): You idj1t, pay up." in result.out


def test_eval_reports_bad_records_and_checks_the_rest(run_cli, tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(
        '{"id": 1, "text": "You idiot", "violation": true, "category": "insult_profanity"}\n'
        '{"id": 2, "text": "no label"}\n'
        "not json\n",
        encoding="utf-8",
    )
    result = run_cli("eval", str(corpus), "--pack", PACK, "--format", "json")
    assert result.code == 2
    report = json.loads(result.out)
    assert report["messages"] == 1
    assert [(r["line"], r["error"]) for r in report["rejected"]] == [
        (2, "$.violation: required, true or false"),
        (3, "invalid JSON at column 1: Expecting value"),
    ]
    assert f"{corpus}:2:1: $.violation" in result.err


def test_eval_uses_each_records_jurisdiction_when_no_pack_is_given(run_cli, tmp_path):
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text(
        '{"id": "zh", "jurisdiction": "CN", "text": "再不还钱小心你的腿", "violation": true, "category": "threat_violence"}\n'
        '{"id": "en", "jurisdiction": "US", "text": "We will have you arrested today.", "violation": true, "category": "false_legal_threat"}\n',
        encoding="utf-8",
    )
    report = json.loads(run_cli("eval", str(corpus), "--format", "json").out)
    assert report["overall"]["tp"] == 2
    assert sorted(p["id"] for p in report["packs"]) == ["cn-collection", "us-federal"]
