"""Which files under the given paths are templates.

Globs (``include``, ``exclude``, ``paths[].glob``) match a file's path relative to the
repository root, with ``/`` separators: ``*`` stays within one folder, ``**`` crosses
folders, and a leading dot is matched like any other character. A file whose format is
not a template format is skipped and counted, never read as a template. Files and
folders whose name starts with a dot (``.compliance.yaml``, ``.github/``,
``.gitlab-ci.yml``) are configuration, not templates: they are left out.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from wcmatch import glob as wcglob

from ..errors import InputError, Problem
from .extract import is_template

GLOB_FLAGS = wcglob.GLOBSTAR | wcglob.DOTGLOB | wcglob.BRACE
_SKIP_DIRS = frozenset({"__pycache__", "node_modules"})


@functools.lru_cache(maxsize=256)
def _matcher(patterns: tuple[str, ...]) -> wcglob.WcMatcher:  # compiled once per pattern list
    return wcglob.compile(list(patterns), flags=GLOB_FLAGS)


def matches(relpath: str, patterns: Iterable[str]) -> bool:
    """Whether ``relpath`` (relative to the root, ``/``-separated) matches any pattern."""
    return _matcher(tuple(patterns)).match(relpath)


@dataclass
class Discovered:
    # (path on disk, path relative to the root for globs and fingerprints, path to show)
    files: list[tuple[Path, str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unknown extensions
    excluded: int = 0


def relative(path: Path, root: Path) -> str:
    """``path`` (absolute) relative to ``root`` with ``/``; absolute when outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _hidden(relpath: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in relpath.split("/"))


def display_path(path: Path, cwd: Path) -> str:
    """How a file is named in reports: relative to the current folder when inside it."""
    return relative(path, cwd)


def discover(paths: Iterable[str], root: Path, include: list[str], exclude: list[str], skip: Iterable[str] = ()) -> Discovered:
    """Template files under ``paths`` in a stable order (sorted by relative path).

    Files named explicitly are still subject to ``exclude`` (a pre-commit hook passes
    every changed file), and so are the files found under folders. ``skip`` names
    files that are never templates (the baseline)."""
    root = root.resolve()
    cwd = Path.cwd().resolve()
    never = {relative(Path(p).resolve(), root) for p in skip}
    found: dict[str, Path] = {}
    out = Discovered()
    for arg in paths:
        path = Path(arg).resolve()  # once per argument; walked files are then absolute already
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in names:
                    candidate = Path(folder, name)
                    found.setdefault(relative(candidate, root), candidate)
        elif path.is_file():
            found.setdefault(relative(path, root), path)
        else:
            raise InputError([Problem(str(arg), 1, 1, "$", "no such file or folder")])
    for rel in sorted(found):
        if rel in never or _hidden(rel) or (include and not matches(rel, include)) or (exclude and matches(rel, exclude)):
            out.excluded += 1
        elif not is_template(rel):
            out.skipped.append(rel)
        else:
            out.files.append((found[rel], rel, display_path(found[rel], cwd)))
    return out
