"""One template file -> the strings to check, by file format (the last suffix)."""
from __future__ import annotations

from pathlib import PurePath

from ..errors import Problem
from .jsonfile import extract_json
from .model import Extracted
from .pofile import extract_po
from .textfile import extract_text
from .yamlfile import extract_yaml

TEXT_SUFFIXES = frozenset({".txt", ".tmpl", ".md", ".markdown", ".html", ".htm", ".j2", ".jinja", ".jinja2"})
STRUCTURED_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".po"})
SUFFIXES = TEXT_SUFFIXES | STRUCTURED_SUFFIXES


def is_template(path: str | PurePath) -> bool:
    """Whether the file's format is one the templates command reads."""
    return PurePath(path).suffix.lower() in SUFFIXES


def decode(data: bytes, filename: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a byte-order mark dropped), or the problem naming where it is not."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(filename, line, column, "$", f"not valid UTF-8 at byte {exc.start + 1}")


def _suffixes(filename: str) -> tuple[str, ...]:
    """``PurePath(filename).suffixes``, lower-cased, without building a path per file."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    return tuple("." + part.lower() for part in name.split(".")[1:])


def extract(text: str, filename: str) -> Extracted:
    """The pieces, groups and suppression comments of one template file."""
    suffixes = _suffixes(filename)
    last = suffixes[-1] if suffixes else ""
    if last in (".yaml", ".yml"):
        return extract_yaml(text, filename)
    if last == ".json":
        return extract_json(text, filename)
    if last == ".po":
        return extract_po(text, filename)
    return extract_text(text, suffixes)
