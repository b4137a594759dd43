"""The loaded, inheritance-resolved form of a rule pack."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A rule's context-cue fields (kinds/cues.py), in the order ``Cues`` takes them.
CUE_FIELDS = ("except_before", "except_after", "except_in_clause", "except_next_sentence")


@dataclass(frozen=True)
class Example:
    text: str
    channel: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    category: str | None
    severity: str
    message: str
    citation: str | None
    suggestion: str | None
    channels: frozenset[str] | None
    word_boundary: bool
    exceptions: tuple[str, ...]
    except_before: tuple[str, ...]  # cues: see kinds/cues.py
    except_after: tuple[str, ...]
    except_in_clause: tuple[str, ...]
    except_next_sentence: tuple[str, ...]
    violating: tuple[Example, ...]
    compliant: tuple[Example, ...]
    description: str | None
    params: dict[str, Any]  # the kind's own fields: terms, pattern, near, detectors, timeout_ms
    defined_in: str  # the pack id whose file holds this rule
    file: str
    line: int
    column: int
    folder: str = ""  # the pack file's folder, for files a rule names (a classifier's model)

    def applies_to(self, channel: str | None) -> bool:
        """Whether the rule judges a message on ``channel`` (``None``: channel unknown)."""
        if self.channels is None:
            return True
        if channel is None:
            # Required disclosures scoped to channels cannot be judged without one.
            return self.kind != "required"
        return channel in self.channels


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    issuer: str | None = None
    year: int | None = None


@dataclass
class Pack:
    id: str
    version: str
    title: str
    jurisdiction: str | None
    language: str | None
    default_timezone: str | None
    description: str | None
    extends: tuple[str, ...]
    sources: dict[str, Source]
    variants: dict[str, list[str]]
    rules: list[Rule]
    file: str
    ancestors: frozenset[str] = field(default_factory=frozenset)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version}
