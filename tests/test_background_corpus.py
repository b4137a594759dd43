"""The routine collection messages of corpus/background/ (reminders, receipts, plans,
settlements, disputes, agent replies, firm-but-lawful notices): the bundled packs must
let every one of them through. These are the messages a collection team sends all day;
a pack that blocks them is a pack nobody can switch on. (Everyday, non-collection
messages still draw a few false alarms; corpus/background/README.md counts them.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance_check import Checker, load_packs

BACKGROUND = Path(__file__).resolve().parent.parent / "corpus" / "background"
PACKS = {"cn-collection": "cn", "us-federal": "us", "us-federal-learned": "us"}


def _routine(language: str) -> list[dict]:
    records = []
    for path in sorted(BACKGROUND.glob(f"{language}-routine-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record["theme"] == "collection":
                records.append(record)
    return records


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_no_wording_rule_blocks_a_routine_collection_message(pack: str) -> None:
    records = _routine(PACKS[pack])
    assert len(records) >= 300  # both files of the language are there
    checker = Checker(load_packs([pack]))
    blocked = {}
    for record in records:
        result = checker.check(record["text"], record["channel"])
        rules = sorted({f.rule for f in result.findings if f.severity == "error" and f.category != "missing_disclosure"})
        if rules:
            blocked[record["id"]] = rules
    assert blocked == {}
