"""Input problems: one line each, naming the file, line, column and the path of the field."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


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
