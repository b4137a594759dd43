"""Template placeholders are opaque: they never match, and never glue their neighbours into a term."""
from __future__ import annotations

import pytest

from compliance_check.text.chartable import PLACEHOLDER
from compliance_check.text.normalise import normalise
from compliance_check.text.placeholders import find_placeholders

from conftest import checker_for

FORMS = ["{name}", "{{ name }}", "${name}", "%(name)s", "{0}", "<%= name %>"]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_is_recognised_whole(form):
    text = f"您好{form}，请还款"
    assert find_placeholders(text) == [(2, 2 + len(form))]
    assert normalise(text).text == f"您好{PLACEHOLDER}请还款"


@pytest.mark.parametrize("form", ["{debt}", "{{ debt }}", "${debt}", "%(debt)s", "<%= debt %>", "{{debt}}", "{debt:.2f}"])
def test_placeholder_content_never_matches(form):
    # "debt" is a term of FX-LATIN; inside a placeholder it is a variable name
    result = checker_for("basic.yaml").check(f"Your balance: {form}.")
    assert result.findings == []


@pytest.mark.parametrize("form", FORMS)
def test_placeholder_does_not_glue_a_chinese_term(form):
    result = checker_for("basic.yaml").check(f"傻{form}逼")
    assert [f for f in result.findings if f.rule == "FX-INSULT"] == []


def test_placeholder_between_term_characters():
    checker = checker_for("basic.yaml")
    assert checker.check("通{x}讯录").findings == []
    assert checker.check("傻 {{ x }} 逼").findings == []
    assert checker.check("通${x}讯录").findings == []


@pytest.mark.parametrize("form", ["{0}", "{name}", "{{ name }}"])
def test_placeholder_does_not_glue_a_latin_term(form):
    result = checker_for("basic.yaml").check(f"a{form}bc")
    assert [f for f in result.findings if f.rule == "FX-LATIN"] == []


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("layout", ["{p}傻逼", "傻逼{p}", "{p}傻 逼{p}", "{p} 通 讯 录 {p}"])
def test_placeholder_never_inside_matched_text_of_a_term_outside_it(form, layout):
    text = layout.replace("{p}", form)
    result = checker_for("basic.yaml").check(text)
    assert result.findings, text
    for f in result.findings:
        start, end = f.span
        assert text[start:end] == f.matched
        assert form not in f.matched
        for p_start, p_end in find_placeholders(text):
            assert end <= p_start or start >= p_end, (f.span, (p_start, p_end))


def test_term_next_to_placeholder_still_matches():
    text = "{name}你这个老赖"
    result = checker_for("basic.yaml").check(text)
    assert [(f.rule, f.matched, f.span) for f in result.findings] == [("FX-INSULT", "老赖", (9, 11))]
