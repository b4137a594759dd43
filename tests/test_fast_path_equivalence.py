"""The optimised ``Checker.check`` gives exactly the findings of a slow reference evaluator.

``Checker.check`` scans a message once with one Aho-Corasick automaton over every pack,
follows a per-channel plan, runs a rule only when a phrase or anchor of it occurs (near
rules only when both sides occur, ``NEEDS_ALL_ROLES``), opens pii rules through cheap
gates (``make_gate``), and attaches exception hits only to the rules that run. None of
that may change a finding. The reference below does none of it: for every match group
it rewrites the message with the group's variants, scans with the group's own
automaton, makes EVERY rule in scope a candidate and evaluates them with the checker's
own ``_check_group``. Any difference is an engine bug.
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compliance_check import Checker, load_packs
from compliance_check.text.normalise import leet_view, normalise, spaced_view

from conftest import fixture_path
from checksums import cn_id, full_width, luhn

CHANNELS = [None, "sms", "email", "chat", "letter"]
BUNDLED = ["cn-collection", "us-federal"]

# CC_MAX_EXAMPLES scales every property test of the suite (default 200); these run more
# examples than the others because each costs about a millisecond and matters most.
_BASE_EXAMPLES = int(os.environ.get("CC_MAX_EXAMPLES", "200"))


def examples(factor: float) -> settings:
    return settings(
        max_examples=max(1, int(_BASE_EXAMPLES * factor)),
        deadline=None,
        database=None,  # keep the working tree clean: no .hypothesis/ directory
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- the reference evaluator -----------------------------------------------------------------

def _key(finding: dict) -> str:
    return json.dumps(finding, sort_keys=True, ensure_ascii=False)


def reference_findings(checker: Checker, text: str, channel: str | None) -> list[dict]:
    """Every in-scope rule of every group, evaluated on the group's own scan; the learned
    rules (``group.nets``) only when no other rule gave an error."""
    # The views the scan reads: spaced letters joined, then leetspeak decoded.
    base = leet_view(spaced_view(normalise(text)))
    findings, nets = [], []
    for group in checker.compiled.groups:
        nt = group.variants.apply(leet_view(spaced_view(normalise(text))))
        assert nt.text == group.variants.apply(base).text
        applies = [compiled.rule.applies_to(channel) for compiled in group.rules]
        hits = group.scan(nt, applies)
        candidates = [i for i, in_scope in enumerate(applies) if in_scope]
        findings.extend(checker._check_group(group, nt, hits, [i for i in candidates if i not in group.nets], frozenset(), base))
        nets.append((group, nt, hits, [i for i in candidates if i in group.nets]))
    if not any(f.severity == "error" for f in findings):
        for group, nt, hits, candidates in nets:
            findings.extend(checker._check_group(group, nt, hits, candidates, frozenset(), base))
    return sorted((f.to_dict() for f in findings), key=_key)


def fast_findings(checker: Checker, text: str, channel: str | None) -> list[dict]:
    return sorted((f.to_dict() for f in checker.check(text, channel).findings), key=_key)


def assert_equivalent(checker: Checker, text: str, channel: str | None) -> None:
    for _attempt in range(3):
        expected = reference_findings(checker, text, channel)
        actual = fast_findings(checker, text, channel)
        # A pattern's timeout is wall-clock time: a garbage-collection pause in a long
        # hypothesis run can time out a trivial regex on one side only. Try again then.
        if actual == expected or not any(f.get("error") for f in expected + actual):
            break
    if actual != expected:
        missing = [f"{f['rule']} {f.get('span')} {f.get('matched')!r}" for f in expected if f not in actual]
        extra = [f"{f['rule']} {f.get('span')} {f.get('matched')!r}" for f in actual if f not in expected]
        pytest.fail(f"check({text!r}, channel={channel!r}) differs from the reference:\n"
                    f"  missing from check: {missing}\n  only in check: {extra}")


# --- checkers ---------------------------------------------------------------------------------

_CHECKERS: dict[tuple[str, ...], Checker] = {}


def checker_of(*specs: str) -> Checker:
    if specs not in _CHECKERS:
        _CHECKERS[specs] = Checker(load_packs(list(specs)))
    return _CHECKERS[specs]


def both() -> Checker:
    return checker_of(*BUNDLED)


# --- deterministic: every example of every rule, every channel ----------------------------------

def _examples() -> list[str]:
    texts = []
    for pack in load_packs(BUNDLED):
        for rule in pack.rules:
            for ex in rule.violating + rule.compliant:
                if ex.text not in texts:
                    texts.append(ex.text)
    return texts


EXAMPLES = _examples()


@pytest.mark.parametrize("specs", [tuple(BUNDLED), ("cn-collection",), ("us-federal",), ("us-federal-learned",)],
                         ids=["both", "cn", "us", "us-learned"])
def test_every_bundled_example_on_every_channel(specs):
    checker = checker_of(*specs)
    assert len(EXAMPLES) > 150
    fired = 0
    for text in EXAMPLES:
        for channel in CHANNELS:
            assert_equivalent(checker, text, channel)
            fired += bool(checker.check(text, channel).findings)
    assert fired > 100  # the comparison is not vacuous


def test_reference_is_not_vacuous():
    # The reference finds what the packs' own examples say it should.
    checker = both()
    for pack in checker.packs:
        for rule in pack.rules:
            for ex in rule.violating:
                rules = {f["rule"] for f in reference_findings(checker, ex.text, ex.channel)}
                assert rule.id in rules, (rule.id, ex.text)


# --- generated messages -----------------------------------------------------------------------

def _pack_material():
    phrases, forms = set(), set()
    for pack in load_packs(BUNDLED):
        for canonical, variants in pack.variants.items():
            forms.add(canonical)
            forms.update(variants)
        for rule in pack.rules:
            params = rule.params
            phrases.update(params.get("terms", ()))
            if "near" in params:
                phrases.update(params["near"]["a"])
                phrases.update(params["near"]["b"])
            phrases.update(rule.exceptions)
    return sorted(phrases), sorted(forms)


PHRASES, VARIANT_FORMS = _pack_material()
EXAMPLE_CHARS = sorted({c for t in EXAMPLES for c in t if "\u4e00" <= c <= "\u9fff"})
FILLER = [" ", "  ", ",", ".", "-", "!", "?", "'", "*", "，", "。", "、", "！", "\u200b", "\u200d", "\u3000", "\n", "\t",
          "😀", "👍🏽", "❤️", "🔥", "…", "（", "）", "【", "】", "/", "$", "%", "&"]
PLACEHOLDERS = ["{name}", "{{ x }}", "{0}", "${amount}", "%(name)s", "{{debt}}", "<%= agent %>", "{due_date}"]
TRADITIONAL = list("訊錄賴聯係們歲觸電話債務還錢總")


digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def card_numbers(draw):
    length = draw(st.integers(13, 19))
    body = draw(st.sampled_from("23456")) + "".join(draw(digits) for _ in range(length - 2))
    number = luhn(body)
    style = draw(st.sampled_from(["plain", "space", "dash", "space4"]))
    if style == "space4":
        return " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    if style in ("space", "dash"):
        sep = " " if style == "space" else "-"
        cut = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=4)))
        parts, prev = [], 0
        for c in cut:
            parts.append(number[prev:c])
            prev = c
        parts.append(number[prev:])
        return sep.join(parts)
    return number


@st.composite
def id_numbers(draw):
    area = draw(st.sampled_from(["110105", "310104", "440306", "510107"]))
    year = str(draw(st.integers(1930, 2009)))
    month = f"{draw(st.integers(1, 12)):02d}"
    day = f"{draw(st.integers(1, 28)):02d}"
    seq = "".join(draw(digits) for _ in range(3))
    number = cn_id(area + year + month + day + seq)
    return number.lower() if draw(st.booleans()) else number


@st.composite
def phone_numbers(draw):
    mobile = draw(st.sampled_from("3456789"))
    rest = "".join(draw(digits) for _ in range(9))
    cn = "1" + mobile + rest
    area = draw(st.sampled_from(["212", "415", "800", "646"]))
    line = "".join(draw(digits) for _ in range(4))
    return draw(st.sampled_from([
        cn,
        f"+86 {cn[:3]} {cn[3:7]} {cn[7:]}",
        f"{cn[:3]}-{cn[3:7]}-{cn[7:]}",
        f"({area}) 555-{line}",
        f"1-{area}-555-{line}",
        f"{area}.555.{line}",
        f"+44{rest}",
        cn[:3] + "****" + cn[7:],  # masked: never a finding
    ]))


emails = st.sampled_from(["a.b@example.com", "zhang.san@example.cn", "x+y@mail.example.org", "foo@bar", "客服@example.com"])
long_digits = st.integers(5, 24).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
numbers = st.one_of(card_numbers(), id_numbers(), phone_numbers(), long_digits)


@st.composite
def example_fragments(draw):
    text = draw(st.sampled_from(EXAMPLES))
    i = draw(st.integers(0, len(text)))
    j = draw(st.integers(i, min(len(text), i + 24)))
    return text[i:j]


words = st.one_of(
    st.sampled_from(EXAMPLES),
    example_fragments(),
    st.sampled_from(PHRASES),
    st.sampled_from(VARIANT_FORMS),
)
noise = st.one_of(
    st.sampled_from(EXAMPLE_CHARS),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    st.sampled_from(FILLER),
    st.sampled_from(PLACEHOLDERS),
    st.sampled_from(TRADITIONAL),
    st.sampled_from(VARIANT_FORMS),
    numbers,
    numbers.map(full_width),
    emails,
)
# words of the packs three times as often as noise
token = st.one_of(words, words, words, noise)


@st.composite
def perturbed_examples(draw):
    """An example of the packs with noise inserted at random places (inside words too)."""
    text = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(noise) + text[i:]
    return text


messages = st.one_of(
    st.lists(token, min_size=1, max_size=10).map("".join),
    perturbed_examples(),
    st.tuples(perturbed_examples(), perturbed_examples()).map("".join),
)


@examples(8)
@given(text=messages, channel=st.sampled_from(CHANNELS))
@example(text="你个老-赖，再不还钱就把你的事发到你通 讯 录里", channel=None)
@example(text="We know where you live. Tell {name} he owes $2,300. Reply STOP to opt out.", channel="sms")
@example(text="0 intro rated u m b a s s", channel=None)  # spaced letters: the reference reads the joined view too
@example(text="卡号6222 0212 3456 7890 128，身份证110105199003071239", channel="letter")
def test_check_equals_reference_on_generated_messages(text, channel):
    assert_equivalent(both(), text, channel)


# --- the same, on packs that exercise paths the bundled packs do not ------------------------------
#
# fixtures/fastpath.yaml: a pattern without anchors, a required rule with except on every
# channel, near with word_boundary, a pii rule whose detectors need only 8 digits, two
# packs with different variant tables (two match groups besides the bundled ones).


FIXTURE_WORDS = st.sampled_from([
    "老赖", "不是老赖", "傻逼", "煞笔", "sb", "s.b", "lao lai", "劳赖", "通讯录", "通信录", "txl", "爆通信录", "联系人", "联系",
    "家人", "通知", "不会通知", "坐牢", "进监狱", "jail", "法院", "我是", "可向法院提起诉讼", "回复TD退订", "退订", "不退订",
    "打断你的腿", "12345", "calling from", "district attorney", "district attorneys", "unsubscribe", "cannot unsubscribe",
    "debt", "abc",
])
SEPARATORS = st.sampled_from(["", "", " ", "，", "\u200b", "  ", "的", "x"])
NEAR_SIDES = [
    (["联系人", "家人", "通讯录", "通信录", "txl"], ["联系", "通知", "不会通知"]),
    (["district attorney", "district attorneys", "district attorneyship", "法院"], ["calling from", "我是"]),
    (["家人"], ["通知"]),
]


@st.composite
def near_pairs(draw):
    """A phrase of one near side, a short gap, a phrase of the other side, in either order."""
    a_side, b_side = draw(st.sampled_from(NEAR_SIDES))
    a, b = draw(st.sampled_from(a_side)), draw(st.sampled_from(b_side))
    gap = draw(st.text(st.sampled_from("的你我 ，x1"), max_size=6))
    return a + gap + b if draw(st.booleans()) else b + gap + a


@st.composite
def fixture_messages(draw):
    parts = []
    for _ in range(draw(st.integers(1, 10))):
        parts.append(draw(st.one_of(FIXTURE_WORDS, FIXTURE_WORDS, near_pairs(), token)))
        parts.append(draw(SEPARATORS))
    return "".join(parts)


@examples(4)
@given(text=fixture_messages(), channel=st.sampled_from(CHANNELS))
def test_check_equals_reference_with_fixture_and_bundled_packs(text, channel):
    checker = checker_of(fixture_path("fastpath.yaml"), fixture_path("basic.yaml"), *BUNDLED)
    assert_equivalent(checker, text, channel)


# --- differences these tests found (fixed in the engine since): pinned -------------------------

def test_pii_exception_is_honoured_when_nothing_else_hits():
    # A pii rule with `except`. check() used to honour the exception only when some other
    # phrase of the packs occurred in the message: where the exception was the only phrase
    # hit, the gated-only fast path (CompiledPacks._gated_only) ran the pii rule without it.
    checker = checker_of(fixture_path("pii_except.yaml"))
    for text in ["Sample card 4111 1111 1111 1111 for testing", "Sample card 4111 1111 1111 1111, we will sue"]:
        for channel in CHANNELS:
            assert_equivalent(checker, text, channel)
            assert "PE-CARD" not in [f.rule for f in checker.check(text, channel).findings]
    other = "Card 5500 0000 0000 0004 for testing"
    assert [f.matched for f in checker.check(other).findings if f.rule == "PE-CARD"] == ["5500 0000 0000 0004"]


@pytest.mark.parametrize(
    "text",
    [
        '您的卡号{{ card or "6222021234567890128" }}已逾期',
        "卡号{{ 6222021234567890128 }}",
        "Card: ${4111111111111111}",
        "Please let {２０００００００００００８name} know she still owes us for the car loan.",
        "{{２０００ ００００ ００００ ８ x }}再不还钱小心你的腿",
    ],
)
def test_pii_digits_inside_placeholder_syntax(text):
    # Detectors read the original text while the pii gate reads the normalised text, where
    # a placeholder is one opaque mark: a number inside placeholder delimiters was found
    # by the reference and missed by check(). Placeholders are now opaque to pii
    # detectors too (template code, not message text); both paths must agree.
    for channel in (None, "sms"):
        assert_equivalent(both(), text, channel)
        assert not [f for f in both().check(text, channel).findings if f.kind == "pii"]
