"""Each vendor page's generated part: what the code declares about the vendor.

Between ``<!-- declared:start -->`` and ``<!-- declared:end -->`` on
``docs/vendors/<vendor>.md`` stand the vendor's configuration keys, demo accounts and
connections, capabilities and mutations, documented errors, fewest upstream calls, paths
and cache kinds, rendered from its ``VendorSpec`` and its adapter's ``capabilities``.
``tests/test_vendor_docs.py`` keeps every page equal to this rendering; to write them:

    python -m tests.vendor_docs            # every built-in vendor's page
    python -m tests.vendor_docs clickhouse

The rest of a page is prose, written by hand. Tables that would list every vendor live
here, one vendor per page, so that adding a vendor changes no other page.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.cache.store import SegmentKinds
from adapters.errors import code_for_status
from adapters.minimums import KeysListed
from adapters.model import Capabilities, Operation
from adapters.registry import VENDORS, builtin_names
from adapters.vendor_spec import ConfigField, VendorSpec
from tests.contract.support import demo_gateway

PAGES = Path(__file__).parents[1] / "docs" / "vendors"
BLOCK = re.compile(r"<!-- declared:start -->\n(.*?)<!-- declared:end -->", re.DOTALL)
READS = (
    ("api_keys", "API keys"),
    ("members", "members"),
    ("invitations", "invitations"),
    ("activities", "activities"),
    ("plans", "plans"),
    ("feature_flags", "feature flags"),
    ("backups", "backups"),
    ("backup_configuration", "backup configuration"),
    ("credentials", "database credentials"),
    ("private_endpoints", "private endpoints"),
    ("metrics", "metrics"),
)


def page(vendor: str) -> Path:
    return PAGES / f"{vendor}.md"


async def capabilities(vendor: str) -> Capabilities:
    """What the vendor's adapter declares, read from a demo connection's adapter."""
    async with demo_gateway(vendor) as gw:
        return next(iter(gw.runtime.adapters.values())).capabilities


def render(spec: VendorSpec, declared: Capabilities) -> str:
    sections = [
        _configuration(spec),
        _capabilities(declared),
        _errors(spec),
        _calls(spec),
        _paths(spec),
    ]
    intro = (
        f'Generated from `VENDORS["{spec.vendor}"]` (its `spec.py` and `documents.py`) and '
        "its adapter's `capabilities`: `python -m tests.vendor_docs` writes it, "
        "`tests/test_vendor_docs.py` keeps it so.\n"
    )
    return "\n".join([intro, *sections])


def _key(f: ConfigField) -> str:
    return f"`{f.name}_env`" if f.secret else f"`{f.name}`"


def _required(f: ConfigField) -> str:
    if f.group is not None:
        return f"one credential form (`{f.group}`)"
    if f.required and f.secret:
        return "yes (simulated: the demo account's)"
    return "yes" if f.required else "no"


def _configuration(spec: VendorSpec) -> str:
    lines = [
        f'### Configuration (`vendor = "{spec.vendor}"`)',
        "",
        "| key | required | meaning |",
        "|---|---|---|",
        *(f"| {_key(f)} | {_required(f)} | {f.description} |" for f in spec.fields),
        "",
        f"- default `base_url` of a simulated connection: `{spec.default_base_url}`",
    ]
    if spec.documented_rate_limit is not None:
        requests, seconds = spec.documented_rate_limit
        lines.append(
            f"- documented rate limit: {requests} requests per {seconds:g} s, real connections "
            "paced to it by default"
        )
    lines.append(
        "- simulator accounts (`simulator_account`, the first by default): "
        + ", ".join(f"`{a}`" for a in spec.demo_accounts)
    )
    demo = [
        f"`{name}`"
        + (" (" + ", ".join(f"{k} = `{v}`" for k, v in fields.items()) + ")" if fields else "")
        for name, fields in spec.demo_connection_fields().items()
    ]
    lines.append("- demo mode's connections: " + ", ".join(demo))
    return "\n".join(lines) + "\n"


def _capabilities(declared: Capabilities) -> str:
    offered = [label for name, label in READS if getattr(declared, name)]
    lacking = [label for name, label in READS if not getattr(declared, name)]
    # restoring is createDatabase with fromBackupId, not a mutation of its own
    writes = [
        "`createDatabase` with `fromBackupId` (restore)"
        if op is Operation.RESTORE_DATABASE
        else f"`{op.value}`"
        for op in Operation
        if op in declared.operations
    ]
    return "\n".join(
        [
            "### Capabilities",
            "",
            "- reads besides organizations and databases: " + (", ".join(offered) or "none"),
            "- not offered (null, no error, no call): " + (", ".join(lacking) or "none"),
            "- mutations (any other is NOT_SUPPORTED before any call): "
            + (", ".join(writes) or "none"),
            "- lists the vendor pages, read a page of the gateway at a time in the vendor's "
            "order (the others are read whole and sorted by the gateway): "
            + (", ".join(_label(n) for n in sorted(declared.vendor_paged)) or "none"),
            "- filters the vendor applies (the others the gateway applies to what it "
            "answers): " + (", ".join(f"`{f}`" for f in sorted(declared.vendor_filters)) or "none"),
            "- orders the vendor sorts a paged list in (any other `orderBy` the gateway "
            "sorts, reading the list whole): "
            + (", ".join(f"`{f}`" for f in sorted(declared.vendor_orders)) or "none"),
            "",
        ]
    )


def _label(name: str) -> str:
    return dict(READS).get(name, name)


def _errors(spec: VendorSpec) -> str:
    lines = [
        "### Documented errors",
        "",
        "| status | code |",
        "|---|---|",
        *(f"| {s} | `{code_for_status(s).value}` |" for s in spec.errors.statuses),
        "",
        "Error bodies, and what a caller sees of them:",
        "",
    ]
    for example in spec.errors.shapes:
        body = str(dict(example.body)).replace("'", '"')
        seen = [f"message with `{example.message}`"]
        if example.vendor_code is not None:
            seen.append(f"`vendorCode` `{example.vendor_code}`")
        if example.request_id is not None:
            seen.append(f"`upstreamRequestId` `{example.request_id}`")
        lines.append(f"- {example.status} `{body}`: " + ", ".join(seen))
    return "\n".join(lines) + "\n"


def _pages(size: int | None, what: str) -> str:
    return "1" if size is None else f"1 per {size} {what} (at least 1)"


def _lists(count: int, what: str, size: int | None) -> str:
    if count == 0:
        return "none: not offered"
    each = _pages(size, what)
    return each if count == 1 else f"{count} lists, each {each}"


_KEYS = {
    KeysListed.NOWHERE: "none: not offered",
    KeysListed.PER_ORGANIZATION: "one list",
    KeysListed.PER_MEMBER: "one list per member",
}


def _calls(spec: VendorSpec) -> str:
    m = spec.minimums
    by_key = "1 detail GET" if m.database_detail else "the whole list"
    several = "one each, or the whole list, whichever is fewer" if m.database_detail else by_key
    return "\n".join(
        [
            "### Fewest upstream calls, per organization (`minimums`)",
            "",
            "| query | calls |",
            "|---|---|",
            f"| `organizations` | {m.organizations()} |",
            f"| its databases, to the last page | {_pages(m.page_size, 'databases')}"
            + (
                f", plus 1 for each of its {m.database_lists - 1} further database list(s), "
                "read at the same time"
                if m.database_lists > 1
                else ""
            )
            + " |",
            f"| one database by ID | {by_key} |",
            f"| several databases by ID | {several} |",
            f"| a database's backups | {_lists(m.backup_lists, 'backups', m.page_size)} |",
            f"| members | {_lists(m.member_lists, 'members', m.page_size)} |",
            f"| API keys | {_KEYS[m.api_keys]} |",
            "",
        ]
    )


def _paths(spec: VendorSpec) -> str:
    lines = [
        "### Upstream paths (`{x}` is one segment) and cache kinds",
        "",
        *(f"- `{t}`" for t in spec.paths.templates),
        "",
        "Query parameters sent: "
        + (", ".join(f"`{p}`" for p in sorted(spec.paths.query_params)) or "none"),
    ]
    kinds = spec.resource_kind
    if isinstance(kinds, SegmentKinds):
        lines += [
            "",
            "| last known path segment | cache kind |",
            "|---|---|",
            *(f"| `{s}` | {k or 'never cached'} |" for s, k in kinds.table.items()),
            *(
                f"| `{s}/{{id}}` | never cached (holds a secret) |"
                for s in sorted(kinds.secret_items)
            ),
        ]
    elif kinds is None:
        lines += ["", "Nothing is cached across requests."]
    return "\n".join(lines) + "\n"


def rendered_block(vendor: str) -> str:
    return render(VENDORS[vendor], asyncio.run(capabilities(vendor)))


def write(vendors: Sequence[str]) -> None:
    for vendor in vendors:
        path = page(vendor)
        # a new vendor's page starts as its title; the prose around the block is the author's
        text = path.read_text(encoding="utf-8") if path.exists() else f"# {VENDORS[vendor].title}\n"
        block = "<!-- declared:start -->\n" + rendered_block(vendor) + "<!-- declared:end -->"
        found = BLOCK.search(text)
        if found:
            text = text[: found.start()] + block + text[found.end() :]
        else:
            text = text.rstrip("\n") + "\n\n## Declared in code\n\n" + block + "\n"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    write(sys.argv[1:] or builtin_names())
