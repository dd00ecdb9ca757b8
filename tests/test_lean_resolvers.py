"""schema/lean_resolvers.py calls resolvers without strawberry's layers: every answer and
every error must be strawberry's own, and a field with an extension keeps strawberry's."""

from __future__ import annotations

import asyncio
import enum
from typing import Annotated, Any

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission
from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

from schema.build import build_schema
from schema.lean_resolvers import lean
from tests.schema_answers import answer as schema_answer


@strawberry.enum
class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


@strawberry.input
class Window:
    first: int = 10
    after_cursor: str | None = None
    shade: Shade = Shade.LIGHT


class Upper(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


class Nobody(BasePermission):
    message = "nobody may"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Child:
    name: str

    @strawberry.field
    def echo(self, text: str, times: int = 1) -> str:
        return " ".join([text] * times)

    @strawberry.field
    def parent_name(self, parent: strawberry.Parent[Any]) -> str:
        return f"parent of {parent.name}"

    @strawberry.field
    async def later(self, context_info: Info) -> str:
        await asyncio.sleep(0)
        return f"{self.name} via {context_info.field_name} at {list(context_info.path.as_list())}"

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError(f"{self.name} fails now")

    @strawberry.field
    async def fails_later(self) -> str:
        await asyncio.sleep(0)
        raise ValueError(f"{self.name} fails later")

    @strawberry.field(extensions=[Upper()])
    def shouted(self) -> str:
        return self.name

    @strawberry.field(permission_classes=[Nobody])
    def guarded(self) -> str | None:
        return "never"


class Doubling(StrawberryField):
    """A field class of its own: strawberry calls its ``get_result``."""

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        return super().get_result(source, info, args, kwargs) * 2


def _twenty_one() -> int:
    return 21


@strawberry.type
class Query:
    doubled: int = Doubling(base_resolver=StrawberryResolver(_twenty_one))

    @strawberry.field
    def named_source(self, source: str = "from") -> str:
        return source

    @strawberry.field
    def underscore_source(self, _source: str = "under") -> str:
        return _source

    @strawberry.field
    def info_argument(
        self, context: Info, info: Annotated[str, strawberry.argument(name="note")] = "n"
    ) -> str:
        return type(info).__name__

    @strawberry.field
    def info_named(self, note: Annotated[str, strawberry.argument(name="info")] = "n") -> str:
        return note

    @strawberry.field
    def children(
        self, window: Window | None = None, ids: list[strawberry.ID] | None = None
    ) -> list[Child]:
        w = window or Window()
        names = [f"c{n}-{w.shade.value}-{w.after_cursor}" for n in range(w.first)]
        return [Child(name=n) for n in names if ids is None or n in ids]

    @strawberry.field
    async def child(self, info: Info, name: str = "solo") -> Child:
        return Child(name=f"{name} ({info.field_name})")

    @strawberry.field
    @staticmethod
    def static_count(by: int = 2) -> int:
        return 21 * by

    @strawberry.field
    def root_kind(self, root: strawberry.Parent[Any]) -> str:
        return type(root).__name__


def schema(lean_too: bool) -> strawberry.Schema:
    made = strawberry.Schema(Query)
    if lean_too:
        assert lean(made._schema, made.schema_converter) > 0
    return made


LEAN, STRAWBERRY = schema(True), schema(False)

DOCUMENTS = [
    '{ children(window: {first: 2, shade: DARK, afterCursor: "x"}) { name echo(text: "hi") } }',
    '{ children(window: {first: 1}) { echo(text: "hi", times: 3) } }',
    '{ children(ids: ["c1-light-None"]) { name parentName } }',
    "{ children(window: {first: 2}) { later fails failsLater } }",
    "{ children(window: {first: 1}) { shouted guarded } }",
    '{ child { name later } a: child(name: "other") { echo(text: "x") } }',
    "{ staticCount s: staticCount(by: 3) rootKind }",
    "query($w: Window) { children(window: $w) { name } }",
    "{ doubled }",
    '{ namedSource n: namedSource(source: "given") }',
    '{ underscoreSource u: underscoreSource(Source: "given") }',
    '{ infoArgument i: infoArgument(note: "given") }',
    "{ infoNamed }",
]


def answer(made: strawberry.Schema, document: str) -> dict[str, Any]:
    return schema_answer(made, document, {"w": {"first": 1}})


@pytest.mark.parametrize("document", DOCUMENTS)
def test_answers_and_errors_are_strawberrys(document: str) -> None:
    assert answer(LEAN, document) == answer(STRAWBERRY, document)


def test_a_field_with_an_extension_or_a_permission_keeps_strawberrys_resolver() -> None:
    child = LEAN._schema.type_map["Child"]
    assert isinstance(child, GraphQLObjectType)

    kept = {
        name
        for name, field in child.fields.items()
        if getattr(field.resolve, "__name__", "") in ("_resolver", "_async_resolver")
    }

    assert kept == {"shouted", "guarded"}


def test_the_gateways_role_checked_fields_keep_strawberrys_resolver() -> None:
    gateway = build_schema()._schema
    mutation, organization = gateway.type_map["Mutation"], gateway.type_map["Organization"]
    assert isinstance(mutation, GraphQLObjectType)
    assert isinstance(organization, GraphQLObjectType)

    # a write is role-checked (a field extension): strawberry's resolver runs the check
    assert mutation.fields["createDatabase"].resolve.__name__ == "_async_resolver"
    # a read the dashboard makes for every organization takes the lean one
    assert organization.fields["databases"].resolve.__name__ == "resolve"
