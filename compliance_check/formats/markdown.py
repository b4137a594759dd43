"""Markdown reference of packs (``packs doc``): sources, counts per category, every rule."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from ..packs.model import Pack, Rule

CATEGORIES = (
    "threat_violence", "insult_profanity", "impersonation_authority", "false_legal_threat",
    "third_party_pressure", "public_shaming", "false_consequence", "induce_new_borrowing",
    "privacy_exposure", "harassment_language", "missing_disclosure",
)


def rule_size(rule: Rule) -> int:
    """How many terms and patterns a rule holds: its phrases, or 1 for a pattern or detector."""
    params = rule.params
    if rule.kind in ("terms", "required"):
        return len(params["terms"])
    if rule.kind == "near":
        return len(params["near"]["a"]) + len(params["near"]["b"])
    if rule.kind == "pii":
        return len(params["detectors"])
    return 1


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def pack_markdown(pack: Pack) -> str:
    lines = [f"## {pack.id} {pack.version}: {pack.title}", ""]
    lines.append(f"Jurisdiction {pack.jurisdiction or '-'}, language {pack.language or '-'}"
                 + (f", extends {', '.join(pack.extends)}" if pack.extends else "") + ".")
    lines += ["", "| category | rules | terms and patterns |", "|---|---|---|"]
    rules_by = Counter(r.category for r in pack.rules)
    size_by: Counter[str | None] = Counter()
    for r in pack.rules:
        size_by[r.category] += rule_size(r)
    for category in CATEGORIES:
        lines.append(f"| {category} | {rules_by.get(category, 0)} | {size_by.get(category, 0)} |")
    contact = [r for r in pack.rules if r.category is None]  # contact-log rules have no message category
    if contact:
        lines.append(f"| contact-log rules | {len(contact)} | {size_by.get(None, 0)} |")
    lines.append(f"| **all** | {len(pack.rules)} | {sum(size_by.values())} |")
    lines += ["", "| rule | kind | category | severity | size | citation | message |", "|---|---|---|---|---|---|---|"]
    for r in pack.rules:
        policy = "(policy default) " if r.params.get("policy") else ""
        lines.append(f"| {r.id} | {r.kind} | {r.category or '-'} | {r.severity} | {rule_size(r)} | {_cell(r.citation)} | {policy}{_cell(r.message)} |")
    if pack.sources:
        lines += ["", "| source | title | issuer | year |", "|---|---|---|---|"]
        for s in pack.sources.values():
            lines.append(f"| {s.id} | {_cell(s.title)} | {_cell(s.issuer)} | {s.year or ''} |")
    return "\n".join(lines)


def packs_markdown(packs: Iterable[Pack]) -> str:
    head = [
        "# Bundled rules",
        "",
        "Generated from the packs by `compliance-check packs doc > docs/rules.md`; do not edit by hand",
        "(a test fails when this file and the packs disagree).",
    ]
    return "\n".join(head) + "\n\n" + "\n\n".join(pack_markdown(p) for p in packs) + "\n"
