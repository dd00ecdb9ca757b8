"""The Astra simulator's asynchronous work: states that change by themselves after a write.

Astra answers a write at once (201 or 204) and finishes the work later: a managed app goes
``pending`` -> ``ready``, a restored one ``provisioning`` -> ``ready``, a backup or snapshot
``pending`` -> ``running`` -> ``completed``, and a deleted backup ``deleting`` -> gone. Each
resource has a queue of steps. With ``seconds`` None a step happens only when a test calls
``settle()``; with a number each step happens that many seconds (on ``clock``) after the
previous one, evaluated lazily by ``advance()`` whenever the simulator answers a request.
Part of the simulator (written from the docs), not of the adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Resource = dict[str, Any]


@dataclass
class Step:
    """One change: set ``changes`` on the resource, or drop it with ``remove``."""

    changes: Resource = field(default_factory=dict)
    #: makes the resource disappear (its store entry is deleted)
    remove: Callable[[], object] | None = None
    #: runs when the step happens, for values known only then (timestamps)
    then: Callable[[Resource], None] | None = None


@dataclass
class Work:
    resource: Resource
    steps: list[Step]
    since: float  # when the current step began


class Transitions:
    """Every unfinished piece of work, keyed by resource ID."""

    def __init__(self, seconds: float | None, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self._work: dict[str, Work] = {}

    def start(self, resource: Resource, *steps: Step) -> None:
        """Begin new work on ``resource``, replacing whatever it had left to do."""
        self._work[resource["id"]] = Work(resource, list(steps), self.clock())

    def cancel(self, resource_id: str) -> None:
        self._work.pop(resource_id, None)

    def pending(self, resource_id: str) -> bool:
        return resource_id in self._work

    def advance(self) -> None:
        """Apply every step whose time has come (none when ``seconds`` is None)."""
        if self.seconds is None:
            return
        now = self.clock()
        for resource_id, work in list(self._work.items()):
            while work.steps and now - work.since >= self.seconds:
                self._apply(work.resource, work.steps.pop(0))
                work.since += self.seconds
            if not work.steps:
                self._work.pop(resource_id, None)

    def settle(self) -> None:
        """Finish every piece of work now, whatever the clock says."""
        for work in self._work.values():
            for step in work.steps:
                self._apply(work.resource, step)
        self._work.clear()

    @staticmethod
    def _apply(resource: Resource, step: Step) -> None:
        resource.update(step.changes)
        if step.then is not None:
            step.then(resource)
        if step.remove is not None:
            step.remove()
