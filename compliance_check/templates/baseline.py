"""The baseline: findings a repository accepted when it adopted the check.

A finding's fingerprint is its file (relative to the repository root), its rule, the
key path of its string (YAML, JSON, gettext) and its matched text, normalised. It has
no line number, so unrelated edits above a finding do not make it new. Equal
fingerprints in one file are told apart by their order. ``--baseline`` then fails only
on findings whose fingerprint it does not hold, and reports the entries nothing matched.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from pathlib import Path

from ..errors import InputError, Problem
from .model import BaselineEntry, TemplateFinding

VERSION = 1


def normalise_matched(text: str | None) -> str:
    """Matched text as compared: NFKC, case-folded, runs of blanks as one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def set_fingerprints(relpath: str, findings: list[TemplateFinding]) -> None:
    """Set the fingerprints of one file's findings (in report order)."""
    seen: Counter[str] = Counter()
    for f in findings:
        base = "\x00".join((relpath, f.finding.rule, f.key or "", normalise_matched(f.finding.matched)))
        digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:20]
        seen[digest] += 1
        f.fingerprint = f"{digest}:{seen[digest]}"


def read_baseline(path: str) -> list[BaselineEntry]:
    """The entries of a baseline file; a file that is not one is an ``InputError``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(path, 1, 1, "$", "no such baseline file (write one with --write-baseline)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path, 1, 1, "$", f"cannot read baseline: {exc}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(path, exc.lineno, exc.colno, "$", f"invalid JSON: {exc.msg}")]) from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise InputError([Problem(path, 1, 1, "$", f"not a compliance-check baseline (expected {{\"version\": {VERSION}, \"findings\": [...]}})")])
    entries = []
    for i, item in enumerate(data["findings"]):
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("fingerprint", "path", "rule"))):
            raise InputError([Problem(path, 1, 1, f"$.findings[{i}]", "each entry needs fingerprint, path and rule (strings)")])
        entries.append(BaselineEntry(item["fingerprint"], item["path"], item["rule"], item.get("key"), item.get("matched")))
    return entries


def entries_for(findings: list[tuple[str, TemplateFinding]]) -> list[BaselineEntry]:
    """Baseline entries for (root-relative path, finding) pairs: the unsuppressed findings."""
    return [
        BaselineEntry(f.fingerprint, rel, f.finding.rule, f.key, f.finding.matched or None)
        for rel, f in findings
        if f.suppressed is None
    ]


def write_baseline(path: str, entries: list[BaselineEntry]) -> None:
    data = {"tool": "compliance-check", "version": VERSION, "findings": [e.to_dict() for e in entries]}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def apply_baseline(findings: list[tuple[str, TemplateFinding]], entries: list[BaselineEntry]) -> list[BaselineEntry]:
    """Mark the findings the baseline holds; return the entries that matched nothing."""
    unused: dict[tuple[str, str], BaselineEntry] = {(e.path, e.fingerprint): e for e in entries}
    for rel, f in findings:
        if f.suppressed is None and unused.pop((rel, f.fingerprint), None) is not None:
            f.baselined = True
    return list(unused.values())
