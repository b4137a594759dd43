"""SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps).

Columns are counted in Unicode code points (``columnKind: unicodeCodePoints``), the
rules that fired are listed under ``tool.driver.rules`` with their citation as help
text, every result carries a ``partialFingerprints`` entry that survives edits
elsewhere in the file, findings suppressed in source carry ``suppressions`` with the
written justification, and with a baseline each result has a ``baselineState``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .. import __version__
from ..templates.model import Report, TemplateFinding
from ..templates.suppressions import META_RULES, PACK
from .json import dumps

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "complianceCheck/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule(f: TemplateFinding) -> dict[str, Any]:
    finding = f.finding
    rule: dict[str, Any] = {
        "id": finding.rule,
        "shortDescription": {"text": finding.message if finding.pack != PACK else META_RULES[finding.rule][1]},
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "properties": {"pack": finding.pack, "packVersion": finding.pack_version, "kind": finding.kind},
    }
    if finding.category:
        rule["properties"]["category"] = finding.category
        rule["properties"]["tags"] = [finding.category]
    help_lines = [f"Citation: {finding.citation}" if finding.citation else "", f"Suggestion: {finding.suggestion}" if finding.suggestion else ""]
    help_text = "\n".join(line for line in help_lines if line) or rule["shortDescription"]["text"]
    rule["help"] = {"text": help_text}
    return rule


def _result(f: TemplateFinding, rule_index: int, with_baseline: bool) -> dict[str, Any]:
    finding = f.finding
    region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column}
    if finding.matched:
        region["snippet"] = {"text": finding.matched}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": quote(f.path)}, "region": region}}
    if f.key is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": f.key, "kind": "member"}]
    text = finding.message + (f" Suggestion: {finding.suggestion}" if finding.suggestion else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
    }
    if f.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": f.suppressed}]
    if with_baseline:
        result["baselineState"] = "unchanged" if f.baselined else "new"
    return result


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as one SARIF log with one run."""
    findings = report.findings
    first: dict[str, TemplateFinding] = {}
    for f in findings:
        first.setdefault(f.finding.rule, f)
    rule_ids = sorted(first)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    with_baseline = report.baseline is not None
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{p.path}: {p.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": quote(p.file)}, "region": {"startLine": p.line, "startColumn": p.column}}}],
        }
        for p in report.problems
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "compliance-check",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(first[rid]) for rid in rule_ids],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.finding.rule], with_baseline) for f in findings],
        "properties": {
            "packs": report.packs,
            "skippedFiles": report.skipped,
            "staleBaseline": [e.to_dict() for e in report.stale],
        },
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def format_report(report: Report) -> str:
    return dumps(to_sarif(report))
