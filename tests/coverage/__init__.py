"""Vendor coverage, operation by operation: every operation a vendor's documents describe,
and where the gateway exposes it (a normalized field or mutation, a vendor-specific one,
used internally), or why not. ``python -m tests.coverage`` writes docs/vendors/coverage.md;
``tests/test_coverage.py`` checks the declarations against the documents (every operation
of ClickHouse's 2026-06 OpenAPI, the seed texts' paths), against the vendor's declared
upstream paths (what is exposed is called) and against the schema (every place named
exists), and the page against the declarations."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Exposure(StrEnum):
    NORMALIZED = "normalized"
    VENDOR = "vendor-specific"
    #: called by the gateway inside other operations (logging in, finding the caller)
    INTERNAL = "used internally"
    NOT_EXPOSED = "not exposed"


@dataclass(frozen=True)
class Op:
    method: str
    #: the path as the document writes it; "" where the document names no path
    path: str
    summary: str
    exposure: Exposure
    #: schema coordinates (``Type.field``) for exposed operations; the reason otherwise
    where: tuple[str, ...] = ()
    reason: str = ""


def n(method: str, path: str, summary: str, *where: str) -> Op:
    return Op(method, path, summary, Exposure.NORMALIZED, where)


def v(method: str, path: str, summary: str, *where: str) -> Op:
    return Op(method, path, summary, Exposure.VENDOR, where)


def i(method: str, path: str, summary: str, reason: str) -> Op:
    return Op(method, path, summary, Exposure.INTERNAL, reason=reason)


def x(method: str, path: str, summary: str, reason: str) -> Op:
    return Op(method, path, summary, Exposure.NOT_EXPOSED, reason=reason)
