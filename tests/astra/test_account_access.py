"""Astra account access beyond the normalized model (issue 21 item 9), end to end: one
credential's metadata and a new credential (its content sent once to Astra, never answered,
logged or kept), role bindings read one by one and removed, a user renamed and suspended.
Bad input is refused before any upstream call; operators and viewers cannot write."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from schema.ids import encode_id
from tests.astra.conftest import (
    ACCOUNT,
    ACCOUNT_ID,
    assert_bad_input,
    astra_gateway,
    astra_toml,
    upstream_writes,
)
from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, token_table
from tests.gateway_client import GatewayClient, error_codes
from tests.leak_guard import GUARD

ORG = encode_id("Organization", "astra", (ACCOUNT_ID,))
BINDING_OF_BARBARA = "b1d00000-0000-4000-8000-000000000003"

CREDENTIAL = """query($id: String!) { organizations { astra {
  credential(nativeId: $id) { nativeId name keyType valid createdAt } } } }"""
BINDINGS = """{ organizations { astra {
  roleBindings { nativeId principalType userId groupId role roleConstraints }
  one: roleBinding(nativeId: "b1d00000-0000-4000-8000-000000000003") { nativeId role userId }
  none: roleBinding(nativeId: "b1d00000-0000-4000-8000-0000000000ff") { nativeId } } } }"""
CREATE_CREDENTIAL = """mutation($input: CreateAstraCredentialInput!) {
  createAstraCredential(input: $input) { credential { nativeId name keyType valid } } }"""
DELETE_BINDING = """mutation($input: DeleteAstraRoleBindingInput!) {
  deleteAstraRoleBinding(input: $input) { deletedBindingId } }"""
UPDATE_USER = """mutation($input: UpdateAstraUserInput!) {
  updateAstraUser(input: $input) { member { nativeId name state vendorState role raw } } }"""

#: a kubeconfig no answer, log line or kept record may ever carry
KUBECONFIG = "apiVersion: v1\nkind: Config\nusers: [{name: ci, user: {token: kc-s3cr3t-7Qx}}]\n"
KUBECONFIG_B64 = base64.b64encode(KUBECONFIG.encode()).decode()
GUARD.add("a test kubeconfig's token", "kc-s3cr3t-7Qx")
GUARD.add("a test kubeconfig, base64", KUBECONFIG_B64)


def member_id(user_id: str) -> str:
    return encode_id("Member", "astra", (ACCOUNT_ID, user_id))


def _credential_input(**change: Any) -> dict[str, Any]:
    return {
        "organizationId": ORG,
        "name": "gke-ci-kubeconfig",
        "keyType": "kubeconfig",
        "keyStore": [{"name": "base64", "value": KUBECONFIG_B64}],
        **change,
    }


# -- credentials -----------------------------------------------------------------------


async def test_one_credential_is_read_by_id_without_its_content(astra: GatewayClient) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    s3 = next(c for c in sim.state.credentials.values() if c["keyType"] == "s3")
    sim.log.clear()

    data = await astra.data(CREDENTIAL, {"id": s3["id"]})
    missing = await astra.data(CREDENTIAL, {"id": "c0000000-0000-4000-8000-0000000000ff"})

    (org,) = data["organizations"]
    assert org["astra"]["credential"]["name"] == "backup-bucket-s3"
    assert org["astra"]["credential"]["keyType"] == "s3"
    assert missing["organizations"][0]["astra"]["credential"] is None
    assert sim.log.count("GET", f"{ACCOUNT}/core/v1/credentials/{s3['id']}") == 1


async def test_a_credential_is_stored_and_its_content_never_comes_back(
    astra: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    caplog.set_level(logging.DEBUG)

    body = await astra.post(CREATE_CREDENTIAL, {"input": _credential_input()})

    assert "errors" not in body, body
    made = body["data"]["createAstraCredential"]["credential"]
    assert made["name"] == "gke-ci-kubeconfig" and made["keyType"] == "kubeconfig"
    assert sim.state.credential_data[made["nativeId"]] == {"base64": KUBECONFIG_B64}
    assert KUBECONFIG_B64 not in str(body) and KUBECONFIG_B64 not in caplog.text
    # read again: metadata only, as for every stored credential
    again = await astra.data(CREDENTIAL, {"id": made["nativeId"]})
    assert again["organizations"][0]["astra"]["credential"]["name"] == "gke-ci-kubeconfig"
    assert KUBECONFIG_B64 not in str(astra.cached_entries())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "input.name"),
        ({"keyType": "kube config"}, "input.keyType"),
        ({"keyStore": []}, "input.keyStore"),
        ({"keyStore": [{"name": "base64", "value": "not base64!"}]}, "input.keyStore.0.value"),
        ({"keyStore": [{"name": "base64", "value": ""}]}, "input.keyStore.0.value"),
        ({"keyStore": [{"name": "a b", "value": "YQ=="}]}, "input.keyStore.0.name"),
        (
            {"keyStore": [{"name": "k", "value": "YQ=="}, {"name": "k", "value": "Yg=="}]},
            "input.keyStore",
        ),
        ({"keyStore": [{"name": "base64", "value": "QUFB" * 40_000}]}, "input.keyStore"),
    ],
)
async def test_a_bad_credential_is_refused_before_any_call(
    astra: GatewayClient, change: dict[str, Any], field: str
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(CREATE_CREDENTIAL, {"input": _credential_input(**change)})

    assert_bad_input(body, field)
    assert sim.log.count() == 0


async def test_a_vendor_error_quoting_the_content_has_it_cut_out() -> None:
    """A hostile vendor that echoes the request body back in its problem detail."""
    sim = AstraSimulator()
    inner = sim.app

    async def echoing(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and "credentials" in scope["path"]:
            chunks = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            sent = b"".join(chunks).decode()
            detail = f"bad keyStore in {sent} ({KUBECONFIG})"
            problem = {
                "type": "https://astra.netapp.io/problems/9",
                "title": "Invalid JSON resource",
                "detail": detail,
                "status": "400",
            }
            payload = json.dumps(problem).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/problem+json")],
                }
            )
            await send({"type": "http.response.body", "body": payload})
            return
        await inner(scope, receive, send)

    sim.app = echoing  # type: ignore[assignment]
    async with astra_gateway(sim) as gw:
        body = await gw.post(CREATE_CREDENTIAL, {"input": _credential_input()})

    assert error_codes(body) == ["BAD_USER_INPUT"], body  # the vendor's 400
    text = str(body)
    assert KUBECONFIG_B64 not in text and "kc-s3cr3t-7Qx" not in text
    assert "[redacted]" in text


# -- role bindings ---------------------------------------------------------------------


async def test_role_bindings_are_listed_and_read_one_by_one(astra: GatewayClient) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    (org,) = (await astra.data(BINDINGS))["organizations"]

    bindings = org["astra"]["roleBindings"]
    group = next(b for b in bindings if b["principalType"] == "group")
    assert group["groupId"] == sd.LDAP_GROUP_ID
    assert org["astra"]["one"] == {
        "nativeId": BINDING_OF_BARBARA,
        "role": "member",
        "userId": sd.BARBARA,
    }
    assert org["astra"]["none"] is None
    assert sim.log.count("GET", f"{ACCOUNT}/core/v1/roleBindings/{BINDING_OF_BARBARA}") == 1


async def test_removing_a_binding_leaves_the_user_without_that_role(
    astra: GatewayClient,
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    input = {"organizationId": ORG, "bindingId": BINDING_OF_BARBARA}

    data = await astra.data(DELETE_BINDING, {"input": input})

    assert data["deleteAstraRoleBinding"]["deletedBindingId"] == BINDING_OF_BARBARA
    assert BINDING_OF_BARBARA not in sim.state.role_bindings
    assert sd.BARBARA in sim.state.users
    member = await astra.data(
        "query($id: ID!) { node(id: $id) { ... on Member { role vendorRole } } }",
        {"id": member_id(sd.BARBARA)},
    )
    assert member["node"]["vendorRole"] is None


async def test_removing_a_missing_binding_is_the_vendors_not_found(
    astra: GatewayClient,
) -> None:
    missing = "b1d00000-0000-4000-8000-0000000000ff"
    body = await astra.post(
        DELETE_BINDING, {"input": {"organizationId": ORG, "bindingId": missing}}
    )

    assert error_codes(body) == ["NOT_FOUND"]


async def test_a_binding_of_another_account_names_nothing_and_costs_no_call(
    astra: GatewayClient,
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    other = encode_id("Organization", "astra", ("00000000-0000-4000-8000-000000000000",))
    sim.log.clear()

    body = await astra.post(
        DELETE_BINDING, {"input": {"organizationId": other, "bindingId": BINDING_OF_BARBARA}}
    )

    assert error_codes(body) == ["NOT_FOUND"]
    assert upstream_writes(sim) == 0


# -- users -----------------------------------------------------------------------------


async def test_a_user_is_renamed_suspended_and_resumed(astra: GatewayClient) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    barbara = member_id(sd.BARBARA)

    renamed = await astra.data(UPDATE_USER, {"input": {"id": barbara, "firstName": "Babs"}})
    suspended = await astra.data(UPDATE_USER, {"input": {"id": barbara, "suspended": True}})
    resumed = await astra.data(UPDATE_USER, {"input": {"id": barbara, "suspended": False}})

    assert renamed["updateAstraUser"]["member"]["name"] == "Babs Gordon"
    assert suspended["updateAstraUser"]["member"]["state"] == "SUSPENDED"
    assert resumed["updateAstraUser"]["member"]["vendorState"] == "active"
    assert resumed["updateAstraUser"]["member"]["role"] == "MEMBER"
    assert sim.log.count("PUT", f"{ACCOUNT}/core/v1/users/{sd.BARBARA}") == 3
    assert sim.state.users[sd.BARBARA]["email"] == "barbara.gordon@wayne-enterprises.example"


async def test_a_pending_user_is_not_suspended(astra: GatewayClient) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(UPDATE_USER, {"input": {"id": member_id(sd.DICK), "suspended": True}})

    assert error_codes(body) == ["CONFLICT"]
    assert upstream_writes(sim) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({}, "input"),
        ({"firstName": " "}, "input.firstName"),
        ({"lastName": "x" * 64}, "input.lastName"),
    ],
)
async def test_a_bad_user_change_is_refused_before_any_call(
    astra: GatewayClient, change: dict[str, Any], field: str
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(UPDATE_USER, {"input": {"id": member_id(sd.BARBARA), **change}})

    assert_bad_input(body, field)
    assert sim.log.count() == 0


# -- who may ---------------------------------------------------------------------------

SECURED = (
    astra_toml()
    + token_table("dashboard", VIEWER, "viewer")
    + token_table("ops", OPERATOR, "operator")
    + token_table("root", ADMIN, "admin")
)


@pytest.mark.parametrize(
    ("document", "input"),
    [
        (CREATE_CREDENTIAL, _credential_input()),
        (DELETE_BINDING, {"organizationId": ORG, "bindingId": BINDING_OF_BARBARA}),
        (UPDATE_USER, {"id": member_id(sd.BARBARA), "suspended": True}),
    ],
)
async def test_only_admins_write(document: str, input: dict[str, Any]) -> None:
    sim = AstraSimulator()
    async with astra_gateway(sim, SECURED) as gw:
        for token in (VIEWER, OPERATOR):
            body = await answer(gw, token, document, {"input": input})
            assert error_codes(body) == ["FORBIDDEN"], body
        assert upstream_writes(sim) == 0
        done = await answer(gw, ADMIN, document, {"input": input})
    assert "errors" not in done, done
    assert upstream_writes(sim) == 1


async def test_another_vendors_own_mutation_is_not_supported_before_any_call(
    astra: GatewayClient,
) -> None:
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(
        """mutation($input: CreateFeatureBaseUserInput!) {
          createFeatureBaseUser(input: $input) { member { id } } }""",
        {"input": {"organizationId": ORG, "firstName": "A", "lastName": "B"}},
    )

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert sim.log.count() == 0
