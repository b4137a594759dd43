"""The packs a server loads at start, their content hashes, and one compiled ``Checker``
(messages) and ``Auditor`` (contact logs) per pack selection: checkers are compiled at
start for the common selections, everything else once on first use."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import threading
import weakref
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..checker import Checker
from ..contacts.audit import Auditor
from ..kinds.classifier import load_model
from ..packs.loader import PackLibrary, load_packs
from ..packs.model import Pack

# Where a rule or pack was read from does not change what it decides.
_POSITION_FIELDS = {"file", "line", "column", "folder"}


class SelectionError(Exception):
    """A request named packs or a jurisdiction the server has not loaded."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def pack_digest(pack: Pack) -> str:
    """SHA-256 of the resolved pack's content (rules with inherited ones, sources, variants)
    and of the files beside it that its rules read (a classifier's model): a retrained
    model decides differently under the same rule text."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _POSITION_FIELDS}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        return value

    content = strip(dataclasses.asdict(pack))
    # the model as loaded (``load_model`` reads each file once per process), so the hash
    # describes what decides, not the file as it may be by now
    content["files_read"] = {rule.id: load_model(Path(rule.folder) / rule.params["model"]).sha256
                             for rule in pack.rules if rule.kind == "classifier"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()



class Catalog:
    """Loaded packs by id; ``checker(ids)`` is thread-safe."""

    def __init__(self, packs: Iterable[Pack]):
        self.packs: dict[str, Pack] = {p.id: p for p in packs}
        self.digests = {pack_id: pack_digest(p) for pack_id, p in self.packs.items()}
        self._checkers: dict[tuple[str, ...], Checker] = {}
        self._auditors: dict[tuple[str, ...], Auditor] = {}
        self._lock = threading.Lock()
        # The decision log's process is forked from a server with threads, one of which may hold it.
        os.register_at_fork(after_in_child=functools.partial(_renew_lock, weakref.ref(self)))
        for ids in {self.select(None, None), *(self.select(None, j) for j in self.jurisdictions()),
                    *(self.select([i], None) for i in self.packs)}:
            self.checker(ids)

    def jurisdictions(self) -> list[str]:
        return sorted({p.jurisdiction for p in self.packs.values() if p.jurisdiction})

    def select(self, pack_ids: Sequence[str] | None, jurisdiction: str | None, prefix: str = "$") -> tuple[str, ...]:
        """The pack ids a request selects: the named packs plus every pack of the
        jurisdiction; neither means every loaded pack. A pack another selected pack
        extends is dropped, as on the command line: its rules run through the child."""
        chosen: list[str] = []
        for i, pack_id in enumerate(pack_ids or ()):
            if pack_id not in self.packs:
                raise SelectionError(f"{prefix}.packs[{i}]", f"unknown pack; this server has {', '.join(self.packs)}")
            chosen.append(pack_id)
        if jurisdiction is not None:
            wanted = jurisdiction.upper()
            matching = [i for i, p in self.packs.items() if p.jurisdiction == wanted]
            if not matching:
                raise SelectionError(f"{prefix}.jurisdiction", f"no pack for this jurisdiction; this server has {', '.join(self.jurisdictions())}")
            chosen.extend(matching)
        if pack_ids is None and jurisdiction is None:
            chosen = list(self.packs)
        inherited = set().union(*(self.packs[i].ancestors for i in chosen))
        return tuple(sorted({i for i in chosen if i not in inherited}))

    def checker(self, ids: tuple[str, ...]) -> Checker:
        return self._built(self._checkers, ids, Checker)

    def auditor(self, ids: tuple[str, ...]) -> Auditor:
        """The contact rules of the packs ``ids`` (none, when they have none)."""
        return self._built(self._auditors, ids, Auditor)

    def _built(self, cache: dict, ids: tuple[str, ...], build: Callable[[Iterable[Pack]], Any]) -> Any:
        """``build`` over the packs ``ids``, made once per selection even when several
        request threads ask at the same time."""
        found = cache.get(ids)
        if found is None:
            with self._lock:
                found = cache.get(ids)
                if found is None:
                    found = cache[ids] = build(self.packs[i] for i in ids)
        return found

    def pack_records(self, ids: Iterable[str]) -> list[dict[str, str]]:
        """What the decision log keeps about the packs of a decision."""
        return [{"id": i, "version": self.packs[i].version, "sha256": self.digests[i]} for i in ids]


def _renew_lock(catalog: "weakref.ref[Catalog]") -> None:
    found = catalog()
    if found is not None:
        found._lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def load_catalog(specs: tuple[str, ...] = ()) -> Catalog:
    """The packs named by ``specs`` (bundled ids, files, folders), or every bundled pack.
    Cached: packs are immutable once loaded, and tests build many apps."""
    if specs:
        return Catalog(load_packs(specs, keep_ancestors=True))
    library = PackLibrary()
    return Catalog(library.resolve(i) for i in library.bundled_ids())
