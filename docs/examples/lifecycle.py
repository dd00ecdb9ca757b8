"""Create a database on every connection, wait for RUNNING, stop it, delete it.

    python docs/examples/lifecycle.py [--url http://127.0.0.1:8000/graphql] [--connection NAME]

Written for demo mode (``dbaas-gateway serve``), where it needs no input: vendor options
are copied from an existing database of the same connection. Connections go through their
lifecycles side by side. Only the gateway's GraphQL
API is used, as any script would; ``httpx`` is the one dependency. Exit status 0 when
every connection went through the whole lifecycle, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

CONNECTIONS = """
{ connections { name vendor capabilities { operations } }
  organizationsConnection(first: 200) { nodes {
    id connection { name } plansConnection(first: 1) { nodes { id name } } } } }
"""

TEMPLATE = """
query($connection: String!) {
  databases(filter: {connection: $connection}, first: 1) {
    nodes {
      astra { clusterId namespaces }
      dbaas { plan { id } environment { nativeId } }
      clickhouse { provider region tier }
    }
  }
}
"""

CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id name status } password replayed }
}
"""

STATUS = "query($id: ID!) { node(id: $id) { ... on Database { status vendorStatus } } }"
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }"
DELETE = """
mutation($id: ID!) { deleteDatabase(input: {id: $id}) { outcome database { status } } }
"""


class GraphQLError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        code = first.get("extensions", {}).get("code", "?")
        super().__init__(f"{code}: {first['message']}")


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(self.url, json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data


def vendor_options(gw: Gateway, connection: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    """The options field of this vendor, copied from what the connection already has."""
    vendor = connection["vendor"]
    nodes = gw(TEMPLATE, connection=connection["name"])["databases"]["nodes"]
    template = nodes[0] if nodes else {}
    if vendor == "CLICKHOUSE":
        ch = template.get("clickhouse") or {"provider": "aws", "region": "us-east-1"}
        return {"clickhouse": {"provider": ch["provider"], "region": ch["region"]}}
    if vendor == "FEATUREBASE":
        return {"featurebase": {"shape": org["plansConnection"]["nodes"][0]["name"]}}
    if vendor == "ASTRA":
        astra = template["astra"]
        return {
            "astra": {"clusterId": astra["clusterId"], "namespace": f"ns-{uuid.uuid4().hex[:8]}"}
        }
    if vendor == "DBAAS":
        dbaas = template["dbaas"]
        return {
            "dbaas": {
                "planId": dbaas["plan"]["id"],
                "environment": dbaas["environment"]["nativeId"],
            }
        }
    raise ValueError(f"no options known for {vendor}")


def wait_for(gw: Gateway, database_id: str, wanted: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = gw(STATUS, id=database_id)["node"]["status"]
        if status == wanted:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"still {status} after {timeout:.0f} s, wanted {wanted}")
        time.sleep(0.2)


def lifecycle(gw: Gateway, connection: dict[str, Any], org: dict[str, Any], timeout: float) -> None:
    name = connection["name"]
    operations = set(connection["capabilities"]["operations"])
    created = gw(
        CREATE,
        input={
            "organizationId": org["id"],
            # letters, digits and spaces: the narrowest vendor rule (ClickHouse service names)
            "name": f"lifecycle {uuid.uuid4().hex[:6]}",
            # a retry of this script step with the same key would not create a second one
            "idempotencyKey": str(uuid.uuid4()),
            **vendor_options(gw, connection, org),
        },
    )["createDatabase"]
    database = created["database"]
    secret = "a one-time password" if created["password"] else "no password"
    print(f"{name}: created {database['name']} ({database['status']}, {secret})")
    wait_for(gw, database["id"], "RUNNING", timeout)
    print(f"{name}: RUNNING")
    if "STOP_DATABASE" in operations:
        gw(STOP, id=database["id"])
        wait_for(gw, database["id"], "STOPPED", timeout)
        print(f"{name}: STOPPED")
    else:
        print(f"{name}: {connection['vendor'].lower()} databases cannot be stopped; deleting")
    outcome = gw(DELETE, id=database["id"])["deleteDatabase"]["outcome"]
    if outcome == "QUARANTINED":  # DBaaS: the first delete quarantines, the second deletes
        print(f"{name}: QUARANTINED, deleting again")
        outcome = gw(DELETE, id=database["id"])["deleteDatabase"]["outcome"]
    print(f"{name}: {outcome}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--connection", action="append", help="only these (default: all)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per wait")
    args = parser.parse_args(argv)
    gw = Gateway(args.url)
    data = gw(CONNECTIONS)
    chosen = [
        connection
        for connection in data["connections"]
        if (not args.connection or connection["name"] in args.connection)
        and "CREATE_DATABASE" in connection["capabilities"]["operations"]
    ]

    def run(connection: dict[str, Any]) -> bool:
        org = next(
            o
            for o in data["organizationsConnection"]["nodes"]
            if o["connection"]["name"] == connection["name"]
        )
        try:
            lifecycle(gw, connection, org, args.timeout)
        except (GraphQLError, TimeoutError, httpx.HTTPError) as exc:
            print(f"{connection['name']}: FAILED {exc}", file=sys.stderr)
            return False
        return True

    # the connections are independent (one vendor's waits need not hold another's), so
    # they go through their lifecycles side by side; each prints its own lines
    with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as pool:
        results = list(pool.map(run, chosen))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
