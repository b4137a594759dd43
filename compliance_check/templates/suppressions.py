"""Inline suppressions: ``compliance-check: ignore RULE-ID -- reason`` in a comment.

A comment alone on its line covers that line and the next line that is not itself a
comment (so suppressions can be stacked); a comment after other text covers its own
line. A finding is covered when its own line, or the line of the key or entry its
string belongs to, is covered. Only a suppression with a written reason is honoured;
one without, one naming no rule, and one naming a rule that did not fire where it
points are findings themselves. Suppressed findings stay in the report with the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .. import __version__
from ..findings import Finding
from .model import Comment, LineIndex, TemplateFinding

MARKER = "compliance-check:"
PACK = "compliance-check"
NO_REASON, UNUSED, MALFORMED = "SUPPRESS-NO-REASON", "SUPPRESS-UNUSED", "SUPPRESS-MALFORMED"
# Rules of the suppression mechanism itself, for formats that list rules (SARIF).
META_RULES = {
    NO_REASON: ("error", "A suppression must give its reason after `--`: it is kept in the report as the justification."),
    UNUSED: ("warning", "A suppression must name a rule that fires on the line it covers; this one suppresses nothing."),
    MALFORMED: ("error", "A suppression comment must read `compliance-check: ignore RULE-ID -- reason`."),
}

_SUPPRESSION = re.compile(
    r"compliance-check:\s*ignore\b\s*(?P<rules>[A-Za-z0-9][A-Za-z0-9_.-]*(?:\s*,\s*[A-Za-z0-9][A-Za-z0-9_.-]*)*)?"
    r"\s*(?:--\s*(?P<reason>.*))?",
    re.DOTALL,
)
_COMMENT_START = ("#", "<!--", "{#")


@dataclass(frozen=True)
class Suppression:
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    covers: frozenset[int]


def _covered_lines(comment: Comment, index: LineIndex) -> frozenset[int]:
    if not comment.standalone:
        return frozenset({comment.line})
    line = comment.line + 1
    last = len(index.starts)
    while line <= last and index.line_text(line).lstrip().startswith(_COMMENT_START):
        line += 1
    return frozenset({comment.line, line})


def _meta(rule: str, message: str, comment: Comment) -> Finding:
    severity = META_RULES[rule][0]
    return Finding(rule=rule, pack=PACK, pack_version=__version__, kind="suppression", category=None,
                   severity=severity, message=message, line=comment.line, column=comment.column)


def parse(comments: Iterable[Comment], index: LineIndex) -> tuple[list[Suppression], list[Finding]]:
    """The honoured suppressions, and findings for the malformed ones."""
    suppressions: list[Suppression] = []
    problems: list[Finding] = []
    for comment in comments:
        m = _SUPPRESSION.search(comment.text)
        if not m:
            continue
        if not m.group("rules"):
            problems.append(_meta(MALFORMED, "suppression names no rule: write `compliance-check: ignore RULE-ID -- reason`", comment))
            continue
        rules = tuple(r.strip() for r in m.group("rules").split(","))
        reason = " ".join((m.group("reason") or "").split())
        if not reason:
            problems.append(_meta(NO_REASON, f"suppression of {', '.join(rules)} has no reason; write `-- why this wording is acceptable here`", comment))
            continue
        suppressions.append(Suppression(comment.line, comment.column, rules, reason, _covered_lines(comment, index)))
    return suppressions, problems


def apply(
    path: str, located: list[tuple[TemplateFinding, frozenset[int]]], comments: list[Comment], index: LineIndex
) -> list[TemplateFinding]:
    """Mark the findings each suppression covers (``located`` pairs a finding with the
    lines that anchor it) and add findings for suppressions that are malformed, have
    no reason, or suppress nothing."""
    suppressions, meta = parse(comments, index)
    used: set[tuple[int, str]] = set()
    out: list[TemplateFinding] = []
    for finding, anchors in located:
        lines = anchors | {finding.line}
        for i, s in enumerate(suppressions):
            if finding.finding.rule in s.rules and not s.covers.isdisjoint(lines):
                used.add((i, finding.finding.rule))
                finding.suppressed, finding.suppressed_line = s.reason, s.line
                break
        out.append(finding)
    for i, s in enumerate(suppressions):
        for rule in s.rules:
            if (i, rule) not in used:
                comment = Comment(s.line, s.column, "", False)
                meta.append(_meta(UNUSED, f"suppression of {rule} matches no {rule} finding on the line it covers", comment))
    for f in meta:
        out.append(TemplateFinding(path, f, f.line or 1, f.column or 1, f.line or 1, f.column or 1, None))
    return out
