"""gettext ``.po`` catalogues: every translation (``msgstr``, each plural form) is a
template named by its ``msgctxt``/``msgid``. Parsing is polib's; this module finds
where each translation was written, for line and column, and the ``#`` comments that
carry suppressions. The plural forms of one entry form one group."""
from __future__ import annotations

import re

import polib

from ..errors import Problem
from .align import align
from .model import Comment, Extracted, Group, LineIndex, Piece
from .suppressions import MARKER

_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")
_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?"(?:[^"\\]|\\.)*"[ \t]*\r?')
_MSGSTR = re.compile(r"^msgstr(?:\[(\d+)\])?[ \t]*\"", re.MULTILINE)


def extract_po(text: str, filename: str) -> Extracted:
    """Every non-blank ``msgstr`` of every entry that is not obsolete."""
    try:
        catalogue = polib.pofile(text, encoding="utf-8", wrapwidth=0)
    except (OSError, ValueError, UnicodeError) as exc:
        m = _SYNTAX_LINE.search(str(exc))
        return Extracted(problems=[Problem(filename, int(m.group(1)) if m else 1, 1, "$", f"gettext syntax error: {exc}")])
    index = LineIndex(text)
    bad = _malformed_line(index)
    if bad:  # polib reads an unterminated or unquoted string as empty; never drop text silently
        return Extracted(problems=[Problem(filename, bad, 1, "$", "gettext syntax error: expected a keyword and a quoted string, or a quoted continuation")])
    out = Extracted()
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:  # the header entry is metadata, not a template
            continue
        key = (f"{entry.msgctxt}|" if entry.msgctxt else "") + entry.msgid  # gettext joins them with \x04
        block_start = index.starts[entry.linenum - 1] if entry.linenum - 1 < len(index.starts) else 0
        anchor = _first_code_line(index, entry.linenum)
        gid = len(out.groups)
        out.groups[gid] = Group(key, anchor)
        forms = sorted(entry.msgstr_plural.items()) if entry.msgstr_plural else [(None, entry.msgstr)]
        for form, value in forms:
            if not value.strip():
                continue
            start, end = _literal(text, block_start, form)
            offsets = align(value, text, start, end, quote='"', escapes=True, folds=False)
            name = key if form is None else f"{key}[{form}]"
            out.pieces.append(Piece(value, offsets, name, anchor, gid))
    out.comments = _comments(text, index)
    return out


def _malformed_line(index: LineIndex) -> int | None:
    """The first line that is neither blank, a comment, nor a keyword or continuation with a quoted string."""
    for number in range(1, len(index.starts) + 1):
        line = index.line_text(number).strip()
        if line and not line.startswith("#") and not _LINE.fullmatch(line):
            return number
    return None


def _first_code_line(index: LineIndex, line: int) -> int:
    """The first line of an entry that is not a comment (``msgctxt`` or ``msgid``)."""
    last = len(index.starts)
    while line < last and index.line_text(line).startswith("#"):
        line += 1
    return line


def _literal(text: str, block_start: int, form: int | None) -> tuple[int, int]:
    """Where the quoted lines of one ``msgstr`` (or ``msgstr[form]``) are written."""
    for m in _MSGSTR.finditer(text, block_start):
        if form is None or (m.group(1) is not None and int(m.group(1)) == form):
            start = m.end()
            end = _line_end(text, start)
            while end < len(text) and text[end + 1:_line_end(text, end + 1)].lstrip().startswith('"'):
                end = _line_end(text, end + 1)  # a continuation line
            return start, end
    return block_start, block_start


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _comments(text: str, index: LineIndex) -> list[Comment]:
    found: list[Comment] = []
    if MARKER not in text:
        return found
    for line_no in range(1, len(index.starts) + 1):
        line = index.line_text(line_no)
        if line.startswith("#") and MARKER in line:
            found.append(Comment(line_no, 1, line.lstrip("#.:,| "), standalone=True))
    return found
