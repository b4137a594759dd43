"""The decision log: every decision of the HTTP API, kept in an embedded SQLite database.

A decision is durable before its id is returned: ``record`` and ``check_message`` block
until the decision is committed with ``synchronous=FULL`` in WAL mode. The commits
happen in the log's process (``decision_writer``), forked from the server on the first
decision: it commits whatever decisions are waiting as one transaction (group commit),
so concurrent requests share an fsync, and neither its SQLite work nor, for
``check_message``, the check itself runs in the server's loop. Requests send their
frames over one socket and wait on a lock of their own; one reader thread (a greenlet
under gevent) reads the process's answers and wakes them in order. If the process dies,
the requests waiting on it fail (``DecisionLogError``, a 500) and the next decision
starts a new one. Reads (``get``, ``since``) use connections of their own in this
process.

Message texts are personal data: the log keeps a SHA-256 of each text, and the text
itself only when the operator asks for it (``store_text``).
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import threading
import time
import traceback
import weakref
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from . import decision_writer
from .decision_writer import ANSWER, COMMITTED, MESSAGE, REFUSED, ROW, connect as _connect, frame

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
_packs_cache: dict[tuple[tuple[tuple[str, str], ...], ...], str] = {}


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


# The check behind ``check_message``, run in the log's process: (pack ids, channel, text)
# -> (verdict, the packs' records, the rule ids of the findings, the response body given
# the decision's id).
MessageCheck = Callable[[tuple[str, ...], "str | None", str],
                        tuple[str, list[dict[str, str]], list[str], Callable[[str], bytes]]]


class _Writer:
    """One log process, the socket to it, and the frames sent and not yet answered.

    A request sends its frame and waits on a lock of its own; the process's answers are
    read by one reader thread, which wakes the waiting requests in the order their
    frames were sent. (Under gevent the threads and locks are greenlets and gevent's
    locks, and nothing else changes.)"""

    def __init__(self, path: str, check: Callable[[list[str]], tuple[list[str], bytes]] | None):
        mine, theirs = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:  # the log's process: it never returns into the server's code
            code = 1
            try:
                fd = theirs.detach()
                decision_writer.close_inherited(fd)
                decision_writer.serve(fd, path, check)
                code = 0
            except BaseException as exc:  # noqa: BLE001 - report, then leave with the code
                os.write(2, f"compliance-check decision log: {type(exc).__name__}\n"
                            f"{''.join(traceback.format_tb(exc.__traceback__))}".encode())
            finally:
                os._exit(code)
        theirs.close()
        self.sock = mine
        self.open = True
        self._waiting: deque[list[Any]] = deque()  # [lock held until answered, status, body]
        self._send_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_answers, name="decision-log-answers", daemon=True)
        self._reader.start()

    def send(self, data: bytes) -> tuple[int | None, bytes]:
        """Send one frame and wait for its answer: a status (``COMMITTED``, ``FAILED``,
        ``REFUSED``; None if the process stopped first) and a body."""
        slot: list[Any] = [threading.Lock(), None, b""]
        slot[0].acquire()
        with self._send_lock:  # a frame's place in the stream is its place in the queue
            if not self.open:
                return None, b""
            self._waiting.append(slot)
            try:
                self.sock.sendall(data)
            except OSError:  # the reader sees the socket end and answers everyone waiting
                self.sock.shutdown(socket.SHUT_RDWR)
        slot[0].acquire()
        return slot[1], slot[2]

    def _read_answers(self) -> None:
        buffer = bytearray()
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            buffer.extend(data)
            while len(buffer) >= ANSWER.size:
                status, length = ANSWER.unpack_from(buffer)
                end = ANSWER.size + length
                if len(buffer) < end:
                    break
                slot = self._waiting.popleft()
                slot[1], slot[2] = status, bytes(buffer[ANSWER.size:end])
                del buffer[:end]
                slot[0].release()
        with self._send_lock:
            self.open = False
        while self._waiting:  # sent, never answered: the process stopped
            self._waiting.popleft()[0].release()

    def running(self) -> bool:
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:  # reaped already (gevent's child watcher may do it)
            return False

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """Send nothing more; the process commits what it has read, answers, and exits."""
        with self._send_lock:
            self.open = False
            try:
                self.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def wait(self, timeout: float) -> None:
        """Wait for the process to exit (killing it after ``timeout``), then close the socket."""
        deadline = time.monotonic() + timeout
        while self.running():
            if time.monotonic() > deadline:
                self.kill()
                deadline = float("inf")
            time.sleep(0.005)
        self._reader.join(timeout)
        self.sock.close()


def _packs_json(packs: list[dict[str, str]]) -> str:
    """``packs`` as JSON, encoded once per selection: every decision of a server names
    one of a few."""
    key = tuple(tuple(p.items()) for p in packs)
    found = _packs_cache.get(key)
    if found is None:
        if len(_packs_cache) >= _PACKS_CACHE_SIZE:
            _packs_cache.clear()
        found = _packs_cache[key] = _JSON.encode(packs)
    return found


def _messages_json(messages: list[dict[str, Any]], store_text: bool) -> str:
    """The messages of a decision as logged: each text replaced by its digest, and kept
    too when the log stores texts."""
    kept = []
    for m in messages:
        entry = {k: v for k, v in m.items() if k != "text"}
        if "text" in m:
            entry["sha256"] = text_digest(m["text"])
            if store_text:
                entry["text"] = m["text"]
        kept.append(entry)
    return _JSON.encode(kept)


def _row(endpoint: str, verdict: str, packs: list[dict[str, str]], messages: list[dict[str, Any]],
         store_text: bool) -> tuple[str, ...]:
    """A decision as the log keeps it, under a new id (its first field)."""
    return (new_decision_id(), utc_stamp(datetime.now(timezone.utc)), endpoint, verdict, _packs_json(packs),
            _messages_json(messages, store_text))


def _message_decider(check: MessageCheck, store_text: bool) -> Callable[[list[str]], tuple[list[str], bytes]]:
    """What the log's process does with a message frame: check it, and return the
    decision's row and the response body."""

    def decide(fields: list[str]) -> tuple[list[str], bytes]:
        ids, channel, text = fields
        verdict, packs, rules, body = check(tuple(ids.split("\n")) if ids else (), channel or None, text)
        row = _row("/v1/check/message", verdict, packs, [{"text": text, "verdict": verdict, "rules": rules}], store_text)
        return list(row), body(row[0])

    return decide


class _Writers:
    """The log process in use, started with the first decision and replaced when it
    stops; closed by ``DecisionLog.close`` or when the log is garbage-collected."""

    def __init__(self, path: str, check: Callable[[list[str]], tuple[list[str], bytes]] | None):
        self.path = path
        self.check = check
        self.current: _Writer | None = None
        self.lock = threading.Lock()
        self.closed = False

    def take(self) -> _Writer:
        writer = self.current
        if writer is not None and writer.open:
            return writer
        with self.lock:
            if self.closed:
                raise DecisionLogError("the decision log is closed")
            if self.current is None or not self.current.open:
                if self.current is not None:
                    self._retire(self.current)
                self.current = _Writer(self.path, self.check)
            return self.current

    def _retire(self, writer: _Writer) -> None:
        """``writer`` has stopped answering: it must not hold the database any longer."""
        writer.stop()
        writer.kill()
        writer.wait(_WRITER_STOP_S)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            writer, self.current = self.current, None
        if writer is not None:
            writer.stop()
            writer.wait(_WRITER_STOP_S)


class DecisionLog:
    """Append decisions, read one back, export a time range. Thread-safe."""

    def __init__(self, path: str | Path, store_text: bool = False, check_message: MessageCheck | None = None):
        self.path = str(path)
        self.store_text = store_text
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with _connect(self.path) as conn:
            conn.executescript(_SCHEMA)
        conn.close()
        # What the log's process runs holds no reference to this object, which the
        # finalizer below could otherwise never collect.
        self._writers = _Writers(self.path, _message_decider(check_message, store_text) if check_message else None)
        # Apps that are dropped without close() (tests build many) must not leave processes behind.
        self._finalizer = weakref.finalize(self, self._writers.close)

    @property
    def writer_pid(self) -> int | None:
        """The log process's id while one runs (none before the first decision)."""
        writer = self._writers.current
        return writer.pid if writer is not None else None

    def record(self, endpoint: str, verdict: str, packs: list[dict[str, str]], messages: list[dict[str, Any]]) -> str:
        """Log one decision and return its id once it is committed. ``messages`` are
        ``{"text", "verdict", "rules", "id"?}``; the text is replaced by its digest
        unless the log stores texts. ``DecisionLogError`` if it could not be committed."""
        row = _row(endpoint, verdict, packs, messages, self.store_text)
        self._send(ROW, row)
        return row[0]

    def check_message(self, ids: tuple[str, ...], channel: str | None, text: str) -> bytes:
        """Check ``text`` with the packs ``ids`` in the log's process, log the decision,
        and return the response body once it is committed (``POST /v1/check/message``).
        ``DecisionLogError`` if it could not be checked or committed."""
        return self._send(MESSAGE, ("\n".join(ids), channel or "", text))

    def _send(self, kind: bytes, fields: tuple[str, ...]) -> bytes:
        try:
            data = frame(kind, fields)
        except UnicodeEncodeError:  # not Unicode text; the error would quote it
            raise DecisionLogError("the decision log could not store the decision: not Unicode text") from None
        status, body = self._writers.take().send(data)
        if status == COMMITTED:
            return body
        if status is None:
            raise DecisionLogError("the decision log's process has stopped")
        if status == REFUSED:
            raise DecisionLogError("the decision log's process could not check the message")
        raise DecisionLogError("the decision log could not commit the decision")

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
        """Stop the log's process once it has committed what it was sent."""
        self._finalizer()
