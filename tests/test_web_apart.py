"""``web.apart``: heavy request work leaves the gevent worker's loop free."""
from __future__ import annotations

import subprocess
import sys

from tests.service_helpers import REPO

CHECK = """
import threading
from compliance_check.web.apart import apart

assert apart(threading.get_native_id) == threading.get_native_id()  # no gevent: in place

from compliance_check.serve import cooperative
cooperative()
from gevent.monkey import get_original

native_id = get_original("threading", "get_native_id")
assert apart(native_id) != native_id()  # gevent: in a thread of the pool
try:
    apart(int, "not a number")
except ValueError:
    print("ok")
"""


def test_heavy_work_runs_in_a_pool_thread_under_gevent_and_in_place_otherwise():
    # a process of its own: gevent's patching cannot be undone in this one
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr
    assert "Traceback" not in done.stderr  # an exception is the caller's to report
