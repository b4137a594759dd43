"""The decision log: every decision of the HTTP API, kept in an embedded SQLite database.

A decision is durable before its id is returned: ``record`` blocks until the row is
committed with ``synchronous=FULL`` in WAL mode. The commits happen in a writer process
(``decision_writer``), started on the first decision: it commits whatever decisions are
waiting as one transaction (group commit), so concurrent requests share an fsync, and
its SQLite work and checkpoints do not hold the server's interpreter lock. Each request
thread sends its row over a socket of its own and blocks on the writer's answer. If the
writer process dies, the requests waiting on it fail (``DecisionLogError``, a 500) and
the next decision starts a new one. Reads (``get``, ``since``) use connections of their
own in this process.

Message texts are personal data: the log keeps a SHA-256 of each text, and the text
itself only when the operator asks for it (``store_text``).
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import weakref
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from . import decision_writer
from .decision_writer import COMMITTED, connect as _connect, frame

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
_COLUMNS = "id, time, endpoint, verdict, packs, messages"
# Built once: ``json.dumps`` with an option builds an encoder on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_WRITER_STOP_S = 30.0
_PACKS_CACHE_SIZE = 256


class DecisionLogError(RuntimeError):
    """A decision could not be logged: its request must not be answered as decided."""


def text_digest(text: str) -> str:
    """SHA-256 of the UTF-8 text, hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def new_decision_id() -> str:
    """32 hex digits: the milliseconds since 1970 (12), then 80 random bits (20). Ids in
    time order add each decision at the end of the id index, so a commit writes the same
    few pages and never has to read the index of a large log from disk, as random ids
    in random places of the index did; 80 random bits stay unguessable."""
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def utc_stamp(moment: datetime) -> str:
    """Fixed-width UTC time, so that timestamps order as strings: ``2026-11-29T04:50:00.123456Z``."""
    # isoformat, not strftime: half the cost, on every decision
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_since(value: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is UTC. ``ValueError`` if it is neither."""
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _decision(row: tuple[str, ...]) -> dict[str, Any]:
    decision_id, time, endpoint, verdict, packs, messages = row
    return {"decision_id": decision_id, "time": time, "endpoint": endpoint, "verdict": verdict,
            "packs": json.loads(packs), "messages": json.loads(messages)}


class _Writer:
    """One writer process and the control socket that hands it request sockets."""

    def __init__(self, path: str):
        control, theirs = socket.socketpair()
        try:
            # -I: the writer imports only the standard library, whatever the server's path.
            self.process = subprocess.Popen(
                [sys.executable, "-I", decision_writer.__file__, str(theirs.fileno()), path],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        finally:
            theirs.close()
        self.control = control
        self._lock = threading.Lock()

    def channel(self) -> socket.socket:
        """A new request socket whose other end the writer reads."""
        mine, theirs = socket.socketpair()
        try:
            with self._lock:
                socket.send_fds(self.control, [b"s"], [theirs.fileno()])
        except OSError:
            mine.close()
            raise
        finally:
            theirs.close()
        return mine

    def stop(self) -> None:
        """Close the control socket; the writer commits what it has read and exits
        once the request sockets are closed too."""
        self.control.close()


class _Channels:
    """The writer process in use and its idle request sockets, shared by the request
    threads; closed by ``DecisionLog.close`` or when the log is garbage-collected."""

    def __init__(self, path: str):
        self.path = path
        self.writer: _Writer | None = None
        self.idle: list[tuple[_Writer, socket.socket]] = []
        self.lock = threading.Lock()
        self.closed = False

    def take(self) -> tuple[_Writer, socket.socket]:
        with self.lock:
            if self.closed:
                raise DecisionLogError("the decision log is closed")
            if self.writer is None:
                self.writer = _Writer(self.path)
            writer = self.writer
        while self.idle:
            try:
                used_by, sock = self.idle.pop()
            except IndexError:  # another thread took the last one
                break
            if used_by is writer:
                return writer, sock
            sock.close()
        try:
            return writer, writer.channel()
        except OSError:
            self.retire(writer)
            raise DecisionLogError("the decision log's writer process has stopped") from None

    def give_back(self, writer: _Writer, sock: socket.socket) -> None:
        self.idle.append((writer, sock))
        if self.closed:  # close() may have emptied the list just before: the writer waits for every socket
            self._close_idle()

    def _close_idle(self) -> None:
        while self.idle:
            try:
                self.idle.pop()[1].close()
            except IndexError:  # another thread emptied it
                break

    def retire(self, writer: _Writer) -> None:
        """``writer`` has stopped answering: the next decision starts another."""
        with self.lock:
            if self.writer is writer:
                self.writer = None
        writer.stop()
        if writer.process.poll() is None:
            writer.process.kill()  # a writer that cannot answer must not hold the database
        writer.process.wait()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            writer, self.writer = self.writer, None
        self._close_idle()
        if writer is not None:
            writer.stop()
            try:
                writer.process.wait(_WRITER_STOP_S)
            except subprocess.TimeoutExpired:
                writer.process.kill()
                writer.process.wait()


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
        self._channels = _Channels(self.path)
        self._packs_cache: dict[tuple[tuple[tuple[str, str], ...], ...], str] = {}
        # Apps that are dropped without close() (tests build many) must not leave writers behind.
        self._finalizer = weakref.finalize(self, self._channels.close)

    @property
    def writer_pid(self) -> int | None:
        """The writer process's id while one runs (none before the first decision)."""
        writer = self._channels.writer
        return writer.process.pid if writer is not None else None

    def record(self, endpoint: str, verdict: str, packs: list[dict[str, str]], messages: list[dict[str, Any]]) -> str:
        """Log one decision and return its id once it is committed. ``messages`` are
        ``{"text", "verdict", "rules", "id"?}``; the text is replaced by its digest
        unless the log stores texts. ``DecisionLogError`` if it could not be committed."""
        kept = []
        for m in messages:
            entry = {k: v for k, v in m.items() if k != "text"}
            if "text" in m:
                entry["sha256"] = text_digest(m["text"])
                if self.store_text:
                    entry["text"] = m["text"]
            kept.append(entry)
        decision_id = new_decision_id()
        try:
            data = frame((decision_id, utc_stamp(datetime.now(timezone.utc)), endpoint, verdict,
                          self._packs_json(packs), _JSON.encode(kept)))
        except UnicodeEncodeError:  # not Unicode text; the error would quote it
            raise DecisionLogError("the decision log could not store the decision: not Unicode text") from None
        writer, sock = self._channels.take()
        try:
            sock.sendall(data)
            answer = sock.recv(1)
        except OSError:
            answer = b""
        if answer == COMMITTED:
            self._channels.give_back(writer, sock)
            return decision_id
        sock.close()
        if answer:
            raise DecisionLogError("the decision log could not commit the decision")
        self._channels.retire(writer)
        raise DecisionLogError("the decision log's writer process has stopped")

    def _packs_json(self, packs: list[dict[str, str]]) -> str:
        """``packs`` as JSON, encoded once per selection: every decision of a server
        names one of a few."""
        key = tuple(tuple(p.items()) for p in packs)
        found = self._packs_cache.get(key)
        if found is None:
            if len(self._packs_cache) >= _PACKS_CACHE_SIZE:
                self._packs_cache.clear()
            found = self._packs_cache[key] = _JSON.encode(packs)
        return found

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
        """Stop the writer process once it has committed what it was sent."""
        self._finalizer()
