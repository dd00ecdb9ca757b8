"""Depth and aliases of a document, each fragment measured once.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk a fragment again at
every spread of it, so a fragment that spreads the next one twice doubles their work at
each level: 21 levels (under 1 KB) kept the event loop busy for seconds. This rule
measures each fragment once per document (``FragmentMemo``) and adds its measure at every
spread, so its work grows with the document's size, while the numbers it judges are the
ones strawberry's validators judged:

- depth: fields with a selection set on the longest path of an operation, introspection
  fields (``__schema``, ``__type``) not counted; over ``max_depth`` is QUERY_TOO_DEEP,
  once per operation;
- aliases: aliased fields of every operation with each spread expanded (a fragment with
  two aliases spread three times counts six); over ``max_aliases`` is TOO_MANY_ALIASES.

Counts saturate at ``CAP``: an expanded count can have hundreds of digits, and the
number goes into a JSON error that JavaScript clients read as a double.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.language.visitor import SKIP, VisitorAction

from gateway.limits import LimitCode

#: the largest count reported exactly (2**53 - 1, JavaScript's largest exact integer);
#: far above any useful limit, so a saturated count is refused whatever the limit
CAP = 2**53 - 1

T = TypeVar("T")


def saturated(value: int) -> int:
    return min(value, CAP)


def amount(value: int) -> str:
    """A count for a message: exact below ``CAP``, else a lower bound."""
    return str(value) if value < CAP else f"more than {CAP - 1}"


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class FragmentMemo(Generic[T]):
    """Each fragment's measure, computed at most once per walk of a document.

    A spread of an unknown fragment, or of one whose measure is being computed (a cycle),
    counts as ``empty``: validation refuses such documents (KnownFragmentNamesRule,
    NoFragmentCyclesRule), this only keeps the walk finite.
    """

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        measure: Callable[[FragmentDefinitionNode], T],
        empty: T,
    ) -> None:
        self._fragments = fragments
        self._measure = measure
        self._empty = empty
        self._known: dict[str, T] = {}
        self._open: set[str] = set()

    def __call__(self, name: str) -> T:
        if name in self._known:
            return self._known[name]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._open:
            return self._empty
        self._open.add(name)
        try:
            value = self.measure(fragment)
        finally:
            self._open.discard(name)
        self._known[name] = value
        return value

    def measure(self, fragment: FragmentDefinitionNode) -> T:
        """The one computation of a fragment's measure (the tests count these calls)."""
        return self._measure(fragment)


class Shape(NamedTuple):
    depth: int
    aliases: int


_FLAT = Shape(0, 0)


class _ShapeWalker:
    def __init__(self, document: DocumentNode) -> None:
        self.fragment = FragmentMemo(
            fragments_of(document), lambda f: self.selections(f.selection_set), _FLAT
        )

    def selections(self, selection_set: SelectionSetNode) -> Shape:
        depth = aliases = 0
        for selection in selection_set.selections:
            inner = _FLAT
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    aliases += 1
                if selection.selection_set is not None:
                    inner = self.selections(selection.selection_set)
                    if not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + inner.depth)
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selections(selection.selection_set)
                depth = max(depth, inner.depth)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                depth = max(depth, inner.depth)
            aliases = saturated(aliases + inner.aliases)
        return Shape(depth, aliases)


def shape_rule(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """The validation rule of these limits (built once per limits: the validation cache
    keys on the rules)."""

    class ShapeLimits(ValidationRule):
        def __init__(self, context: Any) -> None:
            super().__init__(context)
            self.walker = _ShapeWalker(context.document)
            self.aliases = 0

        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            try:
                shape = self.walker.selections(node.selection_set)
            except RecursionError:  # graphql-core aborts long before, at 200 levels
                self._refuse(LimitCode.QUERY_TOO_DEEP, "the document is nested too deeply", node)
                return SKIP
            if shape.depth > max_depth:
                name = node.name.value if node.name else "anonymous"
                message = f"'{name}' exceeds maximum operation depth of {max_depth}"
                self._refuse(LimitCode.QUERY_TOO_DEEP, message, node)
            self.aliases = saturated(self.aliases + shape.aliases)
            return SKIP  # the walker has seen it all, fragments included

        def enter_fragment_definition(self, *_args: Any) -> VisitorAction:
            return SKIP  # measured where they are spread

        def leave_document(self, *_args: Any) -> None:
            if self.aliases > max_aliases:
                message = f"{amount(self.aliases)} aliases found. Allowed: {max_aliases}"
                self._refuse(LimitCode.TOO_MANY_ALIASES, message, None)

        def _refuse(self, code: LimitCode, message: str, node: Any) -> None:
            self.report_error(GraphQLError(message, node, extensions={"code": code.value}))

    return ShapeLimits
