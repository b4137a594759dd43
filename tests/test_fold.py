"""``fold_text`` takes shortcuts (bytes for ASCII, a tuple table, a second table above
it); each must give exactly the per-character folding table's result."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from compliance_check.text.chartable import fold_table, fold_text

def _reference(text: str) -> str:
    return text.translate(fold_table())


_PIECES = st.sampled_from(
    ["Hi John, ", "payment of $1,523.45 ", "招商银行", "傻 逼", "ＳＢ", "煞筆", "é", "\u200b", "𝐬𝐛", "\U000E0101",
     "\u3000", "\ufdd0", "ﬁ", "Ⅻ", "😀", "\t\n", "%(name)s", "１３８"]
)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_fold_text_equals_the_table(text: str) -> None:
    assert fold_text(text) == _reference(text)


def test_mixed_and_chinese_text() -> None:
    mixed = "This is a reminder from 招商银行: pay ＄100 by 3/14."
    chinese = "【招商銀行】您好，請於3月14日前還款。"
    assert fold_text(mixed) == _reference(mixed)
    assert fold_text(chinese) == _reference(chinese)


def test_text_whose_non_ascii_characters_fold_to_themselves_or_nothing() -> None:
    """The shortcut for such text (ASCII as bytes, the removed characters by a regex),
    with a lone surrogate (as JSON can carry) and characters beyond the BMP beside it."""
    for text in ["尊敬的John客户，您的App账单。", "Reply STOP 【退订】 \ud800 ok", "你好😀", "你好\U000E0101！", "老赖 Ａ"]:
        assert fold_text(text) == _reference(text)
