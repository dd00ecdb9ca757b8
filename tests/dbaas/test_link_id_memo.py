"""link_id remembers what a link says; every link, hostile ones included, must read as the
general code, kept here as the reference, reads it, the first time and the next."""

from __future__ import annotations

import random
import re
from typing import Any
from urllib.parse import urlsplit

from adapters.dbaas.client import RESOURCES, link_id

_LINK_PATH = re.compile(r"/api/(?P<resource>[a-z_]+)/(?P<id>[0-9]{1,18})/?$")


def reference_link_id(link: Any, resource: str) -> str | None:
    if not isinstance(link, str):
        return None
    match = _LINK_PATH.search(urlsplit(link).path)
    if match is None or match["resource"] != resource:
        return None
    return match["id"]


class _Link(str):
    pass


_EDGES: list[Any] = [
    None, 5, b"/api/plan/1/", ["/api/plan/1/"], "", "/api/plan/1/", "/api/plan/1",
    "http://[::1/api/plan/1/", "http://[::1]/api/plan/1/", "http://h/api/plan/1/?x=/api/plan/2/",
    "http://h/api/plan/1/#/api/plan/2/", "http://h/api/PLAN/1/", "http://h/api/plan/1234567890123456789/",
    "http://h/api/plan/\u0661/", "http://h/api/plan/1//", "http://h/api/plan/1/\n",
    "http://u:p@h:1/api/plan/1/", "//h/api/plan/1/", "http://h/api/plan/1/" + "x" * 600,
    "http://h/" + "a/" * 300 + "api/plan/1/", _Link("http://h/api/plan/1/"),
]  # fmt: skip


def _generated(count: int) -> list[str]:
    rng = random.Random(16)
    pick = rng.choice
    names = [*RESOURCES, "bogus", "Plan", "plan_x", ""]
    links = []
    for _ in range(count):
        number = pick(["1", "42", "0", "", "x1", "1" * rng.randrange(1, 21), "-1"])
        path = f"/api/{pick(names)}/{number}{pick(['/', '', '//', '/extra/'])}"
        host = pick(["", "http://127.0.0.1:8000", "https://h.example", "ftp://x", "http://[::1]"])
        links.append(host + pick(["", "/prefix"]) + path + pick(["", "?page=2", "#f", "?a=/"]))
    return links


def _outcome(read: Any, link: Any, resource: str) -> tuple[Any, ...]:
    try:
        return ("read", read(link, resource))
    except ValueError as exc:  # urlsplit refuses a broken IPv6 host: so must the memo
        return ("raised", str(exc))


def test_every_link_reads_as_the_general_code_reads_it_first_and_remembered() -> None:
    links = _EDGES + _generated(3000)
    for _ in range(2):
        differing = [
            (link, resource)
            for link in links
            for resource in (*RESOURCES, "bogus")
            if _outcome(link_id, link, resource) != _outcome(reference_link_id, link, resource)
        ]
        assert differing == []
