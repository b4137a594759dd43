"""Literal anchors of `pattern` rules (compliance_check.kinds.anchors).

``anchors(pattern)`` promises strings one of which occurs in every match of the pattern,
or ``None`` when it cannot tell. A pattern runs only on messages holding one of its
anchors, so a wrong anchor silently loses findings: "anchors may cost speed, never
findings". These tests pin the analysis on small patterns and, as a property, on every
`pattern` rule of the bundled packs over their own examples and random mutations of them.
"""
from __future__ import annotations

import warnings

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_check import Checker, load_packs
from compliance_check.kinds import Match
from compliance_check.kinds.anchors import anchors, leading_anchors
from compliance_check.kinds.pattern import _tried_at
from compliance_check.text.normalise import normalise

from conftest import fixture_path

PROPERTY = settings(
    max_examples=int(__import__("os").environ.get("CC_MAX_EXAMPLES", "200")) * 4,
    deadline=None,
    database=None,  # keep the working tree clean: no .hypothesis/ directory
    suppress_health_check=[HealthCheck.too_slow],
)


def anchors_of(pattern: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `re` warns about "[[" (possible nested set)
        return anchors(pattern)


def sound_on(pattern: str, text: str) -> bool:
    """The anchor promise for one text: no match, no anchors, or an anchor in the text."""
    found = anchors_of(pattern)
    return found is None or regex.search(pattern, text) is None or any(a in text for a in found)


# --- the analysis on small patterns -----------------------------------------------------------

@pytest.mark.parametrize("pattern, expected", [("debt", ["debt"]), ("坐牢", ["坐牢"]), ("we will sue", ["we will sue"])])
def test_simple_literal_is_its_own_anchor(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("arrest|jail", ["arrest", "jail"]),
        # parts that match a few exact strings are multiplied out with their neighbours
        ("(?:拘留|逮捕)你", ["拘留你", "逮捕你"]),
        ("garnish(?:ed|ment)|seize", ["garnished", "garnishment", "seize"]),
    ],
)
def test_alternation_needs_one_anchor_per_branch(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern", ["foo|.", "debt|\\d+", "(?:坐牢|[^不])"])
def test_alternation_with_an_unanchored_branch_has_no_anchor(pattern):
    assert anchors_of(pattern) is None


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("(?:optional )?debt", ["debt"]),
        ("(?:please )?pay now", ["pay now"]),
        ("x{0,3}yy", ["yy"]),
        ("(?:xyz)*q", ["q"]),
        ("(?:your )??arrest", ["arrest"]),
    ],
)
def test_optional_parts_are_ignored(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern, witness", [("colou?r", "color"), ("ab(?:cd)?ef", "abef"), ("打断?你的腿", "打你的腿")])
def test_optional_part_never_becomes_an_anchor(pattern, witness):
    found = anchors_of(pattern)
    assert found and regex.fullmatch(pattern, witness)
    assert any(a in witness for a in found), found


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("(?:xyz)+", ["xyz"]),
        ("(?:abc){2}", ["abcabc"]),  # a small exact repeat is multiplied out
        ("(?:ab)+?c?", ["ab"]),
        ("(?:警察){1,3}", ["警察"]),
        ("(?>abc)d?", ["abc"]),
        ("a++b?", ["a"]),
    ],
)
def test_repeats_with_minimum_one_keep_their_body(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern", ["(?:xyz)*", "(?:xyz){0,2}", "(?:xyz)?"])
def test_repeats_with_minimum_zero_have_no_anchor(pattern):
    assert anchors_of(pattern) is None


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("[abc]", ["a", "b", "c"]),
        ("[打砍剁]", ["剁", "打", "砍"]),
        ("[a-c]", ["a", "b", "c"]),
    ],
)
def test_small_character_class_gives_each_character(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern", ["[^abc]", "[a-z]+", "\\d+", "\\w+", "[\\d]", "[a-q]", "."])
def test_negated_wide_or_category_class_has_no_anchor(pattern):
    assert anchors_of(pattern) is None


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("\\bdebt\\b", ["debt"]),
        ("(?<=pay )now", ["now"]),
        ("(?<!不)坐牢", ["坐牢"]),
        ("(?!not )debt", ["debt"]),
        ("^sue$", ["sue"]),
        ("手(?![机续头表])", ["手"]),
    ],
)
def test_lookarounds_and_boundaries_are_ignored(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern", ["(?=abc).", "(?<=abc)\\w", "\\b\\w+\\b", "^.+$"])
def test_lookaround_literals_are_never_anchors(pattern):
    assert anchors_of(pattern) is None


@pytest.mark.parametrize(
    "pattern",
    [
        "\\p{Han}+",
        "\\p{Han}{2}骗子",  # a literal next to \p{...} does not save it: `re` cannot parse \p
        "\\P{L}debt",
        "(?V1)[[a-z]--[aeiou]]+",
        "(?r)abc",
        "(?f)abc",
        "(?e)abc",
        "(?:debt){e<=1}",
        "(?|(a)|(b))c",
        "\\X",
        "(?(DEFINE)(?<x>a))b",
        "\\mdebt\\M",
    ],
)
def test_regex_only_syntax_gives_none(pattern):
    regex.compile(pattern)  # valid for the engine's regex module
    assert anchors_of(pattern) is None


# Syntax that the `regex` module reads one way and Python's `re` parser another: the
# analysis must give no anchor or a correct one. Each case is (pattern, text it matches).
@pytest.mark.parametrize(
    "pattern, witness",
    [
        ("[[:alpha:]]+", "debt"),  # POSIX class; `re` reads "[[:alph]" then a literal "]"
        ("[[:digit:]]{16}", "4111111111111111"),
        ("(?:garnish){i<=1}", "garnish"),  # fuzzy: `re` reads "{i<=1}" as literal text
        ("(?:garnish){i<=1}", "garrnish"),
        ("(?:debt){1<=e<=2}", "dept"),
        ("(?:debt){s<=1}", "deft"),
        ("(?:debt){d<=1}", "det"),
    ],
)
def test_regex_only_syntax_never_yields_a_wrong_anchor(pattern, witness):
    assert regex.search(pattern, witness), "the witness must match"
    found = anchors_of(pattern)
    assert found is None or any(a in witness for a in found), f"anchors {found} miss {witness!r}"


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("(?i)DEBT", ["debt"]),
        ("(?i)Strasse", ["strasse"]),
        ("(?i)(?:SUE|Arrest)", ["arrest", "sue"]),
        ("(?i)[A-C]", ["a", "b", "c"]),
    ],
)
def test_global_ignorecase_casefolds_anchors(pattern, expected):
    assert anchors_of(pattern) == expected


@pytest.mark.parametrize("pattern, witness", [("(?i:DEBT)", "debt"), ("(?i:Deadbeat) ", "deadbeat "), ("you (?i:LOWLIFE)", "you lowlife")])
def test_scoped_ignorecase_casefolds_anchors(pattern, witness):
    # The normalised text is case folded; an anchor in upper case can never occur in it.
    assert regex.search(pattern, witness)
    found = anchors_of(pattern)
    assert found is None or any(a in witness for a in found), f"anchors {found} miss {witness!r}"


# End to end: a wrong anchor means the rule never runs, so the finding is lost.
@pytest.fixture(scope="module")
def syntax_checker():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Checker(load_packs([fixture_path("regex_syntax.yaml")]))


@pytest.mark.parametrize(
    "rule, text",
    [
        ("RX-GLOBAL-I", "You LOWLIFE."),
        ("RX-SCOPED-I", "You DEADBEAT."),
        ("RX-FUZZY", "We will garnish your wages."),
        ("RX-FUZZY", "We will garrnish your wages."),
    ],
)
def test_pattern_rule_fires_wherever_its_regex_matches(syntax_checker, rule, text):
    (compiled,) = [r for r in syntax_checker.packs[0].rules if r.id == rule]
    assert regex.search(compiled.params["pattern"], normalise(text).text), "precondition: the regex matches"
    assert rule in [f.rule for f in syntax_checker.check(text).findings]


# --- property: the bundled packs' patterns ----------------------------------------------------

def _bundled():
    packs = load_packs(["cn-collection", "us-federal"])
    checker = Checker(packs)
    variants = {p.id: g.variants for g in checker.compiled.groups for p in g.packs}
    rules = []
    for pack in packs:
        for rule in pack.rules:
            if rule.kind != "pattern":
                continue
            texts = set()
            for example in rule.violating + rule.compliant:
                nt = normalise(example.text)
                texts.add(nt.text)
                texts.add(variants[pack.id].apply(nt).text)  # what the rule really sees
            rules.append((rule.id, rule.params["pattern"], sorted(texts)))
    return rules


PATTERN_RULES = _bundled()
ALPHABET = sorted({c for _, _, texts in PATTERN_RULES for t in texts for c in t} | set(" \ufdd0abcxyz0123456789你我的了"))


def test_bundled_packs_have_anchored_patterns():
    assert len(PATTERN_RULES) >= 10
    # most bundled patterns are anchored; those that are not simply run on every message
    assert sum(anchors_of(p) is not None for _, p, _ in PATTERN_RULES) >= len(PATTERN_RULES) - 2


@pytest.mark.parametrize("rule_id, pattern, texts", PATTERN_RULES, ids=[r[0] for r in PATTERN_RULES])
def test_bundled_pattern_anchor_in_every_example_and_single_deletion(rule_id, pattern, texts):
    found = anchors_of(pattern)
    matched = 0
    for text in texts:
        variants = [text] + [text[:i] + text[i + 1:] for i in range(len(text))]
        for t in variants:
            if regex.search(pattern, t):
                matched += 1
                assert found is None or any(a in t for a in found), (rule_id, t, found)
    assert matched, f"{rule_id}: no example matches its own pattern"


@st.composite
def mutated(draw):
    rule_id, pattern, texts = draw(st.sampled_from(PATTERN_RULES))
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(0, 8))):
        if text and draw(st.booleans()):
            i = draw(st.integers(0, len(text) - 1))
            text = text[:i] + text[i + 1:]
        else:
            i = draw(st.integers(0, len(text)))
            insert = draw(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(texts).map(lambda t: t[:6])))
            text = text[:i] + insert + text[i:]
    return rule_id, pattern, text


@PROPERTY
@given(mutated())
def test_bundled_pattern_match_always_contains_an_anchor(case):
    rule_id, pattern, text = case
    if regex.search(pattern, text) is None:
        return
    found = anchors_of(pattern)
    assert found is None or any(a in text for a in found), (rule_id, text, found)


# --- leading anchors: every match starts with one ----------------------------------------------

@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("\\bdebt\\b", ["debt"]),
        ("(?:we|i) will sue you", ["i will sue you", "we will sue you"]),
        ("(?:bank|savings) (?:\\w+ )?\\d{8}", ["bank ", "savings "]),  # extended while exact
        ("\\b(?:dob|ssn) \\d+|\\bbank \\d+", ["bank ", "dob ", "ssn "]),  # one set per branch
        ("colou?r", ["color", "colour"]),
        ("(?i:SUE) you", ["sue you"]),
        ("(?:we|i) (?:will )?have you arrested", ["i have you arrested", "i will have you arrested",
                                                  "we have you arrested", "we will have you arrested"]),
    ],
)
def test_leading_anchors(pattern, expected):
    assert leading_anchors(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "(?:please )?pay now",  # the match may start at "pay"
        "x{0,3}yy",
        "\\d+ days",
        "(?:sue|\\w+ing) you",  # a branch with no literal start
        "(?:we|i) \\w+ have you arrested",  # "we " and "i " are worse filters than "have you arrested"
    ],
)
def test_no_leading_anchors(pattern):
    assert leading_anchors(pattern) is None


def _finditer(pattern: str, text: str) -> list[Match]:
    return [Match(m.start(), m.end()) for m in regex.finditer(pattern, text) if m.end() > m.start()]


def _tried(pattern: str, text: str, starts: list[str]) -> list[Match]:
    positions = [i for a in starts for i in range(len(text)) if text.startswith(a, i)]
    return _tried_at(regex.compile(pattern), text, positions, 1.0)


LEADING_RULES = [(rid, p, texts) for rid, p, texts in PATTERN_RULES if leading_anchors(p)]


def test_some_bundled_patterns_are_tried_only_at_their_starts():
    assert len(LEADING_RULES) >= 3


@pytest.mark.parametrize("pattern, starts, text", [
    ("ab|b", ["ab", "b"], "xab b"),  # "ab" holds "b", one place later: both starts are needed
    ("(?:aa|a)a", ["a"], "aaaa"),
    ("\\bbank \\d+", ["bank "], "bank 1 bank bank 22"),
    ("a(?:ba)?", ["a"], "ababa"),
])
def test_tried_at_starts_equals_finditer(pattern, starts, text):
    assert _tried(pattern, text, starts) == _finditer(pattern, text)


def test_starts_are_reduced_by_prefix_not_by_containment():
    from compliance_check.kinds.anchors import _shortest_prefixes

    assert _shortest_prefixes(frozenset({"ab", "b", "bc"})) == {"ab", "b"}


@PROPERTY
@given(mutated())
def test_bundled_pattern_tried_at_starts_equals_finditer(case):
    rule_id, pattern, text = case
    starts = leading_anchors(pattern)
    if starts:
        assert _tried(pattern, text, starts) == _finditer(pattern, text), (rule_id, text)


def test_a_gap_of_words_is_never_the_anchor():
    """A two-sided pattern's gap (`(?: \\S+){0,12}? `) ends in a space, which every
    message holds: the pattern must be anchored on one of its sides instead, however
    many phrases that side lists (it was anchored on " " and ran on every message)."""
    side = "|".join(f"q{i:02d}" for i in range(40))
    frame = "|".join(f"{'bcdfghjklmnprstvwxyz'[i % 18]}{i:02d}" for i in range(70))  # more than multiply out
    found = anchors_of(rf"\b(?:{side})\b(?: \S+){{0,12}}? (?:{frame})\b")
    assert found is not None and all(a.strip() for a in found)


def test_a_one_or_two_letter_anchor_loses_to_a_list_of_words():
    """"m" (from "a ?m") is inside nearly every English message: a side of forty contact
    phrases is the better filter, although each of its phrases counts against it."""
    contact = "|".join(f"q{i:02d}" for i in range(40))
    clock = r"(?:(?:12|[1-7])(?:[0-5]\d)? ?a ?m|(?:9[3-5]\d|1[01](?:[0-5]\d)?) ?p ?m)"
    found = anchors_of(rf"\b(?:{contact})\b(?: \S+){{0,12}}? {clock}\b")
    assert found is not None and "q00" in found
