"""What one benchmark run does: scale, injected latency, samples and durations."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.simulation.scale import Scale
from tests.benchmarks.minimums import OrgShape


@dataclass(frozen=True)
class Settings:
    scale: Scale = field(default_factory=lambda: Scale(2, 25))
    #: injected into every simulator answer (the dashboard and lookup scenarios)
    latency_ms: float = 20.0
    #: cold dashboard samples (after one discarded warm-up)
    samples: int = 20
    #: seconds of load per server in the warm scenario, and concurrent connections
    warm_seconds: float = 5.0
    warm_up_seconds: float = 0.5
    warm_connections: int = 16
    #: database counts of the large-list scenario, and fresh gateways per count
    large_sizes: tuple[int, int] = (1_000, 10_000)
    large_samples: int = 3
    #: gateway processes sharing one Redis, and the ClickHouse simulator's rate limit
    scaleout_processes: int = 4
    scaleout_rate_limit: str = "10/10"
    #: scenarios to run (all by default)
    only: frozenset[str] = frozenset({"dashboard", "lookup", "warm", "scaleout", "large"})

    @property
    def org(self) -> OrgShape:
        return OrgShape.of(self.scale)

    @classmethod
    def tiny(cls) -> Settings:
        """Every scenario at a size that only proves it produces its figures (the smoke
        test): nothing it measures means anything."""
        return cls(
            scale=Scale(1, 3),
            latency_ms=1.0,
            samples=1,
            warm_seconds=0.2,
            warm_up_seconds=0.05,
            warm_connections=2,
            large_sizes=(10, 100),
            large_samples=1,
            scaleout_processes=2,
        )

    @classmethod
    def quick(cls, **overrides: object) -> Settings:
        """A run of well under a minute: fewer samples, shorter load, smaller lists."""
        values: dict[str, object] = {
            "samples": 5,
            "warm_seconds": 1.5,
            "large_samples": 1,
        }
        return cls(**{**values, **overrides})  # type: ignore[arg-type]
