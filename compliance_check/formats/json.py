"""One JSON document: ``{"verdict", "findings", "packs"}`` for a message,
``{"results": [...], "packs": [...]}`` for many."""
from __future__ import annotations

import json
from typing import Any

from ..checker import MessageResult
from ..templates.model import Report as TemplateReport


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def format_result(result: MessageResult) -> str:
    return dumps(result.to_dict())


def format_template_report(report: TemplateReport) -> str:
    """``templates --format json``: every finding (suppressed and baselined ones marked),
    the problems, skipped files, stale baseline entries and the counts."""
    return dumps({
        "findings": [f.to_dict() for f in report.findings],
        "problems": [str(p) for p in report.problems],
        "files": len(report.files),
        "templates": sum(r.templates for r in report.files),
        "skipped": report.skipped,
        "excluded": report.excluded,
        "stale_baseline": [e.to_dict() for e in report.stale],
        "summary": report.counts(),
        "fail_on": report.fail_on,
        "packs": report.packs,
    })
