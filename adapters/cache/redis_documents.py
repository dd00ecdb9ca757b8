"""Persisted documents in the shared Redis (``adapters.cache.documents``)::

    dbgw:doc:<sha256>    the document's text; EX = the document TTL
    dbgw:doc:index       sorted set of the hashes, scored by when each was last stored

``PUT_DOCUMENT`` stores one and, past the bound, drops the oldest in the same script, so
N instances together keep at most ``max_entries``. While Redis is away nothing is kept:
a hash-only request is answered PERSISTED_QUERY_NOT_FOUND and the client sends the text.
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.cache.redis_link import RedisLink, RedisUnavailable
from adapters.cache.redis_scripts import PREFIX

log = logging.getLogger("dbaas_gateway.cache")

INDEX = f"{PREFIX}:doc:index"

#: KEYS: the document, the index. ARGV: hash, text, ttl seconds, max entries, key prefix
PUT_DOCUMENT = """
local now = redis.call('TIME')
local score = tonumber(now[1]) * 1000000 + tonumber(now[2])
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], score, ARGV[1])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], extra)
  for i = 1, #oldest, 2 do
    redis.call('DEL', ARGV[5] .. oldest[i])
  end
end
return 1
"""


def document_key(sha256: str) -> str:
    return f"{PREFIX}:doc:{sha256}"


class RedisDocuments:
    def __init__(self, link: RedisLink, max_entries: int, ttl: float) -> None:
        self.link = link
        self.max_entries = max_entries
        self.ttl = max(1, int(ttl))
        self._put = link.client.register_script(PUT_DOCUMENT)

    async def get(self, sha256: str) -> str | None:
        try:
            found = await self.link.call(lambda: self.link.client.get(document_key(sha256)))
        except RedisUnavailable:
            return None
        if found is None:
            return None
        return found.decode("utf-8") if isinstance(found, bytes) else str(found)

    async def put(self, sha256: str, document: str) -> None:
        keys = [document_key(sha256), INDEX]
        args: list[Any] = [sha256, document, self.ttl, self.max_entries, document_key("")]
        try:
            await self.link.call(lambda: self._put(keys=keys, args=args))
        except RedisUnavailable:
            log.info("persisted document not stored: Redis is unavailable")
