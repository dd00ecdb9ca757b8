"""Fault specs: the text form of simulator faults, for ``serve --demo-faults``.

    SPECS    := SPEC (";" SPEC)*
    SPEC     := VENDOR ":" SETTING ("," SETTING)*
    SETTING  := KEY "=" VALUE

    key               value                 default   meaning
    latency           DURATION (200ms, 1s)  0         added to every matching request
    jitter            DURATION              0         plus a uniform 0..jitter
    error_rate        0..1                  0         answered error_status, vendor's shape
    error_status      400..599              503
    throttle_rate     0..1                  0         a 429 burst starts (Retry-After)
    throttle_burst    integer >= 1          3         429s per burst
    retry_after       DURATION              1s        Retry-After, rounded up to seconds
    hang_rate         0..1                  0         never answered (client times out)
    malformed_rate    0..1                  0         a 2xx body the adapter cannot read
    malformed         html|truncated|wrong-type|empty   html
    drop_rate         0..1                  0         connection closed, no answer
    path              regex (no , or ;)     .*        which request paths
    method            GET, POST, ...        any
    seed              integer               random    repeatable dice

Example: ``clickhouse:latency=200ms,jitter=50ms,error_rate=0.2;astra:hang_rate=0.05``.
Each rate is the share of matching requests that get that fault; rates add up to 1 at most.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from adapters import registry
from adapters.model import Vendor
from adapters.simulation.faults import MALFORMED_KINDS, FaultInjector, MalformedKind


@dataclass(frozen=True)
class FaultSpec:
    """The faults of one vendor's simulator (on the requests ``path`` and ``method`` match)."""

    vendor: Vendor
    latency: float = 0.0
    jitter: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    throttle_rate: float = 0.0
    throttle_burst: int = 3
    retry_after: float = 1.0
    hang_rate: float = 0.0
    malformed_rate: float = 0.0
    malformed: MalformedKind = "html"
    drop_rate: float = 0.0
    path: str = ".*"
    method: str | None = None
    seed: int | None = None

    def install(self, faults: FaultInjector) -> None:
        """Add these faults to a simulator's injector."""
        if self.seed is not None:
            faults.rng.seed(self.seed)
        where: dict[str, Any] = {"path": self.path, "method": self.method, "times": None}
        if self.latency or self.jitter:
            faults.add_latency(self.latency, jitter=self.jitter, **where)
        # The injector rolls each fault in turn; conditioning each rate on the ones before
        # not firing makes every rate the share of all requests the spec promises.
        # Throttling comes first so a burst in progress is not cut by the other rolls.
        outcomes: list[tuple[float, Callable[[float], object]]] = [
            (
                self.throttle_rate,
                lambda p: faults.add_rate_limit(
                    self.throttle_burst,
                    retry_after=math.ceil(self.retry_after),
                    probability=p,
                    **where,
                ),
            ),
            (self.drop_rate, lambda p: faults.add_drop(probability=p, **where)),
            (self.hang_rate, lambda p: faults.add_hang(probability=p, **where)),
            (
                self.malformed_rate,
                lambda p: faults.add_malformed(self.malformed, probability=p, **where),
            ),
            (
                self.error_rate,
                lambda p: faults.add(
                    self.error_status, probability=p, message="injected by --demo-faults", **where
                ),
            ),
        ]
        left = 1.0
        for rate, add in outcomes:
            if rate > 0 and left > 0:
                add(min(1.0, rate / left))
                left -= rate


_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|s)")


def _duration(value: str) -> float:
    match = _DURATION.fullmatch(value)
    if match is None:
        raise ValueError(f"'{value}' is not a duration: a number with ms or s, like 200ms or 1.5s")
    number = float(match[1])
    return number / 1000 if match[2] == "ms" else number


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = math.nan
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"'{value}' is not a rate between 0 and 1")
    return rate


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"'{value}' is not an integer") from None
        if number < low or (high is not None and number > high):
            bounds = f"{low}..{high}" if high is not None else f"at least {low}"
            raise ValueError(f"{number} is out of range ({bounds})")
        return number

    return parse


def _malformed(value: str) -> MalformedKind:
    if value not in MALFORMED_KINDS:
        raise ValueError(f"'{value}' is not one of {', '.join(MALFORMED_KINDS)}")
    return cast(MalformedKind, value)


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"'{value}' is not a regular expression: {exc}") from None
    return value


def _method(value: str) -> str:
    if not value.isalpha():
        raise ValueError(f"'{value}' is not an HTTP method")
    return value.upper()


_PARSERS: dict[str, Callable[[str], object]] = {
    "latency": _duration,
    "jitter": _duration,
    "error_rate": _rate,
    "error_status": _integer(400, 599),
    "throttle_rate": _rate,
    "throttle_burst": _integer(1),
    "retry_after": _duration,
    "hang_rate": _rate,
    "malformed_rate": _rate,
    "malformed": _malformed,
    "drop_rate": _rate,
    "path": _regex,
    "method": _method,
    "seed": _integer(0),
}
#: every key a spec may set (tests check it covers every FaultSpec field)
KEYS = tuple(_PARSERS)
_RATES = ("throttle_rate", "drop_rate", "hang_rate", "malformed_rate", "error_rate")


def parse_fault_spec(text: str) -> FaultSpec:
    """One ``vendor:key=value,...``; a ValueError names the part that is wrong."""
    vendor_name, colon, settings = text.strip().partition(":")
    vendor_name = vendor_name.strip()
    try:
        vendor = registry.vendor(vendor_name)
    except registry.UnknownVendorError as exc:
        raise ValueError(f"'{text}': {exc}") from None
    if not colon or not settings.strip():
        raise ValueError(f"'{text}': no faults after '{vendor_name}:' (like latency=200ms)")
    values: dict[str, Any] = {}
    for setting in settings.split(","):
        key, equals, value = (part.strip() for part in setting.partition("="))
        if key not in _PARSERS:
            raise ValueError(
                f"'{text}': unknown key '{key}' (one of {', '.join(_PARSERS)})"
                if key
                else f"'{text}': an empty setting"
            )
        if not equals or not value:
            raise ValueError(f"'{text}': '{key}' needs a value ({key}=...)")
        if key in values:
            raise ValueError(f"'{text}': '{key}' is given twice")
        try:
            values[key] = _PARSERS[key](value)
        except ValueError as exc:
            raise ValueError(f"'{text}': {key}: {exc}") from None
    total = sum(values.get(rate, 0.0) for rate in _RATES)
    if total > 1.0 + 1e-9:
        raise ValueError(f"'{text}': the rates add up to {total:g}, more than 1")
    return FaultSpec(vendor, **values)


def parse_fault_specs(texts: Iterable[str]) -> list[FaultSpec]:
    """Every ``--demo-faults`` value; each may hold several specs separated by ';'."""
    return [parse_fault_spec(part) for text in texts for part in text.split(";") if part.strip()]
