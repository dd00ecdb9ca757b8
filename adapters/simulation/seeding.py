"""A vendor's simulator(s) at a scale, found through the registry: the one place that
turns a vendor's name into its seeder (``VendorSpec.scale_seeder``).

Kept apart from ``adapters.simulation.scale``, which every vendor's seeder imports: the
registry imports every vendor, so the scale module must not import the registry.
"""

from __future__ import annotations

from typing import Any

from adapters.registry import VENDORS
from adapters.registry import vendor as registered
from adapters.simulation.scale import Scale, ScaledAccount, ScaledSimulator


def scaled_simulator(
    vendor: str, scale: Scale, *, seed: int = 0, **options: Any
) -> ScaledSimulator:
    """The vendor's simulator(s) seeded at ``scale``; ``options`` go to each constructor."""
    module = VENDORS[registered(vendor)].scale_seeder
    per_simulator = module.ORGANIZATIONS_PER_SIMULATOR or scale.organizations
    simulators: list[Any] = []
    accounts: list[ScaledAccount] = []
    for first in range(0, scale.organizations, per_simulator):
        sim = module.new_simulator(**options)
        accounts += module.seed_scale(sim, scale, seed=seed, first=first)
        simulators.append(sim)
    return ScaledSimulator(vendor, simulators, accounts, module.owns)
