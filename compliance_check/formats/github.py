"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
active finding, which the pull request shows on the finding's line."""
from __future__ import annotations

from ..templates.model import Report

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_report(report: Report) -> str:
    lines = []
    for f in report.findings:
        if not f.active:
            continue
        x = f.finding
        props = f"file={_property(f.path)},line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column},title={_property(x.rule)}"
        message = x.message + (f" ({x.citation})" if x.citation else "")
        lines.append(f"::{_COMMAND[x.severity]} {props}::{_data(message)}")
    for p in report.problems:
        lines.append(f"::error file={_property(p.file)},line={p.line},col={p.column},title=input::{_data(p.message)}")
    return "\n".join(lines)
