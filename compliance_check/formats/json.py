"""One JSON document: ``{"verdict", "findings", "packs"}`` for a message,
``{"results": [...], "packs": [...]}`` for many."""
from __future__ import annotations

import json
from typing import Any

from ..checker import MessageResult


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def format_result(result: MessageResult) -> str:
    return dumps(result.to_dict())
