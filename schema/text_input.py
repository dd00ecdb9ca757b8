"""Variables that hold no text: strings with a lone surrogate, refused before execution.

JSON lets a client send ``"\\ud800"``, an escape for half of a UTF-16 pair; Python decodes
it into a string that cannot be encoded as UTF-8. Passed on, the first vendor request body
built from it fails inside the HTTP client, an INTERNAL error. Such a value is no text, so
the request is refused with BAD_USER_INPUT naming the variable before anything runs. (In
the document itself a lone surrogate is already a syntax error; an ID holding one is
refused by ``schema.ids``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from adapters.errors import ErrorCode


def unencodable(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path of the first string in ``value`` that UTF-8 cannot encode, else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        found = unencodable(item, (*path, str(key)))
        if found is not None:
            return found
    return None


class RefuseUnencodableVariables(SchemaExtension):
    """Answers BAD_USER_INPUT instead of executing when a variable holds no text."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        path = unencodable(context.variables or {})
        if path is not None:
            name = "$" + ".".join(path)
            context.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"variable {name} holds a lone surrogate (\\uD800-\\uDFFF): not text",
                        extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": name},
                    )
                ],
            )
        yield
