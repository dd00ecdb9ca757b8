"""The kinds table (schema/kinds.py) is the one list of what the schema fetches: every
Node type is one of its kinds, and no adapter method name is built from a string."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from strawberry.types.base import StrawberryObjectDefinition

from adapters.errors import ErrorCode, GatewayError
from schema.build import build_schema
from schema.ids import decode_id, encode_id
from schema.kinds import DBAAS_ENVIRONMENT, DBAAS_PROJECT, NODE_KINDS, Kind, NodeKind, node_kind
from schema.nodes import NODE_CLASSES

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def test_every_node_kind_has_one_node_type_of_its_name() -> None:
    schema = build_schema()

    assert set(NODE_CLASSES) == set(NODE_KINDS)
    for kind, cls in NODE_CLASSES.items():
        definition = schema.get_type_by_name(kind.type_name)
        assert isinstance(definition, StrawberryObjectDefinition), kind
        assert definition.origin is cls and cls.KIND is kind


def test_a_type_name_names_one_kind() -> None:
    names = [kind.type_name for kind in NODE_KINDS]

    assert len(set(names)) == len(names)
    assert all(node_kind(kind.type_name) is kind for kind in NODE_KINDS)


@pytest.mark.parametrize("kind", [DBAAS_ENVIRONMENT, DBAAS_PROJECT])
def test_the_id_of_an_object_that_is_no_node_does_not_decode(kind: Kind[Any]) -> None:
    assert not isinstance(kind, NodeKind)
    value = encode_id(kind.type_name, "dbaas", ("1",))

    with pytest.raises(GatewayError) as caught:
        decode_id(value)

    assert caught.value.code is ErrorCode.BAD_USER_INPUT


def _attribute_names_built_at_run_time(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr", "setattr"}
            and len(node.args) >= 2
            and not isinstance(node.args[1], ast.Constant)
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_schema_names_every_attribute_it_reads_in_code() -> None:
    # an attribute name computed at run time (getattr(adapter, f"get_{kind}s")) is a typo
    # neither mypy nor a test sees until a query takes that path
    found = [
        where
        for path in sorted(SCHEMA_DIR.rglob("*.py"))
        for where in _attribute_names_built_at_run_time(path)
    ]

    assert found == []
