"""A caller's string argument that becomes an upstream query parameter stays inside it.

``ClickHouseOrganization.privateEndpointConfig(cloudProvider, region)`` is the one field
whose string arguments reach a vendor URL (as ``cloud_provider`` and ``region_id``). Given
every hostile value, the request the simulator logs has the documented path, exactly the
two documented parameters, and each parameter decodes back to the value given; a value
that cannot be sent (a control character, a lone surrogate, blank, too long) is
BAD_USER_INPUT before any call.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from adapters.upstream.url_segments import query_value
from tests.gateway_client import GatewayClient, error_codes, post_ascii
from tests.hostile_values import ALL
from tests.upstream_paths import malformed
from tests.url_safety import forget, upstream

CONFIG = """
query($provider: String!, $region: String!) {
  organizations(connection: "clickhouse-acme") {
    clickhouse { privateEndpointConfig(cloudProvider: $provider, region: $region) {
      endpointServiceId } }
  }
}
"""


def _sendable(value: str) -> bool:
    try:
        query_value(value, connection="c", vendor="clickhouse")
    except Exception:
        return False
    return True


@pytest.mark.parametrize("argument", ["provider", "region"])
@pytest.mark.parametrize("name", list(ALL))
async def test_a_hostile_argument_is_one_query_parameter_value_or_refused(
    demo: GatewayClient, argument: str, name: str
) -> None:
    value = ALL[name]
    variables = {"provider": "aws", "region": "us-east-1"} | {argument: value}
    forget(demo)

    body = await post_ascii(demo, CONFIG, variables)

    logged = upstream(demo, "clickhouse")
    assert malformed("clickhouse", logged) == []
    requests = [r for r in logged if r.path.endswith("/privateEndpointConfig")]
    if not _sendable(value):
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert requests == []
        return
    (request,) = requests
    assert parse_qs(request.query, keep_blank_values=True) == {
        "cloud_provider": [variables["provider"]],
        "region_id": [variables["region"]],
    }
    # the simulator answers what it answers for an unknown provider or region
    assert "INTERNAL" not in error_codes(body)
