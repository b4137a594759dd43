"""Compile resolved packs for matching.

Packs that share a variant table (most packs have none) are compiled into one
*match group*: one normalised view of the message and one Aho-Corasick automaton
over every literal phrase of all their rules (terms, near sets, required phrases,
exceptions, the literal anchors of patterns). A message then costs one scan per
group, however many packs are loaded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Iterable

import ahocorasick_rs

from ..kinds import registry as kind_registry
from ..kinds.pattern import ANCHOR_ROLE
from ..text.normalise import normalise
from ..text.variants import VariantTable, compile_variants
from .model import Pack, Rule

EXCEPT_ROLE = "except"


@dataclass
class CompiledRule:
    rule: Rule
    pack: Pack
    kind: ModuleType
    prepared: Any


@dataclass
class MatchGroup:
    packs: list[Pack]
    rules: list[CompiledRule]
    variants: VariantTable
    automaton: ahocorasick_rs.AhoCorasick | None
    # automaton pattern index -> [(rule index, role)]
    phrase_owners: list[list[tuple[int, str]]]
    # rules that run without a phrase hit: pii, required, patterns without anchors
    unconditional: list[int]
    boundary_terms: list[str]
    _by_channel: dict[str | None, tuple[list[bool], list[int]]] = field(default_factory=dict)

    def scope(self, channel: str | None) -> tuple[list[bool], list[int]]:
        """For ``channel``: whether each rule applies, and the unconditional rules that do."""
        cached = self._by_channel.get(channel)
        if cached is None:
            applies = [c.rule.applies_to(channel) for c in self.rules]
            cached = (applies, [i for i in self.unconditional if applies[i]])
            self._by_channel[channel] = cached
        return cached


def _variant_key(pack: Pack) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in pack.variants.items()))


def compile_packs(packs: Iterable[Pack]) -> list[MatchGroup]:
    """One match group per distinct variant table, packs in their given order."""
    grouped: dict[tuple, list[Pack]] = {}
    for pack in packs:
        grouped.setdefault(_variant_key(pack), []).append(pack)
    return [_compile_group(members) for members in grouped.values()]


def _compile_group(packs: list[Pack]) -> MatchGroup:
    kinds = kind_registry()
    variants = compile_variants(packs[0].variants)
    rules: list[CompiledRule] = []
    owners: dict[str, list[tuple[int, str]]] = {}
    boundary_terms: list[str] = []
    unconditional: list[int] = []
    for pack in packs:
        for rule in pack.rules:
            index = len(rules)
            kind = kinds[rule.kind]
            rules.append(CompiledRule(rule, pack, kind, kind.compile(rule.params)))
            own = kind.phrases(rule.params)
            if rule.kind in ("pii", "required") or (rule.kind == "pattern" and not own):
                unconditional.append(index)
            for role, phrase in own + [(EXCEPT_ROLE, p) for p in rule.exceptions]:
                # Phrases go through the pack's variants too, as messages do, so a term
                # written in a variant spelling still meets its rewritten message.
                # Anchors are literals of the normalised text already.
                key = phrase if role == ANCHOR_ROLE else variants.apply(normalise(phrase)).text
                if not key:
                    continue
                bucket = owners.setdefault(key, [])
                if (index, role) not in bucket:
                    bucket.append((index, role))
                if rule.word_boundary and role not in (EXCEPT_ROLE, ANCHOR_ROLE):
                    boundary_terms.append(key)
    phrases = list(owners)
    return MatchGroup(
        packs=packs,
        rules=rules,
        variants=variants,
        automaton=ahocorasick_rs.AhoCorasick(phrases) if phrases else None,
        phrase_owners=[owners[p] for p in phrases],
        unconditional=unconditional,
        boundary_terms=boundary_terms,
    )
