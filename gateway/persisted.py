"""Persisted documents: Apollo's automatic persisted queries and trusted documents.

A request may carry ``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}``
(POST or GET, as Apollo Client's ``createPersistedQueryLink`` sends it):

- with the hash alone: the document registered under it runs; an unknown hash is
  ``PERSISTED_QUERY_NOT_FOUND`` ("PersistedQueryNotFound"), on which Apollo Client sends
  the hash again with the full document;
- with the hash and the document: the hash must be the document's SHA-256 (else
  BAD_REQUEST), the document runs, and once it has validated it is registered under the
  hash in the cache backend's document store (this process, or the Redis every instance
  shares);
- with ``automatic = false``: ``PERSISTED_QUERY_NOT_SUPPORTED`` ("PersistedQueryNotSupported"),
  on which Apollo Client stops sending hashes.

A manifest of trusted documents (``gateway.trusted_manifest``) answers its IDs whatever
the store holds. With ``trusted_only`` nothing else runs: an ID it lacks is
``PERSISTED_QUERY_NOT_IN_LIST``, a document it lacks ``QUERY_NOT_IN_SAFELIST``, over HTTP
and WebSocket alike, and nothing is registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError

from adapters.cache.documents import DocumentStore, MemoryDocuments
from adapters.cache.store import Backend
from gateway.limits import LimitCode
from gateway.limits_http import Refusal, bad_request
from gateway.persisted_settings import PersistedSettings
from gateway.trusted_manifest import sha256_hex

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class Resolved:
    """The document a request runs; ``register``: the hash to keep it under once it has
    validated (a newly sent document), else None."""

    document: str | None
    register: str | None = None


def persisted_error(code: LimitCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


class PersistedDocuments:
    def __init__(self, settings: PersistedSettings, backend: Callable[[], Backend | None]) -> None:
        self.settings = settings
        self.manifest = settings.manifest
        self._backend = backend
        self._store: DocumentStore | None = None
        self._memory = MemoryDocuments(settings.max_entries)

    @property
    def store(self) -> DocumentStore:
        if self._store is None:
            backend = self._backend()
            if backend is None:
                return self._memory  # no backend yet (built on its own, in tests)
            self._store = backend.documents(self.settings.max_entries, self.settings.ttl)
        return self._store

    async def resolve(self, query: str | None, extensions: object) -> Resolved | GraphQLError:
        """The document to run for a request's ``query`` and ``extensions``, or the
        GraphQL error to answer with (a request error: nothing runs). Raises Refusal
        (BAD_REQUEST) for a malformed ``persistedQuery`` or a hash that does not match."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        query = query or None  # "" sends no document, as an absent one
        if persisted is None:
            return self._trusted(query)
        sha256 = _hash_of(persisted)
        manifest = self.manifest
        if manifest is not None and sha256 in manifest.bodies:
            body = manifest.bodies[sha256]
            if query is not None and query != body:
                raise bad_request("provided sha does not match query")
            return Resolved(body)
        if self.settings.trusted_only:
            return persisted_error(LimitCode.PERSISTED_QUERY_NOT_IN_LIST, "PersistedQueryNotInList")
        if not self.settings.automatic:
            return persisted_error(
                LimitCode.PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported"
            )
        if not _SHA256.match(sha256):
            raise bad_request("extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits")
        sha256 = sha256.lower()
        if query is None:
            found = await self.store.get(sha256)
            # checked again on the way out: whoever can write to Redis cannot swap a
            # document in under another's hash
            if found is None or sha256_hex(found) != sha256:
                return not_found()
            return Resolved(found)
        if sha256_hex(query) != sha256:
            raise bad_request("provided sha does not match query")
        return Resolved(query, register=sha256)

    def _trusted(self, query: str | None) -> Resolved | GraphQLError:
        if self.settings.trusted_only and query is not None:
            assert self.manifest is not None  # trusted_only is refused without one
            if not self.manifest.trusts(query):
                return not_trusted()
        return Resolved(query)

    def check_trusted(self, query: str) -> None:
        """Over WebSocket (which sends the document itself): Refusal unless trusted."""
        if isinstance(self._trusted(query), GraphQLError):
            error = not_trusted()
            raise Refusal(200, LimitCode.QUERY_NOT_IN_SAFELIST, error.message)

    async def register(self, sha256: str, document: str) -> None:
        await self.store.put(sha256, document)


def not_found() -> GraphQLError:
    return persisted_error(LimitCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")


def not_trusted() -> GraphQLError:
    return persisted_error(
        LimitCode.QUERY_NOT_IN_SAFELIST,
        "this gateway runs only its trusted documents, and this is not one of them",
    )


def _hash_of(persisted: object) -> str:
    if not isinstance(persisted, dict):
        raise bad_request("extensions.persistedQuery must be an object")
    if persisted.get("version") != 1 or isinstance(persisted.get("version"), bool):
        raise bad_request("extensions.persistedQuery.version must be 1")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not sha256:
        raise bad_request("extensions.persistedQuery.sha256Hash must be a string")
    if len(sha256) > 128:
        raise bad_request("extensions.persistedQuery.sha256Hash is too long")
    return sha256
