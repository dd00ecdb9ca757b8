"""How the simulator moves a database through the docs' ``database_status`` values.

A write starts a transition along one path of the seed's status table: create walks
CREATING -> PROVISIONING -> RUNNING ("Following CREATING, system then provisions ..."),
delete DELETING -> DEPROVISIONING -> DELETED, start UPDATING -> RUNNING and stop UPDATING
-> STOPPED. The docs have no starting or stopping status, so both pass through UPDATING
("being updated"); they have no stopped one either, so a stop ends in the project's
assumed STOPPED (``seed_data.STOPPED``).

Without ``transition_seconds`` a transition waits for ``settle()``; with it, a transition
takes that many seconds on the simulator's clock, its steps evenly spread, and is
evaluated whenever the state is read (no background task).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.featurebase.sim.seed_data import STOPPED, Json

CREATE = ("CREATING", "PROVISIONING", "RUNNING")
DELETE = ("DELETING", "DEPROVISIONING", "DELETED")
START = ("UPDATING", "RUNNING")
STOP = ("UPDATING", STOPPED)


@dataclass(frozen=True)
class Transition:
    path: tuple[str, ...]
    started_at: float

    def status_at(self, elapsed: float, duration: float) -> str:
        if elapsed >= duration:
            return self.path[-1]
        steps = len(self.path) - 1
        return self.path[min(int(elapsed / duration * steps), steps - 1)]


class Lifecycle:
    """The transitions writes started, by database ID; seeded states never move by time."""

    def __init__(self, clock: Callable[[], float], transition_seconds: float | None) -> None:
        if transition_seconds is not None and transition_seconds < 0:
            raise ValueError("transition_seconds must be >= 0")
        self.clock = clock
        self.transition_seconds = transition_seconds
        self._running: dict[str, Transition] = {}

    def begin(self, database: Json, path: tuple[str, ...]) -> None:
        database["database_status"] = path[0]
        self._running[database["id"]] = Transition(path, self.clock())
        self.advance({database["id"]: database})

    def advance(self, databases: dict[str, Json]) -> None:
        """Bring every timed transition to where the clock says it is."""
        duration = self.transition_seconds
        if duration is None:
            return
        now = self.clock()
        for database_id, transition in list(self._running.items()):
            database = databases.get(database_id)
            if database is None:
                continue
            status = transition.status_at(now - transition.started_at, duration)
            database["database_status"] = status
            if status == transition.path[-1]:
                del self._running[database_id]

    def finish(self, databases: dict[str, Json]) -> None:
        """End every transition where its path ends (``settle()``)."""
        for database_id, transition in self._running.items():
            if database_id in databases:
                databases[database_id]["database_status"] = transition.path[-1]
        self._running.clear()

    def forget(self, database_id: str) -> None:
        """Stop timing one database's transition: its status was set by hand."""
        self._running.pop(database_id, None)
