"""``except_before`` / ``except_after``: a hit right after a negating cue, or right before
a cue that disowns it, is not a finding; anywhere else it still is."""
from __future__ import annotations

import textwrap

import pytest

from compliance_check import Checker, load_packs
from compliance_check.errors import InputError
from compliance_check.kinds.cues import Cues
from compliance_check.text.normalise import normalise

PACK = """\
id: cues-test
version: 1.0.0
title: cues
rules:
  - id: VISIT
    kind: terms
    category: threat_violence
    severity: error
    message: m
    terms: [上门, 黑名单]
    except_before: [不会, 所谓的]
    except_after: [是谣言]
  - id: SUE
    kind: terms
    category: false_legal_threat
    severity: error
    message: m
    terms: [sue you]
    except_before: [will not, not]
  - id: TELL
    kind: near
    category: third_party_pressure
    severity: error
    message: m
    near: {a: [家人], b: [通知], within: 6}
    except_before: [不会]
  - id: ARREST
    kind: pattern
    category: false_legal_threat
    severity: error
    message: m
    pattern: 'arrest(?:ed)? you'
    except_before: [never]
"""


@pytest.fixture(scope="module")
def checker(tmp_path_factory) -> Checker:
    return checker_of(tmp_path_factory, PACK)


def checker_of(tmp_path_factory, pack_text: str) -> Checker:
    """A checker for one pack written as YAML text."""
    path = tmp_path_factory.mktemp("cues") / "pack.yaml"
    path.write_text(pack_text, encoding="utf-8")
    return Checker(load_packs([str(path)]))


def rules(checker: Checker, text: str) -> list[str]:
    return sorted(f.rule for f in checker.check(text).findings)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("明天我们上门找你", ["VISIT"]),
        ("我们不会上门，请放心", []),
        ("我们不 会 上门", []),  # filler between cue and hit is not in the way
        ("所谓的黑名单是假的", []),
        ("全国黑名单是谣言", []),  # after-cue
        ("不会上门，但会把你拉进黑名单", ["VISIT"]),  # only the negated occurrence is dropped
        ("我们会上门，不会手软", ["VISIT"]),  # a cue after the hit is not a before-cue
    ],
)
def test_chinese_terms(checker, text, expected):
    assert rules(checker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We will sue you on Monday.", ["SUE"]),
        ("We will not sue you.", []),
        ("We will NOT, sue you.", []),  # punctuation is filler
        ("We cannot wait, we will sue you", ["SUE"]),
        ("Cannot sue you? We can.", ["SUE"]),  # "not" inside "cannot" is no cue
    ],
)
def test_latin_cues_are_whole_words(checker, text, expected):
    assert rules(checker, text) == expected


def test_near_judges_each_side_on_its_own(checker):
    assert rules(checker, "你的家人不会被通知") == ["TELL"]  # cue "不会" is before 被, not 通知
    assert rules(checker, "我们不会通知你的家人") == []
    assert rules(checker, "我们不会通知单位，但会通知你的家人") == ["TELL"]


def test_pattern_matches(checker):
    assert rules(checker, "The police will arrest you") == ["ARREST"]
    assert rules(checker, "Nobody will ever arrest you; we never arrest you") == ["ARREST"]
    assert rules(checker, "We never arrested you") == []


def test_negates_word_edges():
    cues = Cues(before=("not",), after=("lol",))
    assert cues.negates(normalise("we will not sue"), 12, 15)
    assert not cues.negates(normalise("we cannot sue"), 10, 13)
    assert not cues.negates(normalise("notsue"), 3, 6)  # glued into one word
    assert cues.negates(normalise("sue lol"), 0, 3)
    assert not cues.negates(normalise("sue lolly"), 0, 3)


@pytest.mark.parametrize("kind, params, field", [
    ("pii", "detectors: [email]", "except_before"),
    ("required", "terms: [debt collector]", "except_in_clause"),
])
def test_cues_on_a_kind_without_text_hits_are_a_pack_error(tmp_path, kind, params, field):
    path = tmp_path / "bad-cues.yaml"
    path.write_text(textwrap.dedent(f"""\
        id: bad-cues
        version: 1.0.0
        title: t
        rules:
          - id: R
            kind: {kind}
            category: privacy_exposure
            severity: error
            message: m
            {params}
            {field}: [not]
        """), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_packs([str(path)])
    (problem,) = caught.value.problems
    assert problem.line == 11 and field in str(problem) and kind in str(problem)


LIST_PACK = """\
id: cues-lists
version: 1.0.0
title: cues over lists
rules:
  - id: TELL
    kind: near
    category: third_party_pressure
    severity: error
    message: m
    near: {a: [家人, 同事, 朋友, employer, family, friends], b: [打电话, 通知, call], within: 12}
    except_before: [不会给您的, 不会, will not]
    except_after: [都是谣言]
"""


@pytest.fixture(scope="module")
def list_checker(tmp_path_factory) -> Checker:
    return checker_of(tmp_path_factory, LIST_PACK)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们会给您的家人、同事或者朋友打电话", ["TELL"]),
        ("我们不会给您的家人、同事或者朋友打电话", []),  # the cue covers the whole list
        ("不会给您的家人打电话，但会给你同事打电话", ["TELL"]),  # not a list: 但 breaks it
        ("通知家人、同事都是谣言", []),  # an after-cue covers the list before it
        ("We will call your employer, family or friends.", ["TELL"]),
        ("We will not call your employer, family or friends.", []),
    ],
)
def test_a_cue_covers_a_list(list_checker, text, expected):
    assert rules(list_checker, text) == expected


def test_kept_propagates_only_through_list_joiners():
    cues = Cues(before=("不会",), after=())
    text = normalise("不会家人同事或者朋友但是领导")
    spans = [(2, 4), (4, 6), (8, 10), (12, 14)]
    assert cues.kept(text, spans) == [(12, 14)]


CLAUSE_PACK = """\
id: cues-clause
version: 1.0.0
title: clause cues
rules:
  - id: SHAME
    kind: terms
    category: public_shaming
    severity: error
    message: m
    terms: [公开您的欠款, 发布您的欠款, 欠款信息, post about your debt]
    except_in_clause: [不会, will never, 有人跟您说]
  - id: TELL
    kind: near
    category: third_party_pressure
    severity: error
    message: m
    near: {a: [单位, 家人, employer], b: [透露, 告诉, tell], within: 12}
    except_in_clause: [不会, 承诺不, will never, do not]
  - id: JAIL
    kind: pattern
    category: false_legal_threat
    severity: error
    message: m
    pattern: '\\bgoes to jail\\b|\\bwont stop calling\\b'
    except_in_clause: [nobody goes, we wont]
"""


@pytest.fixture(scope="module")
def clause_checker(tmp_path_factory) -> Checker:
    return checker_of(tmp_path_factory, CLAUSE_PACK)


@pytest.mark.parametrize(
    "text, expected",
    [
        # The negation stands several words before the hit, in the same clause.
        ("我司不会在任何公开场合或网络平台发布您的欠款信息。", []),
        ("我司承诺不会向您的工作单位、亲友或者邻居透露任何欠款信息。", []),
        # After an English negation, commas separate what is denied, until a new subject
        # or a turn follows one.
        ("We will never, under any circumstances, post about your debt.", []),
        ("We will never call you at night, visit your home, or post about your debt.", []),
        ("We will never call you at night, but we post about your debt on Friday.", ["SHAME"]),
        ("We do not care, pay today or we tell your employer.", ["TELL"]),
        ("We will never lie to you, so we tell your employer today.", ["TELL"]),
        # A negation inside a subordinate clause (although, because ...) ends at its comma.
        ("Although we do not enjoy it, a letter will tell your employer.", ["TELL"]),
        ("Since we do not hear back, a letter will tell your employer.", ["TELL"]),
        ("We do not call, write or tell your employer.", []),  # no subordinator: a list
        # Items that repeat the negation carry it on past the cue's reach.
        ("We will never call you before eight in the morning or after nine at night, never text "
         "you more than twice a week, and never tell your employer.", []),
        ("We will never call you before eight in the morning or after nine at night, text you "
         "twice a week, and a letter will tell your employer.", ["TELL"]),
        # A full stop inside an abbreviation or a number ends no clause; a sentence's does.
        ("We will never (not for $312.00 or any sum) post about your debt.", []),
        ("We will never, as the U.S. rules say, post about your debt.", []),
        ("We will never call. Friday we post about your debt.", ["SHAME"]),
        ("We will never tell your employer about this.", []),
        # Punctuation or a turning word ends the clause: the hit stands.
        ("我们不会再打电话了，下周在公司群里公开您的欠款。", ["SHAME"]),
        ("我们不会打电话但会在群里公开您的欠款", ["SHAME"]),
        # The cue goes on as a threat, or the clause asks a rhetorical question.
        ("不会放过你，也不会放过你单位的人", []),  # no 告诉/透露: not the rule's business
        ("我们不会放过你的，这就告诉你单位领导", ["TELL"]),
        ("你以为我们不会告诉你单位领导吗？", ["TELL"]),
        ("我们不会客气，马上告诉你家人", ["TELL"]),
        # A report of someone's question still negates; a negation in a question does not.
        ("有人跟您说我们会公开您的欠款？请放心，这是谣言。", []),
        ("你以为我们不会公开您的欠款吗？", ["SHAME"]),
        # A cue may run into the hit it negates, but a threat after it still wins.
        ("I want to be clear: nobody goes to jail over a card balance.", []),
        ("We won't stop calling until this is paid.", ["JAIL"]),
        # A negation that is a condition negates nothing.
        ("We do not tell your employer about your account.", []),
        ("If you do not pay we will tell your employer.", ["TELL"]),
        ("要是你不会主动还款我们就告诉你单位领导", ["TELL"]),
        ("If you and your wife do not pay, a letter will tell your employer.", ["TELL"]),  # English reaches further
        # A report in a condition still reports.
        ("如果有人跟您说我们会公开您的欠款，那是谣言。", []),
        # Too far on: the cue does not reach.
        ("我们不会在工作日晚上九点以后和节假日的早上八点以前给您打电话，会告诉您家人", ["TELL"]),
    ],
)
def test_a_clause_cue_reaches_on_within_its_clause(clause_checker, text, expected):
    assert rules(clause_checker, text) == expected


QUOTING = """\
id: quotes-test
version: 1.0.0
title: quotes
rules:
  - id: VISIT
    kind: terms
    category: threat_violence
    severity: error
    message: m
    terms: [上门, 曝光, pay you a visit, accidents happen]
    except_before: [您说的]
    except_after: [相威胁, was not from]
    except_in_clause: [有人跟您讲, whoever told you]
  - id: RUNON
    kind: pattern
    category: harassment_language
    severity: error
    message: m
    pattern: '\\buntil you pay(?: \\S+){0,6} call\\b'
    except_after: [was not from]
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("您说的“上门”我们不会做", []),  # the before-cue stands before the opening mark
        ("您说的要上门我们不会做", ["VISIT"]),  # no quotation: the cue is not right before the hit
        ("有人以「找人上门」「发朋友圈曝光」相威胁，请报警", []),  # the after-cue follows the closing mark
        ("有人以找人上门为由，相威胁", ["VISIT"]),
        ('有人跟您讲"明天上门，再不还就曝光"，那不是我们', []),  # a comma inside the quotation ends no clause
        ('有人跟您讲明天上门，再不还就曝光', ["VISIT"]),
        ("明天“上门”拜访", ["VISIT"]),  # quoted with nothing that reports or disowns it
        ("Whoever told you that someone would 'pay you a visit' or that 'accidents happen' was not from our office.", []),
        ("We don't send people, but we'll pay you a visit if you won't call.", ["VISIT"]),  # apostrophes are no marks
        ("Your kids' school is near. We'll pay you a visit.", ["VISIT"]),
        # a colon that opens a quotation does not end the cue's clause
        ('Whoever told you: "accidents happen" was lying.', []),
        ('Whoever told you that, listen: accidents happen.', ["VISIT"]),
        # a hit that runs on past the closing mark is judged as the quotation it starts in
        ('A caller said "we ring until you pay" was not from us, so call us.', []),
        ("We ring until you pay. Then call us.", ["RUNON"]),
        # a list of quotations is judged from its first one: the cue before it covers every item
        ('Whoever told you "we know people", "we\'ll pay you a visit" or "accidents happen" lied.', []),
        ("您说的“爆通讯录”、“上门”", []),
        ('Whoever told you "we know people" was wrong. Accidents happen, and "we\'ll pay you a visit".', ["VISIT", "VISIT"]),
    ],
)
def test_a_quoted_hit_is_judged_at_its_quotation_marks(tmp_path_factory, text, expected):
    assert rules(checker_of(tmp_path_factory, QUOTING), text) == expected


DISOWNING = """\
id: disowning-test
version: 1.0.0
title: disowning
rules:
  - id: ARREST
    kind: terms
    category: false_legal_threat
    severity: error
    message: m
    terms: [be arrested, 拘留]
    except_next_sentence: [did not come from us, 不是我们]
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # The sentence after the report disowns it.
        ("Someone called saying you would be arrested. That call did not come from us.", []),
        ("Someone called saying you would be arrested.\n\nThat call did not come from us!", []),
        ("有人打电话说要拘留您。这不是我们公司的人。", []),
        # Only the very next sentence counts, and it must disown: a threat stays a threat.
        ("Pay today or you will be arrested. We mean it. That call did not come from us.", ["ARREST"]),
        ("Pay today or you will be arrested.", ["ARREST"]),
        ("That call did not come from us. You will be arrested.", ["ARREST"]),
        # A full stop inside an abbreviation or a number ends no sentence.
        ("Pay $312.00 or you will be arrested by 5 p.m. tomorrow. That call did not come from us.", []),
        ("Pay or you will be arrested. It did not come from usual channels.", ["ARREST"]),  # whole words only
    ],
)
def test_a_hit_is_judged_by_the_sentence_after_it(tmp_path_factory, text, expected):
    assert rules(checker_of(tmp_path_factory, DISOWNING), text) == expected


def test_except_next_sentence_is_for_cued_kinds_only(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent("""\
        id: bad
        version: 1.0.0
        title: bad
        rules:
          - id: PII
            kind: pii
            category: privacy_exposure
            severity: error
            message: m
            detectors: [cn_id]
            except_next_sentence: [not ours]
        """), encoding="utf-8")
    with pytest.raises(InputError, match=r"except_next_sentence applies to"):
        load_packs([str(path)])
