"""The hand-written ``cn_mobile`` finder gives exactly the matches of the detector's
regular expression (which is the readable definition, in ``_DETECTOR_RE``)."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from compliance_check.kinds import pii

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
