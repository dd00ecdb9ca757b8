"""What one GraphQL answer was read from, so that the gateway's answer cache
(``gateway.answers``) can tell later, without executing anything, whether the same
request would still be answered the same.

Each cache scope the answer read is stamped (``Backend.stamps``) before its first read:
a write on the scope, by any instance, changes the stamp. Each entry read bounds how long
the answer stays fresh. Anything the log cannot vouch for makes the answer *unchecked*,
and it is never kept: a read the cache does not keep (a kind never cached, a TTL of 0, an
error, a body that is not JSON), a stale entry, a read that must be fresh, a write.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from adapters.upstream.scrub import Scrubber


class Backend(Protocol):
    """The part of ``adapters.cache.store.Backend`` a log needs (named here: the cache
    package imports this one's pacing, so this one does not import it)."""

    async def stamps(self, scopes: Sequence[str]) -> list[object]: ...


#: how long a stamp vouches for a scope. Redis forgets a scope's generation an hour after
#: its last write (``redis_scripts.GENERATION_TTL_MS``) and counts from 0 again: a stamp
#: of 0 taken before a write would look unchanged once that write's generation expired.
#: A write after the stamp expires no sooner than an hour after it, so an answer is
#: served at most this long after its first stamp (half the hour: clocks may differ).
STAMP_SECONDS = 1800.0


@dataclass(eq=False)
class ReadLog:
    #: scope -> (its backend, its stamp from before its first read)
    stamps: dict[str, tuple[Backend, object]] = field(default_factory=dict)
    #: the scrubbers the bodies passed, with their versions then: a secret learned since
    #: may be in what they let through
    scrubbers: dict[int, tuple[Scrubber, int]] = field(default_factory=dict)
    fresh_until: float = math.inf
    unchecked: bool = False
    #: closed when the answer is complete: a background task that inherited the log (a
    #: stale entry's refresh) no longer writes to it
    closed: bool = False

    async def stamp(self, backend: Backend, scope: str, scrubber: Scrubber) -> None:
        """Before the first read of ``scope``: what a later check compares with."""
        if scope not in self.stamps:
            self.read(time.time() + STAMP_SECONDS)
            (stamp,) = await backend.stamps([scope])
            # reads of one request run concurrently: another may have stamped the scope
            # meanwhile, and read. The first stamp stays (a later one would vouch for what
            # was read before it); two that differ mean a write came between two reads
            known = self.stamps.setdefault(scope, (backend, stamp))
            if known[1] != stamp:
                self.uncheckable()
        if id(scrubber) not in self.scrubbers:
            self.scrubbers[id(scrubber)] = (scrubber, scrubber.version)

    def read(self, fresh_until: float) -> None:
        self.fresh_until = min(self.fresh_until, fresh_until)

    def uncheckable(self) -> None:
        self.unchecked = True


#: the log of the GraphQL request being executed; None: nobody keeps its answer
current_reads: contextvars.ContextVar[ReadLog | None] = contextvars.ContextVar(
    "current_reads", default=None
)


def open_log() -> ReadLog | None:
    """The running request's log while it is being written, else None."""
    log = current_reads.get()
    return log if log is not None and not log.closed else None


def note_unchecked() -> None:
    """An answer read something no stamp covers (a list another request fetched, say)."""
    log = open_log()
    if log is not None:
        log.uncheckable()


def scrubbed_alike(log: ReadLog) -> bool:
    """Whether no scrubber ``log`` passed has learnt a secret since. A connection's
    first request learns the credential it sends, so its answer is not kept."""
    return all(s.version == version for s, version in log.scrubbers.values())


async def unchanged(log: ReadLog) -> bool:
    """Whether every scope and scrubber ``log`` read is as it was when read."""
    if not scrubbed_alike(log):
        return False
    by_backend: dict[int, tuple[Backend, list[str], list[object]]] = {}
    for scope, (backend, stamp) in log.stamps.items():
        _, scopes, stamps = by_backend.setdefault(id(backend), (backend, [], []))
        scopes.append(scope)
        stamps.append(stamp)
    for backend, scopes, stamps in by_backend.values():
        if await backend.stamps(scopes) != stamps:
            return False
    return True


__all__: Sequence[str] = (
    "STAMP_SECONDS",
    "ReadLog",
    "current_reads",
    "note_unchecked",
    "open_log",
    "scrubbed_alike",
    "unchanged",
)
