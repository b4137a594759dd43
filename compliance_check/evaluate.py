"""``eval``: how well packs separate violating from compliant messages in a labelled corpus.

A corpus is JSON Lines: ``{"id", "text", "violation", "category"?, "channel"?,
"jurisdiction"?, "evasion"?}``. A message counts as flagged when its verdict is
``block``. Disclosure rules (category ``missing_disclosure``) are left out of that
verdict unless asked for: corpora label wording, and a missing opt-out line is judged
separately. Precision, recall and F1 are reported overall, per labelled category
(a false alarm counts against the categories of the findings that blocked it), and
for disguised messages (``evasion: true``), with every miss and false alarm listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from .batch import CHANNELS, json_lines
from .checker import MessageResult
from .findings import verdict

DISCLOSURE = "missing_disclosure"


@dataclass(frozen=True)
class LabelledMessage:
    id: Any
    text: str
    violation: bool
    category: str | None
    channel: str | None
    jurisdiction: str | None
    evasion: bool


@dataclass(frozen=True)
class RejectedRecord:
    source: str
    line: int
    error: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:1: {self.error}"


def read_corpus(lines: Iterable[str | bytes], source: str) -> Iterator[LabelledMessage | RejectedRecord]:
    for number, record, error in json_lines(lines):
        problem = error or _problem(record)
        if problem:
            yield RejectedRecord(source, number, problem)
            continue
        yield LabelledMessage(
            id=record["id"], text=record["text"], violation=record["violation"],
            category=record.get("category"), channel=record.get("channel"),
            jurisdiction=record.get("jurisdiction"), evasion=bool(record.get("evasion", False)),
        )


def _problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "$: expected a JSON object"
    if not isinstance(record.get("id"), (str, int)) or isinstance(record.get("id"), bool):
        return "$.id: required, a string or an integer"
    if not isinstance(record.get("text"), str):
        return "$.text: required, a string"
    if not isinstance(record.get("violation"), bool):
        return "$.violation: required, true or false"
    if record.get("channel") is not None and record["channel"] not in CHANNELS:
        return f"$.channel: {record['channel']!r} is not one of {', '.join(CHANNELS)}"
    if record.get("category") is not None and not isinstance(record["category"], str):
        return "$.category: a string or null"
    if not isinstance(record.get("evasion", False), bool):
        return "$.evasion: true or false"
    return None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Outcome:
    message: LabelledMessage
    flagged: bool
    rules: list[str]

    def to_dict(self) -> dict[str, Any]:
        m = self.message
        return {"id": m.id, "category": m.category, "evasion": m.evasion, "text": m.text, "rules": self.rules}


@dataclass
class EvalReport:
    overall: Score = field(default_factory=Score)
    by_category: dict[str, Score] = field(default_factory=dict)
    disguised: Score = field(default_factory=Score)
    misses: list[Outcome] = field(default_factory=list)
    false_alarms: list[Outcome] = field(default_factory=list)
    messages: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)
    packs: list[dict[str, str]] = field(default_factory=list)

    def add(self, message: LabelledMessage, result: MessageResult, include_disclosures: bool) -> None:
        self.messages += 1
        judged = [f for f in result.findings if include_disclosures or f.category != DISCLOSURE]
        flagged = verdict(judged) == "block"
        blocking = [f for f in judged if f.severity == "error"]
        outcome = Outcome(message, flagged, sorted({f.rule for f in blocking} if flagged else {f.rule for f in judged}))
        scores = [self.overall]
        if message.evasion:
            scores.append(self.disguised)
        if message.violation:
            if message.category:
                scores.append(self.by_category.setdefault(message.category, Score()))
            for score in scores:
                if flagged:
                    score.tp += 1
                else:
                    score.fn += 1
            if not flagged:
                self.misses.append(outcome)
        elif flagged:
            for score in scores:
                score.fp += 1
            for category in sorted({f.category for f in blocking if f.category}):
                self.by_category.setdefault(category, Score()).fp += 1
            self.false_alarms.append(outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "rejected": [{"source": r.source, "line": r.line, "error": r.error} for r in self.rejected],
            "packs": self.packs,
            "overall": self.overall.to_dict(),
            "by_category": {c: s.to_dict() for c, s in sorted(self.by_category.items())},
            "disguised": self.disguised.to_dict(),
            "misses": [o.to_dict() for o in self.misses],
            "false_alarms": [o.to_dict() for o in self.false_alarms],
        }


def evaluate(
    records: Iterable[LabelledMessage | RejectedRecord],
    checker_for: Callable[[LabelledMessage], Any],
    include_disclosures: bool = False,
) -> EvalReport:
    """Check every labelled message with ``checker_for(message)`` and score the verdicts."""
    report = EvalReport()
    packs: dict[str, dict[str, str]] = {}
    for record in records:
        if isinstance(record, RejectedRecord):
            report.rejected.append(record)
            continue
        checker = checker_for(record)
        result = checker.check(record.text, record.channel)
        for p in result.packs:
            packs.setdefault(p["id"], p)
        report.add(record, result, include_disclosures)
    report.packs = list(packs.values())
    return report
