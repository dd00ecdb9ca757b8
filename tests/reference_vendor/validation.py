"""The reference vendor's documented rules, checked before any upstream call."""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.commands import UpdateDatabase
from adapters.errors import InvalidInputError

#: "a name is 1 to 40 letters, digits and '-'"
NAME = re.compile(r"[A-Za-z0-9-]{1,40}")

Invalid = Callable[[tuple[str, ...], str], InvalidInputError]


def new_name(command: UpdateDatabase, invalid: Invalid) -> str:
    """The name an update sets: the only thing an update can change."""
    if command.name is None:
        raise invalid(("name",), "required: a name is the only thing an update changes")
    if not NAME.fullmatch(command.name):
        raise invalid(("name",), f"must be 1 to 40 letters, digits and '-' (got {command.name!r})")
    return command.name
