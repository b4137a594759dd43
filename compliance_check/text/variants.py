"""A pack's variant table: disguised spellings rewritten to their canonical form.

Variants live in packs (``variants: {傻逼: [煞笔, 傻b, sb]}``), never in Python. Both
sides are normalised like messages; a variant that starts or ends with a Latin letter
or digit is only rewritten where it is not part of a longer Latin word, so ``sb``
in ``s.b`` is rewritten and in ``jobsboard`` is not.
"""
from __future__ import annotations

from dataclasses import dataclass

import ahocorasick_rs

from .normalise import NormalisedText, decode_leet, normalise_phrase


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or "\u00c0" <= ch <= "\u024f"


@dataclass(frozen=True)
class VariantTable:
    forms: list[str]
    canonical: list[str]
    automaton: ahocorasick_rs.AhoCorasick | None
    # Per form: whether it starts, and whether it ends, with a Latin letter or digit
    # (computed once: most matches of short forms such as "ur" fall inside a word).
    latin_edges: list[tuple[bool, bool]]

    def apply(self, nt: NormalisedText) -> NormalisedText:
        if self.automaton is None:
            return nt
        text = nt.text
        last = len(text)
        edges = self.latin_edges
        edits = []
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            latin_start, latin_end = edges[index]
            if latin_start and start > 0 and is_latin(text[start - 1]):
                continue
            if latin_end and end < last and is_latin(text[end]):
                continue
            canonical = self.canonical[index]
            if edits and edits[-1][1] + 1 == start and text[start - 1] == " ":
                before_start, before_end, before = edits[-1]
                if not is_latin(before[-1]) and not is_latin(canonical[0]):
                    # "xing shi an jian" -> 刑事案件: the space that parted two pinyin
                    # words parts nothing once both are characters
                    edits[-1] = (before_start, before_end + 1, before)
            edits.append((start, end, canonical))
        return nt.with_edits(edits)


def compile_variants(variants: dict[str, list[str]]) -> VariantTable:
    """Build the table; forms that normalise to nothing or to their canonical are dropped."""
    by_form: dict[str, str] = {}
    for canonical, forms in variants.items():
        target = normalise_phrase(canonical)
        for form in forms:
            key = normalise_phrase(form)
            # A form with a digit beside a letter ("every1") is also kept as its
            # decoded form, which is what a message holding it is scanned as.
            for form_key in dict.fromkeys((key, decode_leet(key))):
                if form_key and form_key != target:
                    by_form.setdefault(form_key, target)
    if not by_form:
        return VariantTable([], [], None, [])
    forms = list(by_form)
    automaton = ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return VariantTable(forms, [by_form[f] for f in forms], automaton, [(is_latin(f[0]), is_latin(f[-1])) for f in forms])
