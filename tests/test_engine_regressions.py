"""Engine regressions: one test per behaviour that users rely on and that an optimisation
of the engine (shared scans, gates, anchors, per-channel plans) could silently break.

Fixture packs: fixtures/regressions.yaml, fixtures/pii_card_only.yaml,
fixtures/pii_contact.yaml, fixtures/typo/unknown_field.yaml.
"""
from __future__ import annotations

import pytest

from compliance_check import Checker, InputError, load_packs
from compliance_check.kinds import pii
from compliance_check.text.normalise import normalise

from conftest import checker_for, fixture_path
from checksums import full_width, luhn, luhn_ok


def of_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


CARD16 = luhn("622202123456789")  # 16 digits, valid Luhn
CARD16_SPACED = " ".join(CARD16[i:i + 4] for i in range(0, 16, 4))


def test_card_helper_is_right():
    assert len(CARD16) == 16 and luhn_ok(CARD16)
    assert not luhn_ok(CARD16[:-1] + str((int(CARD16[-1]) + 1) % 10))
    assert luhn_ok("4111111111111111") and luhn_ok("79927398713")


# --- near ----------------------------------------------------------------------------------

def test_near_overlapping_phrases_are_not_a_pair():
    # 联系人 (a) contains 联系 (b): one word, not two phrases near each other.
    result = checker_for("regressions.yaml").check("请更新您的紧急联系人信息")
    assert of_rule(result, "RG-NEAR-OVERLAP") == []


def test_near_still_pairs_distinct_overlap_phrases():
    # the same rule fires when the two phrases are separate words
    (f,) = of_rule(checker_for("regressions.yaml").check("请联系您的联系人"), "RG-NEAR-OVERLAP")
    assert f.matched == "联系您的联系人"


def test_near_word_boundary_finds_the_listed_plural():
    # b lists "district attorney" and "district attorneys": the singular hit inside
    # "attorneys" fails the word boundary, the plural passes, and the pair is found.
    text = "Hello, I'm calling from the district attorneys office about your account."
    (f,) = of_rule(checker_for("regressions.yaml").check(text), "RG-NEAR-WB")
    assert f.matched == "calling from the district attorneys"
    assert text[f.span[0]:f.span[1]] == f.matched


def test_near_word_boundary_rejects_a_longer_word():
    text = "I'm calling from the district attorneyship office."
    assert of_rule(checker_for("regressions.yaml").check(text), "RG-NEAR-WB") == []


# --- required + except -----------------------------------------------------------------------

def test_required_phrase_inside_an_exception_does_not_satisfy_the_rule():
    (f,) = of_rule(checker_for("regressions.yaml").check("You cannot unsubscribe.", channel="email"), "RG-REQUIRED")
    assert f.span == (0, 0)
    assert f.severity == "warning"


def test_required_phrase_outside_an_exception_satisfies_the_rule():
    result = checker_for("regressions.yaml").check("Reply unsubscribe to stop.", channel="email")
    assert of_rule(result, "RG-REQUIRED") == []


def test_required_rule_not_judged_outside_its_channel():
    assert of_rule(checker_for("regressions.yaml").check("You cannot unsubscribe.", channel="sms"), "RG-REQUIRED") == []


# --- a term written in a variant spelling ------------------------------------------------------

@pytest.mark.parametrize("text, matched", [("再不还就爆通信录", "爆通信录"), ("再不还就爆通讯录", "爆通讯录"), ("再不还就爆通 讯 录", "爆通 讯 录")])
def test_term_in_variant_spelling_matches_both_spellings(text, matched):
    (f,) = of_rule(checker_for("regressions.yaml").check(text), "RG-VARIANT-TERM")
    assert f.matched == matched


# --- placeholders ------------------------------------------------------------------------------

def test_placeholder_keeps_latin_spacing():
    assert normalise("Tell {name} he owes").text == "tell \ufdd0 he owes"
    assert normalise("Tell {{ name }}  he owes").text == "tell \ufdd0 he owes"


def test_placeholder_between_chinese_keeps_no_space_and_blocks_the_term():
    assert normalise("通 {x} 讯录").text == "通\ufdd0讯录"
    # nothing joins across the placeholder: 爆通{x}讯录 is not 爆通讯录
    assert of_rule(checker_for("regressions.yaml").check("爆通 {x} 讯录"), "RG-VARIANT-TERM") == []


def test_bundled_pattern_relies_on_placeholder_spacing():
    (f,) = of_rule(bundled_us().check("Tell {name} he owes $2,300."), "US-DISCLOSE-001")
    assert f.matched == "Tell {name} he owes"


def bundled_us():
    from compliance_check import Checker

    return Checker(load_packs(["us-federal"]))


# --- overlapping matches of one rule -------------------------------------------------------------

def test_overlapping_matches_of_one_rule_give_one_finding_covering_their_union():
    text = "今天开始催收电话轰炸你"
    findings = of_rule(checker_for("regressions.yaml").check(text), "RG-OVERLAP")
    assert len(findings) == 1, [(f.span, f.matched) for f in findings]
    (f,) = findings
    assert f.matched == "催收电话轰炸"
    assert f.span == (text.index("催收"), text.index("轰炸") + 2)


def test_separate_matches_of_one_rule_stay_separate():
    text = "催收电话，以及电话轰炸"
    findings = of_rule(checker_for("regressions.yaml").check(text), "RG-OVERLAP")
    assert [f.matched for f in findings] == ["催收电话", "电话轰炸"]


# --- pack errors ---------------------------------------------------------------------------------

def test_unknown_field_reported_at_its_own_line_with_a_hint():
    with pytest.raises(InputError) as info:
        load_packs([fixture_path("typo", "unknown_field.yaml")])
    (typo,) = [p for p in info.value.problems if "mesage" in p.message]
    assert typo.line == 16  # the `mesage:` line, not the rule's first line (11)
    assert typo.path == "$.rules[1].mesage"
    assert "did you mean 'message'" in typo.message
    assert typo.file == fixture_path("typo", "unknown_field.yaml")


# --- pii ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("card", [CARD16, CARD16_SPACED, full_width(CARD16), full_width(CARD16_SPACED)],
                         ids=["plain", "spaced", "full-width", "full-width-spaced"])
def test_card_only_pii_rule_flags_a_valid_card(card):
    text = f"您的卡号{card}已逾期"
    (f,) = of_rule(checker_for("pii_card_only.yaml").check(text), "PC-CARD")
    assert f.matched == card


def test_card_only_pii_rule_ignores_an_invalid_card():
    bad = CARD16[:-1] + str((int(CARD16[-1]) + 1) % 10)
    assert of_rule(checker_for("pii_card_only.yaml").check(f"您的卡号{bad}已逾期"), "PC-CARD") == []


def test_card_only_pii_gate_does_no_work_on_a_phone_number():
    checker = checker_for("pii_card_only.yaml")
    text = "请致电13812345678联系我们"
    assert checker.check(text).findings == []
    # the gate stays shut: no group, no rule to evaluate
    assert checker.compiled.scan(normalise(text), None) == []
    (rule,) = checker.packs[0].rules
    assert pii.make_gate(rule.params)(normalise(text)) is False
    assert pii.make_gate(rule.params)(normalise(f"卡号{CARD16_SPACED}")) is True


@pytest.mark.parametrize("phone", ["+86 138 1234 5678", "(212) 555-0100"])
def test_phone_pii_rule_flags_phone_numbers(phone):
    (f,) = of_rule(checker_for("pii_contact.yaml").check(f"请致电 {phone} 联系我们"), "PX-PHONE")
    assert f.matched == phone


def test_email_pii_rule_flags_an_address():
    result = checker_for("pii_contact.yaml").check("Write to a.b@example.com today")
    (f,) = of_rule(result, "PX-EMAIL")
    assert f.matched == "a.b@example.com"
    assert of_rule(result, "PX-PHONE") == []


def test_word_forms_in_ascii_and_in_other_scripts_are_both_found(tmp_path):
    """A pack whose one-word variant forms include a non-ASCII one (Cyrillic) still finds
    its ASCII forms, one word or several, as whole words in ASCII and in mixed messages."""
    path = tmp_path / "forms.yaml"
    path.write_text(
        "id: forms\nversion: 1.0.0\ntitle: t\n"
        "variants:\n  傻逼: [sb, сб, sha bi]\n"
        "rules:\n  - id: F\n    kind: terms\n    category: insult_profanity\n    severity: error\n"
        "    message: m\n    terms: [傻逼]\n",
        encoding="utf-8",
    )
    checker = Checker(load_packs([str(path)]))
    found = {text: [f.matched for f in checker.check(text).findings]
             for text in ("you sb pay now", "你个sb", "你这个сб", "you сб", "asbestos", "不是sbx",
                          "you sha bi", "你个sha bi", "nasha bit", "你个asha bit", "{name}sb请还款", "你 sha bi 吧")}
    assert found == {"you sb pay now": ["sb"], "你个sb": ["sb"], "你这个сб": ["сб"], "you сб": ["сб"],
                     "asbestos": [], "不是sbx": [], "you sha bi": ["sha bi"], "你个sha bi": ["sha bi"],
                     "nasha bit": [], "你个asha bit": [], "{name}sb请还款": ["sb"], "你 sha bi 吧": ["sha bi"]}
