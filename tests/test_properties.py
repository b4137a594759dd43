"""Property tests: normalisation never raises, its two paths agree, and every finding's span
points at exactly the original characters that matched, filler included."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_check.text.normalise import _mapped_normalise, normalise

from conftest import checker_for
from checksums import full_width

settings.register_profile(
    "compliance-check",
    max_examples=int(__import__("os").environ.get("CC_MAX_EXAMPLES", "200")),
    deadline=None,
    database=None,  # keep the working tree clean: no .hypothesis/ directory
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile("compliance-check")

TERMS_ZH = ["傻逼", "通讯录", "老赖", "坐牢"]
TERMS_EN = ["debt", "scam"]

ZH_CHARS = "傻逼通讯录老赖坐牢你我他的是了在有钱还款请账单已出今天明天訊錄賴們"
LATIN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# filler that can never take part in a placeholder
FILLER_NO_SPACE = [
    ",", ".", "-", "*", "!", "?", "~", "_", "/", "#", "@", "&", "'", '"', "，", "。", "、", "…", "！", "？",
    "（", "）", "【", "】", "《", "》", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "😀", "👍🏽", "❤️", "🔥", "👨‍👩‍👧", "★", "♥", "→", "\u0301",
]
SPACES = [" ", "  ", "\t", "\n", "\u3000", "\u00a0"]
FILLER = FILLER_NO_SPACE + SPACES
PLACEHOLDERS = ["{name}", "{{ name }}", "${name}", "%(name)s", "{0}", "<%= name %>", "{amount:.2f}", "{% if x %}", "{{debt}}"]
# loose pieces of placeholder syntax, to probe the placeholder scanner
STRUCTURAL = ["{", "}", "{{", "}}", "$", "%", "<", ">", "(", ")", "<%", "%>", "%(", "${"]


latin_char = st.sampled_from(LATIN_CHARS)
token = st.one_of(
    st.sampled_from(ZH_CHARS),
    latin_char,
    latin_char.map(full_width),
    st.sampled_from(FILLER),
    st.sampled_from(PLACEHOLDERS),
    st.sampled_from(TERMS_ZH + TERMS_EN),
)
messy_token = st.one_of(token, st.sampled_from(STRUCTURAL))
# structured text: Chinese, Latin, full-width, filler, placeholders and whole terms
texts = st.lists(messy_token, max_size=40).map("".join)
# anything at all, including control characters, astral code points, noncharacters
any_text = st.one_of(texts, st.text(max_size=60), st.lists(st.one_of(messy_token, st.text(max_size=3)), max_size=30).map("".join))


@PROFILE
@given(any_text)
def test_normalise_never_raises(text):
    nt = normalise(text)
    assert isinstance(nt.text, str)


@PROFILE
@given(any_text)
def test_fast_path_equals_mapped_path(text):
    mapped, starts, ends = _mapped_normalise(text)
    assert normalise(text).text == mapped
    assert len(starts) == len(ends) == len(mapped)
    for s, e in zip(starts, ends):
        assert 0 <= s < e <= len(text)
    assert starts == sorted(starts)


@PROFILE
@given(texts)
def test_every_finding_span_is_the_matched_original_text(text):
    result = checker_for("property_terms.yaml").check(text)
    for f in result.findings:
        start, end = f.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == f.matched
        terms = TERMS_ZH if f.rule == "PT-ZH" else TERMS_EN
        normalised = normalise(f.matched).text
        assert any(t in normalised for t in terms), (f.matched, normalised)


TRADITIONAL = {"讯": "訊", "录": "錄", "赖": "賴"}


@st.composite
def planted(draw):
    """(text, start, end): a term with filler inside it, somewhere in random text."""
    chinese = draw(st.booleans())
    term = draw(st.sampled_from(TERMS_ZH if chinese else TERMS_EN))
    if chinese:
        term = "".join(TRADITIONAL.get(c, c) if draw(st.booleans()) else c for c in term)
        filler = st.sampled_from(FILLER)
    else:
        if draw(st.booleans()):
            term = full_width(term)
        elif draw(st.booleans()):
            term = term.upper()
        # A space between Latin letters is a word break, and an "@" between them reads as
        # "a" (c@ll, l@wsuit: docs/rule-packs.md), so neither is filler inside a Latin word.
        filler = st.sampled_from([f for f in FILLER_NO_SPACE if f != "@"])
    gaps = [draw(st.lists(filler, max_size=3).map("".join)) for _ in range(len(term) - 1)]
    if not any(gaps):
        gaps[draw(st.integers(0, len(gaps) - 1))] = draw(filler)
    body = term[0] + "".join(g + c for g, c in zip(gaps, term[1:]))
    context = st.lists(token, max_size=12).map("".join)
    prefix, suffix = draw(context), draw(context)
    return prefix + body + suffix, len(prefix), len(prefix) + len(body)


@PROFILE
@given(planted())
def test_filler_inside_a_planted_term_is_inside_the_span(case):
    text, start, end = case
    result = checker_for("property_terms.yaml").check(text)
    spans = [f.span for f in result.findings]
    assert (start, end) in spans, (text[start:end], [(f.span, f.matched) for f in result.findings])
