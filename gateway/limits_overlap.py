"""Same-named fields in one selection set, counted before graphql-core validates them.

graphql-core's ``OverlappingFieldsCanBeMerged`` compares every pair of fields that answer
under one name in a selection set (fields of its inline fragments and of the fragments it
spreads included): its work grows with the square of their number. A 5,000-token document
repeating one field 714 times kept the event loop busy for 4.8-7.6 s; 400 aliases of one
field with different arguments, 4.4 s. This check runs before validation (a schema
extension's ``on_validate``, which validation then skips when it refuses) and counts the
pairs the rule would compare, each fragment's names counted once per document; over
``MAX_FIELD_PAIRS`` is QUERY_TOO_COMPLEX, and nothing else is validated or run.

Counted the way the rule pairs fields: in each selection set of the document, fields
answering under the same name (alias, else field name), with inline fragments and spread
fragments flattened into it, each fragment once however often it is spread there (the
rule collects fragment names as a set). Fragments on other types are counted too: the
rule compares them before it finds their types exclusive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.language import Visitor, visit
from strawberry.extensions import SchemaExtension

from gateway.limits import LimitCode
from gateway.limits_document import FragmentMemo, fragments_of

#: about 100 fields under one name (5,050 pairs: 58 ms to validate 100 copies of ``id``
#: here); a component-built query whose 40 fragments each ask for ``id`` and ``name`` of
#: one object compares 1,726
MAX_FIELD_PAIRS = 5_000

#: a name counted past this is over the limit whatever else: counts stay small numbers
_CAP = MAX_FIELD_PAIRS + 1


def _capped(counts: Counter[str]) -> Counter[str]:
    return Counter({name: min(n, _CAP) for name, n in counts.items()})


class _Names:
    """The response names of a selection set, flattened through its fragments."""

    def __init__(self, document: DocumentNode) -> None:
        none: Counter[str] = Counter()
        self.fragment: FragmentMemo[Counter[str]] = FragmentMemo(
            fragments_of(document), lambda f: self.of(f.selection_set), none
        )
        # the visitor asks again for the selection sets of inline fragments
        self._known: dict[int, Counter[str]] = {}

    def of(self, selection_set: SelectionSetNode) -> Counter[str]:
        known = self._known.get(id(selection_set))
        if known is None:
            known = self._known[id(selection_set)] = self._count(selection_set)
        return known

    def _count(self, selection_set: SelectionSetNode) -> Counter[str]:
        counts: Counter[str] = Counter()
        spread: dict[str, None] = {}
        self._collect(selection_set, counts, spread)
        for name in spread:  # each fragment once, however often it is spread here
            counts.update(self.fragment(name))
        return _capped(counts)

    def _collect(
        self, selection_set: SelectionSetNode, counts: Counter[str], spread: dict[str, None]
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                counts[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                self._collect(selection.selection_set, counts, spread)
            elif isinstance(selection, FragmentSpreadNode):
                spread[selection.name.value] = None


class _Pairs(Visitor):
    def __init__(self, document: DocumentNode) -> None:
        super().__init__()
        self.names = _Names(document)
        self.pairs = 0

    def enter_selection_set(self, node: SelectionSetNode, *_args: object) -> None:
        self.pairs += sum(n * (n - 1) // 2 for n in self.names.of(node).values() if n > 1)


def field_pairs(document: DocumentNode) -> int:
    """How many pairs of same-named fields validation would compare (about)."""
    pairs = _Pairs(document)
    visit(document, pairs)
    return pairs.pairs


def overlap_refusal(document: DocumentNode) -> GraphQLError | None:
    pairs = field_pairs(document)
    if pairs <= MAX_FIELD_PAIRS:
        return None
    return GraphQLError(
        f"the document repeats fields under one name too often ({pairs} pairs of "
        f"same-named fields to compare; the limit is {MAX_FIELD_PAIRS}): ask for each "
        "field once",
        extensions={"code": LimitCode.QUERY_TOO_COMPLEX.value},
    )


class OverlapLimit(SchemaExtension):
    """Refuses, before validation, a document whose same-named fields are too many."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            error = overlap_refusal(context.graphql_document)
            if error is not None:
                # strawberry validates only where no extension has already decided
                context.pre_execution_errors = [error]
        yield
