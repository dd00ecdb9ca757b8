"""A bounded reader of the OpenMetrics (Prometheus) text a FeatureBase database answers.

The vendor is not trusted: lines that do not parse are skipped, names and labels are
bounded, and at most ``limit`` samples are kept (``truncated`` says when more came).
"""

from __future__ import annotations

import math
import re

from adapters.details import FeatureBaseMetric, FeatureBaseMetrics

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]{0,199}"
_SAMPLE = re.compile(rf"({_NAME})(?:\{{(.*)\}})?\s+(\S+)(?:\s+\S+)?")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]{0,99})\s*=\s*"((?:[^"\\]|\\.){0,1000})"\s*,?')
_META = re.compile(rf"#\s+(HELP|TYPE)\s+({_NAME})(?:\s+(.*))?")
MAX_LABELS = 32
MAX_HELP = 500


def _unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def _labels(text: str | None) -> tuple[tuple[str, str], ...] | None:
    if not text:
        return ()
    found: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        match = _LABEL.match(text, at)
        if match is None or len(found) >= MAX_LABELS:
            return None
        found.append((match.group(1), _unescape(match.group(2))))
        at = match.end()
    return tuple(found)


def _value(text: str) -> float | bool | None:
    """The sample's value; None where it is not finite; False when it is no number."""
    try:
        number = float(text)
    except ValueError:
        return False
    return number if math.isfinite(number) else None


def _family(name: str, types: dict[str, str]) -> str:
    # counters' and histograms' samples carry a suffix their family's TYPE line does not
    for suffix in ("_total", "_count", "_sum", "_bucket", "_created"):
        if name.endswith(suffix) and name.removesuffix(suffix) in types:
            return name.removesuffix(suffix)
    return name


def parse(text: str, names: frozenset[str] | None, limit: int) -> FeatureBaseMetrics:
    """The samples of ``text`` (of the families in ``names``, when given), at most ``limit``."""
    helps: dict[str, str] = {}
    types: dict[str, str] = {}
    samples: list[FeatureBaseMetric] = []
    truncated = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "# EOF":
            continue
        if line.startswith("#"):
            meta = _META.fullmatch(line)
            if meta is not None:
                kind, name, rest = meta.groups()
                if kind == "HELP":
                    helps[name] = _unescape((rest or "")[:MAX_HELP])
                else:
                    types[name] = (rest or "").strip()[:50] or "unknown"
            continue
        sample = _SAMPLE.fullmatch(line)
        if sample is None:
            continue
        name, label_text, value_text = sample.groups()
        family = _family(name, types)
        if names is not None and name not in names and family not in names:
            continue
        labels, value = _labels(label_text), _value(value_text)
        if labels is None or value is False:
            continue
        if len(samples) >= limit:
            truncated = True
            break
        samples.append(
            FeatureBaseMetric(
                name=name,
                type=types.get(family),
                help=helps.get(family),
                labels=labels,
                value=value if isinstance(value, float) else None,
            )
        )
    return FeatureBaseMetrics(tuple(samples), truncated)
