"""Text-like templates (``.txt``, ``.tmpl``, ``.md``, ``.html``, ``.j2``, ``.jinja``): one
message per file.

Template control blocks (``{% %}``) and comments (``{# #}``) are blanked out, and in
HTML and Markdown so are tags, ``<!-- -->`` comments, ``<script>``/``<style>`` bodies
and character references: they are not text a reader sees. Blanking replaces every
character except line breaks with a space, so offsets into the checked text are
offsets into the file. ``{{ expressions }}`` stay: the checker treats them as
placeholders.
"""
from __future__ import annotations

import re

from .model import Comment, Extracted, LineIndex, Piece
from .suppressions import MARKER

HTML_SUFFIXES = frozenset({".html", ".htm", ".md", ".markdown"})

_JINJA = r"(?P<comment>\{\#.*?\#\})|\{%.*?%\}"
_HTML = (
    r"|(?P<html_comment><!--.*?-->)"
    r"|<(?P<raw>script|style)\b.*?</(?P=raw)\s*>"
    r"|<[A-Za-z/!?][^<>]*>"
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6});"
)
_JINJA_RE = re.compile(_JINJA, re.DOTALL)
_HTML_RE = re.compile(_JINJA + _HTML, re.DOTALL | re.IGNORECASE)
_NOT_NEWLINE = re.compile(r"[^\r\n]")


def extract_text(text: str, suffixes: tuple[str, ...]) -> Extracted:
    """The file as one piece with markup blanked; comments that carry a suppression marker."""
    pattern = _HTML_RE if HTML_SUFFIXES.intersection(suffixes) else _JINJA_RE
    parts: list[str] = []
    comments: list[Comment] = []
    index: LineIndex | None = None
    last = 0
    for m in pattern.finditer(text):
        parts.append(text[last:m.start()])
        parts.append(_NOT_NEWLINE.sub(" ", m.group()))
        last = m.end()
        is_comment = m.group("comment") or (m.groupdict().get("html_comment"))
        if is_comment and MARKER in m.group():
            index = index or LineIndex(text)
            line, column = index.position(m.start())
            body = m.group()[2:-2] if m.group().startswith("{#") else m.group()[4:-3]
            before = index.line_text(line)[: column - 1]
            comments.append(Comment(line, column, body, standalone=not before.strip()))
    parts.append(text[last:])
    return Extracted(pieces=[Piece("".join(parts), None)], comments=comments)
