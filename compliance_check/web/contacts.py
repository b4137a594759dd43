"""Contact logs over HTTP, for the API and the upload page: records in, the audit and
next-contact of ``compliance_check.contacts`` called, rejected records named by field."""
from __future__ import annotations

import json
from typing import Any, Iterable

from ..contacts.audit import AuditResult, Auditor
from ..contacts.records import Record, RecordBuilder, Rejected
from .catalog import Catalog, SelectionError


def auditor_for(catalog: Catalog, ids: tuple[str, ...], field: str) -> Auditor:
    auditor = catalog.auditor(ids)
    if not auditor.rules:
        raise SelectionError(field, "the selected packs have no contact rules (hours, frequency, cooldown, cease, opt_out)")
    return auditor


def records_from_request(records: list[Any]) -> list[Record | Rejected]:
    """Each record validated on its own; a record's ``line`` is its 1-based position."""
    builder = RecordBuilder()
    return [builder.from_mapping(i + 1, r) for i, r in enumerate(records)]


def audit(auditor: Auditor, items: list[Record | Rejected]) -> AuditResult:
    return auditor.audit(lambda: iter(items))  # read again only if the log is not in time order


def rejected_entries(problems: Iterable[tuple[int, str, str]], items: list[Record | Rejected],
                     prefix: str = "$.records") -> list[dict[str, Any]]:
    """One entry per ``(line, field, message)`` problem of a record that was not judged,
    with the record's index, id and account, and the field's JSON path in the request."""
    out = []
    for line, name, message in problems:
        item = items[line - 1]
        entry: dict[str, Any] = {"index": line - 1}
        if item.id is not None:
            entry["id"] = item.id
        if item.account is not None:
            entry["account"] = item.account
        entry["field"] = f"{prefix}[{line - 1}]" + ("" if name == "$" else f".{name}")
        entry["message"] = message
        out.append(entry)
    return out


def records_text(records: list[Any]) -> str:
    """The records as canonical JSON: what the decision log hashes (and keeps only if told to)."""
    return json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
