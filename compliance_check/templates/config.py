"""``.compliance.yaml``: the repository config of ``compliance-check templates``.

Found by walking up from the checked paths (or given with ``--config``), read with
positions, validated against ``schemas/compliance-config.schema.json``; every problem
is one ``FILE:LINE:COL: JSON.PATH: message`` line, like a rule pack's.
"""
from __future__ import annotations

import functools
import importlib.resources
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema

from ..errors import InputError, Problem, json_path, unknown_fields
from ..packs.yamlpos import Positions, position_of, read_yaml_file
from .discovery import matches

CONFIG_NAME = ".compliance.yaml"


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    text = importlib.resources.files("compliance_check.schemas").joinpath("compliance-config.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


@dataclass(frozen=True)
class Selection:
    """Which packs check a file: pack ids or files, and jurisdictions. ``where`` is the
    config field that chose them, for problems."""

    packs: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    where: tuple[str | int, ...] = ()

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.packs, self.jurisdictions


@dataclass(frozen=True)
class Settings:
    """What applies to one file."""

    selection: Selection
    channel: str | None = None
    disabled: frozenset[str] = frozenset()
    messages: str = "mapping"


@dataclass
class Config:
    file: str | None
    root: Path
    data: dict[str, Any] = field(default_factory=dict)
    positions: Positions = field(default_factory=dict)

    def problem(self, path: Iterable[str | int], message: str, at_key: bool = False) -> Problem:
        path = tuple(path)
        line, col = position_of(self.positions, path, key=at_key)
        return Problem(self.file or "<command line>", line, col, json_path(path), message)

    @property
    def fail_on(self) -> str | None:
        return self.data.get("fail_on")

    @property
    def include(self) -> list[str]:
        return list(self.data.get("include", []))

    @property
    def exclude(self) -> list[str]:
        return list(self.data.get("exclude", []))

    def _pack_specs(self, specs: Iterable[str]) -> tuple[str, ...]:
        # A pack file named in the config is relative to the config, not to where the command runs.
        return tuple(str(self.root / s) if (self.root / s).exists() else s for s in specs)

    def _selection(self, data: dict[str, Any], where: tuple[str | int, ...]) -> Selection | None:
        if "packs" not in data and "jurisdiction" not in data:
            return None
        jurisdiction = data.get("jurisdiction", ())
        jurisdictions = (jurisdiction,) if isinstance(jurisdiction, str) else tuple(jurisdiction)
        return Selection(self._pack_specs(data.get("packs", ())), jurisdictions, where + ("packs" if "packs" in data else "jurisdiction",))

    def default_selection(self) -> Selection | None:
        return self._selection(self.data, ())

    def selections(self) -> list[Selection]:
        """Every pack selection the config names (the default one first)."""
        found = [self.default_selection()]
        found += [self._selection(e, ("paths", i)) for i, e in enumerate(self.data.get("paths", []))]
        return [s for s in found if s is not None]

    def settings_for(self, relpath: str, default: Selection) -> Settings:
        """The settings of one file: the defaults, then each matching ``paths`` entry in order."""
        settings = Settings(default, self.data.get("channel"), frozenset(), self.data.get("messages", "mapping"))
        for i, entry in enumerate(self.data.get("paths", [])):
            if not matches(relpath, [entry["glob"]]):
                continue
            selection = self._selection(entry, ("paths", i))
            settings = Settings(
                selection or settings.selection,
                entry.get("channel", settings.channel),
                frozenset(entry["disable"]) if "disable" in entry else settings.disabled,
                entry.get("messages", settings.messages),
            )
        return settings


def _schema_problems(config: Config, error: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    problems = unknown_fields(error, config.problem)
    if problems:
        return problems
    if error.validator == "oneOf" and path and path[-1] == "jurisdiction":
        return [config.problem(path, "must be a jurisdiction (a string) or a list of them")]
    return [config.problem(path, error.message)]


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; ``InputError`` lists every problem."""
    path = Path(path)
    name = str(path)
    data, positions = read_yaml_file(path, name, "config", encoding="utf-8-sig")
    config = Config(name, path.resolve().parent, data if isinstance(data, dict) else {}, positions)
    if data is None:
        return config  # an empty config: every default
    if not isinstance(data, dict):
        raise InputError([config.problem((), "the config must be a YAML mapping")])
    problems = [p for e in _validator().iter_errors(data) for p in _schema_problems(config, e)]
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise InputError(problems)
    return config


def find_config(paths: Iterable[str]) -> Path | None:
    """The ``.compliance.yaml`` nearest above the paths; an error if they have different ones."""
    found: dict[Path | None, str] = {}
    for arg in paths:
        start = Path(arg).resolve()
        folder = start if start.is_dir() else start.parent
        hit = next((d / CONFIG_NAME for d in (folder, *folder.parents) if (d / CONFIG_NAME).is_file()), None)
        found.setdefault(hit, arg)
    configs = [c for c in found if c is not None]
    if len(configs) > 1:
        first, second = configs[:2]
        raise InputError([Problem(found[second], 1, 1, "$",
                                  f"paths belong to different configs ({first} and {second}): check each repository on its own, or pass --config")])
    return configs[0] if configs else None
