"""Per-caller vendor credentials refused before any upstream call, with a coded error that
never repeats the credential: a token without ``vendor_credentials``, malformed or
incomplete headers, a credential no template connection takes, a template asked without
one; and template connections the configuration refuses."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, parse_config
from gateway.vendor_credentials import (
    MAX_VALUE_CHARS,
    CredentialProblem,
    header_name,
    read_credentials,
)
from tests.gateway_client import GatewayClient, error_codes
from tests.tenants_support import BFF, ORGS, PLAIN, TOKENS, ask, clickhouse, gateway, headers

SECRET = "caller-secret-Zq8Wm3Lp"


async def _refused(request_headers: dict[str, str]) -> tuple[int, dict[str, object], int]:
    """The answer to ORGS with ``request_headers`` and the upstream calls it caused."""
    async with gateway() as gw:
        status, body = await ask(gw, ORGS, request_headers)
        calls = len(gw.simulator("clickhouse").log.entries) + len(gw.simulator("dbaas").log.entries)
    assert SECRET not in str(body)
    return status, body, calls


async def test_a_token_without_the_permission_may_not_send_credentials() -> None:
    status, body, calls = await _refused(headers(PLAIN, clickhouse("acme")))

    assert (status, error_codes(body), calls) == (403, ["VENDOR_CREDENTIALS_FORBIDDEN"], 0)


async def test_an_unauthenticated_caller_with_credentials_is_refused_as_unauthenticated() -> None:
    async with gateway() as gw:
        response = await gw.http.post("/graphql", json={"query": ORGS}, headers=clickhouse("acme"))

    assert response.status_code == 401
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


BAD_HEADERS = {
    "unknown field": {"X-Credential-Clickhouse-Region": "eu"},
    "unknown vendor": {"X-Credential-Snowflake-Key": SECRET},
    "half a key": {"X-Credential-Clickhouse-Key-Id": "key-1"},
    "empty secret": {
        "X-Credential-Clickhouse-Key-Id": "k",
        "X-Credential-Clickhouse-Key-Secret": " ",
    },
    "huge secret": {
        "X-Credential-Clickhouse-Key-Id": "key-1",
        "X-Credential-Clickhouse-Key-Secret": SECRET * 200,
    },
    "two forms at once": {
        "X-Credential-Featurebase-Api-Key": SECRET,
        "X-Credential-Featurebase-Username": "peter",
    },
    "for a connection from the file": {
        "X-Credential-Dbaas-Username": "admin",
        "X-Credential-Dbaas-Password": SECRET,
    },
    "account ID not one path segment": {
        "X-Credential-Astra-Account-Id": "../../admin",
        "X-Credential-Astra-Token": SECRET,
    },
}


@pytest.mark.parametrize("problem", list(BAD_HEADERS))
async def test_malformed_credentials_are_refused_before_any_call(problem: str) -> None:
    status, body, calls = await _refused(headers(BFF, BAD_HEADERS[problem]))

    assert (status, error_codes(body), calls) == (400, ["VENDOR_CREDENTIALS_INVALID"], 0)


async def test_a_credential_header_given_twice_is_refused() -> None:
    async with gateway() as gw:
        response = await gw.http.post(
            "/graphql",
            json={"query": ORGS},
            headers=[
                ("Authorization", f"Bearer {BFF}"),
                *clickhouse("acme").items(),
                ("X-Credential-Clickhouse-Key-Secret", SECRET),
            ],
        )
        assert gw.simulator("clickhouse").log.entries == []

    assert response.status_code == 400
    assert error_codes(response.json()) == ["VENDOR_CREDENTIALS_INVALID"]
    assert SECRET not in response.text


async def test_a_template_asked_without_credentials_fails_alone_before_any_call() -> None:
    query = "{ organizations { name connection { name } } }"
    async with gateway() as gw:
        _, body = await ask(gw, query, headers(BFF))

        assert gw.simulator("clickhouse").log.entries == []
    errors = body["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["VENDOR_CREDENTIALS_REQUIRED"]
    assert errors[0]["extensions"]["connection"] == "ch"
    assert "X-Credential-Clickhouse-Key-Secret" in errors[0]["message"]
    # the connection from the file still answers
    assert [o["connection"]["name"] for o in body["data"]["organizations"]] == ["dbaas"]


def test_the_parser_never_quotes_a_value() -> None:
    for value in (SECRET + "\x01", SECRET * 100, ""):
        with pytest.raises(CredentialProblem) as refused:
            read_credentials(
                [
                    (header_name("clickhouse", "key_id"), "key-1"),
                    (header_name("clickhouse", "key_secret"), value),
                ]
            )
        assert SECRET not in str(refused.value)
    assert len(SECRET * 100) > MAX_VALUE_CHARS
    with pytest.raises(CredentialProblem, match="must be a string"):
        read_credentials([(header_name("clickhouse", "key_id"), 7)])
    with pytest.raises(CredentialProblem, match="more than"):
        read_credentials([(f"X-Credential-X-{n}", "v") for n in range(40)])


def test_a_credential_never_shows_in_its_repr() -> None:
    credentials = read_credentials(clickhouse("acme").items())

    for credential in credentials.values():
        assert all(v not in repr(credential) for v in credential.values.values())


def test_the_header_names_follow_each_vendors_fields() -> None:
    assert header_name("clickhouse", "key_id") == "X-Credential-Clickhouse-Key-Id"
    assert header_name("featurebase", "api_key") == "X-Credential-Featurebase-Api-Key"
    assert header_name("astra", "account_id") == "X-Credential-Astra-Account-Id"
    assert header_name("dbaas", "password") == "X-Credential-Dbaas-Password"


TEMPLATE = """
[[connections]]
name = "ch"
vendor = "clickhouse"
base_url = "https://api.clickhouse.cloud"
credentials = "caller"
"""
AUTH = "\n[auth]\nallow_anonymous = true\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('key_id_env = "KEY_ID"\n', "field 'key_id_env': not with credentials = \"caller\""),
        ('credentials = "both"\n', 'field \'credentials\': must be "file" or "caller"'),
    ],
)
def test_a_template_takes_no_credential_from_the_file(extra: str, expected: str) -> None:
    text = TEMPLATE.replace('credentials = "caller"\n', "") if "both" in extra else TEMPLATE
    with pytest.raises(ConfigError) as refused:
        parse_config(text + extra + AUTH, "gw.toml", {"KEY_ID": "k"})
    assert expected in str(refused.value)


def test_max_tenants_is_only_for_templates_and_simulator_accounts_never() -> None:
    file_credentials = TEMPLATE.replace(
        'credentials = "caller"', 'key_id_env = "A"\nkey_secret_env = "B"'
    )
    with pytest.raises(ConfigError, match="'max_tenants': only with credentials"):
        parse_config(file_credentials + "max_tenants = 5\n" + AUTH, "gw.toml", {"A": "a", "B": "b"})
    simulated = TEMPLATE.replace('base_url = "https://api.clickhouse.cloud"', "simulated = true")
    with pytest.raises(ConfigError, match="'simulator_account': not with credentials"):
        parse_config(simulated + 'simulator_account = "acme"\n' + AUTH, "gw.toml", {})
    with pytest.raises(ConfigError, match="'vendor_credentials': must be true or false"):
        parse_config(
            TEMPLATE + '\n[[auth.tokens]]\nname = "t"\nsha256 = "' + "a" * 64 + '"\n'
            'role = "admin"\nvendor_credentials = "yes"\n',
            "gw.toml",
            {},
        )


async def test_a_write_to_a_template_without_credentials_is_refused_before_any_call() -> None:
    database = "RGF0YWJhc2UvY2gvb3JnLTEvc2VydmljZS0x"  # Database/ch/org-1/service-1
    stop = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { name } } }"
    async with gateway() as gw:
        _, body = await ask(gw, stop, headers(BFF), {"id": database})

        assert gw.simulator("clickhouse").log.entries == []
    assert error_codes(body) == ["VENDOR_CREDENTIALS_REQUIRED"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Credential-Astra-Token", "tok\u00e9n"),  # a header goes upstream in ASCII only
        ("X-Credential-Featurebase-Api-Key", "\u00ff" * 8),
        ("X-Credential-Clickhouse-Key-Secret", "s\u00e9cret"),
    ],
)
async def test_a_credential_that_is_not_ascii_is_refused_not_an_internal_error(
    header: str, value: str
) -> None:
    vendor = header.split("-")[2].lower()
    others = {
        "astra": {"X-Credential-Astra-Account-Id": "a1b2"},
        "featurebase": {},
        "clickhouse": {"X-Credential-Clickhouse-Key-Id": "key-1"},
    }[vendor]
    sent = {**headers(BFF), **others, header: value}
    async with gateway(TEMPLATE_OF[vendor]) as gw:
        response = await gw.http.post(
            "/graphql",
            json={"query": ORGS},
            headers={k: v.encode("latin-1") for k, v in sent.items()},
        )

    assert response.status_code == 400
    assert error_codes(response.json()) == ["VENDOR_CREDENTIALS_INVALID"]
    assert "ASCII" in response.json()["errors"][0]["message"]


TEMPLATE_OF = {
    vendor: f'\n[[connections]]\nname = "{vendor}-t"\nvendor = "{vendor}"\nsimulated = true\n'
    'credentials = "caller"\n'
    for vendor in ("astra", "featurebase")
} | {"clickhouse": ""}


async def test_values_the_vendors_builder_refuses_are_a_coded_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with gateway() as gw:

        def refuse(settings: object) -> object:
            raise ValueError(f"clickhouse cannot use {SECRET}")

        monkeypatch.setattr(gw.runtime.tenants, "_build", refuse)
        status, body = await ask(gw, ORGS, headers(BFF, clickhouse("acme")))

    assert (status, error_codes(body)) == (400, ["VENDOR_CREDENTIALS_INVALID"])
    assert SECRET not in str(body)


async def test_a_credential_the_builder_refuses_never_evicts_another_tenants_client() -> None:
    """An Astra account ID of ``..`` passes the header check but not the client's: with
    every slot taken by an idle tenant, the refused credential must leave that tenant's
    client open and kept (before: dropped from the pool and never closed)."""
    from tests.test_tenants_vendors import ASTRA

    text = TEMPLATE_OF["astra"].replace(
        'credentials = "caller"', 'credentials = "caller"\nmax_tenants = 1'
    )
    orgs = '{ organizations(connection: "astra-t") { name } }'
    async with GatewayClient.from_toml(text + "[auth]\n" + TOKENS) as gw:
        status, body = await ask(gw, orgs, headers(BFF, ASTRA))
        assert status == 200 and "errors" not in body, body
        (kept,) = gw.runtime.tenants.adapters()

        bad = {**ASTRA, "X-Credential-Astra-Account-Id": ".."}
        status, body = await ask(gw, orgs, headers(BFF, bad))

        assert (status, error_codes(body)) == (400, ["VENDOR_CREDENTIALS_INVALID"])
        assert gw.runtime.tenants.adapters() == [kept]
        assert not any(http.client.is_closed for http in kept.upstreams())
        assert gw.runtime.tenants.built == 1
