"""The committed SDL is the schema the code builds, so every change shows in review."""

from __future__ import annotations

import subprocess
import sys

from schema.build import SDL_PATH, print_sdl
from schema.reference import markdown


def test_committed_sdl_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")

    assert committed == print_sdl(), (
        "schema/schema.graphql is stale: run `dbaas-gateway schema > schema/schema.graphql`"
    )


def test_committed_schema_reference_matches_the_code() -> None:
    committed = (SDL_PATH.parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")

    assert committed == markdown(), (
        "docs/schema.md is stale: run `dbaas-gateway schema --format markdown > docs/schema.md`"
    )


def test_schema_command_prints_the_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "schema"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout == print_sdl()


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    schema = __import__("schema.build", fromlist=["build_schema"]).build_schema()
    missing = []
    counted = {"types": 0, "fields": 0, "arguments": 0, "enum values": 0}
    enums = {n for n, t in schema._schema.type_map.items() if hasattr(t, "values")}
    # the federation and link specs name their own types (_Service, _Any, link__Import);
    # Query's _entities and _service are described by us (GraphiQL lists them first)
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith(("_", "link__")) or name in {"String", "Boolean", "Int", "Float", "ID"}:
            continue
        counted["types"] += 1
        if not gql_type.description:
            missing.append(name)
        for field_name, field in getattr(gql_type, "fields", {}).items():
            counted["fields"] += 1
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                counted["arguments"] += 1
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
        for value_name, value in getattr(gql_type, "values", {}).items():
            counted["enum values"] += 1
            if not value.description:
                missing.append(f"{name}.{value_name}")
    undescribed = {
        "types": sum("." not in m for m in missing),
        "fields": sum("." in m and "(" not in m and m.split(".")[0] not in enums for m in missing),
        "arguments": sum("(" in m for m in missing),
        "enum values": sum(m.split(".")[0] in enums and "(" not in m for m in missing),
    }
    print("described: " + ", ".join(f"{w} {n - undescribed[w]}/{n}" for w, n in counted.items()))

    assert missing == []
    # the walk reached what it checks: arguments of Query and Mutation, every enum
    assert counted["arguments"] >= 37
    assert counted["enum values"] >= 74
