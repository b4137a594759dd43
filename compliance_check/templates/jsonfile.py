"""JSON templates: every string value is a template, located and named by its key path,
exactly as for YAML (sibling strings of one object form one group). JSON has no
comments, so a JSON file carries no inline suppressions: use the baseline or ``disable``."""
from __future__ import annotations

import json
import re
from json.decoder import scanstring

from ..errors import Problem, json_path
from .align import align
from .model import Extracted, Group, LineIndex, Piece

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def extract_json(text: str, filename: str) -> Extracted:
    """Every non-blank string value in ``text``; a syntax error is one problem with its position."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return Extracted(problems=[Problem(filename, exc.lineno, exc.colno, "$", f"JSON syntax error: {exc.msg}")])
    except RecursionError:
        return Extracted(problems=[Problem(filename, 1, 1, "$", "JSON nested too deeply")])
    out = Extracted()
    index = LineIndex(text)

    def skip(i: int) -> int:
        return _WS.match(text, i).end()

    def value(i: int, path: tuple, group: int | None, anchor: int | None) -> int:
        i = skip(i)
        c = text[i]
        if c == "{":
            gid = len(out.groups)
            out.groups[gid] = Group(json_path(path), anchor if anchor is not None else index.position(i)[0])
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key_line = index.position(i)[0]
                key, i = scanstring(text, i + 1)
                i = skip(i) + 1  # the colon
                i = skip(value(i, path + (key,), gid, key_line))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
                i = skip(i)
        if c == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                i = skip(value(i, path + (n,), None, index.position(skip(i))[0]))
                n += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if c == '"':
            s, end = scanstring(text, i + 1)
            if s.strip():
                offsets = align(s, text, i + 1, end - 1, quote='"', escapes=True, folds=False)
                out.pieces.append(Piece(s, offsets, json_path(path), anchor, group))
            return end
        return _DECODER.raw_decode(text, i)[1]

    value(0, (), None, None)
    return out
