"""The one Finding type every formatter consumes, and the verdict over findings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    pack: str
    pack_version: str
    kind: str
    category: str | None
    severity: str
    message: str
    citation: str | None = None
    # message findings: where, in code points of the original text (end exclusive)
    span: tuple[int, int] | None = None
    line: int | None = None
    column: int | None = None
    matched: str | None = None
    suggestion: str | None = None
    # a rule that could not be evaluated (e.g. a regex timeout); fails closed
    error: str | None = None
    # contact findings
    event: str | None = None
    account: str | None = None
    related: tuple[str, ...] | None = None
    local_time: str | None = None
    agent: str | None = None  # who made the contact, where the log says

    def sort_key(self) -> tuple:
        return (self.span[0] if self.span else -1, self.span[1] if self.span else -1, self.rule)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "pack": self.pack,
            "pack_version": self.pack_version,
            "kind": self.kind,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
        }
        if self.span is not None:
            out["span"] = {"start": self.span[0], "end": self.span[1]}
            out["line"] = self.line
            out["column"] = self.column
            out["matched"] = self.matched
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.error:
            out["error"] = self.error
        if self.span is None and self.line is not None:
            out["line"] = self.line  # a contact finding: the record's line in the log
        for key in ("event", "account", "local_time", "agent"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.related is not None:
            out["related"] = list(self.related)
        return out


def verdict(findings: Iterable[Finding]) -> str:
    """``block`` if any error, ``warn`` if any warning, else ``pass``."""
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=-1)
    return "block" if worst == 2 else "warn" if worst == 1 else "pass"


def at_or_above(findings: Iterable[Finding], threshold: str) -> bool:
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold] for f in findings)
