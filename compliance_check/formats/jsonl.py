"""JSON Lines: one compact object per message, in input order."""
from __future__ import annotations

import json
from typing import Any

from ..checker import MessageResult


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def message_record(message_id: Any, result: MessageResult) -> dict[str, Any]:
    return {"id": message_id, "verdict": result.verdict, "findings": [f.to_dict() for f in result.findings]}


def format_record(message_id: Any, result: MessageResult) -> str:
    return dumps(message_record(message_id, result))


def format_error(line: int, error: str) -> str:
    return dumps({"line": line, "error": error})
