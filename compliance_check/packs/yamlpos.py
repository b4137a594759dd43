"""YAML -> plain data, remembering the line and column of every node.

PyYAML's composer gives marked nodes; we build the data ourselves so that every
JSON path maps to where it was written, and so duplicate keys are errors rather
than silently overwritten.
"""
from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

import yaml

from ..errors import InputError, Problem, json_path

Path = tuple[str | int, ...]
Positions = dict[Path, tuple[int, int]]
# Positions of mapping keys are kept under this first element, so that a problem
# with a field itself (an unknown field) can point at its name.
KEY = ("<key>",)


# libyaml's composer, where PyYAML was built with it: the pure-Python one takes about
# two seconds over the bundled packs, the C one a tenth of that. Both give the same
# nodes and marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml_file(path: FilePath, name: str, what: str, encoding: str = "utf-8") -> tuple[Any, Positions]:
    """``load_yaml`` of the file at ``path`` (called ``name`` in problems); a missing or
    unreadable file is one problem naming it, ``what`` saying what it should have been."""
    try:
        text = path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "$", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, 1, 1, "$", f"cannot read {what}: {exc}")]) from None
    return load_yaml(text, name)


def load_yaml(text: str, filename: str) -> tuple[Any, Positions]:
    """Parse ``text``; return the data and a map from JSON path to (line, column)."""
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise InputError([Problem(filename, line, col, "$", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(filename, 1, 1, "$", f"YAML error: {exc}")]) from None
    positions: Positions = {}
    problems: list[Problem] = []
    if root is None:
        return None, {(): (1, 1)}
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, path: Path) -> Any:
        positions[path] = _position(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                if isinstance(key, (list, dict)):
                    line, col = _position(key_node)
                    problems.append(Problem(filename, line, col, json_path(path), "mapping keys must be scalars"))
                    continue
                key = key if isinstance(key, (str, int)) else str(key)
                if key in out:
                    line, col = _position(key_node)
                    problems.append(Problem(filename, line, col, json_path(path + (key,)), f"duplicate key {key!r}"))
                    continue
                positions[KEY + path + (key,)] = _position(key_node)
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    try:
        data = build(root, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError([Problem(filename, line, col, "$", f"YAML error: {exc.problem}")]) from None
    if problems:
        raise InputError(problems)
    return data, positions


def position_of(positions: Positions, path: Path, key: bool = False) -> tuple[int, int]:
    """The position of ``path`` (of its key, with ``key``), or of its nearest ancestor
    that was written down."""
    path = tuple(path)
    if key and KEY + path in positions:
        return positions[KEY + path]
    while path and path not in positions:
        path = path[:-1]
    return positions.get(path, (1, 1))
