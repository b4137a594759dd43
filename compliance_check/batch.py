"""Batches of messages as JSON Lines: ``{"id", "text", "channel"?}`` per line.

Every line is either a message to check or a rejected line with its number and
what is wrong with it; nothing is dropped silently. Blank lines are skipped and
not counted as messages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

CHANNELS = ("sms", "email", "chat", "call_script", "letter", "call", "visit")


@dataclass(frozen=True)
class MessageIn:
    line: int
    id: Any
    text: str
    channel: str | None


@dataclass(frozen=True)
class RejectedLine:
    line: int
    error: str


def json_lines(lines: Iterable[str | bytes]) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, parsed value, error) for each non-blank line. Bytes lines are decoded
    here, so that one line that is not UTF-8 is rejected on its own instead of stopping
    the whole file; the error is ``None`` when the line parsed."""
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"not valid UTF-8 at byte {exc.start + 1}"
                continue
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw), None
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON at column {exc.colno}: {exc.msg}"


def read_messages(lines: Iterable[str | bytes], default_channel: str | None = None) -> Iterator[MessageIn | RejectedLine]:
    """Messages from JSON Lines, each bad line rejected with its number."""
    for number, record, error in json_lines(lines):
        if error:
            yield RejectedLine(number, error)
            continue
        if not isinstance(record, dict):
            yield RejectedLine(number, "$: expected a JSON object")
            continue
        if "id" not in record or not isinstance(record["id"], (str, int)) or isinstance(record["id"], bool):
            yield RejectedLine(number, "$.id: required, a string or an integer")
            continue
        if not isinstance(record.get("text"), str):
            yield RejectedLine(number, "$.text: required, a string")
            continue
        channel = record.get("channel", default_channel)
        if channel is not None and channel not in CHANNELS:
            yield RejectedLine(number, f"$.channel: {channel!r} is not one of {', '.join(CHANNELS)}")
            continue
        yield MessageIn(number, record["id"], record["text"], channel)
