"""The answer cache: a query's whole answer, kept for the caller that asked and served
again without executing anything while everything it was read from is unchanged.

An answer is kept only when it is complete (no error), its document is a query selecting
no field that shows something beyond the upstream cache (``schema.answer_rules``), and
every upstream read it made was a fresh cached entry or a read stored in the cache
(``adapters.upstream.read_log``). It is served again while

- no entry it read has passed its TTL (the earliest bounds the answer),
- no cache scope it read was written since, by this instance or another (each scope's
  stamp from the cache backend: with Redis, any instance's write changes it),
- no scrubber it passed has learnt a secret since.

So an answer is never older than the upstream cache would have made it, and a write is
seen by the next read. It is keyed by everything execution depends on: the caller (name,
role, visible connections, permissions), each visible connection's cache scope (which
names the vendor credential, a caller's own on a template connection), the document, the
operation name and the variables. Two callers never share an answer, even where the
answers would be equal.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLSchema, parse

from adapters.base import Adapter
from adapters.cache.store import CacheStats
from adapters.upstream.read_log import ReadLog, scrubbed_alike, unchanged
from schema.answer_rules import keepable
from schema.permissions import Caller

#: documents whose keepability is remembered (each is parsed once for it), by digest: a
#: document may be 64 KiB, which 512 of would hold beside the bound of the answers
KNOWN_DOCUMENTS = 512

#: what keeping an answer costs beyond its JSON and key, counted against the bound: its
#: read log and the containers holding it (measured about 600 bytes, 64-bit CPython),
#: and each scope stamp or scrubber the log holds (about 300). Counting only the JSON let
#: tiny answers (``{ __typename }`` under many variables) take ten times the bound.
ANSWER_OVERHEAD = 640
LOG_ENTRY_OVERHEAD = 320


class KeptJSON(str):
    """An answer's ``data``, already encoded: the response embeds it as it is."""

    __slots__ = ()


def encode_answer(data: Any) -> str:
    """Strict JSON of an answer: a non-finite number is null, which every browser parses
    (``NaN`` is no JSON). orjson writes the cold dashboard's 157 KB answer in a tenth of
    the standard encoder's time; what it refuses (an integer past 64 bits, nesting past
    255, a lone surrogate) goes to the standard encoder, which reads the same. So do
    datetimes, dataclasses and subclasses of dict, list, str and int, which orjson would
    write and the standard encoder refuses (or writes otherwise); a UUID or an Enum orjson
    writes with no option to refuse it."""
    try:
        return orjson.dumps(data, option=_REFUSED_BY_STANDARD).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        return json.dumps(data, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(data), separators=(",", ":"), allow_nan=False)


_REFUSED_BY_STANDARD = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@dataclass(frozen=True)
class _Answer:
    data: KeptJSON
    log: ReadLog
    size: int


class AnswerCache:
    """This process's kept answers, least recently used out first past ``max_bytes``."""

    def __init__(
        self,
        schema: GraphQLSchema,
        max_bytes: int,
        stats: Callable[[], CacheStats | None] = lambda: None,
    ) -> None:
        self.schema = schema
        self.max_bytes = max_bytes
        #: one answer may take at most this much: a huge one would push out all others
        self.max_answer_bytes = max_bytes // 8
        self._stats = stats
        self._answers: OrderedDict[bytes, _Answer] = OrderedDict()
        self._bytes = 0
        #: (document digest, operation name) -> whether its answers may be kept
        self._keepable: OrderedDict[tuple[bytes, str | None], bool] = OrderedDict()

    def key(
        self,
        caller: Caller,
        adapters: Mapping[str, Adapter],
        document: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> bytes | None:
        """The key of this request's answer; None where it is never kept."""
        document_digest = _digest(document)
        if self._keepable.get((document_digest, operation_name)) is False:
            return None
        scopes = [
            [name, [u.cache.scope if u.cache is not None else None for u in a.upstreams()]]
            for name, a in adapters.items()
        ]
        who = [
            caller.name,
            int(caller.role),
            sorted(caller.connections) if caller.connections is not None else None,
            caller.via,
            caller.federation,
            caller.vendor_credentials,
        ]
        try:
            head = json.dumps(
                [who, scopes, operation_name, variables or {}],
                sort_keys=True,
                separators=(",", ":"),
                allow_nan=False,
            )
        except (TypeError, ValueError):
            return None
        digest = hashlib.blake2b(head.encode("utf-8", "surrogatepass"), digest_size=32)
        digest.update(b"\x00")
        digest.update(document_digest)
        return digest.digest()

    async def get(self, key: bytes) -> KeptJSON | None:
        """The kept answer, while everything it was read from is unchanged."""
        answer = self._answers.get(key)
        stats = self._stats()
        if answer is None:
            if stats is not None:
                stats.answer_misses += 1
            return None
        # other requests run while the stamps are checked (a Redis round trip): they may
        # push this answer out, or keep a newer one under the same key
        if time.time() >= answer.log.fresh_until or not await unchanged(answer.log):
            if self._answers.get(key) is answer:
                self._drop(key)
            if stats is not None:
                stats.answer_misses += 1
            return None
        if self._answers.get(key) is answer:
            self._answers.move_to_end(key)
        if stats is not None:
            stats.answer_hits += 1
        return answer.data

    def keep(
        self,
        key: bytes,
        log: ReadLog,
        data: Any,
        errors: list[GraphQLError] | None,
        document: str,
        operation_name: str | None,
    ) -> KeptJSON | None:
        """Keep an answer just executed, if it may be: its encoded ``data``, which the
        response then embeds too (encoded once)."""
        if errors or not isinstance(data, dict) or log.unchecked or not scrubbed_alike(log):
            return None
        if time.time() >= log.fresh_until or not self._may_keep(document, operation_name):
            return None
        try:
            text = KeptJSON(encode_answer(data))  # as the response encodes it
        except (TypeError, ValueError, RecursionError):
            return None
        size = (
            len(text)
            + len(key)
            + ANSWER_OVERHEAD
            + LOG_ENTRY_OVERHEAD * (len(log.stamps) + len(log.scrubbers))
        )
        if size > self.max_answer_bytes:
            return None
        self._drop(key)
        self._answers[key] = _Answer(text, log, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._answers)))
        stats = self._stats()
        if stats is not None:
            stats.answer_stores += 1
        return text

    def _may_keep(self, document: str, operation_name: str | None) -> bool:
        remembered = (_digest(document), operation_name)
        known = self._keepable.get(remembered)
        if known is None:
            # the document executed without an error: it parses and validates
            known = keepable(self.schema, parse(document, no_location=True), operation_name)
            self._keepable[remembered] = known
            if len(self._keepable) > KNOWN_DOCUMENTS:
                self._keepable.popitem(last=False)
        return known

    def _drop(self, key: bytes) -> None:
        answer = self._answers.pop(key, None)
        if answer is not None:
            self._bytes -= answer.size

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def bytes(self) -> int:
        return self._bytes


def _digest(document: str) -> bytes:
    return hashlib.blake2b(document.encode("utf-8", "surrogatepass"), digest_size=32).digest()
