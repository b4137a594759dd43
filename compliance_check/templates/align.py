"""Where each code point of a decoded string literal was written in its file.

YAML, JSON and gettext parsers give a string's value and where its literal starts and
ends, not where each character came from: escapes (``\\u4e2d``), doubled quotes, line
folding and indentation make the value differ from the source. ``align`` walks the
value and the source side by side so that a finding in the value points at the right
line and column of the file.
"""
from __future__ import annotations

from typing import Sequence

_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}
_BLANK = " \t\r\n"


def align(value: str, source: str, start: int, end: int, *, quote: str | None, escapes: bool, folds: bool) -> Sequence[int]:
    """The offset in ``source`` of each code point of ``value``, the decoded form of
    ``source[start:end]``.

    ``quote`` is the quote character that delimits the literal (skipped wherever it is
    not content), ``escapes`` whether backslash escapes are decoded (double-quoted YAML,
    JSON, gettext), ``folds`` whether a line break may have become a space (YAML).
    """
    if source.startswith(value, start) and start + len(value) <= end:
        return range(start, start + len(value))  # written as it reads: no escape, fold or indent
    out: list[int] = []
    j = start
    last = max(start, end - 1)
    single = quote == "'"
    for c in value:
        while True:
            if j >= end:
                out.append(last)
                break
            s = source[j]
            if escapes and s == "\\":
                nxt = source[j + 1] if j + 1 < end else ""
                if nxt in ("\n", "\r"):  # an escaped line break produces nothing
                    j += 2
                    while j < end and source[j] in _BLANK:
                        j += 1
                    continue
                out.append(j)
                length = _ESCAPE_LENGTH.get(nxt, 2)
                if nxt == "u" and source[j + length:j + length + 2] == "\\u" and 0xD800 <= _hex(source[j + 2:j + 6]) < 0xDC00:
                    length += 6  # a UTF-16 surrogate pair decodes to one code point
                j += length
                break
            if single and s == "'" and c == "'" and source[j + 1:j + 2] == "'":
                out.append(j)
                j += 2
                break
            if s == c and s != quote:
                out.append(j)
                j += 1
                break
            if s == quote or s in _BLANK:
                if folds and c in " \n" and s in "\r\n":  # a folded line break
                    out.append(j)
                    j += 1
                    break
                j += 1  # a delimiter, indentation or the end of a continued line
                continue
            out.append(j)  # a character the literal's style changed: keep step
            j += 1
            break
    return tuple(out)


def _hex(digits: str) -> int:
    try:
        return int(digits, 16)
    except ValueError:
        return -1
