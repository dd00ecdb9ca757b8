"""The Redis key layout and Lua scripts behind ``adapters.cache.redis_backend``.

Every key of one scope shares the hash tag ``{connection:fingerprint}``::

    dbgw:{scope}:gen          the scope's write generation (INCR by each invalidation);
                              PX = GENERATION_TTL_MS from the scope's last write
    dbgw:{scope}:idx          sorted set: "kind\\nurl" of each cached entry, scored by the
                              Redis time (ms) it expires, so invalidation never SCANs
    dbgw:{scope}:e:<url>      one cached GET answer: "<fetched>\\n" then
                              CachedResponse.encode(), <fetched> being the Redis time (ms)
                              its fetch started; PX = stale_until
    dbgw:{scope}:lock:<url>   single-flight lock: SET NX PX, value = the claimer's token
    dbgw:{scope}:rate         sorted set of request starts (Redis time, microseconds)
    dbgw:{scope}:rate:bg      the same, of background starts only (subscription polls)
    dbgw:fence                Redis time (ms) before which no fetched answer is trusted,
                              moved by an instance that comes back after Redis was away

Scripts read the clock with Redis's TIME, so instances with skewed clocks still agree.
The fence is one key for every scope (a Redis Cluster is not supported).
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


FENCE = f"{PREFIX}:fence"

#: KEYS: gen. Returns {generation, Redis time in ms}: what a fetch starts from.
GENERATION = """
local t = redis.call('TIME')
return {tonumber(redis.call('GET', KEYS[1]) or '0'),
        tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}
"""

#: KEYS: epoch, fence, then one scope's gen per scope. Returns {epoch, fence, then per
#: scope "count:expiry"}: what an answer built from these scopes is checked against later
#: (``RedisBackend.stamps``). The epoch is created as EPOCH does, so a Redis that restarts
#: empty never answers what it answered before. The expiry (minutes) is there because a
#: count that expired (an hour after its last write) and climbed back to the same number
#: since has an expiry an hour later.
STAMPS = """
local epoch = redis.call('GET', KEYS[1])
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if not epoch then
  epoch = tostring(now_ms)
  redis.call('SET', KEYS[1], epoch)
end
local out = {epoch, redis.call('GET', KEYS[2]) or '0'}
for i = 3, #KEYS do
  local pttl = redis.call('PTTL', KEYS[i])
  local expiry = pttl
  if pttl > 0 then
    expiry = math.floor((now_ms + pttl) / 60000)
  end
  out[#out + 1] = (redis.call('GET', KEYS[i]) or '0') .. ':' .. expiry
end
return out
"""

#: how long a scope's generation outlives its last write. Without an expiry every scope
#: that ever wrote kept a key forever: on a template connection one per caller
#: credential, however bogus. A fetch that started longer ago than this is never stored,
#: so a generation that expired and restarted from 0 can never look unchanged to it.
GENERATION_TTL_MS = 3_600_000

#: KEYS: gen, entry, index, fence. ARGV: generation and Redis time (ms) read before the
#: fetch, encoded entry, PX (ms), index member. Stores only if no write bumped the
#: generation meanwhile, no fence was set since the fetch started, and the fetch started
#: within GENERATION_TTL_MS: 1 stored, 0 not.
PUT = """
local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
if generation ~= tonumber(ARGV[1]) then
  return 0
end
if tonumber(ARGV[2]) < tonumber(redis.call('GET', KEYS[4]) or '0') then
  return 0
end
local px = tonumber(ARGV[4])
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now_ms - tonumber(ARGV[2]) >= @GENERATION_TTL_MS@ then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2] .. '\\n' .. ARGV[3], 'PX', px)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now_ms)
redis.call('ZADD', KEYS[3], now_ms + px, ARGV[5])
if redis.call('PTTL', KEYS[3]) < px then
  redis.call('PEXPIRE', KEYS[3], px)
end
return 1
""".replace("@GENERATION_TTL_MS@", str(GENERATION_TTL_MS))

#: the part of READ and CLAIM that reads an entry: nil unless fetched since the fence
_TRUSTED = """
local function trusted(entry_key, fence_key)
  local value = redis.call('GET', entry_key)
  if not value then
    return false
  end
  local fetched = tonumber(string.match(value, '^(%d+)\\n'))
  if fetched == nil or fetched < tonumber(redis.call('GET', fence_key) or '0') then
    return false
  end
  return value
end
"""

#: KEYS: entry, fence, lock. Returns {entry or nil, 1 if the lock is held else 0}.
READ = (
    _TRUSTED
    + """
return {trusted(KEYS[1], KEYS[2]), redis.call('EXISTS', KEYS[3])}
"""
)

#: KEYS: lock, entry, fence. ARGV: token, PX (ms). Claims the single-flight lock (SET NX)
#: and reads the entry in one step: {1 claimed or 0, entry or nil}.
CLAIM = (
    _TRUSTED
    + """
local claimed = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
return {claimed, trusted(KEYS[2], KEYS[3])}
"""
)

#: KEYS: fence. Moves the fence to Redis's time now (never back): every answer fetched
#: before it is distrusted by every instance. Returns the fence.
SET_FENCE = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(redis.call('GET', KEYS[1]) or '0') < now_ms then
  redis.call('SET', KEYS[1], now_ms)
end
return now_ms
"""

#: KEYS: gen, index. ARGV: entry key prefix, written path, then the written kinds. One
#: step: bumps the generation (a GET in flight can no longer store what it read before
#: the write), then deletes every entry of one of the kinds or whose path is the written
#: path, below it or above it (``adapters.cache.store.affected``, in Lua). Returns how
#: many entries it deleted.
INVALIDATE = """
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], @GENERATION_TTL_MS@)
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_ms)
local target = string.gsub(ARGV[2], '/+$', '')
local kinds = {}
for i = 3, #ARGV do
  kinds[ARGV[i]] = true
end
local function path_of(url)
  local rest = string.match(url, '^%a[%w+.-]*://[^/?#]*(.*)$') or url
  rest = string.gsub(rest, '[?#].*$', '')
  rest = string.gsub(rest, '/+$', '')
  return rest
end
local function affected(url)
  local path = path_of(url)
  if path == '' or target == '' or path == target then
    return true
  end
  return string.sub(path, 1, #target + 1) == target .. '/'
    or string.sub(target, 1, #path + 1) == path .. '/'
end
local doomed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local newline = string.find(member, '\\n', 1, true)
  local kind = string.sub(member, 1, newline - 1)
  local url = string.sub(member, newline + 1)
  if kinds[kind] or affected(url) then
    redis.call('UNLINK', ARGV[1] .. url)
    redis.call('ZREM', KEYS[2], member)
    doomed = doomed + 1
  end
end
return doomed
""".replace("@GENERATION_TTL_MS@", str(GENERATION_TTL_MS))

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
#     dbgw:epoch                Redis time (ms) the gateway first used this Redis: when it
#                               changes, Redis lost its keys (restarted empty)
#     dbgw:idem:<digest>        hash: state, fp (input fingerprint), owner (claim token),
#                               lease (Redis ms until which the owner holds it), started
#                               (Redis ms of the first attempt), result (JSON, once done),
#                               quiet (Redis ms until which a holder that stopped
#                               answering may still reach the vendor);
#                               PX = the idempotency window

#: KEYS: entry, epoch. ARGV: fingerprint, token, lease ms, window ms, floor ms ('' or the
#: Redis time since which entries may have been lost), the epoch this instance last saw
#: ('' for none). The epoch is the Redis time the gateway first used this Redis: a
#: different one means Redis lost every key since (a restart without persistence), and
#: then, within one window, a missing entry is "unknown", not "never seen". ARGV[7]: the
#: longest a holder's call can take (ms): one that stopped answering (its lease ran out,
#: or its entry was lost) may reach the vendor until it was last heard plus that.
#: Returns {verdict, value, epoch, busy}: run, reconcile (value: started ms; busy: ms a
#: lapsed holder may still reach the vendor), done (value: result), wait, conflict.
IDEM_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = tostring(now)
  redis.call('SET', KEYS[2], epoch)
end
local floor = nil
if ARGV[5] ~= '' then
  floor = tonumber(ARGV[5])
end
if ARGV[6] ~= '' and ARGV[6] ~= epoch then
  floor = tonumber(epoch)
end
local lease = now + tonumber(ARGV[3])
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  local verdict, started = 'run', now
  if floor and now < floor + tonumber(ARGV[4]) then
    verdict, started = 'reconcile', floor - tonumber(ARGV[4])
  end
  local s = verdict == 'run' and 'running' or 'reconciling'
  -- a lost entry's holder was last heard before Redis lost it (by the floor)
  local quiet = floor and (floor + tonumber(ARGV[7])) or 0
  redis.call('HSET', KEYS[1], 'state', s, 'fp', ARGV[1], 'owner', ARGV[2],
             'lease', lease, 'started', started)
  if quiet > 0 then
    redis.call('HSET', KEYS[1], 'quiet', quiet)
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {verdict, tostring(started), epoch, tostring(math.max(0, quiet - now))}
end
if redis.call('HGET', KEYS[1], 'fp') ~= ARGV[1] then
  return {'conflict', '', epoch}
end
if state == 'done' then
  return {'done', redis.call('HGET', KEYS[1], 'result') or 'null', epoch}
end
local held = tonumber(redis.call('HGET', KEYS[1], 'lease') or '0')
local quiet = tonumber(redis.call('HGET', KEYS[1], 'quiet') or '0')
if state == 'running' or state == 'reconciling' then
  if held > now then
    return {'wait', '', epoch}
  end
  -- the holder was last heard at held - lease ms; its call may still run
  quiet = math.max(quiet, held - tonumber(ARGV[3]) + tonumber(ARGV[7]))
end
redis.call('HSET', KEYS[1], 'state', 'reconciling', 'owner', ARGV[2], 'lease', lease,
           'quiet', quiet)
return {'reconcile', redis.call('HGET', KEYS[1], 'started') or tostring(now), epoch,
        tostring(math.max(0, quiet - now))}
"""

#: KEYS: epoch. The gateway's epoch of this Redis (set to Redis's time now if missing).
EPOCH = """
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  local t = redis.call('TIME')
  epoch = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  redis.call('SET', KEYS[1], epoch)
end
return epoch
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

# --- subscription pollers (adapters.cache.redis_watch) -----------------------------------
#
#     dbgw:watch:<digest>           the poller's lease: SET NX PX, value = its token
#     dbgw:watch:<digest>:changes   pub/sub channel: the poller's state digest, each poll

#: KEYS: lease. ARGV: token, PX (ms). Takes the lease when nobody holds it, or extends it
#: when ``token`` does: 1 held by ``token`` now, 0 held by another.
LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""

# --- the per-caller rate limit (adapters.cache.redis_buckets) ------------------------------
#
#     dbgw:caller:<digest>          hash: tokens, at (Redis time, s): one caller's bucket

#: KEYS: bucket. ARGV: capacity, tokens per second, PX (ms). A token bucket shared by
#: every instance: takes one token and returns 0, or returns the whole seconds until one
#: would be there (at least 1) and takes nothing.
TAKE_TOKEN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or capacity
local at = tonumber(stored[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return wait
"""
