"""docs/vendors/coverage.md from the declarations (``python -m tests.coverage.render``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.coverage import Exposure, Op, astra, clickhouse, dbaas, featurebase

PAGE = Path(__file__).resolve().parents[2] / "docs" / "vendors" / "coverage.md"
#: vendor -> (title, the documents counted, its operations)
VENDORS: dict[str, tuple[str, str, tuple[Op, ...]]] = {
    "clickhouse": (
        "ClickHouse Cloud",
        "the current OpenAPI, `clickhouse-cloud-openapi-2026-06.json` (the seed's 31 "
        "operations are among them)",
        clickhouse.OPERATIONS,
    ),
    "featurebase": (
        "FeatureBase Cloud",
        "the seed, `featurebase-cloud-api.txt`",
        featurebase.OPERATIONS,
    ),
    "astra": (
        "NetApp Astra Control",
        "the seed, `astra-control-feature-api.txt`, and the vendor notes' resource table",
        astra.OPERATIONS,
    ),
    "dbaas": ("DBaaS API", "the seed, `dbaas-api.txt`, and the vendor notes", dbaas.OPERATIONS),
}


def counts(ops: tuple[Op, ...]) -> Counter[Exposure]:
    return Counter(op.exposure for op in ops)


def _row(op: Op) -> str:
    path = f"`{op.path}`" if op.path else "(no path in the document)"
    place = ", ".join(f"`{w}`" for w in op.where) if op.where else op.reason
    return f"| {op.method or '-'} | {path} | {op.summary} | {op.exposure.value} | {place} |"


def render() -> str:
    lines = [
        "# Vendor coverage",
        "",
        "Every operation the vendor documents describe, and where the gateway has it:",
        "**normalized** (a field or mutation every vendor shares), **vendor-specific** (a",
        "vendor's own field or mutation), **used internally** (called inside other",
        "operations) or **not exposed**, with the reason. Generated from the declarations in",
        "`tests/coverage/` by `python -m tests.coverage.render`; `tests/test_coverage.py`",
        "checks them against the documents (ClickHouse: every operation of the 2026-06",
        "OpenAPI), against each vendor's declared upstream paths (an exposed operation is",
        "one the gateway calls) and against the schema (every place named exists).",
        "",
        "| vendor | operations | normalized | vendor-specific | used internally | not exposed |",
        "|---|---|---|---|---|---|",
    ]
    for title, _, ops in VENDORS.values():
        c = counts(ops)
        lines.append(
            f"| {title} | {len(ops)} | {c[Exposure.NORMALIZED]} | {c[Exposure.VENDOR]} | "
            f"{c[Exposure.INTERNAL]} | {c[Exposure.NOT_EXPOSED]} |"
        )
    for title, source, ops in VENDORS.values():
        lines += [
            "",
            f"## {title}",
            "",
            f"Counted from {source}.",
            "",
            "| method | path | operation | exposure | where, or why not |",
            "|---|---|---|---|---|",
            *(_row(op) for op in ops),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    for name, (_, _, ops) in VENDORS.items():
        c = counts(ops)
        print(
            f"{name}: {len(ops)} operations, {c[Exposure.NORMALIZED]} normalized, "
            f"{c[Exposure.VENDOR]} vendor-specific, {c[Exposure.INTERNAL]} internal, "
            f"{c[Exposure.NOT_EXPOSED]} not exposed"
        )
