"""The coverage page (docs/vendors/coverage.md) is true: its declarations (tests/coverage/)
name every operation of the documents, each exposed operation is one the gateway calls
(its vendor's declared upstream paths) and is found where the page says (the schema has
every place named), each other one says why; the page is what the declarations render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.registry import VENDORS as REGISTRY
from schema.build import build_schema
from tests.coverage import Exposure, Op
from tests.coverage.render import PAGE, VENDORS, render

#: copies of the seed documents the paths are read from (the shared folder is not on a
#: CI machine): shared/seeds/featurebase-cloud-api.txt and dbaas-api.txt, as they are
SEEDS = Path(__file__).parent / "coverage" / "seeds"
CURRENT = Path(__file__).parent / "clickhouse" / "data" / "clickhouse-cloud-openapi-2026-06.json"
_METHODS = ("get", "post", "put", "patch", "delete")


def _template(path: str) -> str:
    """A document's path as the vendor's declared templates write it: ``{x}`` per part."""
    return re.sub(r"\{[^}]+\}", "{x}", path)


def test_the_page_is_what_the_declarations_render() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "stale: python -m tests.coverage.render"


def test_clickhouse_declares_every_operation_of_the_current_spec_once() -> None:
    spec = json.loads(CURRENT.read_text())
    documented = [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in _METHODS
    ]
    declared = [(op.method, op.path) for op in VENDORS["clickhouse"][2]]
    assert len(documented) == 109
    assert sorted(declared) == sorted(documented)


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_every_exposed_operation_is_one_the_gateway_calls(vendor: str) -> None:
    templates = set(REGISTRY[vendor].paths.templates)
    for op in VENDORS[vendor][2]:
        if op.exposure is Exposure.NOT_EXPOSED or not op.path.startswith("/"):
            continue
        assert _template(op.path) in templates, (vendor, op)


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_every_operation_is_placed_or_says_why_not(vendor: str) -> None:
    schema = build_schema()._schema
    for op in VENDORS[vendor][2]:
        if op.exposure in (Exposure.NORMALIZED, Exposure.VENDOR):
            assert op.where and not op.reason, op
            for place in op.where:
                type_name, field = place.split(".")
                found = schema.get_type(type_name)
                assert found is not None and field in found.fields, (vendor, place)  # type: ignore[attr-defined]
        else:
            assert op.reason and not op.where, op


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_no_operation_is_declared_twice(vendor: str) -> None:
    declared = [(op.method, op.path, op.summary) for op in VENDORS[vendor][2]]
    with_path = [(m, p) for m, p, _ in declared if p]
    assert len(set(with_path)) == len(with_path)


def _curl_paths(text: str) -> set[str]:
    """Every path a seed's curl examples call, as a template."""
    found = set()
    for url in re.findall(r"curl [^\n]*?(https?://[^\s'\"]+)", text):
        path = re.sub(r"^https?://[^/]+", "", url) or "/"
        path = re.sub(r"/\d+(?=/|$)", "/{x}", re.sub(r"\*[^*]+\*", "{x}", path))
        found.add(_template(path))
    return found


@pytest.mark.parametrize(
    ("vendor", "seed"),
    [("featurebase", "featurebase-cloud-api.txt"), ("dbaas", "dbaas-api.txt")],
)
def test_every_path_a_seed_calls_is_declared(vendor: str, seed: str) -> None:
    declared = {_template(op.path) for op in VENDORS[vendor][2] if op.path}
    called = _curl_paths((SEEDS / seed).read_text(encoding="utf-8"))
    missing = {p for p in called if p not in declared and p.rstrip("/") + "/" not in declared}
    assert not missing - {"/"}, sorted(missing)


def test_the_astra_seeds_operation_is_declared() -> None:
    ops: tuple[Op, ...] = VENDORS["astra"][2]
    assert ("GET", "/accounts/{account_id}/core/v1/features/{feature_id}") in {
        (op.method, op.path) for op in ops
    }
