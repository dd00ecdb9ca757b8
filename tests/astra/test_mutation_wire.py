"""What the gateway sends Astra for each mutation: the documented bodies and media types.

POST bodies follow the public OpenAPI shapes, sent as ``application/astra-<type>+json``;
PUT sends back the whole resource as read, with only the changed field different.
"""

from __future__ import annotations

import copy
from typing import Any

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from schema.ids import encode_id
from tests.astra.conftest import ACCOUNT, ACCOUNT_ID, Recorder, astra_gateway

ORGANIZATION = "{ organizations(vendor: ASTRA) { id } }"

CREATE_DATABASE = """
mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }
"""

RENAME_DATABASE = """
mutation($id: ID!) { updateDatabase(input: {id: $id, name: "orders-primary"}) { database { id } } }
"""

CREATE_BACKUP = """
mutation($id: ID!, $kind: BackupKind!) {
  createBackup(input: {databaseId: $id, name: "now", kind: $kind}) { backup { id } }
}
"""

CREATE_API_KEY = """
mutation($org: ID!, $owner: ID!) {
  createApiKey(input: {organizationId: $org, name: "laptop", ownerId: $owner}) { secret }
}
"""

INVITE_MEMBER = """
mutation($org: ID!) {
  inviteMember(input: {organizationId: $org, email: "alfred@wayne.example", role: VIEWER}) {
    invitation { id }
  }
}
"""

UPDATE_MEMBER_ROLE = """
mutation($id: ID!) { updateMemberRole(input: {id: $id, role: ADMIN}) { member { id } } }
"""

ORDERS = sd.APP_IDS["postgres-orders"]
GKE = sd.CLUSTER_GKE[0]


def _id(type_name: str, *key: str) -> str:
    return encode_id(type_name, "astra", (ACCOUNT_ID, *key))


def _fill(value: Any, org: str) -> Any:
    """``value`` with every ``"$org"`` replaced by the organization's ID."""
    if isinstance(value, dict):
        return {k: _fill(v, org) for k, v in value.items()}
    return org if value == "$org" else value


async def _run(*calls: tuple[str, dict[str, Any]]) -> tuple[AstraSimulator, Recorder]:
    """Run mutations (``$org`` is filled in) against a fresh simulator, recording writes."""
    sim = AstraSimulator()
    recorder = Recorder.install(sim)
    async with astra_gateway(sim) as gw:
        org = (await gw.data(ORGANIZATION))["organizations"][0]["id"]
        for document, variables in calls:
            await gw.data(document, _fill(variables, org))
    return sim, recorder


async def test_create_and_restore_post_the_documented_app_bodies() -> None:
    def create(name: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        astra = {"clusterId": GKE, "namespace": name} | extra
        return CREATE_DATABASE, {"input": {"organizationId": "$org", "name": name, "astra": astra}}

    backup = _id("Backup", ORDERS, "appBackups", sd.BACKUPS[0][0])
    snapshot = _id("Backup", ORDERS, "appSnaps", sd.SNAPS[0][0])

    _, recorder = await _run(
        create("plain"),
        create("from-backup", fromBackupId=backup),
        create("from-snap", fromBackupId=snapshot),
    )

    def expected(name: str) -> dict[str, Any]:
        return {
            "type": "application/astra-app",
            "version": "2.0",
            "name": name,
            "namespaceScopedResources": [{"namespace": name}],
            "clusterID": GKE,
        }

    assert recorder.bodies("POST", f"{ACCOUNT}/k8s/v2/apps") == [
        expected("plain"),
        expected("from-backup") | {"backupID": sd.BACKUPS[0][0]},
        expected("from-snap") | {"snapshotID": sd.SNAPS[0][0]},
    ]
    assert {s.content_type for s in recorder.sent} == {"application/astra-app+json"}


async def test_a_rename_puts_the_whole_app_back_with_the_new_name() -> None:
    sim = AstraSimulator()
    before = copy.deepcopy(sim.state.apps[ORDERS])
    recorder = Recorder.install(sim)
    async with astra_gateway(sim) as gw:
        await gw.data(RENAME_DATABASE, {"id": _id("Database", ORDERS)})

    (sent,) = recorder.bodies("PUT", f"{ACCOUNT}/k8s/v2/apps/{ORDERS}")
    assert sent == before | {"name": "orders-primary"}
    assert recorder.sent[0].content_type == "application/astra-app+json"


async def test_backups_and_snapshots_post_their_own_media_types() -> None:
    database = _id("Database", ORDERS)

    _, recorder = await _run(
        (CREATE_BACKUP, {"id": database, "kind": "BACKUP"}),
        (CREATE_BACKUP, {"id": database, "kind": "SNAPSHOT"}),
    )

    assert [(s.path.rsplit("/", 1)[1], s.content_type, s.body) for s in recorder.sent] == [
        (
            "appBackups",
            "application/astra-appBackup+json",
            {"type": "application/astra-appBackup", "version": "1.1", "name": "now"},
        ),
        (
            "appSnaps",
            "application/astra-appSnap+json",
            {"type": "application/astra-appSnap", "version": "1.1", "name": "now"},
        ),
    ]


async def test_a_token_post_carries_only_its_name() -> None:
    _, recorder = await _run((CREATE_API_KEY, {"org": "$org", "owner": _id("Member", sd.BRUCE)}))

    (sent,) = recorder.sent
    assert (sent.path, sent.content_type) == (
        f"{ACCOUNT}/core/v1/users/{sd.BRUCE}/tokens",
        "application/astra-apiToken+json",
    )
    assert sent.body == {"type": "application/astra-apiToken", "version": "1.1", "name": "laptop"}


async def test_an_invitation_posts_a_user_then_its_role_binding() -> None:
    sim, recorder = await _run((INVITE_MEMBER, {"org": "$org"}))

    user, binding = recorder.sent
    assert (user.content_type, user.body) == (
        "application/astra-user+json",
        {"type": "application/astra-user", "version": "1.2", "email": "alfred@wayne.example"},
    )
    new_user = next(u["id"] for u in sim.state.users.values() if u["email"] == user.body["email"])
    assert (binding.content_type, binding.body) == (
        "application/astra-roleBinding+json",
        {
            "type": "application/astra-roleBinding",
            "version": "1.1",
            "principalType": "user",
            "userID": new_user,
            "role": "viewer",
            "roleConstraints": ["*"],
        },
    )


async def test_a_role_change_puts_the_whole_binding_back() -> None:
    sim = AstraSimulator()
    binding_id = "b1d00000-0000-4000-8000-000000000003"  # Barbara's
    before = copy.deepcopy(sim.state.role_bindings[binding_id])
    recorder = Recorder.install(sim)
    async with astra_gateway(sim) as gw:
        await gw.data(UPDATE_MEMBER_ROLE, {"id": _id("Member", sd.BARBARA)})

    (sent,) = recorder.sent
    assert (sent.method, sent.path) == ("PUT", f"{ACCOUNT}/core/v1/roleBindings/{binding_id}")
    assert sent.body == before | {"role": "admin"}
