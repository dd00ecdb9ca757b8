"""Persisted GraphQL documents (Apollo's automatic persisted queries) as shared state: the
text of a document by its SHA-256, so a client may send the hash alone.

``MemoryDocuments`` keeps them in this process, least recently used out first;
``RedisDocuments`` (``adapters.cache.redis_documents``) in the Redis every instance shares,
so a document registered on one instance is served by hash on any. Both are bounded by a
count; with Redis each document also expires. A store that cannot be reached answers
"not found" and drops what it is given: the client then sends the whole document again,
which always works.
"""

from __future__ import annotations

from typing import Protocol

from cachetools import LRUCache


class DocumentStore(Protocol):
    async def get(self, sha256: str) -> str | None:
        """The document registered under ``sha256`` (64 lowercase hex digits), if any."""

    async def put(self, sha256: str, document: str) -> None:
        """Register ``document`` (whose SHA-256 the caller has checked) under its hash."""


class MemoryDocuments:
    def __init__(self, max_entries: int) -> None:
        self._documents: LRUCache[str, str] = LRUCache(maxsize=max_entries)

    async def get(self, sha256: str) -> str | None:
        return self._documents.get(sha256)

    async def put(self, sha256: str, document: str) -> None:
        self._documents[sha256] = document

    def __len__(self) -> int:
        return len(self._documents)
