"""The hand-written ``cn_mobile`` finder gives exactly the matches of the detector's
regular expression (which is the readable definition, in ``_DETECTOR_RE``)."""
from __future__ import annotations

import re

import pytest

from hypothesis import given, settings, strategies as st

from compliance_check.kinds import pii
from conftest import checker_for

_REFERENCE = re.compile(pii._DETECTOR_RE["cn_mobile"])
_NOISE = st.text(alphabet="0123456789+ -86x1", max_size=30)
_MOBILE = st.builds(
    lambda prefix, second, rest: prefix + "1" + second + rest,
    st.sampled_from(["", "86", "+86", "+86 ", "86-", "+86-"]),
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789 -", min_size=9, max_size=13),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_NOISE, _MOBILE), max_size=4).map("".join))
def test_cn_mobile_finder_equals_its_regex(text: str) -> None:
    assert list(pii._find_cn_mobile(text)) == [m.span() for m in _REFERENCE.finditer(text)]


def test_cn_mobile_examples() -> None:
    text = "打我手机+86 138-1234-5678，或13912345678；客服1-800-555-1234不是手机号"
    found = [text[s:e] for s, e in pii._find_cn_mobile(text)]
    assert found == ["+86 138-1234-5678", "13912345678"]


@pytest.mark.parametrize(
    "fixture, text, expected",
    [
        ("pii_mobile.yaml", "有事打我手机138－1234－5678", "138－1234－5678"),  # full-width hyphens
        ("pii_mobile.yaml", "有事打我手机１３８１２３４５６７８", "１３８１２３４５６７８"),  # full-width digits
        ("pii_mobile.yaml", "call me on +86 139 1234 5678", "+86 139 1234 5678"),
        ("pii_mobile.yaml", "Call us at 1-800-555-1234, Monday to Friday", None),  # 11 digits, not a mobile
        ("pii_mobile.yaml", "来自招商银行：Call us at 1-800-555-1234", None),
        ("pii_ssn.yaml", "SSN on file: 987－65－4320", "987－65－4320"),
        ("pii_ssn.yaml", "SSN on file: 987.65.4320 (招商银行)", "987.65.4320"),
        ("pii_ssn.yaml", "Tell him his Social, 987\u200b-65-\u200b4327, is on file.", "987\u200b-65-\u200b4327"),  # zero-width beside hyphens
        ("pii_ssn.yaml", "Call 1-800-555-1234 about 987654320", None),  # no separators: not an SSN
        # a zero-width space between every digit, and around the group spaces
        ("pii_card_only.yaml", "the card is 6\u200b0\u200b1\u200b1\u200b \u200b8\u200b5\u200b8\u200b9\u200b \u200b7\u200b0\u200b1\u200b2\u200b \u200b7\u200b1\u200b3\u200b5, run Friday",
         "6\u200b0\u200b1\u200b1\u200b \u200b8\u200b5\u200b8\u200b9\u200b \u200b7\u200b0\u200b1\u200b2\u200b \u200b7\u200b1\u200b3\u200b5"),
    ],
)
def test_pii_gates_open_for_every_written_form(fixture: str, text: str, expected: str | None) -> None:
    """The gates that skip the detectors use the original's shape; a number written
    with full-width digits or separators must still reach its detector."""
    found = [f.matched for f in checker_for(fixture).check(text).findings]
    assert found == ([expected] if expected else [])


_SHAPED = st.text(alphabet="0123456789 .-+x1３８－", max_size=40)


@settings(max_examples=1500, deadline=None)
@given(_SHAPED, st.sampled_from(["cn_mobile", "ssn"]))
def test_shape_hint_is_never_missing_where_the_detector_finds(text: str, name: str) -> None:
    """A hinted detector runs only where its gate's profile says so: that must hold
    wherever the detector finds something (on the original, full-width forms narrowed)."""
    from compliance_check.text.normalise import normalise

    narrowed = text.translate(pii._NARROW)
    if list(pii._FINDERS[name](narrowed)):
        assert pii._hinted(pii._profile(normalise(text)), name), (name, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789 .-+@x1３８－\u200b", max_size=40), min_size=2, max_size=20))
def test_gates_answer_alike_for_messages_with_one_precheck_key(texts: list[str]) -> None:
    """The checker keeps the pii gates' answers by their precheck's key: every gate must
    answer alike for two messages with the same key."""
    from compliance_check.text.normalise import normalise

    gates = [pii.make_gate({"detectors": detectors}) for detectors in (
        ["cn_id", "bank_card"], ["cn_id_grouped"], ["cn_mobile", "email"], ["bank_card", "ssn"], ["phone"],
        ["email"], ["ssn"], ["cn_mobile"])]
    answers: dict = {}
    # Same runs of digits, different shapes: a hotline and a mobile (11), an SSN and nine
    # digits (9), a grouped card and a card (16), with and without full-width forms.
    for text in ["Call 1-800-555-1234", "call 138 1234 5678", "13812345678", "987-65-4320", "987654320",
                 "6222 0212 3456 7890", "6222021234567890", "１３８１２３４５６７８", "a@b.co 987-65-4320", *texts]:
        nt = normalise(text)
        key = gates[0].precheck(nt)
        if not key:
            assert not any(gate(nt) for gate in gates), text
            continue
        assert answers.setdefault(key, [gate(nt) for gate in gates]) == [gate(nt) for gate in gates], text


def test_gate_profile_longest_run_joins_single_spaces() -> None:
    from compliance_check.text.normalise import normalise

    assert pii._profile(normalise("卡号 6222 0212 3456 7890 请核对"))[1] == 16
    assert pii._profile(normalise("尾号1234，金额5678元")) is pii._NO_CHANCE  # no run of the fewest digits
    assert pii._profile(normalise("mail a@b.co or call 1234567"))[:2] == (True, 0)
    toll_free = pii._profile(normalise("Call 1-800-555-1234"))
    assert toll_free[1] == 11 and not pii._hinted(toll_free, "cn_mobile") and not pii._hinted(toll_free, "ssn")


@pytest.mark.parametrize(
    "text, found",
    [
        ("你的身份证号370203-19900908-2052我们随时可以发出去", ["370203-19900908-2052"]),
        ("身份证 440304 19920721 0316，请知悉", ["440304 19920721 0316"]),
        ("身份证３７０２０３－１９９００９０８－２０５２", ["３７０２０３－１９９００９０８－２０５２"]),
        ("370203 19900908-2052", ["370203 19900908-2052"]),  # mixed separators
        ("身份证 4403 0419 9207 2103 16 已登记", ["4403 0419 9207 2103 16"]),  # groups of four
        ("卡号 6222 0212 3456 7890 12", []),  # 18 digits, but no birth date where an ID has one
        ("370203199009082052", []),  # not grouped: that is cn_id's, with its check character
        ("身份证号1101**********1239", []),  # masked
        ("370203-19901308-2052", []),  # no month 13
    ],
)
def test_cn_id_grouped(text: str, found: list[str]) -> None:
    narrowed = text.translate(pii._NARROW)
    assert [text[s:e] for s, e in pii._FINDERS["cn_id_grouped"](narrowed)] == found
