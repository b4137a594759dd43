"""Start the real service (``compliance-check serve``) as a process on a free port."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"serving on (http://\S+)")


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    stderr_lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Signal the server, wait for it to exit; its last stderr lines are then read."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        if self.reader is not None:
            self.reader.join(timeout=5)
        return code


def start_server(db: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Server:
    """``compliance-check serve --port 0`` with the decision log at ``db``; returns once it listens."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_CHECK_")}
    environ.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "compliance_check", "serve", "--port", "0", "--decisions-db", str(db), *args],
        cwd=REPO, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:  # keep draining stderr so the server never blocks on a full pipe
        for line in process.stderr:
            lines.append(line)
            m = _LISTENING.search(line)
            if m and not url:
                url.append(m.group(1))
                found.set()
        found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not found.wait(0.1):
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("server did not start:\n" + "".join(lines))
    if not url:
        process.wait(timeout=10)
        raise AssertionError(f"server exited with {process.returncode}:\n" + "".join(lines))
    return Server(process, url[0], lines, reader)


def child_pids(pid: int) -> list[int]:
    """The processes ``pid`` started (any of its threads), from /proc (Linux)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
            for c in (task / "children").read_text().split()]


def exited(pid: int, timeout: float = 10) -> bool:
    """Whether ``pid`` has exited within ``timeout`` seconds (a zombie has exited)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
