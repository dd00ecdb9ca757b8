"""Which documents' answers the gateway's answer cache (``gateway.answers``) may keep.

A field's value must follow from what the request read through the upstream cache (which
the read log stamps), the caller and the configuration. The fields below show something
else, so a document that selects one is executed every time.
"""

from __future__ import annotations

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

#: schema coordinate -> why its value cannot be kept
NEVER_KEPT: dict[str, str] = {
    "VendorConnection.health": "the circuit breaker's state now, held by no cache entry",
    "DatabaseCredential.password": "a secret: read on demand and never kept anywhere",
}


def keepable(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the answer of ``operation_name`` in ``document`` (a query, valid) may be
    kept: it is a query and nothing in the document selects a field of ``NEVER_KEPT``."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return False
    finder = _NeverKept(TypeInfo(schema))
    visit(document, TypeInfoVisitor(finder.type_info, finder))
    return not finder.found


class _NeverKept(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> object:
        parent = self.type_info.get_parent_type()
        if parent is not None and f"{parent.name}.{node.name.value}" in NEVER_KEPT:
            self.found = True
            return BREAK
        return None
