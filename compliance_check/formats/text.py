"""Human-readable text: ``SOURCE:LINE:COL: severity RULE message``, the line, a caret
underline of the span (East Asian wide characters take two columns), the
citation and the suggestion."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from ..checker import MessageResult
from ..evaluate import EvalReport, Score
from ..findings import Finding
from ..templates.model import Report as TemplateReport

if TYPE_CHECKING:
    from ..contacts.audit import AuditResult
    from ..contacts.next_contact import NextContact


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _underline(text: str, finding: Finding) -> list[str]:
    if finding.span is None or finding.span[1] <= finding.span[0]:
        return []
    start, end = finding.span
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    stop = min(end, line_end)
    return ["    " + line, "    " + " " * _width(text[line_start:start]) + "^" * max(1, _width(text[start:stop]))]


def format_finding(source: str, text: str, f: Finding) -> list[str]:
    where = f"{source}:{f.line}:{f.column}" if f.line is not None else source
    out = [f"{where}: {f.severity} {f.rule} {f.message}"]
    out += _underline(text, f)
    if f.citation:
        out.append(f"    citation: {f.citation} ({f.pack} {f.pack_version})")
    if f.suggestion:
        out.append(f"    suggestion: {f.suggestion}")
    return out


def _summary(result: MessageResult, source: str) -> str:
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
    packs = ", ".join(f"{p['id']} {p['version']}" for p in result.packs)
    return f"{source}: verdict: {result.verdict} ({counts['error']} errors, {counts['warning']} warnings, {counts['info']} info; packs: {packs})"


def format_result(result: MessageResult, text: str, source: str = "<message>") -> str:
    lines: list[str] = []
    for f in result.findings:
        lines += format_finding(source, text, f)
    lines.append(_summary(result, source))
    return "\n".join(lines)



def _figure(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "  -  "


def format_eval(report: EvalReport) -> str:
    packs = ", ".join(f"{p['id']} {p['version']}" for p in report.packs) or "-"
    lines = [f"eval: {report.messages} messages checked, {len(report.rejected)} rejected; packs: {packs}", ""]
    lines.append(f"{'':28} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")

    def row(name: str, score: Score) -> str:
        return (f"{name:28} {_figure(score.precision):>9} {_figure(score.recall):>7} {_figure(score.f1):>6} "
                f"{score.tp:>5} {score.fp:>5} {score.fn:>5}")

    lines.append(row("overall", report.overall))
    lines.append(row("disguised", report.disguised))
    for category, score in sorted(report.by_category.items()):
        lines.append(row("  " + category, score))
    for title, outcomes in (("misses", report.misses), ("false alarms", report.false_alarms)):
        lines.append("")
        lines.append(f"{title} ({len(outcomes)}):")
        for o in outcomes:
            label = o.message.category or "compliant"
            rules = f" [{', '.join(o.rules)}]" if o.rules else ""
            lines.append(f"  {o.message.id} ({label}){rules}: {o.message.text}")
    return "\n".join(lines)


def format_template_report(report: TemplateReport) -> str:
    """``templates``: ``path:line:col: severity RULE message`` for each active finding, then
    a summary and any baseline entries that no longer occur."""
    lines = []
    for f in report.findings:
        if f.active:
            x = f.finding
            lines.append(f"{f.path}:{f.line}:{f.column}: {x.severity} {x.rule} {x.message}")
    c = report.counts()
    files = len(report.files)
    templates = sum(r.templates for r in report.files)
    packs = ", ".join(f"{p['id']} {p['version']}" for p in report.packs) or "-"
    lines.append(
        f"templates: {files} files ({templates} templates) checked, {len(report.skipped)} skipped (not a template format), "
        f"{report.excluded} excluded; {c['error']} errors, {c['warning']} warnings, {c['info']} info; "
        f"{c['suppressed']} suppressed, {c['baselined']} in the baseline; packs: {packs}"
    )
    if report.stale:
        lines.append(f"baseline: {len(report.stale)} entries no longer occur (rewrite it with --write-baseline):")
        for e in report.stale:
            lines.append(f"  {e.path}: {e.rule}" + (f" {e.key}" if e.key else "") + (f" {e.matched!r}" if e.matched else ""))
    return "\n".join(lines)


def format_contacts(result: "AuditResult", source: str) -> str:
    """``contacts``: one line per finding (``LOG:LINE: severity RULE [kind] ...``) with its
    related records and citation, then the counts and the findings per agent."""
    lines: list[str] = []
    for f in result.findings:
        if f.kind == "input":
            lines.append(f"{source}:{f.line}: rejected: {f.message}")
            continue
        agent = f" by {f.agent}" if f.agent else ""
        lines.append(f"{source}:{f.line}: {f.severity} {f.rule} [{f.kind}] {f.event} (account {f.account}{agent}, "
                     f"local time {f.local_time}): {f.message}")
        if f.related:
            lines.append(f"    after: {', '.join(f.related)}")
        if f.citation:
            lines.append(f"    citation: {f.citation} ({f.pack} {f.pack_version})")
    s = result.summary()
    sev = s["by_severity"]
    packs = ", ".join(f"{p['id']} {p['version']}" for p in s["packs"])
    lines.append(f"{source}: {s['read']} records read, {s['checked']} checked, {s['rejected']} rejected; "
                 f"{s['findings']} findings ({sev['error']} errors, {sev['warning']} warnings, {sev['info']} info); "
                 f"log {s['order']}; packs: {packs}")
    if s["findings"]:
        lines.append("findings by agent: " + ", ".join(f"{agent} {n}" for agent, n in s["by_agent"].items()))
    return "\n".join(lines)


def format_next_contact(answer: "NextContact", account: str, channel: str) -> str:
    """``next-contact``: when, and which rules hold the contact back until when."""
    data = answer.to_dict()
    when = data["allowed_at"] or "never (a rule blocks it for good)"
    lines = [f"account {account}, {channel}: allowed at {when}"]
    for b in data["blocked_by"]:
        lines.append(f"    blocked by {b['rule']} [{b['kind']}] ({b['pack']}) until {b['until'] or 'for good'}")
    return "\n".join(lines)
