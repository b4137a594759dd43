"""The message pipeline: normalise -> each pack's rule kinds match -> findings -> verdict.

The common case is a message with nothing to report; it costs one placeholder
check, one ``str.translate`` and one Aho-Corasick scan over every loaded pack's
phrases, variant forms and pattern anchors (see ``packs/compile.py``). Offsets
back to the original text are computed only for messages with a candidate match.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .findings import Finding, verdict
from .kinds import Match, MatchContext
from .kinds.pattern import ANCHOR_ROLE
from .packs.compile import EXCEPT_ROLE, Hits, MatchGroup, compile_all
from .packs.model import Pack, Rule
from .text.normalise import NormalisedText, normalise
from .text.segment import Segmenter, aligned


@dataclass
class MessageResult:
    verdict: str
    findings: list[Finding]
    packs: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": [f.to_dict() for f in self.findings], "packs": self.packs}


_NO_HITS: dict[str, list[tuple[int, int]]] = {}
_UNBOUNDED_ROLES = (EXCEPT_ROLE, ANCHOR_ROLE)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class Checker:
    """Compiled packs, ready to check messages. Build once; ``check`` is thread-safe."""

    def __init__(self, packs: Iterable[Pack]):
        self.packs = list(packs)
        self.compiled = compile_all(self.packs)
        self.segmenter = Segmenter([t for g in self.compiled.groups for t in g.boundary_terms])
        self.pack_summaries = [p.summary() for p in self.packs]

    def check(self, text: str, channel: str | None = None, disabled: frozenset[str] = frozenset()) -> MessageResult:
        """Check one message; ``channel`` scopes channel-specific rules, ``disabled`` skips rule ids."""
        findings: list[Finding] = []
        held: list[tuple[MatchGroup, NormalisedText, Hits, list[int], NormalisedText]] | None = None
        for group, nt, hits, candidates, scanned in self.compiled.scan(normalise(text), channel):
            nets = group.nets
            if nets and not nets.isdisjoint(candidates):
                # A learned rule (classifier) is a net under the others: it judges a
                # message only when nothing else blocked it, so the findings an agent
                # reads name the phrase that broke the rule rather than a likeness.
                held = held or []
                held.append((group, nt, hits, [c for c in candidates if c in nets], scanned))
                candidates = [c for c in candidates if c not in nets]
            findings.extend(self._check_group(group, nt, hits, candidates, disabled, scanned))
        if held and not any(f.severity == "error" for f in findings):
            for group, nt, hits, candidates, scanned in held:
                firing = [c for c in candidates if group.rules[c].kind.could_fire(group.rules[c].prepared, scanned)]
                if firing:
                    findings.extend(self._check_group(group, nt, hits, firing, disabled, scanned))
        if not findings:
            return MessageResult("pass", findings, self.pack_summaries)
        if len(findings) > 1:
            findings.sort(key=Finding.sort_key)
        return MessageResult(verdict(findings), findings, self.pack_summaries)

    def _check_group(
        self, group: MatchGroup, nt: NormalisedText, hits: Hits, candidates: list[int], disabled: frozenset[str],
        scanned: NormalisedText,
    ) -> list[Finding]:
        findings: list[Finding] = []
        cuts_cache: list[set[int]] = []

        def cuts() -> set[int]:
            if not cuts_cache:
                cuts_cache.append(self.segmenter.boundaries(nt.text))
            return cuts_cache[0]

        for rule_index in candidates:
            compiled = group.rules[rule_index]
            rule = compiled.rule
            if disabled and rule.id in disabled:
                continue
            roles = hits.get(rule_index, _NO_HITS)
            # Judge each phrase on its own, before kinds combine them (near pairs).
            if rule.word_boundary and roles:
                roles = {
                    role: spans if role in _UNBOUNDED_ROLES else [h for h in spans if aligned(nt, h[0], h[1], cuts)]
                    for role, spans in roles.items()
                }
            cues = compiled.cues
            if cues is not None and roles:
                roles = {role: spans if role in _UNBOUNDED_ROLES else cues.kept(nt, spans) for role, spans in roles.items()}
            matches = compiled.kind.find(rule.params, compiled.prepared, MatchContext(nt, roles, scanned))
            if cues is not None and matches and rule.kind == "pattern":
                matches = [m for m in matches if m.error or not cues.negates(nt, m.start, m.end)]
            if matches:
                findings.extend(self._findings(compiled.pack, rule, nt, matches, roles.get(EXCEPT_ROLE, ()), cuts))
        return findings

    def _findings(
        self,
        pack: Pack,
        rule: Rule,
        nt: NormalisedText,
        matches: list[Match],
        exception_hits: Iterable[tuple[int, int]],
        cuts: Callable[[], set[int]],
    ) -> list[Finding]:
        exceptions = [nt.span(s, e) for s, e in exception_hits]
        spans: list[tuple[int, int, Match]] = []
        for m in matches:
            if m.error or m.missing:
                spans.append((m.start, m.end, m))
                continue
            if rule.word_boundary and rule.kind == "pattern" and not aligned(nt, m.start, m.end, cuts):
                continue
            span = (m.start, m.end) if m.in_original else nt.span(m.start, m.end)
            if any(_overlaps(span, x) for x in exceptions):
                continue
            spans.append((*span, m))
        spans.sort(key=lambda s: (s[0], -s[1]))
        merged: list[tuple[int, int, Match]] = []
        for start, end, m in spans:
            if merged and not (m.error or m.missing) and start < merged[-1][1] and not merged[-1][2].missing:
                # Overlaps a match already reported for this rule: one finding, the union.
                prev_start, prev_end, prev = merged[-1]
                merged[-1] = (prev_start, max(prev_end, end), prev)
                continue
            merged.append((start, end, m))
        out: list[Finding] = []
        for start, end, m in merged:
            line, column = _line_column(nt.original, start)
            out.append(
                Finding(
                    rule=rule.id,
                    pack=pack.id,
                    pack_version=pack.version,
                    kind=rule.kind,
                    category=rule.category,
                    severity="error" if m.error else rule.severity,
                    message=f"rule could not be evaluated ({m.error}); the message was not fully checked" if m.error else rule.message,
                    citation=rule.citation,
                    span=(start, end),
                    line=line,
                    column=column,
                    matched=nt.original[start:end],
                    suggestion=rule.suggestion,
                    error=m.error,
                )
            )
        return out


def check_message(text: str, packs: Iterable[Pack], channel: str | None = None) -> MessageResult:
    """One-off convenience: compile ``packs`` and check ``text``. Reuse a ``Checker`` for many."""
    return Checker(packs).check(text, channel)
