"""Per-caller vendor credentials: the ``X-Credential-*`` headers (or the same names in a
WebSocket's ``connection_init`` payload) -> each vendor's credential fields, checked before
anything runs.

One scheme per vendor, derived from what the vendor declares (``ConfigField.from_caller``):
``X-Credential-<Vendor>-<Field>``, e.g. ``X-Credential-Clickhouse-Key-Secret``. Values are
never quoted in a problem, a log line or a repr: only header names are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adapters.model import Vendor
from adapters.registry import VENDORS, ConfigField, VendorSpec
from gateway.config_values import secret_problem

PREFIX = "x-credential-"
#: the longest credential value taken: vendor keys and tokens are far shorter
MAX_VALUE_CHARS = 1024
#: credential headers one request may carry (every field of every vendor is fewer)
MAX_HEADERS = 16
#: what a non-secret caller field (Astra's account ID, in every API path) may look like
_PLAIN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_SHOWN_NAME = re.compile(r"^[A-Za-z0-9-]{1,80}$")


class CredentialProblem(ValueError):
    """Why the caller's credential headers were refused; ``str()`` names headers only."""


@dataclass(frozen=True)
class CallerCredential:
    """One vendor's credential as a caller sent it: field name -> value."""

    vendor: Vendor
    values: Mapping[str, str]

    def __repr__(self) -> str:  # the values are the caller's secrets
        return f"CallerCredential({self.vendor.value!r}, fields={sorted(self.values)})"

    __str__ = __repr__


def header_name(vendor: str, field: str) -> str:
    """The header carrying ``field`` of ``vendor``: X-Credential-Clickhouse-Key-Id."""
    words = [vendor, *field.split("_")]
    return "X-Credential-" + "-".join(w[:1].upper() + w[1:] for w in words)


def caller_fields(spec: VendorSpec) -> tuple[ConfigField, ...]:
    """The fields a template connection of ``spec``'s vendor takes from its caller."""
    return tuple(f for f in spec.fields if f.from_caller)


def header_table() -> dict[str, tuple[Vendor, ConfigField]]:
    """Every credential header (lower case) -> the vendor and field it carries."""
    return {
        header_name(spec.vendor.value, f.name).lower(): (spec.vendor, f)
        for spec in VENDORS.values()
        for f in caller_fields(spec)
    }


def has_credentials(names: Iterable[str]) -> bool:
    """Whether any of these header (or payload key) names is a credential header."""
    return any(isinstance(n, str) and n.lower().startswith(PREFIX) for n in names)


def read_credentials(pairs: Iterable[tuple[str, object]]) -> dict[Vendor, CallerCredential]:
    """The credentials in ``pairs`` (header name, value; other headers are ignored), each
    vendor's complete; raises CredentialProblem."""
    table = header_table()
    given: dict[Vendor, dict[str, str]] = {}
    seen: set[str] = set()
    sent = [(n, v) for n, v in pairs if n.lower().startswith(PREFIX)]
    if len(sent) > MAX_HEADERS:
        raise CredentialProblem(f"more than {MAX_HEADERS} credential headers")
    for raw_name, value in sent:
        name = raw_name.lower()
        shown = _shown(raw_name)
        if name not in table:
            raise CredentialProblem(
                f"unknown credential header {shown} (docs/security.md lists them)"
            )
        if name in seen:
            raise CredentialProblem(f"{shown} given twice")
        seen.add(name)
        vendor, f = table[name]
        given.setdefault(vendor, {})[f.name] = _checked(value, f, shown)
    return {v: CallerCredential(v, _complete(v, values)) for v, values in given.items()}


def _shown(name: str) -> str:
    return f"'{name}'" if _SHOWN_NAME.match(name) else "a header"


def _checked(value: object, f: ConfigField, shown: str) -> str:
    if not isinstance(value, str):
        raise CredentialProblem(f"{shown}: must be a string")
    value = value.strip(" \t")
    if not value:
        raise CredentialProblem(f"{shown}: empty")
    if len(value) > MAX_VALUE_CHARS:
        raise CredentialProblem(f"{shown}: longer than {MAX_VALUE_CHARS} characters")
    if not f.secret:
        if not _PLAIN.match(value):
            raise CredentialProblem(f"{shown}: must be 1-128 letters, digits, '.', '_' or '-'")
        return value
    problem = secret_problem(value)
    if problem is not None:
        raise CredentialProblem(f"{shown}: {problem}")
    if not value.isascii():
        # it goes upstream in a header (or Basic auth), where only ASCII is sure to arrive
        raise CredentialProblem(f"{shown}: must be ASCII text")
    return value


def _complete(vendor: Vendor, values: dict[str, str]) -> dict[str, str]:
    """``values`` when they make one whole credential: every field outside a group, and
    exactly one group of alternatives (FeatureBase: an API key, or username + password)."""
    fields = caller_fields(VENDORS[vendor])
    groups: dict[str, list[ConfigField]] = {}
    for f in fields:
        if f.group is not None:
            groups.setdefault(f.group, []).append(f)
        elif f.required and f.name not in values:
            raise CredentialProblem(f"{vendor.value}: missing {header_name(vendor.value, f.name)}")
    if groups:
        chosen = [g for g, members in groups.items() if any(m.name in values for m in members)]
        options = " or ".join(
            " + ".join(header_name(vendor.value, m.name) for m in members)
            for members in groups.values()
        )
        if len(chosen) != 1:
            raise CredentialProblem(f"{vendor.value}: send exactly one of {options}")
        for m in groups[chosen[0]]:
            if m.required and m.name not in values:
                raise CredentialProblem(
                    f"{vendor.value}: missing {header_name(vendor.value, m.name)}"
                )
    return values
