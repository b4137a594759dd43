"""Cut a message into pieces for highlighting: each piece is covered by the same findings.

Offsets are code points (Python string indices), as in ``Finding.span``. The page's
script does the same cut in the browser (``static/check.js``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import SEVERITY_RANK, Finding


@dataclass(frozen=True)
class Piece:
    text: str
    findings: tuple[int, ...]  # indices into the findings list; empty: not highlighted
    severity: str | None  # the worst severity of those findings


def pieces(text: str, findings: list[Finding]) -> list[Piece]:
    spans = [(i, f.span) for i, f in enumerate(findings) if f.span and f.span[0] < f.span[1]]
    cuts = sorted({0, len(text), *(s for _, span in spans for s in span if 0 <= s <= len(text))})
    out: list[Piece] = []
    for start, end in zip(cuts, cuts[1:]):
        covering = tuple(i for i, (s, e) in spans if s <= start and end <= e)
        severity = max((findings[i].severity for i in covering), key=SEVERITY_RANK.__getitem__) if covering else None
        out.append(Piece(text[start:end], covering, severity))
    return out
