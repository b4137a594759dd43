"""Input problems: one line each, naming the file, line, column and the path of the field."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Callable, Iterable


def json_path(path: Iterable[str | int]) -> str:
    """``("rules", 3, "severity")`` -> ``$.rules[3].severity``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


class InputError(Exception):
    """Bad input (a pack, a record, a request): carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def unknown_fields(error: Any, problem: Callable[..., Problem]) -> list[Problem]:
    """For a JSON Schema ``additionalProperties`` error: one problem per unknown key,
    pointing at the key itself, with the closest known field as a hint. ``problem`` is
    the file's ``problem(path, message, at_key=...)``. Empty for any other error."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    path = tuple(error.absolute_path)
    known = list(error.schema.get("properties", {}))
    problems = []
    for key in error.instance:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(problem((*path, key), f"unknown field {key!r}{hint}", at_key=True))
    return problems
