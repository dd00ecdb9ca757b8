"""What a vendor's documents say, declared as data next to its code.

Each vendor package has a ``documents.py`` with the request paths its API offers, the
error statuses and bodies it documents, the shape of its API for call counts
(``adapters.minimums``) and an example write; its ``VendorSpec`` carries them. The gateway
does not act on them: the contract suite (``tests/contract``) holds every adapter to its
vendor's declaration, and each vendor's docs page shows it (``tests/test_vendor_docs.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: a path template's placeholder: exactly one path segment
SEGMENT = "{x}"


@dataclass(frozen=True)
class DocumentedPaths:
    """Every request path the vendor documents, and the query parameters the gateway
    sends. A request to anything else is a bug or an attack that reshaped a URL."""

    #: ``/v1/organizations/{x}/services``: ``{x}`` is one path segment
    templates: tuple[str, ...]
    query_params: frozenset[str] = frozenset()

    def matches(self, path: str) -> bool:
        """Whether a decoded request path is one of the templates."""
        return any(pattern.fullmatch(path) for pattern in _patterns(self.templates))


def _patterns(templates: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(re.escape(t).replace(re.escape(SEGMENT), "[^/]+")) for t in templates]


@dataclass(frozen=True)
class ErrorExample:
    """One documented error answer, and what the gateway must read from it."""

    status: int
    body: Mapping[str, Any]
    #: text the caller's error message must contain
    message: str
    vendor_code: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class DocumentedErrors:
    """The statuses the vendor documents answering, and one example of each error body
    shape it documents. Each status becomes the code of ``adapters.errors.code_for_status``;
    the simulator answers an injected status in the vendor's own shape (its ``render_error``)."""

    statuses: tuple[int, ...]
    shapes: tuple[ErrorExample, ...]


@dataclass(frozen=True)
class WriteExample:
    """An ``updateDatabase`` the vendor accepts on one of its demo databases, and one its
    documented rules refuse before any upstream call: what the contract suite writes, and
    the docs page's example. None in a spec: the vendor cannot update a database."""

    #: the name of the demo database both apply to
    database: str
    #: the input besides ``id``; applied, it changes the database's ``raw``
    valid: Mapping[str, Any]
    #: the input besides ``id``; refused with BAD_USER_INPUT before any upstream call
    invalid: Mapping[str, Any]
