"""Execution with a short way for plain leaf fields.

Most of an answer is plain leaf fields: an attribute of a record, a scalar or an enum
(a database's name, a backup's status). graphql-core executes each one like any field:
it builds a resolve info, calls strawberry's resolver, checks the result for an
awaitable and dispatches on the type to complete it, about a quarter of executing a
dashboard answer. Here a field strawberry marks basic (no resolver, no extension: its
value is the attribute) whose type is a leaf is read and coerced directly, as
``complete_leaf_value`` does. A list of objects whose selection is only such fields (a
database's backups with their IDs, states and times) is completed in one loop, one dict
per item, with no completion, path or field grouping per item.

Anything else, and any value the short way cannot complete, goes the whole way, which
reports it as it always did: null for a non-null field, a value the type refuses, an
attribute that raises, a value or list item that is an error or an awaitable (the whole
way raises or awaits it), an item ``is_type_of`` refuses or cannot tell. A list falls back
whole; its items are read again, so a property with side effects runs twice there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import CoroutineType, GeneratorType
from typing import Any, cast

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import AwaitableOrValue, Path, is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types import base_scalars

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
#: the name of strawberry's resolver of a basic field; another name (a later strawberry)
#: takes every field the whole way, never a field the short way should not take
BASIC_RESOLVER = "_get_basic_result"


#: field name -> (how strawberry reads it, the attribute, how its type coerces a value
#: for output, whether null is refused)
PlainLeaves = dict[str, tuple[Callable[[Any, str], Any], str, Callable[[Any], Any], bool]]


def plain_leaves(parent_type: GraphQLObjectType) -> PlainLeaves:
    """The fields of ``parent_type`` whose value is an attribute of a leaf type."""
    found: PlainLeaves | None = parent_type.__dict__.get("_dbaas_plain_leaves")
    if found is not None:
        return found
    found = {}
    for name, field in parent_type.fields.items():
        definition = (field.extensions or {}).get(DEFINITION_BACKREF)
        # basic: no resolver and no field extension (a role check is one), and strawberry
        # gave it its resolver for basic fields, which reads the attribute and nothing else
        # (schema_converter.from_resolver); a field with an extension keeps its own
        if (
            definition is None
            or not definition.is_basic_field
            or getattr(field.resolve, "__name__", "") != BASIC_RESOLVER
            or field.args
        ):
            continue
        field_type = field.type
        refuses_null = isinstance(field_type, GraphQLNonNull)
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if is_leaf_type(field_type):
            read = definition.default_resolver
            found[name] = (read, definition.python_name, _coercion(field_type), refuses_null)
    parent_type._dbaas_plain_leaves = found  # type: ignore[attr-defined]
    return found


#: a list's items as the short way completes them: (each response name and how its
#: leaf is read, whether an item may be null, the type's ``is_type_of`` or None)
PlainItems = tuple[tuple[tuple[str, tuple[Any, ...]], ...], bool, Any]


class PlainLeafExecution(StrawberryGraphQLCoreExecutionContext):
    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        """A list of objects whose selection is only plain leaves (a database's backups
        with their IDs, states and times) is completed here, each item one dict, with no
        completion, path or field grouping per item; anything the short way cannot
        complete takes the whole list the whole way."""
        if type(items) is list or type(items) is tuple:
            plan = self._plain_items(item_type, field_details_list)
            if plan is not None:
                done = _plain_items(items, plan, info)
                if done is not None:
                    return done
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _plain_items(
        self, item_type: GraphQLOutputType, field_details_list: Any
    ) -> PlainItems | None:
        cache: dict[Any, Any] = self.__dict__.setdefault("_dbaas_plain_items", {})
        key = (item_type, id(field_details_list))
        if key in cache:
            return cast("PlainItems | None", cache[key][1])
        plan = self._plan_items(item_type, field_details_list)
        cache[key] = (field_details_list, plan)  # the list kept alive: its id stays its own
        return plan

    def _plan_items(
        self, item_type: GraphQLOutputType, field_details_list: Any
    ) -> PlainItems | None:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return None  # resolve hooks (tracing) see every field
        nullable = not isinstance(item_type, GraphQLNonNull)
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not isinstance(object_type, GraphQLObjectType):
            return None
        if any(d.node.directives or d.defer_usage is not None for d in field_details_list):
            return None  # @stream, @defer: incremental delivery goes the whole way
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        plain = plain_leaves(object_type)
        fields: list[tuple[str, tuple[Any, ...]]] = []
        for response_name, details in grouped.items():
            known = plain.get(details[0].node.name.value)
            if known is None or any(d.defer_usage is not None for d in details):
                return None
            fields.append((response_name, known))
        return tuple(fields), nullable, object_type.is_type_of

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            # resolve hooks (tracing) see every field: the whole way for all
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain = plain_leaves(parent_type)
        if not plain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        rest: dict[str, Any] = {}
        done: dict[str, Any] = {}
        for response_name, field_details_list in grouped_field_set.items():
            known = plain.get(field_details_list[0].node.name.value)
            if known is not None:
                value = _leaf(source_value, *known)
                if value is not Undefined:
                    done[response_name] = value
                    continue
            rest[response_name] = field_details_list
        if not rest:
            return done
        executed = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(executed):
            return _merged_later(grouped_field_set, done, executed)
        return _merged(grouped_field_set, done, executed)  # type: ignore[arg-type]


def _plain_items(
    items: Sequence[Any], plan: PlainItems, info: GraphQLResolveInfo
) -> list[Any] | None:
    """Each item's dict of plain leaves, or None where the whole way must report something
    (a null the type refuses, a leaf the short way cannot complete, a wrong type or one
    ``is_type_of`` cannot tell, an item that is an error or an awaitable)."""
    fields, nullable, is_type_of = plan
    done: list[Any] = []
    for item in items:
        if item is None:
            if not nullable:
                return None
            done.append(None)
            continue
        if type(item) not in _SETTLED and _unsettled(item):
            return None  # an error the whole way raises, an awaitable it awaits
        if is_type_of is not None:
            try:
                told = is_type_of(item, info)
            except Exception:
                return None  # the whole way reports it as this item's error
            if told is not True:
                if isinstance(told, CoroutineType):
                    told.close()  # an answer later: the whole way asks again and awaits it
                return None
        completed: dict[str, Any] = {}
        for name, known in fields:
            value = _leaf(item, *known)
            if value is Undefined:
                return None
            completed[name] = value
        done.append(completed)
    return done


def _coercion(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """``leaf_type.coerce_output_value``; for a strawberry enum, by one lookup of the
    member (strawberry compares it with every value in turn), the same name; for a
    datetime, its text remembered (``_datetime_text``)."""
    coerce = leaf_type.coerce_output_value
    if coerce is base_scalars.isoformat:  # strawberry's Date, DateTime and Time
        return _datetime_text(coerce)
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not isinstance(leaf_type, GraphQLEnumType) or wrapped is None:
        return coerce
    names: dict[Any, str] = {}
    for member in wrapped:
        for name, value in leaf_type.values.items():
            if member.value == value.value:
                names.setdefault(member, name)
                break

    def by_member(value: Any) -> Any:
        if type(value) is wrapped:
            found = names.get(value)
            if found is not None:
                return found
        return coerce(value)

    return by_member


#: how many datetimes' texts ``_datetime_text`` keeps (then it starts over)
DATETIME_TEXTS = 4096


def _datetime_text(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``isoformat`` remembered for the datetime objects it was given: with a time zone
    it takes about 0.9 us, and a listing's timestamps are the same objects request after
    request (``adapters.timeparse`` reads each text once), 438 on the cold dashboard.
    Each object is kept with its text, so its ``id`` names it and no other; a datetime
    does not change. Dates and times (the other scalars ``isoformat`` writes) and
    subclasses go to ``coerce`` each time."""
    texts: dict[int, tuple[datetime, Any]] = {}

    def remembered(value: Any) -> Any:
        if type(value) is not datetime:
            return coerce(value)
        kept = texts.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        text = coerce(value)
        if len(texts) >= DATETIME_TEXTS:
            texts.clear()
        texts[id(value)] = (value, text)
        return text

    return remembered


def _leaf(
    source: Any,
    read: Callable[[Any, str], Any],
    attribute: str,
    coerce: Callable[[Any], Any],
    refuses_null: bool,
) -> Any:
    """The completed value, or Undefined where the whole way must report something."""
    try:
        value = read(source, attribute)
    except Exception:
        return Undefined
    if value is None or value is Undefined:  # the whole way's null, both
        return Undefined if refuses_null else None
    if type(value) not in _SETTLED and _unsettled(value):
        return Undefined
    try:
        coerced = coerce(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


#: types whose values are neither errors nor awaitables (see ``_unsettled``)
_SETTLED: set[type] = {str, int, float, bool}
#: types whose values answer attribute lookups their own way: each value is asked
_ASKED: set[type] = set()
#: how builtin types look an attribute up: a type that looks up as one of these and has no
#: ``__getattr__`` or ``__class__`` of its own answers ``__await__`` as its type does
_PLAIN_LOOKUPS = frozenset(
    kind.__getattribute__
    for kind in (object, str, int, float, date, datetime, Decimal, dict, list, tuple)
)


def _unsettled(value: Any) -> bool:
    """Whether the whole way would raise ``value`` (an error held as a value, in
    ``complete_value``) or await it (``execute_field``, ``complete_iterable_value``:
    graphql-core's ``is_awaitable``), where a leaf's coercion could answer its ``str`` (a
    custom error, a future) or the object itself (JSON). Told once per type, except for a
    type that looks attributes up its own way (``__getattr__``: it may answer
    ``__await__``), whose every value is asked as the whole way asks it."""
    kind = type(value)
    if kind in _SETTLED:
        return False
    if kind in _ASKED:
        return isinstance(value, Exception) or is_awaitable(value)
    if issubclass(kind, Exception | CoroutineType | GeneratorType) or hasattr(kind, "__await__"):
        return True
    if kind.__getattribute__ not in _PLAIN_LOOKUPS or any(
        "__getattr__" in base.__dict__ or "__class__" in base.__dict__ for base in kind.__mro__[:-1]
    ):
        _ASKED.add(kind)
        return isinstance(value, Exception) or is_awaitable(value)
    _SETTLED.add(kind)
    return False


def _merged(order: Any, done: dict[str, Any], executed: dict[str, Any]) -> dict[str, Any]:
    """Both parts in the document's order (the answer's keys keep it)."""
    merged: dict[str, Any] = {}
    for name in order:
        if name in done:
            merged[name] = done[name]
        elif name in executed:
            merged[name] = executed[name]
    return merged


async def _merged_later(order: Any, done: dict[str, Any], executed: Any) -> dict[str, Any]:
    return _merged(order, done, await executed)
