"""import-linter contract types whose vendor packages come from the registry.

The contracts in pyproject.toml name no vendor: ``forbidden_vendors`` forbids every
built-in vendor package to its ``source_modules``, ``independent_vendors`` keeps them all
independent of each other. So a vendor added by its registry line is covered without
editing pyproject.toml. Reading ``adapters.registry.BUILTIN`` loads no vendor package.

Lives with the tests, not in the product: it needs import-linter, a development tool.
"""

from __future__ import annotations

from typing import Any

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract

from adapters.registry import builtin_packages


class ForbiddenVendors(ForbiddenContract):
    """``forbidden`` with ``forbidden_modules`` = every built-in vendor package."""

    type_name = "forbidden_vendors"

    def __init__(
        self, name: str, session_options: dict[str, Any], contract_options: dict[str, Any]
    ) -> None:
        vendors = {"forbidden_modules": list(builtin_packages())}
        super().__init__(name, session_options, {**contract_options, **vendors})


class IndependentVendors(IndependenceContract):
    """``independence`` with ``modules`` = every built-in vendor package."""

    type_name = "independent_vendors"

    def __init__(
        self, name: str, session_options: dict[str, Any], contract_options: dict[str, Any]
    ) -> None:
        vendors = {"modules": list(builtin_packages())}
        super().__init__(name, session_options, {**contract_options, **vendors})
