"""Extraction: every format yields the strings a reader sees, each character traced back
to its line and column in the file (code points)."""
from __future__ import annotations

import pytest

from compliance_check.templates.extract import extract, is_template
from compliance_check.templates.model import LineIndex


def located(text: str, name: str, needle: str) -> tuple[int, int]:
    """Line and column in the file of ``needle``, found in an extracted piece."""
    ex = extract(text, name)
    assert not ex.problems, ex.problems
    for piece in ex.pieces:
        at = piece.text.find(needle)
        if at >= 0:
            pos = LineIndex(text).position(piece.file_offset(at))
            # the traced position holds the same character in the file
            offset = piece.file_offset(at)
            assert text[offset] == needle[0] or needle[0] in " \n"
            return pos
    raise AssertionError(f"{needle!r} not extracted from {name}")


def test_yaml_plain_quoted_and_block_scalars_point_into_the_file():
    text = (
        "a: 再不还钱\n"
        "b: \"双引号 \\u4e2d 打断你的腿\"\n"
        "c: 'it''s 小心你的腿'\n"
        "d: |\n"
        "  第一行\n"
        "  第二行 打断\n"
        "e: >-\n"
        "  folded line\n"
        "  next 打断\n"
        "f:\n"
        "  plain line\n"
        "  continued 打断\n"
    )
    assert located(text, "t.yaml", "再不还钱") == (1, 4)
    assert located(text, "t.yaml", "打断你的腿") == (2, 16)  # after a six-character escape
    assert located(text, "t.yaml", "小心你的腿") == (3, 11)  # after a doubled quote
    assert located(text, "t.yaml", "第二行") == (6, 3)
    assert located(text, "t.yaml", "next 打断") == (9, 3)
    assert located(text, "t.yaml", "continued") == (12, 3)


def test_yaml_key_paths_groups_and_non_strings():
    text = "email:\n  subject: Hi\n  body: Text\n  retries: 3\nlist:\n  - one\n  - two\n"
    ex = extract(text, "t.yml")
    assert [(p.key, p.anchor_line) for p in ex.pieces] == [
        ("$.email.subject", 2), ("$.email.body", 3), ("$.list[0]", 6), ("$.list[1]", 7)]
    subject, body, one, two = ex.pieces
    assert subject.group == body.group is not None
    assert one.group is None and two.group is None  # list items are messages of their own
    assert ex.groups[subject.group].key == "$.email"


def test_yaml_alias_is_checked_once_and_syntax_error_has_a_position():
    ex = extract("a: &x 打断你的腿\nb: *x\n", "t.yaml")
    assert len(ex.pieces) == 1
    bad = extract("a: [1, 2\nb: c\n", "bad.yaml")
    assert bad.problems and bad.problems[0].file == "bad.yaml" and bad.problems[0].line == 2


def test_json_escapes_and_key_paths():
    text = '{\n  "sms": {"text": "\\u518d\\u4e0d\\u8fd8 小心你的腿", "n": 1},\n  "list": ["\\ud83d\\ude00 打断"]\n}\n'
    assert located(text, "t.json", "小心你的腿") == (2, 39)
    assert located(text, "t.json", "打断") == (3, 26)  # after a surrogate pair: one code point
    ex = extract(text, "t.json")
    assert [p.key for p in ex.pieces] == ["$.sms.text", "$.list[0]"]
    bad = extract('{"a": 1,,}', "bad.json")
    assert bad.problems[0].line == 1 and bad.problems[0].column == 9


def test_po_msgstr_over_continuation_lines_and_plural_forms():
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '# translator note\n'
        'msgctxt "overdue"\n'
        'msgid "Pay now"\n'
        'msgstr ""\n'
        '"第一行 \\"引号\\" "\n'
        '"你个老赖"\n\n'
        'msgid "one day"\nmsgid_plural "%d days"\nmsgstr[0] "逾期 打断你的腿"\n'
    )
    assert located(text, "t.po", "你个老赖") == (10, 2)
    assert located(text, "t.po", "打断你的腿") == (14, 15)
    ex = extract(text, "t.po")
    assert [p.key for p in ex.pieces] == ["overdue|Pay now", "one day[0]"]
    assert ex.pieces[0].anchor_line == 6  # the msgctxt line after the comments


def test_html_and_jinja_markup_is_blanked_with_offsets_kept():
    text = '{# note #}\n<p class="x">打<b>断</b>你的腿</p>\n{% if a %}&nbsp;ok{% endif %}\n<!-- c -->'
    ex = extract(text, "mail.html.j2")
    (piece,) = ex.pieces
    assert len(piece.text) == len(text)
    assert piece.text.splitlines() == [" " * 10, " " * 13 + "打   断    你的腿    ", " " * 16 + "ok" + " " * 11, " " * 10]
    # a .txt file keeps angle brackets (they are text there), but not template blocks
    txt = extract("Pay <5 days> {% raw %}now", "a.txt").pieces[0].text
    assert txt == "Pay <5 days>" + " " * 10 + "now"


def test_suppression_comments_are_found_only_in_comments():
    yaml_text = (
        "# compliance-check: ignore A-1 -- why\n"
        "a: 'compliance-check: ignore B-1 -- inside a string is text'\n"
        "b: x  # compliance-check: ignore C-1 -- trailing\n"
    )
    comments = extract(yaml_text, "t.yaml").comments
    assert [(c.line, c.standalone) for c in comments] == [(1, True), (3, False)]
    html = extract("<!-- compliance-check: ignore A-1 -- r -->\ntext compliance-check: ignore B-1 -- r", "a.md").comments
    assert [c.line for c in html] == [1]
    assert extract('{"a": "x"}', "a.json").comments == []


@pytest.mark.parametrize("name,known", [
    ("a.txt", True), ("a.TMPL", True), ("a.html.j2", True), ("a.jinja", True), ("a.md", True),
    ("a.yml", True), ("a.json", True), ("a.po", True), ("a.jsonl", False), ("a.csv", False), ("Makefile", False),
])
def test_known_formats(name, known):
    assert is_template(name) is known


def test_yaml_tags_and_anchors_before_a_value_and_application_tags():
    text = 'a: !custom 打断你的腿\nb: &x "打断你的腿"\nc: !!str &y |\n  打断你的腿\nd: !!binary aGVsbG8=\ne: 3\n'
    ex = extract(text, "t.yaml")
    assert [p.key for p in ex.pieces] == ["$.a", "$.b", "$.c"]  # an application's tag is text; binary and numbers are not
    index = LineIndex(text)
    assert [index.position(p.file_offset(0)) for p in ex.pieces] == [(1, 12), (2, 8), (4, 3)]
