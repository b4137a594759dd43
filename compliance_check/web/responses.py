"""JSON responses of the API: the bytes ``jsonify`` writes (compact, UTF-8 as is, a final
newline), from one encoder built once. ``jsonify`` builds a new encoder and resolves the
app's JSON settings on every call, which cost as much as encoding a check's answer."""
from __future__ import annotations

import json
from typing import Any

from flask import Response

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_bytes(document: Any) -> bytes:
    """``document`` (plain JSON types only) as the body of an API response."""
    return (_ENCODER.encode(document) + "\n").encode("utf-8")


def json_response(document: Any) -> Response:
    """``document`` (plain JSON types only) as an ``application/json`` 200 response."""
    return Response(json_bytes(document), mimetype="application/json")
