"""The decision log: every decision of the HTTP API, kept in an embedded SQLite database.

A decision is durable before its id is returned: ``record`` blocks until the row is
committed with ``synchronous=FULL`` in WAL mode. One writer thread commits whatever
decisions are waiting as one transaction (group commit), so concurrent requests share
an fsync instead of queueing for one each. Checkpoints (copying the WAL into the
database file, with fsyncs of their own) run in a thread of their own every second,
not inside a commit that requests are waiting for; only when the WAL has grown past
64 MiB does a checkpoint make the writer wait, so that the WAL can start over.

Message texts are personal data: the log keeps a SHA-256 of each text, and the text
itself only when the operator asks for it (``store_text``).
"""
from __future__ import annotations

import hashlib
import json
import queue
import sqlite3
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id TEXT PRIMARY KEY,
    time TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    verdict TEXT NOT NULL,
    packs TEXT NOT NULL,
    messages TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions (time);
"""
_INSERT = "INSERT INTO decisions (id, time, endpoint, verdict, packs, messages) VALUES (?, ?, ?, ?, ?, ?)"
_COLUMNS = "id, time, endpoint, verdict, packs, messages"
_BATCH = 512
_CHECKPOINT_EVERY_S = 1.0
_RESTART_WAL_FRAMES = 16_384  # 64 MiB of 4 KiB pages
_STOP = object()


def text_digest(text: str) -> str:
    """SHA-256 of the UTF-8 text, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def utc_stamp(moment: datetime) -> str:
    """Fixed-width UTC time, so that timestamps order as strings: ``2026-11-29T04:50:00.123456Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_since(value: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is UTC. ``ValueError`` if it is neither."""
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class _Pending:
    """A decision waiting for its commit. ``done`` is a lock held until the writer has
    committed (or failed): a bare lock wakes the waiting request with less work than an
    ``Event``, and there is one per request."""

    __slots__ = ("row", "done", "error")

    def __init__(self, row: tuple[str, ...]):
        self.row = row
        self.done = threading.Lock()
        self.done.acquire()
        self.error: BaseException | None = None


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _decision(row: tuple[str, ...]) -> dict[str, Any]:
    decision_id, time, endpoint, verdict, packs, messages = row
    return {"decision_id": decision_id, "time": time, "endpoint": endpoint, "verdict": verdict,
            "packs": json.loads(packs), "messages": json.loads(messages)}


class DecisionLog:
    """Append decisions, read one back, export a time range. Thread-safe."""

    def __init__(self, path: str | Path, store_text: bool = False):
        self.path = str(path)
        self.store_text = store_text
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with _connect(self.path) as conn:
            conn.executescript(_SCHEMA)
        conn.close()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="decision-log", daemon=True)
        self._writer.start()
        self._stop_checkpoints = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint_loop, name="decision-log-checkpoint", daemon=True)
        self._checkpointer.start()

    def record(self, endpoint: str, verdict: str, packs: list[dict[str, str]], messages: list[dict[str, Any]]) -> str:
        """Log one decision and return its id once it is committed. ``messages`` are
        ``{"text", "verdict", "rules", "id"?}``; the text is replaced by its digest
        unless the log stores texts."""
        if self._closed:
            raise RuntimeError("the decision log is closed")
        kept = []
        for m in messages:
            entry = {k: v for k, v in m.items() if k != "text"}
            if "text" in m:
                entry["sha256"] = text_digest(m["text"])
                if self.store_text:
                    entry["text"] = m["text"]
            kept.append(entry)
        decision_id = uuid.uuid4().hex
        pending = _Pending((decision_id, utc_stamp(datetime.now(timezone.utc)), endpoint, verdict,
                            json.dumps(packs, ensure_ascii=False), json.dumps(kept, ensure_ascii=False)))
        self._queue.put(pending)
        pending.done.acquire()
        if pending.error is not None:
            raise pending.error
        return decision_id

    def _checkpoint_loop(self) -> None:
        conn = _connect(self.path)
        while not self._stop_checkpoints.wait(_CHECKPOINT_EVERY_S):
            _, wal_frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if wal_frames > _RESTART_WAL_FRAMES:
                # Under constant load a passive checkpoint never catches up, and the WAL
                # would only grow: make the writer wait once so that it can start over.
                conn.execute("PRAGMA wal_checkpoint(RESTART)")
        conn.close()

    def _write_loop(self) -> None:
        conn = _connect(self.path)
        conn.execute("PRAGMA wal_autocheckpoint=0")
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                break
            batch = [item]
            while len(batch) < _BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            try:
                conn.execute("BEGIN")
                # One statement for the batch: each statement step hands the GIL over twice.
                conn.execute(_INSERT + ", (?, ?, ?, ?, ?, ?)" * (len(batch) - 1), [v for p in batch for v in p.row])
                conn.execute("COMMIT")
            except BaseException as exc:  # every waiting request must learn its decision was not logged
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                for p in batch:
                    p.error = exc
            for p in batch:
                p.done.release()
        conn.close()

    def get(self, decision_id: str) -> dict[str, Any] | None:
        conn = _connect(self.path)
        try:
            row = conn.execute(f"SELECT {_COLUMNS} FROM decisions WHERE id = ?", (decision_id,)).fetchone()
        finally:
            conn.close()
        return _decision(row) if row else None

    def since(self, moment: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Decisions at or after ``moment`` (every one without it), oldest first."""
        conn = _connect(self.path)
        try:
            if moment is None:
                rows = conn.execute(f"SELECT {_COLUMNS} FROM decisions ORDER BY time, id")
            else:
                rows = conn.execute(f"SELECT {_COLUMNS} FROM decisions WHERE time >= ? ORDER BY time, id", (utc_stamp(moment),))
            for row in rows:
                yield _decision(row)
        finally:
            conn.close()

    def close(self) -> None:
        """Commit what is waiting, then stop the writer."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._writer.join()
            self._stop_checkpoints.set()
            self._checkpointer.join()
