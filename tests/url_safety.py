"""Helpers of the URL-safety tests: real IDs of every type, forged variants of them, and
the upstream requests a GraphQL call caused, as each vendor's simulator logged them.

A forged ID keeps every key part of a real object but one, which gets a hostile value.
Its *control* replaces the same part with an unknown value of the right shape (a UUID
nobody has, digits, ...), which the vendor answers with its own not-found. Whatever the
hostile run requests upstream must be something the control run requests too, with the
hostile value as exactly one path segment where the control value was: then the value
changed no path and no query, whatever the adapter did with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from adapters.simulation.middleware import LoggedRequest
from schema.ids import GlobalId, decode_id, encode_id
from tests.gateway_client import GatewayClient

#: everything the demo has of every node type, walked to collect one real ID of each
DISCOVER = """
{ organizations { id
    members { id } apiKeys { id } invitations { id } plans { id } activities { id }
    featureFlags { id }
    databases(first: 50) { nodes { id credentials { id } backups { id } } } } }
"""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"[0-9a-f]{16,}")

#: placeholder for the value under test in a normalized path
VALUE = "{value}"


def vendor_of(client: GatewayClient, connection: str) -> str:
    """The vendor of one of ``client``'s connections."""
    return client.runtime.adapters[connection].connection.vendor.value


async def real_ids(client: GatewayClient) -> dict[tuple[str, str], GlobalId]:
    """One real ID per (vendor, node type) the gateway's data has: the first one found."""
    body = await client.data(DISCOVER)
    found: dict[tuple[str, str], GlobalId] = {}

    def keep(value: str) -> None:
        gid = decode_id(value)
        found.setdefault((vendor_of(client, gid.connection), gid.type_name), gid)

    for org in body["organizations"]:
        keep(org["id"])
        for field in ("members", "apiKeys", "invitations", "plans", "activities", "featureFlags"):
            for item in org[field] or []:
                keep(item["id"])
        for db in (org["databases"] or {"nodes": []})["nodes"]:
            keep(db["id"])
            for field in ("credentials", "backups"):
                for item in db[field] or []:
                    keep(item["id"])
    return found


def forge(gid: GlobalId, position: int, value: str) -> str:
    """``gid`` with key part ``position`` replaced by ``value``."""
    key = list(gid.key)
    key[position] = value
    return encode_id(gid.type_name, gid.connection, tuple(key))


def unknown_like(value: str, n: int) -> str:
    """The ``n``-th value of the same shape as ``value`` that names nothing."""
    if _UUID.fullmatch(value):
        return f"{value[:24]}{0xFFFFFF000000 + n:012x}"
    if value.isdigit():
        return str(900_000_000 + n)
    if _HEX.fullmatch(value):
        return f"{n:x}".rjust(len(value), "f")
    return f"{value}-unknown-{n}"


def upstream(client: GatewayClient, vendor: str) -> list[LoggedRequest]:
    """Every request ``vendor``'s simulator answered since the last ``forget``."""
    sim = client.simulator(vendor)
    entries = list(sim.log.entries)
    for other in ("identity_log", "query_log"):  # FeatureBase's other hosts
        log = getattr(sim, other, None)
        entries += list(log.entries) if log is not None else []
    return entries


def forget(client: GatewayClient) -> None:
    """Clear every simulator's log and the gateway's cache, so a run starts cold."""
    for sim in client.runtime.simulators.values():
        sim.log.clear()
        for other in ("identity_log", "query_log"):
            log = getattr(sim, other, None)
            if log is not None:
                log.clear()
    client.expire_cache()


def shapes(requests: Iterable[LoggedRequest], values: Iterable[str]) -> set[tuple[str, str]]:
    """(method, path) of each request, a segment equal to one of ``values`` as ``VALUE``."""
    wanted = set(values)
    found = set()
    for request in requests:
        segments = (request.raw_path or request.path).split("/")
        path = "/".join(VALUE if unquote(s) in wanted else s for s in segments)
        found.add((request.method, path))
    return found


def codes_by_alias(body: dict[str, Any]) -> dict[str, list[str]]:
    """Error codes by the first element of their path (the alias, or ``nodes``/index)."""
    found: dict[str, list[str]] = {}
    for error in body.get("errors", []):
        path = error.get("path") or ["<document>"]
        alias = "/".join(str(p) for p in path[:2]) if path[0] == "nodes" else str(path[0])
        found.setdefault(alias, []).append(error["extensions"]["code"])
    return found
