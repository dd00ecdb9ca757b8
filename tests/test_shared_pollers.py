"""One poller per watched resource across gateway processes: a Redis lease elects it,
pub/sub carries what it saw to the others, and it moves when its process dies.

Three real gateway processes on one redis-server and one ClickHouse simulator, each with
a subscriber to the same organization's events over a real WebSocket.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.deployment import Deployment, Instance, deployment
from tests.watchers import ORGANIZATION_EVENTS, Subscriber, until

INTERVAL = 0.5
CONFIG = f"\n[subscriptions]\npoll_interval_seconds = {INTERVAL}\n"
CREATE = """mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id name } } }"""


def create(instance: Instance, org: str, name: str) -> str:
    variables = {
        "input": {
            "organizationId": org,
            "name": name,
            "clickhouse": {"provider": "aws", "region": "us-east-1"},
        }
    }
    return str(instance.data(CREATE, variables)["createDatabase"]["database"]["id"])


def pollers(fleet: Deployment) -> list[dict[str, Any]]:
    return [i.ready()["subscriptions"] for i in fleet.instances if i.proc.poll() is None]


def created(subscriber: Subscriber, database: str) -> bool:
    return any(
        e["organizationEvents"]["kind"] == "DATABASE_CREATED"
        and e["organizationEvents"]["objectId"] == database
        for e in subscriber.events
    )


async def test_one_instance_polls_for_all_and_another_takes_over_when_it_dies() -> None:
    with deployment(3, extra=CONFIG) as fleet:
        (org,) = fleet.instances[0].data("{ organizations { id } }")["organizations"]
        subscribers = [
            await Subscriber.open(i.url, ORGANIZATION_EVENTS, {"id": org["id"]})
            for i in fleet.instances
        ]
        try:
            # one of the three holds the lease and polls; the others only listen
            await until(lambda: [p["polling"] for p in pollers(fleet)].count(1) == 1, "a poller")
            poller = next(i for i in fleet.instances if i.ready()["subscriptions"]["polling"])
            others = [i for i in fleet.instances if i is not poller]
            polls = poller.ready()["subscriptions"]["polls"]
            await until(lambda: poller.ready()["subscriptions"]["polls"] >= polls + 3, "polls")
            assert [o.ready()["subscriptions"]["polls"] for o in others] == [0, 0]

            first = await asyncio.to_thread(create, others[0], org["id"], "seen by all")
            await until(lambda: all(created(s, first) for s in subscribers), "the first event")

            poller.kill()  # no lease released: it runs out
            second = await asyncio.to_thread(create, others[1], org["id"], "after the kill")
            survivors = [
                s for s, i in zip(subscribers, fleet.instances, strict=True) if i in others
            ]
            took = await until(
                lambda: all(created(s, second) for s in survivors), "the event after the kill"
            )
            summaries = pollers(fleet)
        finally:
            for subscriber in subscribers:
                await subscriber.close()

    assert [p["polling"] for p in summaries].count(1) == 1  # a survivor polls now
    assert all(s.errors == [] for s in subscribers)
    for subscriber in survivors:  # each change once, in order
        kinds = [e["organizationEvents"]["objectId"] for e in subscriber.events]
        assert kinds == [first, second]
    print(f"event after the poller died: {took:.2f} s ({took / INTERVAL:.1f} poll intervals)")
