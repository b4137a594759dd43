"""CSV: one row per contact-log finding (rejected records included, kind ``input``),
under a header row; ``related`` ids are separated by spaces."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from ..findings import Finding

COLUMNS = ("line", "event", "account", "agent", "local_time", "rule", "pack", "pack_version", "kind", "severity",
           "message", "citation", "related")


def format_findings(findings: Iterable[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in findings:
        writer.writerow([
            f.line if f.line is not None else "", f.event or "", f.account or "", f.agent or "", f.local_time or "",
            f.rule, f.pack, f.pack_version, f.kind, f.severity, f.message, f.citation or "", " ".join(f.related or ()),
        ])
    return buffer.getvalue().rstrip("\n")
