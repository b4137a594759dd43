"""Normalisation: folding, filler removal, variants, and spans mapped back to the original text."""
from __future__ import annotations

import pytest

from compliance_check.text.normalise import _mapped_normalise, leet_view, normalise, spaced_view
from compliance_check.text.variants import compile_variants

from conftest import checker_for


def only(result, rule):
    found = [f for f in result.findings if f.rule == rule]
    assert len(found) == 1, [(f.rule, f.span, f.matched) for f in result.findings]
    return found[0]


# --- the normalised text itself -------------------------------------------------------

@pytest.mark.parametrize(
    "original, expected",
    [
        ("傻 逼", "傻逼"),
        ("傻*逼", "傻逼"),
        ("通\u200b讯录", "通讯录"),
        ("s.b", "sb"),
        ("ＡＢＣ", "abc"),
        ("ABC", "abc"),
        ("通訊錄", "通讯录"),
        ("傻😀逼", "傻逼"),
        ("傻\u3000逼", "傻逼"),  # ideographic space
        ("老-赖！", "老赖"),
        ("hello   world", "hello world"),  # whitespace kept as one space between Latin words
    ],
)
def test_normalised_text(original, expected):
    assert normalise(original).text == expected


@pytest.mark.parametrize("original", ["傻 逼", "傻*逼", "通\u200b讯录", "s.b", "傻😀逼", "ＡＢＣ", "a , b", "{x}傻逼"])
def test_fast_and_mapped_paths_agree(original):
    text, starts, ends = _mapped_normalise(original)
    assert text == normalise(original).text
    assert len(starts) == len(ends) == len(text)


def test_span_maps_back_over_filler():
    nt = normalise("你个老-赖")
    i = nt.text.index("老赖")
    assert nt.span(i, i + 2) == (2, 5)


# --- spans of findings include the filler inside the match -----------------------------

@pytest.mark.parametrize(
    "text, rule, matched",
    [
        ("你真是个傻 逼", "FX-INSULT", "傻 逼"),
        ("你真是个傻*逼", "FX-INSULT", "傻*逼"),
        ("把你发到通\u200b讯录里", "FX-CONTACTS", "通\u200b讯录"),
        ("把你发到通 讯 录里", "FX-CONTACTS", "通 讯 录"),
        ("你个老-赖", "FX-INSULT", "老-赖"),
        ("你就是个s.b", "FX-INSULT", "s.b"),  # variant sb -> 傻逼 after filler removal
        ("你是傻😀逼", "FX-INSULT", "傻😀逼"),
        ("你是傻👍🏽逼", "FX-INSULT", "傻👍🏽逼"),  # emoji with a skin-tone modifier
        ("你是傻\u2764\ufe0f逼", "FX-INSULT", "傻\u2764\ufe0f逼"),  # heart + variation selector
    ],
)
def test_filler_inside_a_term_is_inside_the_span(text, rule, matched):
    f = only(checker_for("basic.yaml").check(text), rule)
    start, end = f.span
    assert text[start:end] == f.matched == matched


def test_full_width_latin_matches_and_span_is_original():
    text = "代码ＡＢＣ结束"
    f = only(checker_for("basic.yaml").check(text), "FX-LATIN")
    assert f.span == (2, 5)
    assert f.matched == "ＡＢＣ"


def test_traditional_chinese_matches_simplified_term():
    text = "我們會打給你通訊錄裡的人"
    f = only(checker_for("basic.yaml").check(text), "FX-CONTACTS")
    assert f.matched == "通訊錄"
    assert text[f.span[0]:f.span[1]] == "通訊錄"


def test_case_is_folded():
    f = only(checker_for("basic.yaml").check("About your DEBT"), "FX-LATIN")
    assert f.matched == "DEBT"


# --- variants from the pack -------------------------------------------------------------

def test_chinese_variant_rewritten_with_span_on_the_original_form():
    text = "你真是个煞笔啊"
    f = only(checker_for("basic.yaml").check(text), "FX-INSULT")
    assert f.span == (4, 6)
    assert f.matched == "煞笔"


def test_chinese_variant_with_filler_inside():
    text = "你真是个煞 笔啊"
    f = only(checker_for("basic.yaml").check(text), "FX-INSULT")
    assert f.matched == "煞 笔"


def test_latin_variant_not_rewritten_inside_a_longer_word():
    result = checker_for("basic.yaml").check("please see the jobsboard for openings")
    assert [f for f in result.findings if f.rule == "FX-INSULT"] == []


def test_latin_variant_rewritten_as_a_word():
    f = only(checker_for("basic.yaml").check("you sb"), "FX-INSULT")
    assert f.matched == "sb"
    assert f.span == (4, 6)


def test_pinyin_words_rewritten_to_characters_lose_the_space_between_them():
    table = compile_variants({"刑事": ["xing shi"], "案件": ["an jian"]})
    text = "就变成 xing shi an jian 了"
    nt = table.apply(normalise(text))
    assert nt.text == "就变成刑事案件了"
    assert text[slice(*nt.span(3, 7))] == "xing shi an jian"
    # a pinyin word that stays Latin keeps its space
    assert table.apply(normalise("xing shi an")).text == "刑事 an"


def test_variants_do_not_apply_without_the_pack_table():
    # the property-test pack has 傻逼 as a term but no variants: 煞笔 is not rewritten
    result = checker_for("property_terms.yaml").check("你真是个煞笔")
    assert result.findings == []


def test_spaces_between_latin_words_are_not_filler():
    # "ab c" must not be glued into the term "abc"
    assert [f for f in checker_for("basic.yaml").check("ab c").findings if f.rule == "FX-LATIN"] == []


@pytest.mark.parametrize(
    "text, matched",
    [("你是ＳＢ", "ＳＢ"), ("你是SB吗", "SB"), ("你真煞筆", "煞筆"), ("你是𝐬𝐛", "𝐬𝐛")],
)
def test_variants_match_after_folding(text, matched):
    f = only(checker_for("basic.yaml").check(text), "FX-INSULT")
    assert f.matched == matched
    assert text[f.span[0]:f.span[1]] == matched


@pytest.mark.parametrize(
    "text, folded",
    # characters above the list part of the fold table (variation selectors supplement,
    # tag characters) are filler too; a rare ideograph there stays
    [("傻\U000E0101逼", "傻逼"), ("ab\U000E0041c", "abc"), ("老\U00030000赖", "老\U00030000赖")],
)
def test_characters_above_the_list_table_fold(text, folded):
    assert normalise(text).text == folded
    assert _mapped_normalise(text)[0] == folded


@pytest.mark.parametrize("text, folded", [("shǎbī", "shabi"), ("LǍO LÀI", "lao lai"), ("Café", "cafe"), ("ñ", "n")])
def test_latin_letters_lose_accents_and_tone_marks(text, folded):
    nt = normalise(text)
    assert nt.text == folded
    assert nt.span(0, len(folded)) == (0, len(text))  # one character for one


@pytest.mark.parametrize("text, folded", [
    ("Wе'll tеll уоur bоss", "well tell your boss"),  # Cyrillic е, у, о inside English words
    ("ВАNK", "bank"),  # upper-case Cyrillic В and А: looked up before case folding
    ("ЈUDІСІАL DІVІSІОN", "judicial division"),  # Cyrillic І: the confusables skeleton "l", read as I in capitals
    ("Greek ο and ν", "greek o and v"),
])
def test_cyrillic_and_greek_lookalikes_become_latin(text, folded):
    nt = normalise(text)
    assert nt.text == folded
    assert len(nt._offsets()[0]) == len(folded)


def test_a_cyrillic_lookalike_disguise_is_caught():
    checker = checker_for("basic.yaml")
    (finding,) = checker.check("pay the dеbt now").findings  # Cyrillic е
    assert finding.rule == "FX-LATIN" and finding.matched == "dеbt"


@pytest.mark.parametrize("text, folded", [
    ("w3 kn0w wh3re u p4rk", "w3 know where u park"),  # "w3": one letter, left alone
    ("D1str1ct C0urt 0ff1cer", "district court officer"),
    ("t@ke 0ut 0ur l0an", "take out our loan"),  # a leading 0 starts no number
    ("your 1st payment at 10am, apt 4b, w2, 401k, mp3", "your 1st payment at 10am apt 4b w2 401k mp3"),
    ("card 4111111111111111abc", "card 4111111111111111abc"),  # three digits in a row: a number
    ("Hi {name}, c0urt", "hi \ufdd0 court"),  # a placeholder does not make the message non-Latin
    ("你好 p4rk", "你好p4rk"),  # Chinese messages are left alone
    ("W@ll 0f Sh@me", "wall 0f shame"),  # normalisation drops the "@"; the view puts an "a" back
    ("we'll h@ve you @rrested", "well have you arrested"),
    ("c@ll1ng", "calling"),
    ("write to pay@example.com", "write to payexamplecom"),  # an e-mail address keeps its "@" out
    ("请@所有人 c@ll", "请所有人cll"),  # a Chinese message is left alone
])
def test_digits_that_stand_for_letters_become_letters(text, folded):
    nt = leet_view(normalise(text))
    assert nt.text == folded
    assert nt.span(0, len(folded)) == (0, len(text))  # one character for one


@pytest.mark.parametrize("text, joined", [
    ("You are a l o s e r.", "you are a loser"),
    ("I will c a l l   y o u   a t   3   a m", "i will call you at 3 am"),  # wider gaps are word breaks
    ("grab a p a y d a y  l o a n tonight", "grab a payday loan tonight"),  # the article stays a word
    ("We call from 8 a m to 9 p m", "we call from 8 a m to 9 p m"),  # too short to be a run
    ("你好 a b c d", "你好a b c d"),  # Chinese messages are left alone
])
def test_spaced_letters_are_joined_into_words(text, joined):
    nt = spaced_view(normalise(text))
    assert nt.text == joined
    assert nt.span(0, len(joined)) == (0, len(text.rstrip(".")))


def test_an_at_sign_for_a_is_caught_with_its_span_on_the_original():
    checker = checker_for("basic.yaml")
    (finding,) = checker.check("pay the @bc now").findings
    assert finding.rule == "FX-LATIN" and finding.matched == "@bc"
    # an e-mail address: the pii rule finds it, and no "abc" is read into it
    assert [f.rule for f in checker.check("write to me at x@bc.com").findings] == ["FX-PII"]


def test_a_spaced_letter_disguise_is_caught_with_its_span_on_the_original():
    checker = checker_for("basic.yaml")
    text = "pay the d e b t now"
    (finding,) = checker.check(text).findings
    assert finding.rule == "FX-LATIN" and finding.matched == "d e b t"
