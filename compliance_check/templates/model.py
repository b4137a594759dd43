"""What extraction yields from one template file, and a finding located in that file."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import Problem
from ..findings import Finding

_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Piece:
    """One string of a template file, checked as a message (or as part of one).

    ``offsets[i]`` is the file offset (code points) of ``text[i]``; ``None`` means the
    text is the file itself with markup blanked, so offset ``i`` is ``i``.
    """

    text: str
    offsets: Sequence[int] | None
    key: str | None = None          # key path ($.a.b), or the gettext msgid; None: the whole file
    anchor_line: int | None = None  # the line of its key: a suppression before it covers the whole string
    group: int | None = None        # pieces of one group form one message for `required` rules

    def file_offset(self, index: int) -> int:
        """The file offset of ``text[index]``; past the end, just after the last character."""
        if self.offsets is None:
            return index
        if not self.offsets:
            return 0
        if index < len(self.offsets):
            return self.offsets[index]
        return self.offsets[-1] + 1


@dataclass(frozen=True)
class Group:
    """Sibling strings of one mapping: one message for `required` rules."""

    key: str
    anchor_line: int | None


@dataclass(frozen=True)
class Comment:
    """A comment that holds a suppression marker; ``standalone`` when nothing else is on its line."""

    line: int
    column: int
    text: str
    standalone: bool


@dataclass
class Extracted:
    pieces: list[Piece] = field(default_factory=list)
    groups: dict[int, Group] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class LineIndex:
    """Offsets -> 1-based (line, column) in code points."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")


@dataclass
class TemplateFinding:
    """A finding in a template file: ``line``/``column`` (1-based, code points) and the
    exclusive ``end_line``/``end_column`` are positions in the file; ``finding.span``,
    ``finding.line`` and ``finding.column`` stay those in the checked string. Suppression,
    fingerprint and baseline state are set as the run learns them."""

    path: str
    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int
    key: str | None
    fingerprint: str = ""
    suppressed: str | None = None  # the written justification of an inline suppression
    suppressed_line: int | None = None
    baselined: bool = False

    def sort_key(self) -> tuple[int, int, str]:
        return self.line, self.column, self.finding.rule

    @property
    def active(self) -> bool:
        """Counts towards the exit code: neither suppressed in source nor in the baseline."""
        return self.suppressed is None and not self.baselined

    def to_dict(self) -> dict[str, Any]:
        out = {"path": self.path, **self.finding.to_dict()}
        out.update(line=self.line, column=self.column, end_line=self.end_line, end_column=self.end_column)
        if self.key is not None:
            out["key"] = self.key
        out["fingerprint"] = self.fingerprint
        if self.suppressed is not None:
            out["suppressed"] = {"kind": "inSource", "justification": self.suppressed, "line": self.suppressed_line}
        out["baselined"] = self.baselined
        return out


@dataclass
class FileReport:
    path: str  # as shown: relative to the current folder
    relpath: str  # relative to the repository root: what globs and the baseline see
    findings: list[TemplateFinding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    templates: int = 0  # strings checked as messages


@dataclass
class BaselineEntry:
    fingerprint: str
    path: str
    rule: str
    key: str | None = None
    matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fingerprint": self.fingerprint, "path": self.path, "rule": self.rule}
        if self.key is not None:
            out["key"] = self.key
        if self.matched:
            out["matched"] = self.matched
        return out


@dataclass
class Report:
    """Everything one ``templates`` run found, in a stable order (files sorted by path)."""

    files: list[FileReport]
    skipped: list[str]  # files with an extension that is not a template format
    excluded: int
    packs: list[dict[str, str]]
    fail_on: str
    stale: list[BaselineEntry] = field(default_factory=list)
    baseline: str | None = None

    @property
    def findings(self) -> list[TemplateFinding]:
        return [f for r in self.files for f in r.findings]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.files for p in r.problems]

    def counts(self) -> dict[str, int]:
        findings = self.findings
        out = {s: sum(1 for f in findings if f.active and f.finding.severity == s) for s in ("error", "warning", "info")}
        out["suppressed"] = sum(1 for f in findings if f.suppressed is not None)
        out["baselined"] = sum(1 for f in findings if f.baselined)
        out["total"] = len(findings)
        return out
