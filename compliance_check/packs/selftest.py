"""``packs test``: every rule is tested by its own examples (as Semgrep rules are).

A violating example must give at least one finding of that rule; a compliant one
must give none. Examples run against the whole pack, the way messages do, with the
example's channel, or for a channel-scoped rule its first channel.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..checker import Checker
from ..contacts.examples import run_log_examples
from ..contacts.ruleset import CONTACT_KINDS
from .model import Example, Pack, Rule


@dataclass(frozen=True)
class ExampleFailure:
    pack: str
    rule: Rule
    expected: str  # "violating" or "compliant"
    example: Example
    got: tuple[str, ...]  # matched texts of this rule's findings

    def __str__(self) -> str:
        r = self.rule
        if self.expected == "violating":
            what = "violating example gives no finding"
        else:
            what = f"compliant example gives a finding on {', '.join(repr(g) for g in self.got)}"
        return f"{r.file}:{r.line}:{r.column}: {r.id}: {what}: {self.example.text!r}"


@dataclass
class SelfTestReport:
    rules: int = 0
    examples: int = 0
    rules_without_examples: int = 0
    failures: list[ExampleFailure] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.failures = self.failures or []


def _channel(rule: Rule, example: Example) -> str | None:
    if example.channel:
        return example.channel
    return sorted(rule.channels)[0] if rule.channels else None


def run_examples(pack: Pack, report: SelfTestReport | None = None) -> SelfTestReport:
    report = report or SelfTestReport()
    checker = Checker([pack])
    for rule in pack.rules:
        if rule.defined_in != pack.id:
            continue  # inherited rules are tested with the pack that defines them
        report.rules += 1
        if rule.kind in CONTACT_KINDS:
            run_log_examples(pack, rule, report)  # example logs, not example messages
            continue
        if not rule.violating and not rule.compliant:
            report.rules_without_examples += 1
        for expected, examples in (("violating", rule.violating), ("compliant", rule.compliant)):
            for example in examples:
                report.examples += 1
                result = checker.check(example.text, _channel(rule, example))
                mine = tuple(f.matched or "" for f in result.findings if f.rule == rule.id)
                if (expected == "violating") != bool(mine):
                    report.failures.append(ExampleFailure(pack.id, rule, expected, example, mine))
    return report
