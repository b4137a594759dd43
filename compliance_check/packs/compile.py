"""Compile a resolved pack for matching: one Aho-Corasick automaton over every literal
phrase of every rule (terms, near sets, required phrases, exceptions), the pack's
variant table, each kind's prepared data, and one combined regex that lets a
message skip every ``pattern`` rule when none can match.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import ahocorasick_rs
import regex

from ..kinds import registry as kind_registry
from ..kinds.pattern import DEFAULT_TIMEOUT_MS
from ..text.normalise import normalise
from ..text.variants import VariantTable, compile_variants
from .model import Pack, Rule

EXCEPT_ROLE = "except"
_GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z]+\)")


@dataclass
class CompiledRule:
    rule: Rule
    kind: ModuleType
    prepared: Any


@dataclass
class CompiledPack:
    pack: Pack
    rules: list[CompiledRule]
    variants: VariantTable
    automaton: ahocorasick_rs.AhoCorasick | None
    # automaton pattern index -> [(rule index, role)]
    phrase_owners: list[list[tuple[int, str]]]
    pattern_rules: list[int]
    pattern_prefilter: regex.Pattern | None
    prefilter_timeout: float
    always_run: list[int]  # rules that run without a phrase hit: pii, required
    boundary_terms: list[str]  # phrases of word_boundary rules, for the segmenter dictionary


def compile_pack(pack: Pack) -> CompiledPack:
    kinds = kind_registry()
    variants = compile_variants(pack.variants)
    rules = []
    owners: dict[str, list[tuple[int, str]]] = {}
    boundary_terms: list[str] = []
    for index, rule in enumerate(pack.rules):
        kind = kinds[rule.kind]
        rules.append(CompiledRule(rule, kind, kind.compile(rule.params)))
        phrases = kind.phrases(rule.params) + [(EXCEPT_ROLE, p) for p in rule.exceptions]
        for role, phrase in phrases:
            # Phrases go through the pack's variants too, as messages do, so a term
            # written in a variant spelling still meets its rewritten message.
            key = variants.apply(normalise(phrase)).text
            if not key:
                continue
            owner = (index, role)
            bucket = owners.setdefault(key, [])
            if owner not in bucket:
                bucket.append(owner)
            if rule.word_boundary and role != EXCEPT_ROLE:
                boundary_terms.append(key)
    phrases = list(owners)
    automaton = ahocorasick_rs.AhoCorasick(phrases) if phrases else None
    pattern_rules = [i for i, r in enumerate(pack.rules) if r.kind == "pattern"]
    prefilter = None
    timeout = max((pack.rules[i].params.get("timeout_ms", DEFAULT_TIMEOUT_MS) for i in pattern_rules), default=DEFAULT_TIMEOUT_MS)
    sources = [pack.rules[i].params["pattern"] for i in pattern_rules]
    # A scoped-flag-free alternation matches somewhere iff one of its patterns does;
    # inline global flags such as (?x) would leak into the others, so skip those.
    if sources and not any(_GLOBAL_FLAGS.search(p) for p in sources):
        try:
            prefilter = regex.compile("|".join(f"(?:{p})" for p in sources))
        except regex.error:
            prefilter = None  # e.g. clashing group names: every pattern rule runs on its own
    return CompiledPack(
        pack=pack,
        rules=rules,
        variants=variants,
        automaton=automaton,
        phrase_owners=[owners[p] for p in phrases],
        pattern_rules=pattern_rules,
        pattern_prefilter=prefilter,
        prefilter_timeout=timeout / 1000,
        always_run=[i for i, r in enumerate(pack.rules) if r.kind in ("pii", "required")],
        boundary_terms=boundary_terms,
    )
