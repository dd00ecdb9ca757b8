"""schema/execution.py reads plain leaf fields directly: every answer and every error must
be what graphql-core's whole way gives, the order of the answer's keys included."""

from __future__ import annotations

import asyncio
import enum
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from graphql import Undefined
from strawberry.extensions import FieldExtension
from strawberry.scalars import JSON

from schema.execution import PlainLeafExecution, plain_leaves
from tests.schema_answers import answer as schema_answer


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Broken:
    @property
    def value(self) -> str:
        raise RuntimeError("the attribute raises")


class Hidden(FieldExtension):
    """As a role check does: the attribute is there, the caller does not get it."""

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        raise PermissionError("not for you")


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    count: int | None
    color: Color
    maybe_color: Color | None
    at: datetime | None
    tags: list[str]
    required: str  # some items hold None here: a non-null field's error
    scale: float
    secret: str | None = strawberry.field(default="s3cret", extensions=[Hidden()])

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self) -> str:
        return self.name + "!"


class Refusal(Exception):
    """An error of the gateway's own, held where a leaf's value should be: the whole way
    raises it (a str of it, or the object itself for JSON, would be an answer)."""


@strawberry.type
class Held:
    """Values a leaf's attribute may hold that are not yet values: an error, an awaitable
    (the whole way awaits it) and graphql-core's Undefined (the whole way's null)."""

    name: str | None
    data: JSON | None = None


class Gone(Exception):
    """An error held as a list's item, with the attribute a field reads."""

    name = "gone"


async def later_held(name: str) -> Held:
    if name == "raises":
        raise Refusal("refused later")
    return Held(name=name)


@strawberry.type
class Picky:
    """A type that tells its own objects, and cannot tell some."""

    name: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        if getattr(obj, "name", None) == "unsure":
            raise ValueError("cannot tell")
        return isinstance(obj, cls)


@strawberry.type
class Pondering:
    """A type whose ``is_type_of`` answers later (graphql-core awaits it)."""

    name: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> Any:
        async def tell() -> bool:
            return isinstance(obj, cls)

        return tell()


class Loose(dict[str, Any]):
    """A value answering every attribute (``__await__`` too, with None): graphql-core's
    ``is_awaitable`` calls it awaitable, and the whole way fails awaiting it."""

    __getattr__ = dict.get


class LooseLabel:
    def __init__(self, text: str) -> None:
        self.text = text

    def __getattr__(self, name: str) -> Any:
        return None

    def __str__(self) -> str:
        return self.text


class LooseRow:
    """An ORM-like row read as a Held: an attribute it lacks is None."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return None


def later_value(value: Any) -> Any:
    future = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


@strawberry.type
class Odd:
    @strawberry.field
    def broken(self) -> Item | None:
        return Broken()  # type: ignore[return-value]

    wrong_enum: Color
    wrong_int: int


def item(n: int, required: str | None = "yes") -> Item:
    return Item(
        id=strawberry.ID(f"i{n}"),
        name=f"item {n}",
        count=n if n % 2 else None,
        color=Color.RED if n % 2 else Color.BLUE,
        maybe_color=None,
        at=datetime(2026, 1, n + 1, tzinfo=UTC),
        tags=["a", "b"],
        required=required,  # type: ignore[arg-type]
        scale=n / 3,
    )


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [item(n) for n in range(3)]

    @strawberry.field
    async def later_items(self) -> list[Item]:
        return [item(n) for n in range(3)]

    @strawberry.field
    def holey(self) -> list[Item | None]:
        return [item(0), item(1, required=None), item(2)]

    @strawberry.field
    def gappy(self) -> list[Item | None]:
        return [item(0), None, item(2)]

    @strawberry.field
    def gap_refused(self) -> list[Item]:
        return [item(0), None, item(2)]  # type: ignore[list-item]

    @strawberry.field
    def mixed(self) -> list[Item]:
        return [item(0), Odd(wrong_enum=Color.RED, wrong_int=1)]  # type: ignore[list-item]

    @strawberry.field
    def held_error(self) -> list[Held]:
        return [Held(name="ok"), Held(name=Refusal("refused"), data=Refusal("too"))]

    @strawberry.field
    def held_error_one(self) -> Held:
        return Held(name=Refusal("refused"), data=Refusal("too"))

    @strawberry.field
    async def held_later(self) -> list[Held]:
        return [Held(name=later_value("soon"), data=later_value({"a": 1}))]

    @strawberry.field
    async def held_later_one(self) -> Held:
        return Held(name=later_value("soon"), data=later_value({"a": 1}))

    @strawberry.field
    def held_undefined(self) -> list[Held]:
        return [Held(name=Undefined, data=Undefined)]

    @strawberry.field
    def held_undefined_one(self) -> Held:
        return Held(name=Undefined, data=Undefined)

    @strawberry.field
    def held_items(self) -> list[Held | None]:
        return [Held(name="ok"), Gone()]  # type: ignore[list-item]

    @strawberry.field
    def held_later_items(self) -> list[Held | None]:
        return [later_held("ok"), later_held("raises")]  # type: ignore[list-item]

    @strawberry.field
    def picky(self) -> list[Picky | None]:
        return [Picky(name="sure"), Picky(name="unsure"), Picky(name="sure")]

    @strawberry.field
    def pondering(self) -> list[Pondering]:
        return [Pondering(name="a"), Pondering(name="b")]

    @strawberry.field
    def loose(self) -> list[Held]:
        return [Held(name=LooseLabel("label"), data=Loose(a=1))]  # type: ignore[arg-type]

    @strawberry.field
    def loose_one(self) -> Held:
        return Held(name=LooseLabel("label"), data=Loose(a=1))  # type: ignore[arg-type]

    @strawberry.field
    def loose_rows(self) -> list[Held]:
        return [LooseRow(name="row")]  # type: ignore[list-item]

    @strawberry.field
    def odd(self) -> Odd:
        return Odd(wrong_enum="green", wrong_int="x")  # type: ignore[arg-type]


PLAIN = strawberry.Schema(Query, execution_context_class=PlainLeafExecution)
WHOLE = strawberry.Schema(Query)

DOCUMENTS = [
    "{ items { id name count color maybeColor at tags required scale upper later } }",
    "{ items { upper n: name id name again: name color } laterItems { later id at } }",
    "{ holey { id required name } }",
    "{ items { name secret id } }",
    "{ odd { wrongEnum } }",
    "{ odd { wrongInt } }",
    "{ odd { broken { name } } }",
    "{ items { __typename name ... on Item { count name } ...F } } fragment F on Item { id }",
    "query($yes: Boolean!) { items { name @include(if: $yes) id @skip(if: $yes) color } }",
    # lists of objects of plain leaves only: each item one dict, or the whole list the
    # whole way where one item cannot be completed so
    "{ items { id name count color maybeColor at required scale } }",
    "{ items { a: name b: name ... on Item { id } } }",
    "{ gappy { id name } }",
    "{ gapRefused { id name } }",
    "{ mixed { id name } }",
    "{ holey { id name } }",
    # a leaf's attribute holding an error, an awaitable or Undefined
    "{ heldError { name } }",
    "{ heldError { data } }",
    "{ heldErrorOne { name data } }",
    "{ heldLater { name data } }",
    "{ heldLaterOne { name data } }",
    "{ heldUndefined { name data } }",
    "{ heldUndefinedOne { name data } }",
    # a list's item that is an error or an awaitable, with the fields selected or none
    "{ heldItems { name } }",
    "{ heldItems { ... @skip(if: true) { name } } }",
    "{ heldLaterItems { name } }",
    "{ heldLaterItems { ... @skip(if: true) { name } } }",
    # an item's is_type_of raising: that item's error, at its path
    "{ picky { name } }",
    # an is_type_of answering later: the whole way awaits it (none left unawaited)
    "{ pondering { name } }",
    # values and items answering every attribute, ``__await__`` too
    "{ loose { name } }",
    "{ loose { data } }",
    "{ looseOne { name } }",
    "{ looseOne { data } }",
    "{ looseRows { name data } }",
]


def answer(schema: strawberry.Schema, document: str) -> dict[str, Any]:
    return schema_answer(schema, document, {"yes": True})


@pytest.mark.parametrize("document", DOCUMENTS)
def test_answers_and_errors_are_those_of_the_whole_way(document: str) -> None:
    assert answer(PLAIN, document) == answer(WHOLE, document)


def test_a_field_with_an_extension_keeps_it() -> None:
    result = asyncio.run(PLAIN.execute("{ items { name secret } }"))

    assert result.errors and {e.message for e in result.errors} == {"not for you"}
    assert result.data is not None
    assert all(i["secret"] is None for i in result.data["items"])


def test_only_attributes_of_a_leaf_type_take_the_short_way() -> None:
    item_type = PLAIN._schema.type_map["Item"]

    plain = set(plain_leaves(item_type))

    # a list, and fields with resolvers, go the whole way
    assert plain == {"id", "name", "count", "color", "maybeColor", "at", "required", "scale"}


def test_a_list_of_plain_leaves_completes_no_object_the_whole_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed: list[str] = []
    whole = PlainLeafExecution.complete_object_value

    def counted(self: PlainLeafExecution, return_type: Any, *rest: Any) -> Any:
        completed.append(return_type.name)
        return whole(self, return_type, *rest)

    monkeypatch.setattr(PlainLeafExecution, "complete_object_value", counted)

    short = answer(PLAIN, "{ items { id name color } }")
    assert completed == []
    assert short == answer(WHOLE, "{ items { id name color } }")
    answer(PLAIN, "{ items { id upper } }")  # a resolver field: the whole way
    assert completed == ["Item"] * 3
