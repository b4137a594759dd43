"""Helpers for the contact-log tests: build logs from short tuples and audit them."""
from __future__ import annotations

import functools

from compliance_check import load_packs
from compliance_check.contacts.audit import Auditor
from compliance_check.contacts.records import Record, RecordBuilder

NY = "America/New_York"


@functools.cache
def auditor(*packs: str) -> Auditor:
    return Auditor(load_packs(list(packs)))


def build(records: list[dict]) -> list:
    """Records (dicts) in log order, validated; lines are positions from 1."""
    builder = RecordBuilder()
    return [builder.from_mapping(i, r) for i, r in enumerate(records, start=1)]


def audit(records: list[dict], *packs: str):
    items = build(records)
    assert all(isinstance(i, Record) for i in items), [getattr(i, "problems", None) for i in items]
    return auditor(*packs).audit(lambda: iter(items))


def fired(records: list[dict], *packs: str, rule: str | None = None) -> list[tuple[str, str, tuple]]:
    """(rule, event, related) of every finding, optionally of one rule only."""
    return [(f.rule, f.event, f.related) for f in audit(records, *packs).findings if rule is None or f.rule == rule]


def events(records: list[dict], rule: str, *packs: str) -> list[str]:
    return [e for _, e, _ in fired(records, *packs, rule=rule)]


def call(id: str, time: str, account: str = "A1", **extra) -> dict:
    """An outbound call to the debtor (placed, no outcome) unless ``extra`` says otherwise."""
    return {"id": id, "account": account, "time": time, "channel": "call", **extra}
