"""The reference vendor, deliberately broken: it fetches each database by its own GET.

Its documents allow one list call per organization for any number of its databases
(``documents.MINIMUMS``); this adapter makes one detail GET per database instead, which
every answer still gets right. Only counting upstream calls can tell, and the contract
suite must: ``tests/test_contract_catches_a_broken_vendor.py`` runs it against this one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from adapters.model import DatabaseRecord, Key
from adapters.vendor_spec import ConnectionSettings
from tests.reference_vendor import mapping
from tests.reference_vendor.adapter import ReferenceAdapter
from tests.reference_vendor.sim.simulator import ReferenceSimulator
from tests.reference_vendor.spec import SPEC, upstream


class OneGetEachAdapter(ReferenceAdapter):
    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        return list(await asyncio.gather(*(self._one(k) for k in keys)))

    async def _one(self, key: Key) -> DatabaseRecord | None:
        if len(key) != 2:
            return None
        org, database = key
        body = await self._get_or_none(self.client.database(org, database))
        return None if body is None else self._map(mapping.database, org, body)


def build(settings: ConnectionSettings, simulator: ReferenceSimulator | None) -> ReferenceAdapter:
    return OneGetEachAdapter(upstream(settings, simulator))


BROKEN_SPEC = dataclasses.replace(SPEC, build=build)
