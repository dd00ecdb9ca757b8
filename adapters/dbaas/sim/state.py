"""What the DBaaS simulator serves, and how a new database comes to life.

Plain dicts keyed by id, as a Django app's rows: records refer to each other by id
(``database["plan"] == 1``) and URLs are built only when rendering, from the host the
client called. Credentials point at their database; a database's ``credentials`` list is
derived from them.

A database created through the API reports the notes' optional ``status``: 2
(initializing) until its creation finishes, then 1 (alive). Creations finish when a test
calls ``finish_creations()`` with no bound, or, when the simulator has a transition time,
once that much of its clock has passed (checked when a request comes in).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from adapters.dbaas.sim.seed_data import DEMO_ACCOUNTS

Record = dict[str, Any]

RESOURCES = ("database", "credential", "plan", "environment", "project")

#: the vendor notes' ``status`` codes this simulator moves databases through
STATUS_ALIVE = 1
STATUS_INITIALIZING = 2


@dataclass
class DBaaSState:
    """Everything the simulator serves, as plain dicts keyed by id."""

    environments: dict[int, Record] = field(default_factory=dict)
    plans: dict[int, Record] = field(default_factory=dict)
    projects: dict[int, Record] = field(default_factory=dict)
    databases: dict[int, Record] = field(default_factory=dict)
    credentials: dict[int, Record] = field(default_factory=dict)
    # username -> {"username", "password"[, "role": "read_only"]}; read_only gets 403 on writes.
    accounts: dict[str, dict[str, str]] = field(
        default_factory=lambda: copy.deepcopy(DEMO_ACCOUNTS)
    )
    next_ids: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESOURCES, 1))
    #: database id -> when its creation began, for databases still initializing
    creating: dict[int, datetime] = field(default_factory=dict)

    def table(self, resource: str) -> dict[int, Record]:
        return {
            "database": self.databases,
            "credential": self.credentials,
            "plan": self.plans,
            "environment": self.environments,
            "project": self.projects,
        }[resource]

    def new_id(self, resource: str, wanted: int | None = None) -> int:
        """Next auto id, like a database sequence; an explicit id also advances it."""
        new = self.next_ids[resource] if wanted is None else wanted
        if new in self.table(resource):
            raise ValueError(f"{resource} {new} already exists")
        self.next_ids[resource] = max(self.next_ids[resource], new + 1)
        return new

    def credentials_of(self, database_id: int) -> list[Record]:
        return sorted(
            (c for c in self.credentials.values() if c["database"] == database_id),
            key=lambda c: c["id"],
        )

    # ----- lifecycle --------------------------------------------------------------------

    def begin_creation(self, database: Record, now: datetime) -> None:
        database["extra"]["status"] = STATUS_INITIALIZING
        self.creating[database["id"]] = now

    def finish_creations(self, begun_by: datetime | None = None) -> None:
        """Databases whose creation began at or before ``begun_by`` (all: None) are alive."""
        for database_id, began in list(self.creating.items()):
            if begun_by is not None and began > begun_by:
                continue
            del self.creating[database_id]
            database = self.databases.get(database_id)
            if database is not None:  # deleted meanwhile: nothing left to finish
                database["extra"]["status"] = STATUS_ALIVE
