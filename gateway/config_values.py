"""The readers every configuration value goes through, whatever table it is in.

- ``Number``: every numeric setting, the CLI's numeric options included. Finite (TOML
  writes ``nan``, ``inf`` and ``-inf``, Python's ``float()`` reads them; none is ever a
  meaningful timeout, window, TTL or count), never negative, whole where it counts
  something, above or at its minimum, and durations at most a year (``1e300`` seconds
  is finite, but no Redis expiry or lock can hold it).
- ``check_value``: a table's value against its declared kind, a ``Number`` or a type.
- ``env_name``: what a ``<field>_env`` key may hold: the *name* of an environment
  variable, never the secret itself; a secret pasted there is never repeated in a message.
- ``check_http_url``: a vendor URL: http(s), a host, no credentials, no query or fragment;
  ``plain_http_off_host``: one that is unencrypted to another machine (a startup warning).

Each raises ValueError with the problem alone (``must be ...``); the caller adds the file,
the table and the field, as every configuration error does.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: the longest duration any setting may give, in seconds (365 days)
MAX_SECONDS = 31_536_000


#: the largest whole number a setting may hold: 2**53 - 1, exact as a float and in JSON
LARGEST_WHOLE = 2**53 - 1


@dataclass(frozen=True)
class Number:
    """A numeric setting: finite, at least ``minimum`` (above it with ``above``), at most
    ``maximum``, an integer with ``whole``. Minimums are never negative: no setting means
    anything below 0."""

    minimum: float = 0.0
    above: bool = False
    whole: bool = False
    maximum: float | None = None

    def __post_init__(self) -> None:
        assert self.minimum >= 0, "no configuration number is meaningful below 0"

    @property
    def requirement(self) -> str:
        """``a number greater than 0``, ``a whole number >= 1``: for messages and docs."""
        kind = "a whole number" if self.whole else "a number"
        bound = f"greater than {self.minimum:g}" if self.above else f">= {self.minimum:g}"
        most = "" if self.maximum is None else f" and at most {self.maximum:.15g}"
        if self.maximum == MAX_SECONDS:
            most += " (365 days)"
        return f"{kind} {bound}{most}"

    def read(self, value: Any) -> Any:
        """``value`` as an int (whole) or a float; ValueError saying what it must be."""
        # TOML booleans are Python bools, which are ints: keep them apart
        if isinstance(value, bool) or not isinstance(value, int if self.whole else (int, float)):
            raise ValueError(f"wrong type {type(value).__name__}: must be {self.requirement}")
        if isinstance(value, float) and not math.isfinite(value):
            # a NaN compares false with everything, so it would slip past any bound below
            raise ValueError(f"must be a finite {self.requirement.removeprefix('a ')}, not {value}")
        if isinstance(value, int) and abs(value) > LARGEST_WHOLE:
            # past what a float holds exactly (and far past any limit): 400 digits would
            # otherwise reach arithmetic that cannot take them
            raise ValueError(f"must be {self.requirement}, at most {LARGEST_WHOLE}")
        if value < self.minimum or (self.above and value == self.minimum):
            raise ValueError(f"must be {self.requirement}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be {self.requirement}")
        return int(value) if self.whole else float(value)

    def parse(self, text: str) -> Any:
        """A command-line option's text read as this number (an argparse ``type``)."""
        try:
            value: Any = int(text) if self.whole else float(text)
        except ValueError:
            raise ValueError(f"must be {self.requirement}, not {text!r}") from None
        return self.read(value)


#: seconds that must pass: timeouts, windows, intervals, cool-downs
POSITIVE_SECONDS = Number(above=True, maximum=MAX_SECONDS)
#: how often something is polled: 10 ms at the least, so a typo cannot make a busy loop
POLL_SECONDS = Number(minimum=0.01, maximum=MAX_SECONDS)
#: seconds where 0 means "none": TTLs, stale windows
SECONDS = Number(maximum=MAX_SECONDS)
#: how many of something, at least one
COUNT = Number(minimum=1, whole=True)

#: a table key's declared kind: a ``Number``, or the Python type TOML gives (str, bool, ...)
Kind = Number | type | tuple[type, ...]


def check_value(value: Any, kind: Kind) -> Any:
    """``value`` checked against ``kind`` (numbers normalised); ValueError otherwise."""
    if isinstance(kind, Number):
        return kind.read(value)
    # TOML booleans are Python bools, which are ints: keep them apart
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise ValueError(f"wrong type {type(value).__name__}")
    return value


# -- names of environment variables ----------------------------------------------------

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
#: the names the docs use: upper-case words joined by "_" (CH_KEY_SECRET). Only such a
#: name is repeated in a message: an API key or password pasted in place of a name could
#: otherwise be a legal name too, and a message goes to logs that more people read
_CONVENTIONAL = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
NOT_SHOWN = "(the value is not shown: this field holds the name of a variable, never the secret)"


def env_name(value: Any) -> str:
    """The environment variable name a ``<field>_env`` key holds; ValueError (never
    repeating the value) when it cannot be one."""
    if not isinstance(value, str) or not value:
        raise ValueError("must be the name of an environment variable")
    if not _ENV_NAME.match(value):
        raise ValueError(
            "must be the name of an environment variable (letters, digits and '_', not "
            f"starting with a digit) {NOT_SHOWN}"
        )
    return value


def env_variable(name: str) -> str:
    """How a message names the variable ``name``: by name when it reads as a conventional
    one (CH_KEY_SECRET), else without it: it may be a secret pasted in place of a name."""
    if _CONVENTIONAL.match(name):
        return f"environment variable {name}"
    return "the environment variable it names (not shown: it does not read as a name)"


def secret_problem(value: str) -> str | None:
    """What is wrong with a secret read from the environment (never quoting it)."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return "is not UTF-8 text"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "holds a control character (a trailing newline from a file?)"
    return None


# -- vendor URLs ------------------------------------------------------------------------

_HOST = re.compile(r"^[\w.-]+$")


def check_http_url(value: Any) -> str:
    """``value`` as a vendor base URL; ValueError, quoting it only when it holds no
    credentials or query (which may carry a key)."""
    if not isinstance(value, str):
        raise ValueError("must be a string")
    shown = f"'{value}'" if _quotable(value) else "the value"
    problem = f"{shown} is not an http(s) URL like https://api.example.com"
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError(f"{problem}: it holds a space or a control character")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(problem)
    if "@" in parts.netloc:
        raise ValueError(
            "must not hold credentials (user:password@host); give them in the "
            "connection's *_env fields (the value is not shown)"
        )
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ValueError(
            "must not have a query or fragment (?... or #...): a key there would be shown "
            "to every caller; give credentials in the *_env fields (the value is not shown)"
        )
    host = parts.hostname
    if not _HOST.match(host) and not _is_ip(host):
        raise ValueError(f"{problem}: bad host")
    if port == 0:
        raise ValueError(f"{problem}: port 0")
    return value


def plain_http_off_host(url: str) -> bool:
    """Whether ``url`` (a checked vendor URL) is unencrypted to another machine: legitimate
    for a vendor inside a private network, dangerous anywhere else."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _quotable(value: str) -> bool:
    return not any(c in value for c in "@?#") and value.isprintable()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
