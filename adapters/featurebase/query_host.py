"""The query host, ``https://query.featurebase.com/v2``: a database's metrics
(``GET /databases/{id}/metrics``, OpenMetrics text), read through the connection's own
credentials and the same upstream policy (``UpstreamHttp``) as the API host.

SQL and PQL live on this host too and are not sent: they are data-plane queries that
also write, and their answers are table rows (docs/vendors/featurebase.md).
"""

from __future__ import annotations

from adapters.base import HttpAdapter
from adapters.details import FeatureBaseMetrics
from adapters.errors import ErrorCode, UpstreamError
from adapters.featurebase import openmetrics
from adapters.model import Key
from adapters.upstream.http import UpstreamHttp
from adapters.upstream.url_segments import segment

DEFAULT_QUERY_URL = "https://query.featurebase.com/v2"
#: samples answered at most: a few families per node is the seed's example; far above it
MAX_SAMPLES = 1000


class FeatureBaseQueryHost(HttpAdapter):
    """Mixed into ``FeatureBaseAdapter``; ``query_http`` is None when not configured."""

    query_http: UpstreamHttp | None

    async def _pair(self, key: Key, what: str) -> tuple[str, str]:
        raise NotImplementedError

    async def get_database_metrics(
        self, database: Key, names: frozenset[str] | None
    ) -> FeatureBaseMetrics | None:
        """The database's metrics; None when the query host says it has none (its 404:
        unknown, or not running)."""
        http = self.query_http
        if http is None:
            return None
        _, database_id = await self._pair(database, "database")
        part = segment(database_id, connection=http.connection.name, vendor="featurebase")
        try:
            response = await http.get(f"/databases/{part}/metrics")
        except UpstreamError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return None
            raise
        return openmetrics.parse(http.text(response), names, MAX_SAMPLES)
