"""YAML templates: every string value is a template, located at its line and column and
named by its key path. String values that are siblings in one mapping (an e-mail's
``subject`` and ``body``) form one group, one message for ``required`` rules."""
from __future__ import annotations

import bisect
import re
from typing import Sequence

import yaml

from ..errors import Problem, json_path
from .align import align
from .model import Comment, Extracted, Group, LineIndex, Piece
from .suppressions import MARKER

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml marks count code points too
_STR = "tag:yaml.org,2002:str"
_PROPERTY = re.compile(r"[!&][^ \t\r\n]*[ \t\r\n]*")


def extract_yaml(text: str, filename: str) -> Extracted:
    """Every non-blank string value of every document in ``text``."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return Extracted(problems=[Problem(filename, line, col, "$", f"YAML syntax error: {what}")])
    except yaml.YAMLError as exc:
        return Extracted(problems=[Problem(filename, 1, 1, "$", f"YAML error: {exc}")])
    out = Extracted()
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()

    def walk(node: yaml.Node, path: tuple, group: int | None, anchor: int | None) -> None:
        if id(node) in seen:  # an alias: already checked where it was defined
            return
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            start = node.start_mark.index
            if node.style in ("|", ">"):  # a comment may follow the block header on its line
                start = text.find("\n", start, node.end_mark.index) + 1 or node.end_mark.index
            spans.append((start, node.end_mark.index))
            if _is_text(node) and node.value.strip():
                out.pieces.append(Piece(node.value, _offsets(node, text), json_path(path), anchor, group))
        elif isinstance(node, yaml.MappingNode):
            gid = len(out.groups)
            out.groups[gid] = Group(json_path(path), anchor if anchor is not None else node.start_mark.line + 1)
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    spans.append((key_node.start_mark.index, key_node.end_mark.index))
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                walk(value_node, path + (key,), gid, key_node.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,), None, item.start_mark.line + 1)

    for n, document in enumerate(documents):
        if document is not None:
            walk(document, (n,) if len(documents) > 1 else (), None, None)
    spans.sort()
    out.comments = _comments(text, spans)
    return out


def _is_text(node: yaml.ScalarNode) -> bool:
    """Strings, and scalars under an application's own tag (``!include``, ``!jinja``): only
    YAML's own non-string types (numbers, booleans, null, dates, binary) are not text."""
    return node.tag == _STR or not node.tag.startswith("tag:yaml.org,2002:")


def _offsets(node: yaml.ScalarNode, text: str) -> Sequence[int]:
    start, end, style = node.start_mark.index, node.end_mark.index, node.style
    while start < end and text[start] in "!&":  # a tag or an anchor is written before the value
        start = _PROPERTY.match(text, start).end()
    if style in ("|", ">"):
        start = text.find("\n", start, end) + 1 or end  # the header line holds no content
        return align(node.value, text, start, end, quote=None, escapes=False, folds=style == ">")
    if style in ("'", '"'):
        return align(node.value, text, start + 1, end, quote=style, escapes=style == '"', folds=True)
    return align(node.value, text, start, end, quote=None, escapes=False, folds=True)


def _comments(text: str, spans: list[tuple[int, int]]) -> list[Comment]:
    """Comments holding a suppression marker: a ``#`` at a line start or after a blank,
    outside every scalar."""
    found: list[Comment] = []
    index: LineIndex | None = None
    at = text.find(MARKER)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        hash_at = -1
        for i in range(line_start, at):
            if text[i] == "#" and (i == line_start or text[i - 1] in " \t") and not _inside(spans, i):
                hash_at = i
                break
        if hash_at >= 0:
            index = index or LineIndex(text)
            line, column = index.position(hash_at)
            line_end = text.find("\n", at)
            body = text[hash_at + 1: len(text) if line_end < 0 else line_end]
            found.append(Comment(line, column, body, standalone=not text[line_start:hash_at].strip()))
        at = text.find(MARKER, at + len(MARKER))
    return found


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` lies in one of ``spans`` (sorted, never overlapping: scalars do not nest)."""
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and offset < spans[i][1]
