"""No instance serves data older than what any instance has served after a write, when
Redis stalls between them: two real gateway processes, a real redis-server paused with
SIGSTOP and resumed with SIGCONT, one ClickHouse simulator on a socket.

The sequence of issue 18: A and B read an organization (cached in Redis); Redis is
paused; A renames it (its invalidation cannot reach Redis); B reads the new name from
upstream (it falls back to its memory); Redis resumes. Before, B then served the old
name from Redis until A happened to touch Redis again. Now the instance that comes back
moves the fence (adapters/cache/redis_backend.py), and no entry fetched before it is
served by anyone.
"""

from __future__ import annotations

import time

from tests.deployment import deployment

ORGANIZATIONS = "{ organizations { id name } }"
ORGANIZATION = "query($id: ID!) { organization(id: $id) { name } }"
RENAME = """
mutation($id: ID!, $name: String) {
  updateOrganization(input: {id: $id, name: $name}) { organization { name } }
}
"""
#: organizations stay cached a long time: only invalidation can make them fresh
LONG_TTL = "\n[cache.ttl]\norganizations = 300\n"


def test_after_a_redis_stall_no_instance_serves_the_name_from_before_a_write() -> None:
    with deployment(2, extra=LONG_TTL) as fleet:
        a, b = fleet.instances
        (org,) = a.data(ORGANIZATIONS)["organizations"]
        before = org["name"]
        for instance in (a, b):  # both read it; it is in Redis now
            assert instance.data(ORGANIZATION, {"id": org["id"]})["organization"]["name"] == before
        upstream_reads = fleet.requests()

        fleet.redis.pause()
        renamed = a.data(RENAME, {"id": org["id"], "name": "Acme Renamed"})
        during = b.data(ORGANIZATION, {"id": org["id"]})["organization"]["name"]
        fleet.redis.resume()

        served: list[str] = []

        def read_both() -> None:
            for instance in (b, a):
                answer = instance.data(ORGANIZATION, {"id": org["id"]})
                served.append(answer["organization"]["name"])

        deadline = time.monotonic() + 20
        while not (a.backend() == b.backend() == "redis"):  # both back on Redis
            assert time.monotonic() < deadline, "the instances did not return to Redis"
            read_both()
        for _ in range(5):  # and once they are, from the shared cache
            read_both()
        read_upstream = fleet.requests() > upstream_reads

    assert renamed["updateOrganization"]["organization"]["name"] == "Acme Renamed"
    assert during == "Acme Renamed"  # B, cut off from Redis, read it upstream
    assert read_upstream
    stale = [name for name in served if name != "Acme Renamed"]
    assert stale == [], f"{len(stale)} of {len(served)} reads after the write served the old name"
