"""Find, read, validate and resolve rule packs.

A pack is read from YAML with positions, checked against
``schemas/rulepack.schema.json``, then checked for what a schema cannot say
(duplicate rule ids, regexes that do not compile, citations of undeclared sources,
``extends`` targets that do not exist or form a cycle). Every problem is reported
as ``FILE:LINE:COL: JSON.PATH: what is wrong``.
"""
from __future__ import annotations

import functools
import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import jsonschema
import jsonschema_rs

from ..contacts.ruleset import registry as contact_registry
from ..errors import InputError, Problem, json_path, unknown_fields
from ..kinds import kind_function, registry as kind_registry
from ..text.normalise import normalise_phrase
from .model import CUE_FIELDS, Example, Pack, Rule, Source
from .yamlpos import Positions, position_of, read_yaml_file

PACK_SUFFIXES = (".yaml", ".yml")


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(importlib.resources.files("compliance_check.schemas").joinpath("rulepack.schema.json").read_text("utf-8"))


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema())


@functools.cache
def _fast_validator() -> Any:
    """jsonschema-rs on the same schema: it tells a valid pack (the usual case) about
    forty times faster; ``jsonschema`` then describes the problems of an invalid one."""
    return jsonschema_rs.Draft202012Validator(_schema())


OPTIONAL_FOLDER = "optional"


def bundled_dir() -> Path:
    """Where the bundled packs are: ``compliance_check/rules/`` in an installed wheel
    (pyproject maps it there), ``rules/`` beside the package in a source tree."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


@dataclass
class PackFile:
    """A pack as written: validated on its own, not yet resolved against ``extends``."""

    data: dict[str, Any]
    positions: Positions
    file: str
    folder: Path  # where the file is: a rule's model file sits beside it

    @property
    def id(self) -> str:
        return self.data["id"]

    def problem(self, path: Iterable[str | int], message: str, at_key: bool = False) -> Problem:
        path = tuple(path)
        line, col = position_of(self.positions, path, key=at_key)
        return Problem(self.file, line, col, json_path(path), message)


def _schema_problems(pack: PackFile, error: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    if error.validator == "enum" and path and path[-1] == "kind":
        return [pack.problem(path, f"unknown rule kind {error.instance!r} (known: {', '.join(error.validator_value)})")]
    return unknown_fields(error, pack.problem) or [pack.problem(path, error.message)]


def read_pack_file(path: str | Path, display_name: str | None = None) -> PackFile:
    """Read and validate one pack file on its own; raise ``InputError`` listing every problem."""
    path = Path(path)
    name = display_name or str(path)
    data, positions = read_yaml_file(path, name, "pack")
    pack = PackFile(data if isinstance(data, dict) else {}, positions, name, path.resolve().parent)
    if not isinstance(data, dict):
        raise InputError([pack.problem((), "a rule pack must be a YAML mapping")])
    problems = [] if _fast_validator().is_valid(data) else [p for e in _validator().iter_errors(data) for p in _schema_problems(pack, e)]
    problems.sort(key=lambda p: (p.line, p.column))
    if problems:
        raise InputError(problems)
    problems.extend(_local_problems(pack))
    if problems:
        raise InputError(problems)
    return pack


def _local_problems(pack: PackFile) -> list[Problem]:
    problems = []
    kinds = kind_registry()
    seen: dict[str, int] = {}
    for i, rule in enumerate(pack.data.get("rules", [])):
        rid = rule["id"]
        if rid in seen:
            line, _ = position_of(pack.positions, ("rules", seen[rid], "id"))
            problems.append(pack.problem(("rules", i, "id"), f"duplicate rule id {rid!r} (first defined on line {line})"))
        else:
            seen[rid] = i
        kind = kinds.get(rule["kind"]) or contact_registry()[rule["kind"]]
        for sub, message in kind_function(kind, "check_params")(rule):
            problems.append(pack.problem(("rules", i, *sub), message))
        check_rule = getattr(kind, "check_rule", None)
        if check_rule is not None:
            for sub, message in check_rule(rule, pack.folder):
                problems.append(pack.problem(("rules", i, *sub), message))
        for field in CUE_FIELDS:
            if field in rule and rule["kind"] not in _CUED_KINDS:
                problems.append(pack.problem(("rules", i, field), f"{field} applies to {', '.join(sorted(_CUED_KINDS))} rules only, not to {rule['kind']}"))
        for field in ("terms", "except", *CUE_FIELDS):
            for where, phrase in _phrases(rule.get(field, [])):
                if not normalise_phrase(phrase):
                    problems.append(pack.problem(("rules", i, field, *where), f"{phrase!r} is only filler (spaces, punctuation, symbols) and can never match"))
    for canonical, forms in pack.data.get("variants", {}).items():
        if not normalise_phrase(canonical):
            problems.append(pack.problem(("variants", canonical), f"{canonical!r} is only filler and can never match"))
        for j, form in enumerate(forms):
            if not normalise_phrase(form):
                # emoji too: normalisation drops them so that 傻👍逼 still reads 傻逼
                problems.append(pack.problem(("variants", canonical, j), f"{form!r} is only filler (spaces, punctuation, symbols, emoji) and can never match"))
    return problems


class PackLibrary:
    """Packs by id: those given explicitly, then the bundled ones. Resolves ``extends``."""

    def __init__(self, files: Iterable[PackFile] = (), include_bundled: bool = True):
        self._files: dict[str, PackFile] = {}
        self._bundled_dir = bundled_dir() if include_bundled else None
        for f in files:
            self.add(f)
        self._resolved: dict[str, Pack] = {}

    def add(self, pack_file: PackFile) -> None:
        existing = self._files.get(pack_file.id)
        if existing is not None and existing.file != pack_file.file:
            raise InputError([pack_file.problem(("id",), f"pack id {pack_file.id!r} is also defined in {existing.file}")])
        self._files[pack_file.id] = pack_file

    def bundled_ids(self) -> list[str]:
        """The bundled packs loaded by default (``rules/``), not the optional ones."""
        if self._bundled_dir is None:
            return []
        return sorted(p.stem for p in self._bundled_dir.iterdir() if p.suffix in PACK_SUFFIXES)

    def optional_ids(self) -> list[str]:
        """Bundled packs used only when named (``rules/optional/``): they cost more or
        decide differently, so neither "every pack" nor a jurisdiction picks them."""
        folder = self._bundled_dir / OPTIONAL_FOLDER if self._bundled_dir is not None else None
        if folder is None or not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.iterdir() if p.suffix in PACK_SUFFIXES)

    def file_for(self, pack_id: str) -> PackFile | None:
        if pack_id in self._files:
            return self._files[pack_id]
        if self._bundled_dir is not None:
            for folder, shown in ((self._bundled_dir, "rules"), (self._bundled_dir / OPTIONAL_FOLDER, f"rules/{OPTIONAL_FOLDER}")):
                candidate = next((folder / f"{pack_id}{s}" for s in PACK_SUFFIXES if (folder / f"{pack_id}{s}").is_file()), None)
                if candidate is not None:
                    pack_file = read_pack_file(candidate, f"{shown}/{candidate.name}")
                    if pack_file.id != pack_id:
                        raise InputError([pack_file.problem(("id",), f"bundled pack file {candidate.name} declares id {pack_file.id!r}")])
                    self._files[pack_id] = pack_file
                    return pack_file
        return None

    def resolve(self, pack_id: str) -> Pack:
        """The pack with its inherited rules, sources and variants."""
        return self._resolve(pack_id, ())

    def _resolve(self, pack_id: str, chain: tuple[str, ...]) -> Pack:
        if pack_id in self._resolved:
            return self._resolved[pack_id]
        pack_file = self.file_for(pack_id)
        if pack_file is None:
            raise InputError([Problem("<command line>", 1, 1, "$", f"unknown pack {pack_id!r}: not a file, folder or bundled pack id")])
        data = pack_file.data
        problems: list[Problem] = []
        rules: dict[str, Rule] = {}
        sources: dict[str, Source] = {}
        variants: dict[str, list[str]] = {}
        ancestors: set[str] = set()
        for i, parent_id in enumerate(data.get("extends", [])):
            if parent_id == pack_id or parent_id in chain:
                cycle = " -> ".join((*chain, pack_id, parent_id))
                problems.append(pack_file.problem(("extends", i), f"extends cycle: {cycle}"))
                continue
            if self.file_for(parent_id) is None:
                problems.append(pack_file.problem(("extends", i), f"unknown pack {parent_id!r} in extends"))
                continue
            parent = self._resolve(parent_id, (*chain, pack_id))
            ancestors |= parent.ancestors | {parent_id}
            rules.update({r.id: r for r in parent.rules})
            sources.update(parent.sources)
            for canonical, forms in parent.variants.items():
                variants.setdefault(canonical, []).extend(f for f in forms if f not in variants.get(canonical, []))
        for i, rid in enumerate(data.get("disable", [])):
            if rid not in rules:
                problems.append(pack_file.problem(("disable", i), f"cannot disable {rid!r}: no inherited rule has that id"))
            rules.pop(rid, None)
        for sid, s in data.get("sources", {}).items():
            sources[sid] = Source(sid, s["title"], s.get("issuer"), s.get("year"))
        for canonical, forms in data.get("variants", {}).items():
            merged = variants.setdefault(canonical, [])
            merged.extend(f for f in forms if f not in merged)
        for i, raw in enumerate(data.get("rules", [])):
            citation = raw.get("citation")
            if citation and citation["source"] not in sources:
                problems.append(pack_file.problem(("rules", i, "citation", "source"), f"unknown source {citation['source']!r}: declare it under sources"))
            rules[raw["id"]] = _build_rule(raw, pack_file, i)
        if problems:
            raise InputError(problems)
        pack = Pack(
            id=pack_id,
            version=data["version"],
            title=data["title"],
            jurisdiction=data.get("jurisdiction"),
            language=data.get("language"),
            default_timezone=data.get("default_timezone"),
            description=data.get("description"),
            extends=tuple(data.get("extends", [])),
            sources=sources,
            variants=variants,
            rules=list(rules.values()),
            file=pack_file.file,
            ancestors=frozenset(ancestors),
        )
        self._resolved[pack_id] = pack
        return pack


# Kinds whose hits or matches sit in the text, where context cues can be read.
_CUED_KINDS = frozenset({"terms", "near", "pattern"})
_COMMON_FIELDS = {
    "id", "kind", "category", "severity", "message", "citation", "suggestion", "channels",
    "word_boundary", "except", *CUE_FIELDS, "examples", "description",
}


def _phrases(items: Any) -> Iterator[tuple[tuple[int, ...], str]]:
    """The phrases of a list field with their paths. A cue list may hold named lists
    (YAML aliases: ``[*us_core_negators, *us_reported_negators]``), so that rules can share
    part of a list without copying it; they are read as if written out in place."""
    for j, item in enumerate(items):
        if isinstance(item, list):
            yield from (((j, k), phrase) for k, phrase in enumerate(item))
        else:
            yield (j,), item


def _examples(raw: list[Any]) -> tuple[Example, ...]:
    return tuple(Example(e) if isinstance(e, str) else Example(e["text"], e.get("channel")) for e in raw)


def _build_rule(raw: dict[str, Any], pack_file: PackFile, index: int) -> Rule:
    citation = raw.get("citation")
    cited = None
    if citation:
        cited = citation["source"] + (f" {citation['article']}" if citation.get("article") else "")
    line, col = position_of(pack_file.positions, ("rules", index))
    examples = raw.get("examples", {})
    return Rule(
        id=raw["id"],
        kind=raw["kind"],
        category=raw.get("category"),
        severity=raw["severity"],
        message=raw["message"],
        citation=cited,
        suggestion=raw.get("suggestion"),
        channels=frozenset(raw["channels"]) if "channels" in raw else None,
        word_boundary=bool(raw.get("word_boundary", False)),
        exceptions=tuple(raw.get("except", ())),
        **{field: tuple(phrase for _, phrase in _phrases(raw.get(field, ()))) for field in CUE_FIELDS},
        violating=_examples(examples.get("violating", [])),
        compliant=_examples(examples.get("compliant", [])),
        description=raw.get("description"),
        params={k: v for k, v in raw.items() if k not in _COMMON_FIELDS},
        defined_in=pack_file.id,
        file=pack_file.file,
        folder=str(pack_file.folder),
        line=line,
        column=col,
    )


def load_packs(specs: Iterable[str], jurisdictions: Iterable[str] = (), keep_ancestors: bool = False) -> list[Pack]:
    """Resolve ``--pack`` values (bundled id, YAML file or folder) and ``--jurisdiction``
    values (every bundled pack of that jurisdiction) to packs. Unless ``keep_ancestors``,
    a pack that another selected pack extends is dropped: its rules already run
    through the child."""
    specs = list(specs)
    jurisdictions = [j.upper() for j in jurisdictions]
    files: list[PackFile] = []
    ids: list[str] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in PACK_SUFFIXES)
            if not found:
                raise InputError([Problem(spec, 1, 1, "$", "folder holds no .yaml or .yml pack files")])
            files.extend(read_pack_file(p) for p in found)
            ids.extend(f.id for f in files[-len(found):])
        elif path.suffix in PACK_SUFFIXES or path.exists():
            files.append(read_pack_file(path))
            ids.append(files[-1].id)
        else:
            ids.append(spec)
    library = PackLibrary(files)
    for pack_id in library.bundled_ids():
        if jurisdictions:
            pack = library.resolve(pack_id)
            if pack.jurisdiction in jurisdictions:
                ids.append(pack_id)
    if jurisdictions and not ids:
        raise InputError([Problem("<command line>", 1, 1, "$", f"no bundled pack for jurisdiction {', '.join(jurisdictions)}")])
    unique = list(dict.fromkeys(ids))
    packs = [library.resolve(i) for i in unique]
    if keep_ancestors:
        return packs
    inherited = set().union(*(p.ancestors for p in packs)) if packs else set()
    return [p for p in packs if p.id not in inherited]
