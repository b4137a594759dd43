"""Heavy request work, run beside the server's loop.

``compliance-check serve`` runs each worker's requests as greenlets on one thread
(gevent). Work that takes long (a batch of a thousand messages, a contact log of a
hundred thousand records) would hold that thread and every other request with it, so
it runs in a thread of gevent's pool, which the interpreter switches away from every few
milliseconds. Outside gevent (tests, the library, another server) it runs in place.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def apart(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``, in a thread of gevent's pool when this process is gevent's."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("threading"):
        return work(*args)
    from gevent import get_hub

    def run() -> tuple[bool, Any]:
        # raised here and again in the caller: gevent's pool would print the stack of an
        # exception it sees, and a 422 (an unknown zone, say) is no error of the server's
        try:
            return True, work(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as it is
            return False, exc

    done, value = get_hub().threadpool.apply(run)
    if not done:
        raise value
    return value
