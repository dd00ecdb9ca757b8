"""``@record``: a dataclass frozen to the type checker, built as fast as a plain one.

A ``@dataclass(frozen=True)`` sets each field in ``__init__`` through
``object.__setattr__`` (its own ``__setattr__`` refuses every write): a call per field,
about 85 ns against 18 for the plain store a mutable dataclass makes, so a 14-field
record took 1.19 us to build instead of 0.26. A cold dashboard builds about 1,400 of
them (a record per listed item, its vendor details, a page, a cached response): with
``@record``, its gateway CPU fell by a median 3.3 ms, 6%, over 100 paired dashboards.

What ``frozen`` promised stays promised where it is enforced for this code base: mypy
(in CI) reads ``@record`` as frozen (``dataclass_transform(frozen_default=True)``) and
refuses any assignment to a field. At run time a field could be written; nothing here
writes one, and mypy keeps it so. Equality and hashing are the frozen dataclass's: over
the fields compared, ``raw`` and the like left out. A record stays a value to share
between resolvers and requests, and ``dataclasses.replace`` makes the changed copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    # unsafe_hash: the hash frozen=True gave (eq and frozen), over the same fields
    return dataclass(unsafe_hash=True)(cls)
