"""Per-connection resilience: request deadlines, retry backoff, and the circuit breaker.

The upstream HTTP policy (``adapters.upstream.http``) consults these around every call:

- a **deadline** (contextvar set per GraphQL request) bounds every upstream call and every
  wait (concurrency slot, pacing, backoff), so a slow vendor cannot hold a request past it;
- **backoff** is exponential with full jitter, never shorter than the vendor's Retry-After;
- the **breaker** opens after consecutive failures of a connection (transport errors,
  timeouts, 5xx), fails calls fast for a cool-down, then lets one probe through; its
  snapshot is what ``connections { health }`` and ``/readyz`` show.
"""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

#: monotonic time by which the current GraphQL request must be answered (None: no limit)
current_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "current_deadline", default=None
)


def remaining(clock: Callable[[], float] = time.monotonic) -> float | None:
    """Seconds left before the current request's deadline, or None without one."""
    deadline = current_deadline.get()
    return None if deadline is None else deadline - clock()


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None,
    rng: random.Random,
) -> float:
    """Delay before retry number ``attempt`` (1-based): full jitter, at least Retry-After."""
    jittered = rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
    return max(jittered, retry_after or 0.0)


class BreakerState(StrEnum):
    CLOSED = "CLOSED"  # calls flow
    OPEN = "OPEN"  # calls fail fast until the cool-down ends
    HALF_OPEN = "HALF_OPEN"  # one probe is in flight; its outcome decides


@dataclass(frozen=True)
class HealthSnapshot:
    state: BreakerState
    consecutive_failures: int
    last_error: str | None
    latency_ms: float | None
    #: seconds until an open breaker lets a probe through
    retry_in: float | None


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self.clock = clock
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.last_error: str | None = None
        self.latency_ms: float | None = None
        self._opened_at = 0.0
        self._probe_out = False

    def allow(self) -> bool:
        """May a call go out now? In HALF_OPEN exactly one (the probe) may."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if self.clock() - self._opened_at < self.cooldown:
                return False
            self.state = BreakerState.HALF_OPEN
            self._probe_out = False
        if self._probe_out:
            return False
        self._probe_out = True
        return True

    def retry_in(self) -> float | None:
        if self.state is not BreakerState.OPEN:
            return None
        return max(0.0, self.cooldown - (self.clock() - self._opened_at))

    def record_success(self, latency_ms: float) -> None:
        self.latency_ms = latency_ms
        self.consecutive_failures = 0
        self.state = BreakerState.CLOSED
        self._probe_out = False

    def record_failure(self, error: str) -> None:
        self.last_error = error
        self.consecutive_failures += 1
        if (
            self.state is BreakerState.HALF_OPEN
            or self.consecutive_failures >= self.failure_threshold
        ):
            self.state = BreakerState.OPEN
            self._opened_at = self.clock()
        self._probe_out = False

    def release_probe(self) -> None:
        """The probe ended without a verdict (cancelled): let another one try."""
        self._probe_out = False

    def snapshot(self) -> HealthSnapshot:
        self.allow_peek()
        return HealthSnapshot(
            self.state,
            self.consecutive_failures,
            self.last_error,
            self.latency_ms,
            self.retry_in(),
        )

    def allow_peek(self) -> None:
        """Move OPEN to HALF_OPEN once the cool-down is over, without taking the probe."""
        if self.state is BreakerState.OPEN and self.clock() - self._opened_at >= self.cooldown:
            self.state = BreakerState.HALF_OPEN
            self._probe_out = False
