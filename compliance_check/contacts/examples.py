"""``packs test`` for contact rules: each rule's example logs.

A contact rule carries ``example_logs: {violating: [LOG], compliant: [LOG]}``, each LOG
a list of records. A violating log must give a finding of the rule on its last record;
a compliant log must give no finding of the rule at all. Logs are audited with the
whole pack, as real logs are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..packs.model import Pack, Rule
from .audit import Auditor
from .records import Record, RecordBuilder


@dataclass(frozen=True)
class LogExampleFailure:
    rule: Rule
    expected: str  # "violating" or "compliant"
    index: int  # which example log of that list, from 1
    what: str

    def __str__(self) -> str:
        r = self.rule
        return f"{r.file}:{r.line}:{r.column}: {r.id}: {self.expected} example log {self.index}: {self.what}"


def run_log_examples(pack: Pack, rule: Rule, report: Any) -> None:
    """Run ``rule``'s example logs, counting into a ``SelfTestReport``."""
    logs = rule.params.get("example_logs", {})
    if not logs.get("violating") and not logs.get("compliant"):
        report.rules_without_examples += 1
        return
    auditor = Auditor([pack])
    for expected in ("violating", "compliant"):
        for index, log in enumerate(logs.get(expected, []), start=1):
            report.examples += 1
            builder = RecordBuilder()
            items = [builder.from_mapping(line, data) for line, data in enumerate(log, start=1)]
            bad = [f"record {i.line}: {field}: {message}" for i in items if not isinstance(i, Record) for field, message in i.problems]
            if bad:
                report.failures.append(LogExampleFailure(rule, expected, index, "invalid record: " + "; ".join(bad)))
                continue
            findings = [f for f in auditor.audit_unordered(items).findings if f.rule == rule.id and f.pack == pack.id]
            if expected == "violating" and not any(f.event == items[-1].id for f in findings):
                report.failures.append(LogExampleFailure(rule, expected, index, f"no finding on its last record {items[-1].id!r}"))
            if expected == "compliant" and findings:
                events = ", ".join(repr(f.event) for f in findings)
                report.failures.append(LogExampleFailure(rule, expected, index, f"gives a finding on {events}"))
