"""Request value validation for the ClickHouse Cloud simulator: each check answers 400 with a
text naming the field, as the vendor does.

Also the vendor error (``ApiError``) every part of the simulator raises, and the time format
the API reads and writes.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from adapters.clickhouse.sim import seed_data as sd

JSON = dict[str, Any]
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9 ]+")  # "Alphanumerical string with whitespaces"
# Our reading: total memory is per-replica memory times 3. The docs' ranges only agree at
# that factor (24..720 step 12 total vs 8..240 step 4 per replica), whatever numReplicas is.
TOTAL_PER_REPLICA_MEMORY = 3


class ApiError(Exception):
    """A vendor error answer: HTTP status, the ``error`` text and any extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _fail(message: str) -> ApiError:
    return ApiError(400, message)


def _str(value: Any, label: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _fail(f"{label} is required")
        return None
    if not isinstance(value, str):
        raise _fail(f"{label} must be a string")
    if required and not value.strip():
        raise _fail(f"{label} must not be empty")
    return value


def _enum(value: Any, label: str, allowed: Iterable[str], *, required: bool = False) -> str | None:
    allowed = tuple(allowed)
    text = _str(value, label, required=required)
    if text is not None and text not in allowed:
        raise _fail(f"{label} must be one of: {', '.join(allowed)} (got '{text}')")
    return text


def _bool(value: Any, label: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise _fail(f"{label} must be a boolean")
    return value


def _num(
    value: Any, label: str, lo: int, hi: int | None = None, step: int | None = None
) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(f"{label} must be a number")
    if value < lo or (hi is not None and value > hi) or (step and value % step):
        rule = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
        kind = "a whole number " if step == 1 else f"a multiple of {step} " if step else ""
        raise _fail(f"{label} must be {kind}{rule} (got {value})")
    return int(value) if float(value).is_integer() else value


def _list(value: Any, label: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(f"{label} must be an array")
    return value


def _strings(value: Any, label: str) -> list[str]:
    return [_str(item, f"{label}[]", required=True) or "" for item in _list(value, label)]


def _object(value: Any, label: str, allowed: Iterable[str]) -> JSON:
    if not isinstance(value, dict):
        raise _fail(f"{label} must be an object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise _fail(f"Unknown field(s) in {label}: {', '.join(unknown)}")
    return value


_TAG_TEXT = re.compile(r"[a-zA-Z0-9._-]+")


def _tags(value: Any, label: str) -> dict[str, str]:
    """ResourceTagsV1 items (the 2026-06 spec): ``key`` required, 1-128 characters, and
    ``value`` up to 256, both letters, digits, dots, dashes and underscores; at most 50."""
    items = _list(value, label)
    if len(items) > 50:
        raise _fail(f"{label}: at most 50 tags")
    tags: dict[str, str] = {}
    for item in items:
        entry = _object(item, f"{label}[]", ("key", "value"))
        key = _str(entry.get("key"), f"{label}[].key", required=True) or ""
        text = _str(entry.get("value"), f"{label}[].value") or ""
        if len(key) > 128 or not _TAG_TEXT.fullmatch(key):
            raise _fail(f"{label}[].key '{key}' must be 1-128 letters, digits, '.', '_' or '-'")
        if len(text) > 256 or (text and not _TAG_TEXT.fullmatch(text)):
            raise _fail(f"{label}[].value must be up to 256 letters, digits, '.', '_' or '-'")
        tags[key] = text
    return tags


def _ip_entries(value: Any, label: str) -> list[JSON]:
    entries = []
    for item in _list(value, label):
        entry = _object(item, f"{label}[]", ("source", "description"))
        source = _str(entry.get("source"), f"{label}[].source", required=True) or ""
        try:  # the docs: "IPv4 address or IPv4 CIDR"
            ipaddress.IPv4Network(source, strict=False)
        except ValueError:
            raise _fail(f"{label}[].source '{source}' is not an IPv4 address or CIDR") from None
        description = _str(entry.get("description"), f"{label}[].description")
        entries.append({"source": source} | ({"description": description} if description else {}))
    return entries


def _private_endpoints(value: Any, label: str, *, full: bool) -> list[JSON]:
    entries = []
    for item in _list(value, label):
        entry = _object(item, f"{label}[]", ("id", "description", "cloudProvider", "region"))
        provider = _enum(
            entry.get("cloudProvider"),
            f"{label}[].cloudProvider",
            sd.PRIVATE_ENDPOINT_REGIONS,
            required=full,
        )
        region = _enum(
            entry.get("region"),
            f"{label}[].region",
            (r for rs in sd.PRIVATE_ENDPOINT_REGIONS.values() for r in rs),
            required=full,
        )
        if provider and region and region not in sd.PRIVATE_ENDPOINT_REGIONS[provider]:
            raise _fail(f"{label}[].region '{region}' is not a {provider} region")
        values = {
            "id": _str(entry.get("id"), f"{label}[].id", required=True),
            "description": _str(entry.get("description"), f"{label}[].description"),
            "cloudProvider": provider,
            "region": region,
        }
        entries.append({k: v for k, v in values.items() if v is not None})
    return entries


def _add_remove(
    body: JSON, name: str, items: Callable[[Any, str], list[Any]]
) -> tuple[list[Any], list[Any]] | None:
    if body.get(name) is None:
        return None
    patch = _object(body[name], name, ("add", "remove"))
    return items(patch.get("remove", []), f"{name}.remove"), items(
        patch.get("add", []), f"{name}.add"
    )


def _merge(
    current: list[Any], change: tuple[list[Any], list[Any]], key: Callable[[Any], Any]
) -> list[Any]:
    """The docs' add/remove patch: "remove" runs first, then "add" (replacing equal keys)."""
    remove, add = change
    dropped = {key(item) for item in remove}
    kept = [item for item in current if key(item) not in dropped]
    for item in add:
        kept = [other for other in kept if key(other) != key(item)] + [item]
    return kept


def _service_name(value: Any, *, required: bool) -> str | None:
    name = _str(value, "name", required=required)
    if name is not None and (len(name) > 50 or not _SERVICE_NAME.fullmatch(name)):
        raise _fail("name must be 1 to 50 letters, digits and spaces")
    return name


def _roles(value: Any) -> list[str]:
    roles = [_enum(r, "roles[]", sd.ROLES, required=True) or "" for r in _list(value, "roles")]
    if not roles:
        raise _fail("roles must contain at least 1 element")
    return list(dict.fromkeys(roles))


def _parse_time(value: str, label: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{label} must be an ISO-8601 date-time (got '{value}')") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # our reading: naive = UTC


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expiry(value: Any) -> str | None:
    """``expireAt``: the docs say an empty value means "never expires"; we accept null too."""
    text = _str(value, "expireAt")
    return _iso(_parse_time(text, "expireAt")) if text else None


def _scaling(body: JSON, tier: str, current: JSON, *, per_replica: bool) -> JSON:
    """Validated scaling changes, in the service's own (total memory) fields."""
    if per_replica:
        names, lo, hi, step = ("minReplicaMemoryGb", "maxReplicaMemoryGb"), 8, 240, 4
        factor = TOTAL_PER_REPLICA_MEMORY
    else:
        names, lo, hi, step, factor = ("minTotalMemoryGb", "maxTotalMemoryGb"), 24, 720, 12, 1
    changes: JSON = {}
    for name, target in zip(names, ("minTotalMemoryGb", "maxTotalMemoryGb"), strict=True):
        value = _num(body.get(name), name, lo, hi, step)
        if value is not None:
            changes[target] = value * factor
    if changes and tier != "production":
        raise _fail(f"{' and '.join(names)} are available only for 'production' services")
    merged = current | changes
    low, high = merged["minTotalMemoryGb"], merged["maxTotalMemoryGb"]
    if low > high:
        raise _fail(f"{names[0]} ({low // factor}) must not exceed {names[1]} ({high // factor})")
    idle = _bool(body.get("idleScaling"), "idleScaling")
    if idle is False and tier == "development":
        raise _fail("idleScaling is always true for development services")
    more = {
        "numReplicas": _num(body.get("numReplicas"), "numReplicas", 3, 20, 1),
        "idleScaling": idle,
        "idleTimeoutMinutes": _num(body.get("idleTimeoutMinutes"), "idleTimeoutMinutes", 5),
    }
    return changes | {k: v for k, v in more.items() if v is not None}


async def _body(request: Request, allowed: Iterable[str]) -> JSON:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise _fail("Request body is not valid JSON") from None
    # Our reading: unknown fields are refused, so a misspelt field cannot pass unnoticed.
    return _object(body, "request body", allowed)
