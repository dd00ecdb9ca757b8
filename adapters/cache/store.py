"""Cross-request state of the upstream policy: cached GET responses, single-flight across
requests and instances, invalidation by writes, and each connection's rate limit.

Everything is keyed by a *scope*: the connection name plus a fingerprint of its credential,
so two callers with different credentials never share an entry, even against one URL. The
fingerprint is keyed (HMAC-SHA-256 with a per-deployment secret): whoever can list the keys
of a shared Redis cannot test guessed credentials against it offline. Each
vendor classifies its GET paths into resource kinds (``VendorSpec.resource_kind``); the kind
picks the TTL and stale-while-revalidate window, and ``None`` means never cached (anything
that can carry a secret). A write invalidates every cached GET on its own path, below it and
above it (the collection it belongs to, the parents that may count it).

Two backends hold this state: ``MemoryBackend`` (cachetools, this process) and
``adapters.cache.redis_backend.RedisBackend`` (one Redis shared by every instance). Time in entries
is wall-clock time, so instances agree on freshness.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from cachetools import LRUCache

from adapters.cache.buckets import Buckets
from adapters.cache.documents import DocumentStore, MemoryDocuments
from adapters.cache.idempotency import IdempotencyTable, MemoryIdempotency
from adapters.cache.watch import Watches
from adapters.frozen import record
from adapters.upstream.pacing import Pacer, RatePacer

#: resource kinds a vendor may name, with their default TTLs in seconds
DEFAULT_TTLS: Mapping[str, float] = {
    "organizations": 60.0,
    "databases": 5.0,
    "backups": 30.0,
    "api_keys": 30.0,
    "members": 30.0,
    "invitations": 30.0,
    "plans": 300.0,
    "other": 10.0,
}

#: classifies a path (no query) into a resource kind; None: never cache it
ResourceKinds = Callable[[str], str | None]

#: a write on one kind may change what another kind's reads answer: deleting a database
#: deletes its backups, removing a member revokes the keys they own, accepting an
#: invitation adds a member
RELATED_KINDS: Mapping[str, frozenset[str]] = {
    "databases": frozenset({"backups", "organizations"}),
    "backups": frozenset({"databases"}),
    "members": frozenset({"api_keys", "invitations"}),
    "invitations": frozenset({"members"}),
    "api_keys": frozenset({"members"}),
}


@record
class SegmentKinds:
    """A classifier from a vendor's collection names: the last path segment the table
    names decides (``/orgs/o/keys/k`` is an API key, not an organization). A table, not
    a closure, so a vendor's docs page can show it."""

    table: Mapping[str, str | None]
    default: str = "other"
    #: collections whose single items' answers are never cached (the item's own answer
    #: carries a secret its list leaves out: a ClickHouse Postgres service's password)
    secret_items: frozenset[str] = frozenset()

    def __call__(self, path: str) -> str | None:
        segments = path.strip("/").split("/")
        if len(segments) >= 2 and segments[-2] in self.secret_items:
            return None
        for segment in reversed(segments):
            if segment in self.table:
                return self.table[segment]
        return self.default


def kinds_by_segment(
    table: Mapping[str, str | None],
    default: str = "other",
    secret_items: frozenset[str] = frozenset(),
) -> SegmentKinds:
    return SegmentKinds(table, default, secret_items)


@record
class CachePolicy:
    enabled: bool = True
    ttl: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TTLS))
    #: stale-while-revalidate window per kind, after the TTL; absent: none
    stale: Mapping[str, float] = field(default_factory=dict)

    def ttl_for(self, kind: str) -> float:
        return self.ttl.get(kind, self.ttl.get("other", 0.0))

    def stale_for(self, kind: str) -> float:
        return self.stale.get(kind, 0.0)


@record
class CachedResponse:
    """A 2xx GET answer as stored: enough to rebuild the ``httpx.Response``."""

    kind: str
    status: int
    content_type: str | None
    body: bytes
    fresh_until: float
    stale_until: float

    def encode(self) -> bytes:
        head = [self.kind, self.status, self.content_type, self.fresh_until, self.stale_until]
        return json.dumps(head).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, data: bytes) -> CachedResponse:
        head, _, body = data.partition(b"\n")
        kind, status, content_type, fresh_until, stale_until = json.loads(head)
        return cls(
            str(kind), int(status), content_type, body, float(fresh_until), float(stale_until)
        )


@dataclass
class CacheStats:
    """Counters of one process, shown in /readyz (and exported as metrics)."""

    hits: int = 0
    stale_hits: int = 0
    misses: int = 0
    stores: int = 0
    invalidations: int = 0
    refreshes: int = 0
    #: fetches another instance made while this one waited for its entry
    shared_fetches: int = 0
    backend_errors: int = 0
    #: whole GraphQL answers served again without execution (``gateway.answers``)
    answer_hits: int = 0
    answer_misses: int = 0
    answer_stores: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class Backend(Protocol):
    """Where cross-request state lives; every method is keyed by scope."""

    name: str
    stats: CacheStats

    async def get(self, scope: str, url: str) -> CachedResponse | None: ...

    async def put(self, scope: str, url: str, entry: CachedResponse, generation: object) -> None:
        """Store unless a write bumped the scope's generation since ``generation`` was read:
        a GET that overlapped a write may carry the state from before it."""

    async def generation(self, scope: str) -> object:
        """What a fetch starts from (opaque): ``put`` compares it with the scope's now."""

    async def stamps(self, scopes: Sequence[str]) -> list[object]:
        """Per scope, what changes with every write on it (and with anything else that
        drops its entries): an answer built from entries of these scopes is still what
        they would answer while each stamp is unchanged and no entry's TTL has passed."""

    async def invalidate(self, scope: str, path: str, kinds: frozenset[str]) -> None:
        """Drop entries a write on ``path`` may have changed (``affected``, or of one of
        ``kinds``), and bump the scope's generation."""

    async def claim(self, scope: str, url: str, seconds: float) -> bool:
        """True: this caller fetches ``url``; False: another instance is fetching it."""

    async def release(self, scope: str, url: str) -> None: ...

    async def wait_for(self, scope: str, url: str, timeout: float) -> CachedResponse | None:
        """The entry another instance's fetch stores, or None when it gives up or fails."""

    def pacer(self, scope: str, limit: int, window: float, share: float = 1.0) -> Pacer:
        """Paces ``limit`` starts per ``window``, background work at most ``share`` of them."""

    def idempotency(self, key: bytes) -> IdempotencyTable:
        """Where idempotency keys live (``adapters.cache.idempotency``), digested with
        ``key`` (the deployment's cache key secret)."""

    def watches(self, key: bytes) -> Watches | None:
        """How subscription pollers share one poll across instances; None: each polls
        on its own (one process)."""

    def buckets(self, key: bytes) -> Buckets | None:
        """Per-caller rate-limit buckets every instance shares; None: the gateway's own
        in-process buckets."""

    def documents(self, max_entries: int, ttl: float) -> DocumentStore:
        """Where persisted GraphQL documents live (``adapters.cache.documents``), at most
        ``max_entries`` of them; each expires ``ttl`` seconds after it was stored where
        the store expires entries (Redis)."""

    def status(self) -> str:
        """``memory``, ``redis`` or ``redis-unavailable`` (falling back to memory)."""

    async def aclose(self) -> None: ...


class MemoryBackend:
    """This process's state: an LRU of entries, bounded by ``max_entries``."""

    name = "memory"

    def __init__(
        self,
        max_entries: int = 10_000,
        stats: CacheStats | None = None,
        max_generations: int = 10_000,
    ) -> None:
        self.stats = stats or CacheStats()
        self._entries: LRUCache[tuple[str, str], CachedResponse] = LRUCache(maxsize=max_entries)
        #: each scope's last write, numbered across scopes (``_writes``), oldest first; at
        #: most ``max_generations`` (a template connection has one scope per credential):
        #: a scope dropped reads as ``_floor``, the latest write dropped, so a fetch that
        #: started before its write still sees a generation other than its own
        self._generations: dict[str, int] = {}
        self._max_generations = max_generations
        self._writes = 0
        self._floor = 0
        #: bumped by ``clear``: every stamp changes, as if every scope had been written
        self._cleared = 0

    async def get(self, scope: str, url: str) -> CachedResponse | None:
        entry = self._entries.get((scope, url))
        if entry is not None and entry.stale_until <= time.time():
            self._entries.pop((scope, url), None)
            return None
        return entry

    async def put(self, scope: str, url: str, entry: CachedResponse, generation: object) -> None:
        if self._generations.get(scope, self._floor) == generation:
            self._entries[(scope, url)] = entry

    async def generation(self, scope: str) -> object:
        return self._generations.get(scope, self._floor)

    async def stamps(self, scopes: Sequence[str]) -> list[object]:
        return [(self._cleared, self._generations.get(s, self._floor)) for s in scopes]

    async def invalidate(self, scope: str, path: str, kinds: frozenset[str]) -> None:
        self._writes += 1
        self._generations.pop(scope, None)
        self._generations[scope] = self._writes  # the newest last
        while len(self._generations) > self._max_generations:
            oldest = next(iter(self._generations))
            self._floor = self._generations.pop(oldest)
        doomed = [
            key
            for key, entry in self._entries.items()
            if key[0] == scope and (entry.kind in kinds or affected(key[1], path))
        ]
        for key in doomed:
            self._entries.pop(key, None)

    async def claim(self, scope: str, url: str, seconds: float) -> bool:
        return True  # one process: UpstreamHttp's own single-flight already holds the rest

    async def release(self, scope: str, url: str) -> None:
        return None

    async def wait_for(self, scope: str, url: str, timeout: float) -> CachedResponse | None:
        return None

    def pacer(self, scope: str, limit: int, window: float, share: float = 1.0) -> Pacer:
        return RatePacer(limit, window, share=share)

    def idempotency(self, key: bytes) -> IdempotencyTable:
        return MemoryIdempotency(key)

    def watches(self, key: bytes) -> Watches | None:
        return None

    def buckets(self, key: bytes) -> Buckets | None:
        return None

    def documents(self, max_entries: int, ttl: float) -> DocumentStore:
        return MemoryDocuments(max_entries)

    def status(self) -> str:
        return "memory"

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry, as if every TTL had passed."""
        self._entries.clear()
        self._cleared += 1

    async def aclose(self) -> None:
        self.clear()


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def affected(url: str, written: str) -> bool:
    """Whether a write on path ``written`` may change the GET answer of ``url``: the same
    resource, anything below it, or an ancestor (its collection, a parent that lists it)."""
    path, target = _path(url), written.rstrip("/")
    if not path or not target:
        return True
    return path == target or path.startswith(target + "/") or target.startswith(path + "/")


#: hex digits of a fingerprint: 128 bits, no collision between credentials in practice
FINGERPRINT_HEX = 32


def fingerprint(key: bytes, parts: Sequence[str]) -> str:
    """A digest of what identifies a credential, keyed by ``key``: equal across the
    instances given the same key, not reversible into the secret, and not testable
    against a guessed secret without the key."""
    # JSON: unambiguous however the parts are split ("a", "bc" is not "ab", "c")
    message = json.dumps(list(parts), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:FINGERPRINT_HEX]


#: URLs whose kind one connection remembers (a URL is a few hundred bytes)
KINDS_KEPT = 4096
_UNKNOWN = object()


@record
class ConnectionCache:
    """One connection's view of the shared state: its scope, policy and path classifier."""

    backend: Backend
    scope: str
    policy: CachePolicy
    kinds: ResourceKinds
    #: every GET asks its URL's kind, and a dashboard's URLs repeat: each is classified
    #: once (the policy and the classifier never change)
    _kind_of: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def kind(self, url: str) -> str | None:
        known = self._kind_of.get(url, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        kind: str | None = None
        if self.policy.enabled:
            kind = self.kinds(urlsplit(url).path)
            if kind is not None and self.policy.ttl_for(kind) <= 0:
                kind = None
        if len(self._kind_of) >= KINDS_KEPT:
            self._kind_of.clear()
        self._kind_of[url] = kind
        return kind

    def written_kinds(self, path: str) -> frozenset[str]:
        """The kinds a write on ``path`` may change."""
        kind = self.kinds(path)
        if kind is None:
            return frozenset()
        return frozenset({kind}) | RELATED_KINDS.get(kind, frozenset())

    def entry(
        self, kind: str, status: int, content_type: str | None, body: bytes
    ) -> CachedResponse:
        fresh_until = time.time() + self.policy.ttl_for(kind)
        stale_until = fresh_until + self.policy.stale_for(kind)
        return CachedResponse(kind, status, content_type, body, fresh_until, stale_until)
