"""Compile resolved packs for matching.

Packs that share a variant table (most packs have none) form one *match group*
with one Aho-Corasick automaton over every literal phrase of their rules (terms,
near sets, required phrases, exceptions, the literal anchors of patterns).

On top of the groups sits one automaton over all of them, plus every group's
variant forms: a message is scanned once. Only when a group's variant forms occur
(a disguised spelling: rare) is the message rewritten for that group and scanned
again with the group's own automaton.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import itemgetter, or_
from types import ModuleType
from typing import Any, Callable, Iterable

import re

import ahocorasick_rs

from ..kinds import kind_function, registry as kind_registry
from ..kinds.cues import Cues
from ..kinds.pattern import ANCHOR_ROLE
from ..text.normalise import LEET_PAIRS, SPACED_PAIRS, NormalisedText, decode_leet, leet_view, may_hold_at_for_a, normalise, spaced_view
from ..text.variants import VariantTable, compile_variants
from .model import CUE_FIELDS, Pack, Rule

EXCEPT_ROLE = "except"
Gate = Callable[[NormalisedText], bool]


@dataclass
class CompiledRule:
    rule: Rule
    pack: Pack
    kind: ModuleType
    prepared: Any
    gate: "Gate | None" = None  # a cheap per-message test; the rule runs only when it opens
    cues: Cues | None = None  # except_before / _after / _in_clause / _next_sentence, normalised


@dataclass
class MatchGroup:
    packs: list[Pack]
    rules: list[CompiledRule]
    variants: VariantTable
    automaton: ahocorasick_rs.AhoCorasick | None
    phrases: tuple[str, ...]
    # automaton pattern index -> [(rule index, role)]
    phrase_owners: list[tuple[tuple[int, str], ...]]
    # rules that run without a phrase hit: required, patterns without anchors, and
    # rules whose kind has a cheap per-message gate (pii): those run when it opens
    unconditional: list[int]
    boundary_terms: list[str]
    # rule index -> roles that must all have hits before the rule is worth running (near: a and b)
    needs: dict[int, frozenset[str]]
    # rules that run when the scan's weighted phrases open their prefilter (classifier)
    prefiltered: list[tuple[int, Any]] = field(default_factory=list)
    # the prefiltered rules: a net under the others, run only for a message no other
    # rule blocked (``Checker.check``)
    nets: frozenset[int] = frozenset()

    def scan(self, nt: NormalisedText, applies: list[bool]) -> "Hits":
        """This group's phrase hits in ``nt``, for the rules that apply."""
        hits: Hits = {}
        if self.automaton is not None:
            owners = self.phrase_owners
            for index, start, end in self.automaton.find_matches_as_indexes(nt.text, overlapping=True):
                for rule_index, role in owners[index]:
                    if applies[rule_index]:
                        hits.setdefault(rule_index, {}).setdefault(role, []).append((start, end))
        return hits

    def scope(self, channel: str | None) -> tuple[list[bool], list[int], list[tuple[Gate, int]]]:
        """For ``channel``: whether each rule applies, the ungated unconditional rules
        that do, and the gated ones with their kind's gate. (``CompiledPacks`` keeps the
        result per channel.)"""
        applies = [c.rule.applies_to(channel) for c in self.rules]
        in_scope = [i for i in self.unconditional if applies[i]]
        gated = [(self.rules[i].gate, i) for i in in_scope if self.rules[i].gate is not None]
        ungated = [i for i in in_scope if self.rules[i].gate is None]
        return applies, ungated, gated


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
    needs: dict[int, frozenset[str]] = {}
    prefiltered: list[tuple[int, Any]] = []

    def key_of(phrase: str) -> str:
        # Phrases go through the pack's variants too, as messages do, so a term
        # written in a variant spelling still meets its rewritten message.
        return variants.apply(normalise(phrase)).text

    for pack in packs:
        for rule in pack.rules:
            index = len(rules)
            kind = kinds.get(rule.kind)
            if kind is None:
                continue  # a contact rule: contact logs judge it (contacts/), messages never do
            make_gate = getattr(kind, "make_gate", None)
            cues = None
            sides = tuple(getattr(rule, field) for field in CUE_FIELDS)
            if any(sides):
                cues = Cues(*(tuple(dict.fromkeys(filter(None, map(key_of, side)))) for side in sides))
            compile_rule = getattr(kind, "compile_rule", None)
            prepared = compile_rule(rule) if compile_rule else kind_function(kind, "compile")(rule.params)
            rules.append(CompiledRule(rule, pack, kind, prepared, make_gate(rule.params) if make_gate else None, cues))
            make_prefilter = getattr(kind, "prefilter", None)
            if make_prefilter is not None:
                prefiltered.append((index, make_prefilter(rule.params, prepared)))
            own = kind_function(kind, "phrases")(rule.params)
            if rule.kind in ("pii", "required") or (rule.kind == "pattern" and not own):
                unconditional.append(index)
            if getattr(kind, "NEEDS_ALL_ROLES", None):
                needs[index] = frozenset(kind.NEEDS_ALL_ROLES)
            for role, phrase in own + [(EXCEPT_ROLE, p) for p in rule.exceptions]:
                # Anchors are literals of the normalised text already. A phrase with a
                # digit beside a letter ("pay in 4", "every1") is also registered as
                # decoded, which is what a message holding it is scanned as.
                if role == ANCHOR_ROLE:
                    keys = [phrase]
                else:
                    written = key_of(phrase)
                    keys = list(dict.fromkeys((written, decode_leet(written))))
                for key in filter(None, keys):
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
        phrases=tuple(phrases),
        phrase_owners=[tuple(owners[p]) for p in phrases],
        unconditional=unconditional,
        boundary_terms=boundary_terms,
        needs=needs,
        prefiltered=prefiltered,
        nets=frozenset(index for index, _ in prefiltered),
    )


Hits = dict[int, dict[str, list[tuple[int, int]]]]  # rule index -> role -> spans
# What ``CompiledPacks.scan`` gives per group: the group, its view of the message, the
# phrase hits, the rules to run, and the view the scan read (before the group's variants).
Scanned = tuple[MatchGroup, NormalisedText, Hits, list[int], NormalisedText]
_VARIANT = -1  # owner rule index marking a variant form of the group
# A maximal run of Latin letters and digits: what ``variants.is_latin`` treats as one word.
_LATIN_WORD = re.compile("[a-z0-9\u00c0-\u024f]+")
# ASCII bytes of normalised text -> its words (letters and digits) and spaces for the rest
# (a space, or "?" for a character beyond ASCII): ``split`` then gives the projection's words.
_WORDS_OF_PROJECTION = bytes.maketrans(bytes(range(256)), bytes(b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20 for b in range(256)))
_NO_HITS: Hits = {}
_NO_GROUPS: frozenset[int] = frozenset()
_FIRST = itemgetter(0)


@dataclass
class CompiledPacks:
    groups: list[MatchGroup]
    automaton: ahocorasick_rs.AhoCorasick | None
    # automaton pattern index -> [(group index, rule index or _VARIANT, role)]
    owners: tuple[tuple[tuple[int, int, str], ...], ...]
    # Variant forms of Latin words ("u", "sb", "d3adbeat", "f you", "lao lai") must match
    # whole words: a bare one-letter form would hit inside every word, "f you" inside
    # "if you". The automaton holds the ASCII ones padded with spaces (" u ") and scans
    # an ASCII message padded the same way (no other form can occur in ASCII text). In
    # another message (Chinese: few Latin words) a Chinese character may stand beside
    # them: ``form_finder``, an automaton of the padded ASCII forms alone (pattern index
    # -> groups in ``form_groups``), scans its ASCII projection, where every other
    # character is a space. One-word forms beyond ASCII ("shǎbī" in a pack without
    # accent folding) are compared with the message's Latin words.
    form_finder: ahocorasick_rs.AhoCorasick | None = None
    form_groups: tuple[tuple[int, ...], ...] = ()
    # the first words of the padded forms, as ASCII bytes: a form can match only where its
    # first word is a whole word of the projection
    form_first_words: frozenset[bytes] = frozenset()
    other_word_forms: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    padded_forms: bool = False  # the automaton holds the padded ASCII forms
    # Automaton pattern indexes of the letter-and-digit pairs of leetspeak and of the
    # pairs of spaced letters (no owners): a message with one is scanned again as its
    # ``leet_view`` of its ``spaced_view``.
    disguise_indexes: frozenset[int] = frozenset()
    # Per distinct prefilter (a classifier's model): the automaton pattern indexes of its
    # phrases, its weight for every pattern index (0.0 for all but its phrases), the
    # prefilter, and the (group, rule) pairs it opens.
    weighers: tuple[tuple[frozenset[int], tuple[float, ...], Any, tuple[tuple[int, int], ...]], ...] = ()
    # the pattern indexes of every weigher's phrases (``_ChannelPlan.weigh_bit``)
    weighed: frozenset[int] = frozenset()

    _plans: dict[str | None, "_ChannelPlan"] = field(default_factory=dict)

    def _plan(self, channel: str | None) -> "_ChannelPlan":
        plan = self._plans.get(channel)
        if plan is None:
            scopes = [g.scope(channel) for g in self.groups]
            applies = [a for a, _, _ in scopes]
            # Rules that need a hit of every role (near: a and b) are mostly hit on one
            # role by ordinary words ("call", "your", 联系); a phrase only sets that role's
            # bit, and such a rule is looked at only once all its bits are set. Rule k's
            # role i is bit k + i * width.
            needy = sorted({(g, r) for entries in self.owners for g, r, _ in entries
                            if r != _VARIANT and r in self.groups[g].needs and applies[g][r]})
            width = len(needy)
            roles_of = {key: sorted(self.groups[key[0]].needs[key[1]]) for key in needy}
            bit_of = {key: k for k, key in enumerate(needy)}
            owners = []
            for entries in self.owners:
                triggering, needy_owners, mask = [], [], 0
                for g, r, role in entries:
                    if r == _VARIANT or role == EXCEPT_ROLE or not applies[g][r]:
                        continue
                    if (g, r) in bit_of:
                        if role in roles_of[(g, r)]:
                            mask |= 1 << (bit_of[(g, r)] + roles_of[(g, r)].index(role) * width)
                        needy_owners.append((g, r, role))
                    else:
                        triggering.append((g, r, role))
                excepting = tuple((g, r) for g, r, role in entries if role == EXCEPT_ROLE and applies[g][r])
                variant_groups = tuple(g for g, r, _ in entries if r == _VARIANT)
                owners.append((tuple(triggering), mask, tuple(needy_owners), excepting, variant_groups))
            planes = max((len(v) for v in roles_of.values()), default=0)
            # One bit above every role plane says "a classifier's n-gram is here", so the
            # OR over the hits that every message makes anyway tells whether to weigh.
            weigh_bit = 1 << (planes * width) if self.weighers else 0
            plan = self._plans[channel] = _ChannelPlan(
                applies=applies,
                owners=tuple(owners),
                unconditional={i: u for i, (_, u, _) in enumerate(scopes) if u},
                gates=_gates_by_function(scopes),
                masks=tuple(mask | weigh_bit if i in self.weighed else mask for i, (_, mask, _, _, _) in enumerate(owners)),
                special=frozenset(i for i, o in enumerate(owners) if o[0] or o[4]) | self.disguise_indexes,
                excepting=frozenset(i for i, o in enumerate(owners) if o[3]),
                needy=needy,
                plane_mask=(1 << width) - 1,
                pairs_only=all(len(v) == 2 for v in roles_of.values()),
                absent_roles=[
                    sum(1 << k for k, key in enumerate(needy) if len(roles_of[key]) <= plane)
                    for plane in range(planes)
                ],
                weigh_bit=weigh_bit,
                openings=tuple(_openings(members, applies) for _, _, _, members in self.weighers),
            )
        return plan

    def scan(self, base: NormalisedText, channel: str | None,
             decoded: bool = False) -> list["Scanned"]:
        """The groups with something to evaluate (``Scanned``): each with its view of
        the message after the group's variants, its phrase hits (rules in scope for
        ``channel`` only), the rules to run (those with a hit that is not an exception,
        the unconditional ones, the gated ones whose gate opens, those a prefilter
        opens) and the view the scan read. A message with a letter beside a digit, two
        single letters between spaces, or an "@", is scanned as the ``leet_view`` of its
        ``spaced_view`` (``decoded``: it already is)."""
        plan = self._plans.get(channel) or self._plan(channel)
        if not decoded and may_hold_at_for_a(base.original):
            # An "@" for "a" leaves no pair for the automaton to find: normalisation drops it.
            view = leet_view(spaced_view(base))
            if view is not base:
                return self.scan(view, channel, decoded=True)
        hits: dict[int, Hits] = {}  # group -> rule -> role -> spans, for rules a phrase triggered
        disguised: set[int] = _NO_GROUPS  # a set of its own once a group is disguised
        text = base.text
        padded = False
        if self.automaton is None:
            matches: list[tuple[int, int, int]] = []
        elif self.padded_forms and text.isascii():
            # The automaton also holds the one-word variant forms padded with spaces
            # (" u "). Every ASCII character of normalised text but the space is a Latin
            # letter or digit, so " form " in " text " is a whole word: one scan finds
            # both; offsets come back one too far (``_unpadded``, only where they are read).
            matches = self.automaton.find_matches_as_indexes(f" {text} ", overlapping=True)
            padded = True
        else:
            matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
            if not text.isascii():
                disguised = self._word_form_groups(text)
        # Most hits are ordinary words of near rules and exception phrases: set
        # operations and one OR over their role bits, rather than a step per hit.
        indexes = list(map(_FIRST, matches))
        role_bits = 0
        if indexes:
            # The leetspeak and spaced-letter pairs count as special, so that the common
            # message pays nothing for them (both views leave Chinese messages alone).
            special = plan.special.intersection(indexes)
            if special:
                if not decoded and not self.disguise_indexes.isdisjoint(special):
                    view = leet_view(spaced_view(base))
                    if view is not base:
                        return self.scan(view, channel, decoded=True)
                if padded:
                    matches, padded = _unpadded(matches), False
                owners = plan.owners
                disguised = set(disguised)
                for index, start, end in matches:
                    if index in special:
                        triggering, _, _, _, variant_groups = owners[index]
                        for group_index, rule_index, role in triggering:
                            _add_hit(hits, group_index, rule_index, role, start, end)
                        if variant_groups:
                            disguised.update(variant_groups)
            role_bits = reduce(or_, map(plan.masks.__getitem__, indexes))
            if role_bits:
                complete = plan.complete(role_bits)
                if complete:  # rare: collect the hits of the rules with every role hit
                    if padded:
                        matches, padded = _unpadded(matches), False
                    owners = plan.owners
                    ready = set(complete)
                    for index, start, end in matches:
                        for group_index, rule_index, role in owners[index][2]:
                            if (group_index, rule_index) in ready:
                                _add_hit(hits, group_index, rule_index, role, start, end)
        if not hits and not disguised and not plan.unconditional:
            # The common case: nothing but gates to try, and most messages open none.
            opened = _open_gates(base, plan)
            if role_bits & plan.weigh_bit:
                self._weigh(indexes, text, plan, opened)
            if not opened:
                return []
            return self._gated_only(base, plan, _unpadded(matches) if padded else matches, indexes, opened)
        if padded:
            matches = _unpadded(matches)
        opened = _open_gates(base, plan)
        if role_bits & plan.weigh_bit:
            self._weigh(indexes, text, plan, opened)
        excepting = plan.excepting.intersection(indexes)  # the exception phrases found
        out = []
        for group_index in sorted(set(hits).union(disguised, opened, plan.unconditional)):
            group = self.groups[group_index]
            nt = base
            group_hits = hits.get(group_index) or {}
            candidates = set(group_hits)
            if group_index in disguised:
                rewritten = group.variants.apply(base)
                if rewritten is not base:
                    nt = rewritten
                    group_hits = group.scan(nt, plan.applies[group_index])
                    candidates = set()
                    needs = group.needs
                    for r, roles in group_hits.items():
                        need = needs.get(r)
                        if need is not None:
                            if need <= roles.keys():
                                candidates.add(r)
                        elif len(roles) > 1 or EXCEPT_ROLE not in roles:  # a hit that is not only an exception
                            candidates.add(r)
            candidates.update(plan.unconditional.get(group_index, ()))
            candidates.update(opened.get(group_index, ()))
            if not candidates:
                continue
            if excepting and nt is base:
                _attach_exceptions(group_hits, group_index, candidates, matches, plan, excepting)
            out.append((group, nt, group_hits, sorted(candidates), base))
        return out

    def _weigh(self, indexes: list[int], text: str, plan: "_ChannelPlan", opened: dict[int, list[int]]) -> None:
        """Add to ``opened`` the rules whose prefilter the phrases found in ``text``
        (``indexes``, with repeats) open."""
        ascii_text = text.isascii()
        length = len(text)
        for k, (weighted, weights, prefilter, _) in enumerate(self.weighers):
            if ascii_text and not prefilter.ascii_phrases:
                continue  # a Chinese model's n-grams cannot occur in ASCII text
            if weighted.isdisjoint(indexes):
                continue
            total = sum(map(weights.__getitem__, indexes))
            if total and prefilter.opens(total, length):
                for group_index, rules in plan.openings[k]:
                    opened.setdefault(group_index, []).extend(rules)

    def _word_form_groups(self, text: str) -> set[int]:
        """The groups with a variant form of Latin words in non-ASCII ``text``."""
        disguised: set[int] = set()
        if self.form_finder is not None:
            # Normalised text holds no "?" (punctuation), so each one is a non-ASCII
            # character (CJK, the placeholder mark): a space between Latin words here.
            ascii_text = text.encode("ascii", "replace")
            # The few Latin words of most Chinese messages (a bank's name, "app", amounts)
            # begin no form: one set test on the projection's words says so, before the
            # scan for whole forms. A message of mostly Latin words has one that does
            # ("a", "u"): it goes straight to the scan.
            if (ascii_text.count(b"?") * 2 < len(ascii_text)
                    or not self.form_first_words.isdisjoint(ascii_text.translate(_WORDS_OF_PROJECTION).split())):
                projected = ascii_text.decode("ascii").replace("?", " ")
                for index in set(map(_FIRST, self.form_finder.find_matches_as_indexes(f" {projected} ", overlapping=True))):
                    disguised.update(self.form_groups[index])
        if self.other_word_forms:
            words = _LATIN_WORD.findall(text)
            for group_index, forms in self.other_word_forms:
                if not forms.isdisjoint(words):
                    disguised.add(group_index)
        return disguised

    def _gated_only(self, base: NormalisedText, plan: "_ChannelPlan", matches: list[tuple[int, int, int]],
                    indexes: list[int], opened: dict[int, list[int]]) -> list["Scanned"]:
        """``scan``'s result for a message where only gated rules (``opened``) run."""
        excepting = plan.excepting.intersection(indexes)
        out = []
        for group_index, rules in sorted(opened.items()):
            group_hits: Hits = {}
            if excepting:
                _attach_exceptions(group_hits, group_index, set(rules), matches, plan, excepting)
            out.append((self.groups[group_index], base, group_hits, sorted(rules), base))
        return out


def _open_gates(base: NormalisedText, plan: "_ChannelPlan") -> dict[int, list[int]]:
    """Group -> the gated rules whose gate opens on ``base``: each distinct gate once,
    none of those sharing a precheck that fails. Gates under a precheck read nothing of
    the message but its key, so their answers are asked once per key and kept."""
    opened: dict[int, list[int]] = {}
    for precheck, gates, answers in plan.gates:
        if precheck is None:
            members = [member for gate, gate_members in gates if gate(base) for member in gate_members]
        else:
            key = precheck(base)
            if not key:
                continue
            members = answers.get(key)
            if members is None:
                members = answers[key] = tuple(
                    member for gate, gate_members in gates if gate(base) for member in gate_members)
        for group_index, rule_index in members:
            opened.setdefault(group_index, []).append(rule_index)
    return opened


def _unpadded(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Matches of a scan over the text padded with one space, with the text's offsets."""
    return [(index, start - 1, end - 1) for index, start, end in matches]


def _add_hit(hits: dict[int, Hits], group_index: int, rule_index: int, role: str, start: int, end: int) -> None:
    by_rule = hits.get(group_index)
    if by_rule is None:
        by_rule = hits[group_index] = {}
    by_role = by_rule.get(rule_index)
    if by_role is None:
        by_role = by_rule[rule_index] = {}
    spans = by_role.get(role)
    if spans is None:
        by_role[role] = [(start, end)]
    else:
        spans.append((start, end))


def _attach_exceptions(group_hits: Hits, group_index: int, candidates: set[int], matches: list[tuple[int, int, int]],
                       plan: "_ChannelPlan", excepting: frozenset[int]) -> None:
    """Give the rules that will run their exception hits (``excepting``: the pattern
    indexes among ``matches`` that are exceptions); other rules never need them."""
    owners = plan.owners
    for index, start, end in matches:
        if index not in excepting:
            continue
        for g, rule_index in owners[index][3]:
            if g == group_index and rule_index in candidates:
                group_hits.setdefault(rule_index, {}).setdefault(EXCEPT_ROLE, []).append((start, end))


@dataclass
class _ChannelPlan:
    applies: list[list[bool]]  # per group, per rule
    # automaton pattern index -> (triggering owners, role bits it sets, the owners behind
    # those bits, exception owners, groups whose variant form it is)
    owners: tuple[tuple[tuple[tuple[int, int, str], ...], int, tuple[tuple[int, int, str], ...], tuple[tuple[int, int], ...], tuple[int, ...]], ...]
    unconditional: dict[int, list[int]]  # group -> rules that always run
    # (shared precheck, [(each distinct gate, the (group, rule) pairs it opens)], the
    # precheck's key -> the (group, rule) pairs those gates open, filled as keys occur)
    gates: list[tuple["Gate | None", list[tuple["Gate", list[tuple[int, int]]]], dict]]
    masks: tuple[int, ...]  # automaton pattern index -> the role bits it sets
    special: frozenset[int]  # pattern indexes with triggering owners or variant groups
    excepting: frozenset[int]  # pattern indexes that are an exception of some rule
    needy: list[tuple[int, int]]  # (group, rule) of the rules that need every role, by bit
    plane_mask: int  # one bit per such rule
    pairs_only: bool  # every such rule needs exactly two roles
    # per role plane: the bits of the rules that need no role there (fewer roles), set
    absent_roles: list[int]
    # set in ``masks`` of the n-grams of ``CompiledPacks.weighers`` (0 without any): above
    # every role plane, so ``complete`` never reads it
    weigh_bit: int = 0
    # per weigher of ``CompiledPacks.weighers``: (group, its rules that apply) it opens
    openings: tuple[tuple[tuple[int, tuple[int, ...]], ...], ...] = ()

    def complete(self, role_bits: int) -> list[tuple[int, int]]:
        """The rules every one of whose roles has a bit set in ``role_bits``."""
        width = len(self.needy)
        if self.pairs_only:  # every such rule needs two roles (near: a and b): one expression
            found = role_bits & (role_bits >> width) & self.plane_mask
        else:
            found = role_bits | self.absent_roles[0]
            for plane in range(1, len(self.absent_roles)):
                found &= (role_bits >> (plane * width)) | self.absent_roles[plane]
            found &= self.plane_mask
        if not found:
            return []
        out = []
        while found:
            low = found & -found
            out.append(self.needy[low.bit_length() - 1])
            found ^= low
        return out


def _openings(members: tuple[tuple[int, int], ...], applies: list[list[bool]]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """A weigher's (group, rule) ``members`` that apply to a channel, by group."""
    by_group: dict[int, list[int]] = {}
    for group_index, rule_index in members:
        if applies[group_index][rule_index]:
            by_group.setdefault(group_index, []).append(rule_index)
    return tuple((g, tuple(rules)) for g, rules in by_group.items())


def _gates_by_function(scopes: list[tuple[list[bool], list[int], list[tuple[Gate, int]]]]) -> list[tuple[Gate | None, list[tuple[Gate, list[tuple[int, int]]]], dict]]:
    """Each distinct gate with the (group, rule) pairs it opens, grouped under the
    cheaper test their kind says they share (a gate's ``precheck``: when it fails,
    none of them can open; when it holds, its key decides them), with an empty store
    for their answers by key."""
    by_gate: dict[Gate, list[tuple[int, int]]] = {}
    for group_index, (_, _, gated) in enumerate(scopes):
        for gate, rule_index in gated:
            by_gate.setdefault(gate, []).append((group_index, rule_index))
    by_precheck: dict[Gate | None, list[tuple[Gate, list[tuple[int, int]]]]] = {}
    for gate, members in by_gate.items():
        by_precheck.setdefault(getattr(gate, "precheck", None), []).append((gate, members))
    return [(precheck, gates, {}) for precheck, gates in by_precheck.items()]


def compile_all(packs: Iterable[Pack]) -> CompiledPacks:
    groups = compile_packs(packs)
    owners: dict[str, list[tuple[int, int, str]]] = {}
    other_word_forms: list[tuple[int, frozenset[str]]] = []
    padded: dict[str, list[int]] = {}  # " u ", " f you " -> groups
    for group_index, group in enumerate(groups):
        for phrase, phrase_owners in zip(group.phrases, group.phrase_owners):
            owners.setdefault(phrase, []).extend((group_index, r, role) for r, role in phrase_owners)
        other_words = frozenset(f for f in group.variants.forms if _LATIN_WORD.fullmatch(f) and not f.isascii())
        if other_words:
            other_word_forms.append((group_index, other_words))
        for form in group.variants.forms:
            if form in other_words:
                continue
            if form.isascii():  # normalised ASCII: Latin words and single spaces
                padded.setdefault(f" {form} ", []).append(group_index)
            else:
                owners.setdefault(form, []).append((group_index, _VARIANT, "variant"))
    for form, form_groups in padded.items():
        owners.setdefault(form, []).extend((group_index, _VARIANT, "variant") for group_index in form_groups)
    for pair in LEET_PAIRS + SPACED_PAIRS:
        owners.setdefault(pair, [])
    prefilters: dict[int, tuple[Any, list[tuple[int, int]]]] = {}
    for group_index, group in enumerate(groups):
        for rule_index, prefilter in group.prefiltered:
            prefilters.setdefault(id(prefilter), (prefilter, []))[1].append((group_index, rule_index))
    for prefilter, _ in prefilters.values():
        for phrase in prefilter.weights:
            owners.setdefault(phrase, [])
    phrases = list(owners)
    position = {p: i for i, p in enumerate(phrases)}
    weighers = []
    for prefilter, members in prefilters.values():
        weights = [0.0] * len(phrases)
        for phrase, weight in prefilter.weights.items():
            weights[position[phrase]] = weight
        weighers.append((frozenset(position[phrase] for phrase in prefilter.weights), tuple(weights), prefilter,
                         tuple(members)))
    disguise_pairs = frozenset(LEET_PAIRS + SPACED_PAIRS)
    return CompiledPacks(
        disguise_indexes=frozenset(i for i, p in enumerate(phrases) if p in disguise_pairs),
        weighers=tuple(weighers),
        weighed=frozenset().union(*(weighted for weighted, _, _, _ in weighers)),
        form_finder=ahocorasick_rs.AhoCorasick(list(padded)) if padded else None,
        form_groups=tuple(tuple(g) for g in padded.values()),
        form_first_words=frozenset(form.split()[0].encode("ascii") for form in padded),
        other_word_forms=other_word_forms,
        padded_forms=bool(padded),
        groups=groups,
        automaton=ahocorasick_rs.AhoCorasick(phrases) if phrases else None,
        # Tuples of atoms, which the garbage collector stops tracking: a full collection
        # then does not walk the tens of thousands of phrase owners.
        owners=tuple(tuple(owners[p]) for p in phrases),
    )
