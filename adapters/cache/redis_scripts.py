"""The Redis key layout and Lua scripts behind ``adapters.cache.redis_backend``.

Every key of one scope shares the hash tag ``{connection:fingerprint}``, so a script that
touches several of them stays valid on a Redis Cluster (one slot per scope)::

    dbgw:{scope}:gen          the scope's write generation (INCR by each invalidation)
    dbgw:{scope}:idx          sorted set: "kind\\nurl" of each cached entry, scored by the
                              Redis time (ms) it expires, so invalidation never SCANs
    dbgw:{scope}:e:<url>      one cached GET answer (CachedResponse.encode()), PX = stale_until
    dbgw:{scope}:lock:<url>   single-flight lock: SET NX PX, value = the claimer's token
    dbgw:{scope}:rate         sorted set of request starts (Redis time, microseconds)
    dbgw:{scope}:rate:bg      the same, of background starts only (subscription polls)

Scripts read the clock with Redis's TIME, so instances with skewed clocks still agree.
"""

from __future__ import annotations

PREFIX = "dbgw"


def key(scope: str, *parts: str) -> str:
    return ":".join([PREFIX, "{" + scope + "}", *parts])


def index_member(kind: str, url: str) -> str:
    return f"{kind}\n{url}"


def split_member(member: str) -> tuple[str, str]:
    kind, _, url = member.partition("\n")
    return kind, url


#: KEYS: gen, entry, index. ARGV: generation read before the fetch, encoded entry, PX (ms),
#: index member. Stores only if no write bumped the generation meanwhile: 1 stored, 0 not.
PUT = """
local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
if generation ~= tonumber(ARGV[1]) then
  return 0
end
local px = tonumber(ARGV[3])
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], ARGV[2], 'PX', px)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now_ms)
redis.call('ZADD', KEYS[3], now_ms + px, ARGV[4])
if redis.call('PTTL', KEYS[3]) < px then
  redis.call('PEXPIRE', KEYS[3], px)
end
return 1
"""

#: KEYS: gen, index. Bumps the generation first (a GET in flight can no longer store what
#: it read before the write), then returns the index's live members for the caller to
#: match against the written path; the caller deletes the matches.
BUMP_AND_LIST = """
redis.call('INCR', KEYS[1])
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_ms)
return redis.call('ZRANGE', KEYS[2], 0, -1)
"""

#: KEYS: lock. ARGV: token. Deletes the lock only if this claimer still holds it (its PX
#: may have run out and another instance claimed it since): 1 released, 0 not ours.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

#: KEYS: lock. ARGV: token, milliseconds. Extends the lock only while this claimer still
#: holds it: 1 extended, 0 not ours any more.
EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

#: KEYS: rate. ARGV: limit, span (window + margin) in microseconds, a unique member.
#: A sliding window of request starts shared by every instance: records a start and
#: returns 0 when fewer than ``limit`` started within the span (and, for a background
#: start, fewer than ``bg_limit`` background ones), else the microseconds until the
#: oldest that is in the way leaves it (the caller sleeps that long and asks again).
#: KEYS: rate, rate:bg. ARGV: limit, span (us), member, background (1/0), bg_limit.
PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local background = ARGV[4] == '1'
local bg_limit = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - span)
local wait = 0
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(1, math.ceil(tonumber(oldest[2]) + span - now))
end
if background and redis.call('ZCARD', KEYS[2]) >= bg_limit then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  wait = math.max(wait, 1, math.ceil(tonumber(oldest[2]) + span - now))
end
if wait > 0 then
  return wait
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(span / 1000))
if background then
  redis.call('ZADD', KEYS[2], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[2], math.ceil(span / 1000))
end
return 0
"""

# --- idempotency keys (adapters.cache.redis_idempotency) ----------------------------------
#
#     dbgw:idem:<digest>        hash: state, fp (input fingerprint), owner (claim token),
#                               lease (Redis ms until which the owner holds it), started
#                               (Redis ms of the first attempt), result (JSON, once done);
#                               PX = the idempotency window

#: KEYS: entry. ARGV: fingerprint, token, lease ms, window ms, floor ms ('' or the Redis
#: time since which entries may have been lost: a missing entry then means "unknown").
#: Returns {verdict, value}: run, reconcile (value: started ms), done (value: result),
#: wait, conflict.
IDEM_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = now + tonumber(ARGV[3])
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  local verdict, started = 'run', now
  if ARGV[5] ~= '' then
    verdict, started = 'reconcile', tonumber(ARGV[5])
  end
  local s = verdict == 'run' and 'running' or 'reconciling'
  redis.call('HSET', KEYS[1], 'state', s, 'fp', ARGV[1], 'owner', ARGV[2],
             'lease', lease, 'started', started)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {verdict, tostring(started)}
end
if redis.call('HGET', KEYS[1], 'fp') ~= ARGV[1] then
  return {'conflict', ''}
end
if state == 'done' then
  return {'done', redis.call('HGET', KEYS[1], 'result') or 'null'}
end
local held = tonumber(redis.call('HGET', KEYS[1], 'lease') or '0')
if (state == 'running' or state == 'reconciling') and held > now then
  return {'wait', ''}
end
redis.call('HSET', KEYS[1], 'state', 'reconciling', 'owner', ARGV[2], 'lease', lease)
return {'reconcile', redis.call('HGET', KEYS[1], 'started') or tostring(now)}
"""

#: KEYS: entry. ARGV: token, lease ms. 1 extended, 0 not the token's any more.
IDEM_EXTEND = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[2]))
return 1
"""

#: KEYS: entry. ARGV: token, outcome (done, unknown, forget), result JSON, window ms.
#: 1 recorded, 0 not the token's any more (its lease ran out and another claimed it).
IDEM_FINISH = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'forget' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'result', ARGV[3])
redis.call('HDEL', KEYS[1], 'owner', 'lease')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""
