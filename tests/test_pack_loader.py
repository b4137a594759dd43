"""Loading packs as a library: validation problems with positions, and extends."""
from __future__ import annotations

import pytest

from compliance_check import Checker, InputError, load_packs
from compliance_check.packs.loader import read_pack_file

from conftest import fixture_path


def problems_of(*specs):
    with pytest.raises(InputError) as info:
        load_packs([fixture_path(*s.split("/")) for s in specs])
    return info.value.problems


@pytest.mark.parametrize(
    "name, line, path, words",
    [
        ("yaml_syntax.yaml", 6, "$", "YAML"),
        ("bad_severity.yaml", 8, "$.rules[0].severity", "fatal"),
        ("duplicate_id.yaml", 11, "$.rules[1].id", "duplicate"),
        ("bad_regex.yaml", 10, "$.rules[0].pattern", "regular expression"),
        ("unknown_kind.yaml", 6, "$.rules[0].kind", "telepathy"),
        ("duplicate_key.yaml", 9, "$.rules[0].severity", "duplicate"),
        ("disable_unknown.yaml", 6, "$.disable[0]", "NO-SUCH-RULE"),
        ("emoji_variant.yaml", 6, "$.variants.救护车[0]", "can never match"),
    ],
)
def test_problem_position_and_path(name, line, path, words):
    problems = problems_of(f"bad/{name}")
    assert len(problems) == 1, [str(p) for p in problems]
    (p,) = problems
    assert p.file == fixture_path("bad", name)
    assert (p.line, p.path) == (line, path)
    assert words in p.message
    assert str(p).startswith(f"{p.file}:{line}:{p.column}: {path}: ")


def test_unknown_extends_reports_each_target_on_its_line():
    problems = problems_of("bad/unknown_extends.yaml")
    assert [(p.line, p.path) for p in problems] == [(5, "$.extends[0]"), (6, "$.extends[1]")]
    assert "fx-no-such-pack" in problems[1].message


def test_extends_cycle_across_two_files():
    problems = problems_of("bad/cycle")
    extends_line = {fixture_path("bad", "cycle", "cycle_a.yaml"): 4, fixture_path("bad", "cycle", "cycle_b.yaml"): 5}
    assert problems
    for p in problems:
        assert "cycle" in p.message
        assert p.path == "$.extends[0]"
        assert p.line == extends_line[p.file]


def test_every_schema_problem_is_reported():
    problems = problems_of("bad/many_problems.yaml")
    paths = {p.path for p in problems}
    assert "$.rules[0].severity" in paths
    assert any(p.path.startswith("$.rules[1]") for p in problems)
    assert any(p.line == 8 for p in problems)


def test_unknown_field_is_reported_on_its_own_line():
    # `mesage:` (a typo) is on line 15; pointing at the rule's first line (11) leaves
    # the author hunting for it in a long rule.
    problems = problems_of("bad/many_problems.yaml")
    (unknown,) = [p for p in problems if "mesage" in p.message]
    assert unknown.line == 15


def test_valid_fixture_pack_reads_cleanly():
    pack_file = read_pack_file(fixture_path("basic.yaml"))
    assert pack_file.id == "fx-basic"
    (pack,) = load_packs([fixture_path("basic.yaml")])
    assert pack.version == "1.2.3"
    assert [r.id for r in pack.rules][:2] == ["FX-INSULT", "FX-CONTACTS"]


# --- extends ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def child():
    packs = load_packs([fixture_path("extends")])
    assert [p.id for p in packs] == ["fx-child"], "the parent is dropped: its rules run through the child"
    return packs[0]


def test_child_inherits_overrides_and_disables(child):
    rules = {r.id: r for r in child.rules}
    assert set(rules) == {"P-KEEP", "P-OVERRIDE", "P-VARIANT", "C-NEW"}
    assert rules["P-KEEP"].defined_in == "fx-parent"
    assert rules["P-OVERRIDE"].defined_in == "fx-child"
    assert rules["P-OVERRIDE"].severity == "warning"
    assert rules["P-OVERRIDE"].params["terms"] == ["联系人"]


def test_child_checks_with_inherited_rules(child):
    checker = Checker([child])
    hits = lambda text: [(f.rule, f.severity, f.matched) for f in checker.check(text).findings]  # noqa: E731
    assert hits("你这个老赖") == [("P-KEEP", "error", "老赖")]
    assert hits("联系你的联系人") == [("P-OVERRIDE", "warning", "联系人")]
    assert hits("打给你通讯录") == []  # the parent's version of P-OVERRIDE is gone
    assert hits("我们要曝光你") == []  # disabled
    assert hits("你要坐牢") == [("C-NEW", "error", "坐牢")]
    assert hits("你个煞笔") == [("P-VARIANT", "error", "煞笔")]  # variants are inherited too


def test_findings_of_inherited_rules_name_the_child_pack(child):
    (f,) = Checker([child]).check("老赖").findings
    assert (f.pack, f.pack_version) == ("fx-child", "2.0.0")


def test_child_alone_cannot_find_its_parent():
    problems = problems_of("extends/child.yaml")
    assert any(p.path == "$.extends[0]" and p.line == 4 and "fx-parent" in p.message for p in problems)


SHARED_CUES = """\
id: fx-shared-cues
version: 0.1.0
title: rules that share named parts of one clause-cue list
rules:
  - id: FX-ALL-CUES
    kind: terms
    category: third_party_pressure
    severity: error
    message: m
    terms: [call your boss]
    except_in_clause: &all [&reported [you told us], &own [we will never]]
  - id: FX-OWN-CUES
    kind: terms
    category: third_party_pressure
    severity: error
    message: m
    terms: [call your boss]
    except_in_clause: [*own]
  - id: FX-FILLER
    kind: terms
    category: third_party_pressure
    severity: error
    message: m
    terms: [boss]
    except_in_clause: [*own, [fine, "!!"]]
"""


def test_cue_lists_may_hold_named_lists_shared_between_rules(tmp_path):
    """A cue list may hold other lists (YAML aliases), read as if written out in place,
    so that a rule can take part of the pack's negators without copying them."""
    pack = tmp_path / "shared.yaml"
    pack.write_text(SHARED_CUES.replace("    except_in_clause: [*own, [fine, \"!!\"]]\n", ""), encoding="utf-8")
    checker = Checker(load_packs([str(pack)]))
    rules = lambda text: {f.rule for f in checker.check(text).findings}  # noqa: E731
    assert rules("You told us we would call your boss.") == {"FX-OWN-CUES", "FX-FILLER"}
    assert rules("We will never call your boss.") == {"FX-FILLER"}


def test_a_filler_cue_inside_a_named_list_is_reported_with_its_path(tmp_path):
    pack = tmp_path / "shared.yaml"
    pack.write_text(SHARED_CUES, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_packs([str(pack)])
    (p,) = info.value.problems
    assert p.path == "$.rules[2].except_in_clause[1][1]" and "can never match" in p.message
