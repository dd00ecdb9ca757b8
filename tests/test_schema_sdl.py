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


def test_every_type_and_field_has_a_description() -> None:
    schema = __import__("schema.build", fromlist=["build_schema"]).build_schema()
    missing = []
    # the federation and link specs name their own: _service, _entities, _Any, link__Import
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith(("_", "link__")) or name in {"String", "Boolean", "Int", "Float", "ID"}:
            continue
        if not gql_type.description:
            missing.append(name)
        for field_name, field in getattr(gql_type, "fields", {}).items():
            if not field.description and not field_name.startswith("_"):
                missing.append(f"{name}.{field_name}")

    assert missing == []
