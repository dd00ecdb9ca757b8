"""The DBaaS API's remaining writes and lists (issue 21 item 10): credentials created and
deleted, projects created, renamed and deleted, and environments and projects listed
whether or not a database references them. Through the ``DBaaSManagement`` protocol of
``adapters.base``; names are checked first (the vendor's CharFields: not blank), IDs are
digits (``DBaaSClient``), a credential's database is one of this connection's."""

from __future__ import annotations

from adapters.base import HttpAdapter
from adapters.dbaas import mapping
from adapters.dbaas.client import DBaaSClient
from adapters.details import DBaaSEnvironment, DBaaSProject
from adapters.model import CredentialRecord, Key


class DBaaSManagement(HttpAdapter):
    client: DBaaSClient

    def _text(self, value: str, field: str) -> str:
        if not value.strip():
            raise self.invalid((field,), "may not be blank")
        return value.strip()

    def _one(self, key: Key, field: str) -> str:
        if len(key) != 1:
            raise self.invalid((field,), "names nothing on this connection")
        return key[0]

    async def list_dbaas_environments(self) -> list[DBaaSEnvironment]:
        return [
            self._map(mapping.environment, e) for e in await self.client.list_all("environment")
        ]

    async def list_dbaas_projects(self) -> list[DBaaSProject]:
        return [self._map(mapping.project, p) for p in await self.client.list_all("project")]

    async def create_credential(
        self, database: Key, user: str
    ) -> tuple[CredentialRecord, str | None]:
        """``POST /api/credential/`` ``{user, database}``: the answer shows the password once."""
        body = {
            "user": self._text(user, "user"),
            "database": self.client.path("database", self._one(database, "database")),
        }
        answer = await self.client.create("credential", body)
        return self._map(mapping.credential, answer), mapping.password(answer)

    async def delete_credential(self, credential: Key) -> None:
        await self.client.delete("credential", self._one(credential, "id"))

    async def create_project(self, name: str) -> DBaaSProject:
        answer = await self.client.create("project", {"name": self._text(name, "name")})
        return self._map(mapping.project, answer)

    async def rename_project(self, project: str, name: str) -> DBaaSProject:
        answer = await self.client.update("project", project, {"name": self._text(name, "name")})
        return self._map(mapping.project, answer)

    async def delete_project(self, project: str) -> None:
        await self.client.delete("project", project)
