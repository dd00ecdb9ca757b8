"""What the FeatureBase mutation tests share: seeded IDs as global IDs, and call counts."""

from __future__ import annotations

from typing import Any

from adapters.featurebase.sim.seed_data import ORG_ID
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from schema.ids import encode_id

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

#: the seeded databases by name: ID suffix as in seed_data.seed
DATABASES = {
    "analytics-prod": 1,  # RUNNING, AWS, owner Peter
    "new-ingest": 3,  # CREATING
    "gcp-experiment": 12,  # RUNNING on a GCP shape
    "tps-reports": 13,  # RUNNING, AWS, owner Bill
}
REVOKED_KEY_ID = "ae000000-0000-4000-8000-000000000003"  # "old laptop", Peter's
SAMIR_KEY_ID = "ae000000-0000-4000-8000-000000000002"  # "ci pipeline"
VIEWER_SECRET = "fb5ec000-0000-4000-8000-000000000005"  # Milton's key; role Viewer

#: a connection through the key of Milton, whose only role is Viewer (no owner rights)
VIEWER_TOML = """
[[connections]]
name = "fb-viewer"
vendor = "featurebase"
simulated = true
api_key_env = "FB_VIEWER_KEY"
"""
VIEWER_ENV = {"FB_VIEWER_KEY": VIEWER_SECRET}


def gid(type_name: str, *key: str, connection: str = "fb-key") -> str:
    return encode_id(type_name, connection, key)


def org_gid(connection: str = "fb-key") -> str:
    return gid("Organization", ORG_ID, connection=connection)


def database_native_id(name: str) -> str:
    return f"db000000-0000-4000-8000-{DATABASES[name]:012d}"


def database_gid(name: str, connection: str = "fb-key") -> str:
    return gid("Database", ORG_ID, database_native_id(name), connection=connection)


def member_gid(user_id: str, connection: str = "fb-key") -> str:
    return gid("Member", ORG_ID, user_id, connection=connection)


def key_gid(key_id: str, connection: str = "fb-key") -> str:
    return gid("ApiKey", ORG_ID, key_id, connection=connection)


def upstream_writes(sim: FeatureBaseSimulator) -> int:
    return sum(sim.log.count(method) for method in WRITE_METHODS)


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    """The one GraphQL error of a failed mutation (its data is null)."""
    assert body["data"] is None, body
    (error,) = body["errors"]
    return dict(error)
