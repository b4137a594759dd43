"""The offset map of ``_mapped_normalise``, whose fast paths skip most space runs and
build the map from kept positions: every normalised character still maps to exactly
the original characters it came from."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_check.text.chartable import PLACEHOLDER, fold_text
from compliance_check.text.normalise import _mapped_normalise, normalise
from compliance_check.text.placeholders import find_placeholders

TOKENS = [
    *"abcXYZ019", "hello", "Bank", " ", "  ", "   ", "    ", "\t", "\n", "\u3000", "\u00a0",
    *".,!?-*", "，", "。", "【", "】", *"傻逼通讯录欠钱", "訊錄", "ＡＢＣ", "１２", "😀", "👍🏽", "\u0301", "e\u0301",
    "\u200b", PLACEHOLDER, "ß", "ﬁ", "½", "\U000e0041",
    "{name}", "{0}", "${var}", "{{var}}", "{{ var }}", "%(name)s", "%s", "<%= x %>", "{", "}", "${",
]
texts = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_every_character_maps_to_where_it_came_from(text):
    mapped, starts, ends = _mapped_normalise(text)
    assert mapped == normalise(text).text
    assert len(starts) == len(ends) == len(mapped)
    assert starts == sorted(starts) and ends == sorted(ends)
    placeholders = set(find_placeholders(text))
    for ch, start, end in zip(mapped, starts, ends):
        assert 0 <= start < end <= len(text)
        if ch == " ":  # a kept space spans its run, from a space to a space
            assert fold_text(text[start]) == fold_text(text[end - 1]) == " "
            assert fold_text(text[start:end]).strip(" ") == ""
        elif ch == PLACEHOLDER:
            assert (start, end) in placeholders or text[start:end] == PLACEHOLDER
        else:
            assert end == start + 1 and ch in fold_text(text[start])


@pytest.mark.parametrize(
    "original, text, starts, ends",
    [
        # a placeholder spans itself; a run of spaces between two words, the whole run
        ("Hi {name},   you owe ", "hi \ufdd0 you owe",
         [0, 1, 2, 3, 10, 13, 14, 15, 16, 17, 18, 19], [1, 2, 3, 9, 13, 14, 15, 16, 17, 18, 19, 20]),
        # spaces beside Chinese go; two between Latin words stay as one
        ("尊敬的 ABC  Bank 客户", "尊敬的abc bank客户",
         [0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15], [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16]),
        # a character folding to two maps both to itself
        ("ß  x", "ss x", [0, 0, 1, 3], [1, 1, 3, 4]),
        ("  ", "", [], []),
    ],
)
def test_offset_map(original, text, starts, ends):
    assert _mapped_normalise(original) == (text, starts, ends)
