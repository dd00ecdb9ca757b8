"""Attacks on the ninth session's hot-path changes: ``adapters.together.both``, Astra's
uncopied items, a stored GET searched for secrets once, remembered FeatureBase backup IDs.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import itertools
import logging
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator, Iterator
from typing import Any

import httpx
import pytest
import uvloop

from adapters.astra.adapter import AstraAdapter
from adapters.featurebase import mapping as fb_mapping
from adapters.together import both
from adapters.upstream.http import HttpSettings
from tests.astra.conftest import ACCOUNT, astra_gateway
from tests.cached_upstream import cached_http
from tests.gateway_client import GatewayClient, error_codes

# -- 1. both(): the cases gather covered, on asyncio and on uvloop ----------------------

LOOPS: dict[str, Callable[[Coroutine[Any, Any, Any]], Any]] = {
    "asyncio": asyncio.run,
    "uvloop": uvloop.run,
}


class Stop(BaseException):
    """A BaseException that is neither KeyboardInterrupt nor SystemExit (which asyncio
    lets out of the loop): a task keeps it as its outcome."""


def _run_reporting(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
    scenario: Callable[[], Awaitable[Any]],
) -> tuple[Any, list[dict[str, Any]]]:
    """``scenario`` run on a fresh loop, and what the loop's exception handler was told
    (exceptions never retrieved, tasks destroyed pending), the garbage collected first."""
    reported: list[dict[str, Any]] = []

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: reported.append(context))
        result = await scenario()
        for _ in range(3):
            await asyncio.sleep(0.01)
            gc.collect()
        return result

    return run(main()), reported


def _messages(reported: list[dict[str, Any]]) -> list[str]:
    return [str(c.get("message")) for c in reported]


@pytest.fixture(params=sorted(LOOPS))
def run(request: pytest.FixtureRequest) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    return LOOPS[request.param]


def test_a_second_that_failed_before_the_caller_was_cancelled_is_not_reported(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
) -> None:
    """The second fails at once; the first still waits; the caller is cancelled. The
    second's failure is never awaited: it must not be logged as never retrieved."""

    async def scenario() -> str:
        failed = asyncio.Event()  # made in the loop that runs it

        async def first() -> None:
            await asyncio.sleep(10)

        async def second() -> None:
            failed.set()
            raise KeyError("second")

        caller = asyncio.ensure_future(both(first(), second()))
        await asyncio.wait_for(failed.wait(), 1)
        await asyncio.sleep(0)
        caller.cancel()
        try:
            await caller
        except asyncio.CancelledError:
            return "cancelled"
        finally:
            del caller  # its CancelledError's traceback holds both()'s frame and task
        return "not cancelled"

    outcome, reported = _run_reporting(run, scenario)
    assert outcome == "cancelled"
    assert _messages(reported) == []


def test_both_failing_raises_the_firsts_and_retrieves_the_seconds(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
) -> None:
    async def scenario() -> str:
        async def first() -> None:
            await asyncio.sleep(0.01)
            raise LookupError("first")

        async def second() -> None:
            raise KeyError("second")  # fails first, in time

        try:
            await both(first(), second())
        except LookupError as exc:
            return str(exc)
        return "no error"

    outcome, reported = _run_reporting(run, scenario)
    assert outcome == "first"
    assert _messages(reported) == []


def test_a_base_exception_of_the_first_leaves_the_second_running_and_retrieved(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
) -> None:
    async def scenario() -> list[str]:
        ended: list[str] = []

        async def first() -> None:
            raise Stop

        async def second() -> None:
            await asyncio.sleep(0.01)
            ended.append("second")
            raise KeyError("second")

        try:
            await both(first(), second())
        except Stop:
            ended.append("caller")
        await asyncio.sleep(0.05)
        return ended

    ended, reported = _run_reporting(run, scenario)
    assert ended == ["caller", "second"]
    assert _messages(reported) == []


def test_cancelling_the_caller_while_it_awaits_the_second_cancels_the_second(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
) -> None:
    async def scenario() -> list[str]:
        ended: list[str] = []
        waiting = asyncio.Event()

        async def first() -> str:
            return "first"  # done: the caller now awaits the second's task

        async def second() -> None:
            try:
                waiting.set()
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                ended.append("second cancelled")
                raise

        caller = asyncio.ensure_future(both(first(), second()))
        await asyncio.wait_for(waiting.wait(), 1)
        caller.cancel()
        try:
            await caller
        except asyncio.CancelledError:
            ended.append("caller cancelled")
        del caller
        await asyncio.sleep(0)
        return ended

    ended, reported = _run_reporting(run, scenario)
    assert sorted(ended) == ["caller cancelled", "second cancelled"]
    assert _messages(reported) == []


def test_a_deadline_over_both_ends_both_as_a_timeout(
    run: Callable[[Coroutine[Any, Any, Any]], Any],
) -> None:
    async def scenario() -> tuple[str, int]:
        async def slow() -> None:
            await asyncio.sleep(10)

        try:
            async with asyncio.timeout(0.02):
                await both(asyncio.sleep(0), slow())  # the deadline meets the second
        except TimeoutError:
            outcome = "timeout"
        else:
            outcome = "no timeout"
        await asyncio.sleep(0)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return outcome, len(others)

    (outcome, others), reported = _run_reporting(run, scenario)
    assert (outcome, others) == ("timeout", 0)  # no task of the second's left running
    assert _messages(reported) == []


# -- 1. both() in the Astra adapter: the same answers as gather gave ---------------------


async def _gathered(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    """What the adapter did before ``both`` (0411d38): ``asyncio.gather`` of the two."""
    a, b = await asyncio.gather(first, second)
    return a, b


@pytest.fixture(params=["both", "gather"])
def joined(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "gather":
        monkeypatch.setattr("adapters.astra.adapter.both", _gathered)
    return str(request.param)


BACKUPS = (
    "{ databases(first: 200, filter: {vendor: ASTRA}) { nodes { name backups { name kind } } } }"
)
PEOPLE = "{ organizations(vendor: ASTRA) { name members { email } invitations { email } } }"


@pytest.fixture
async def astra_caplog(caplog: pytest.LogCaptureFixture) -> AsyncIterator[GatewayClient]:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    async with astra_gateway() as gw:
        yield gw


def _asyncio_complaints(caplog: pytest.LogCaptureFixture) -> list[str]:
    gc.collect()
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "asyncio"
        and ("never retrieved" in r.getMessage() or "destroyed" in r.getMessage())
    ]


@pytest.mark.parametrize(
    ("failing", "slow"),
    [
        ("appSnaps", None),
        ("appBackups", None),
        ("appSnaps", "appBackups"),  # the second fails while the first still waits
        ("appBackups", "appSnaps"),  # the first fails while the second still waits
    ],
)
async def test_one_failing_protection_listing_fails_the_backups_field_alone(
    joined: str,
    astra_caplog: GatewayClient,
    caplog: pytest.LogCaptureFixture,
    failing: str,
    slow: str | None,
) -> None:
    gw = astra_caplog
    sim = gw.simulator("astra")
    sim.faults.add(404, path=f"{ACCOUNT}/k8s/v1/apps/[^/]+/{failing}$", times=None)
    if slow is not None:
        sim.faults.add_latency(0.05, path=f"{ACCOUNT}/k8s/v1/apps/[^/]+/{slow}$")

    body = await gw.post(BACKUPS)
    await asyncio.sleep(0.1)  # what runs on after the answer has ended

    nodes = body["data"]["databases"]["nodes"]
    assert nodes and all(n["backups"] is None for n in nodes)
    assert set(error_codes(body)) == {"NOT_FOUND"}
    assert len(body["errors"]) == len(nodes)
    assert _asyncio_complaints(caplog) == []


@pytest.mark.parametrize("failing", ["users", "roleBindings"])
async def test_one_failing_people_listing_fails_members_and_invitations_alone(
    joined: str, astra_caplog: GatewayClient, caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    gw = astra_caplog
    sim = gw.simulator("astra")
    sim.faults.add(503, path=f"{ACCOUNT}/core/v1/{failing}$", method="GET", times=None)

    body = await gw.post(PEOPLE)
    await asyncio.sleep(0.05)

    (org,) = body["data"]["organizations"]
    assert org["name"] and org["members"] is None and org["invitations"] is None
    assert set(error_codes(body)) == {"UPSTREAM_UNAVAILABLE"}
    assert _asyncio_complaints(caplog) == []


async def test_the_astra_reads_run_inline_set_no_context_variable() -> None:
    """``both`` runs its first awaitable in the caller's context: the reads given to it
    (an app's backups, the users) must set no context variable the caller would see."""
    async with astra_gateway() as gw:
        adapter = gw.runtime.adapters["astra"]
        assert isinstance(adapter, AstraAdapter)
        app_id = (await adapter.client.apps())[0]["id"]
        before = dict(contextvars.copy_context())
        await adapter.client.protections(app_id, "appBackups")
        await adapter.client.users()
        after = dict(contextvars.copy_context())

    assert after == before


# -- 2. decode_booleans: no two readers hold one item ------------------------------------


async def test_joiners_of_one_astra_listing_get_items_of_their_own() -> None:
    """Two reads of one app's backups share one GET (single-flight); the items, now not
    copied by ``decode_booleans``, must still be each reader's own."""
    async with astra_gateway() as gw:
        adapter = gw.runtime.adapters["astra"]
        assert isinstance(adapter, AstraAdapter)
        sim = gw.simulator("astra")
        app_id = ""
        for app in await adapter.client.apps():
            if await adapter.client.protections(app["id"], "appBackups"):
                app_id = app["id"]
                break
        assert app_id  # the seeded account has an app with backups
        gw.expire_cache()
        sim.faults.add_latency(0.05, path=f"{ACCOUNT}/k8s/v1/apps/[^/]+/appBackups$", times=1)
        before = sim.log.count("GET", f"{ACCOUNT}/k8s/v1/apps/{app_id}/appBackups")
        one, two = await asyncio.gather(
            adapter.client.protections(app_id, "appBackups"),
            adapter.client.protections(app_id, "appBackups"),
        )
        sent = sim.log.count("GET", f"{ACCOUNT}/k8s/v1/apps/{app_id}/appBackups") - before

    assert sent == 1  # one GET, two readers
    assert one and one == two
    assert all(a is not b for a, b in zip(one, two, strict=True))
    one[0]["name"] = "changed by the first reader"
    assert two[0]["name"] != "changed by the first reader"


# -- 3. a stored GET searched for secrets once -------------------------------------------


ORGS = "https://api.clickhouse.cloud/v1/organizations"


async def test_a_body_found_clean_before_a_secret_was_learnt_is_stored_scrubbed() -> None:
    """The parse found the body clean; a secret it holds is learnt before the store: the
    store must search again (the found-clean mark is for the scrubber's old version)."""
    secret = "tok-learnt-between-parse-and-store-0123"
    body = httpx.Response(200, json={"result": [{"note": secret}]})

    http = cached_http(lambda request: body)
    response = await http.request("GET", "/v1/organizations")
    assert http._readable(response)  # parsed, found clean: the secret is not known yet
    assert response.found_clean(http.scrubber.version)
    http.scrubber.learn({"authorization": f"Bearer {secret}"})
    assert http._readable(response)  # parsed again: its old parse is for the old version
    stored = http._shareable(response)
    await http.aclose()

    assert secret.encode() not in stored
    assert b"[redacted]" in stored


async def test_a_retried_get_stores_the_credential_its_retry_sent_scrubbed() -> None:
    """The first attempt fails; the retry sends a new credential and its answer echoes
    it: the answer stored is scrubbed of what the retry taught the scrubber."""
    tokens = (f"rotated-token-{i}-0123456789abcdef" for i in itertools.count())

    class Rotating(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            request.headers["Authorization"] = f"Bearer {next(tokens)}"
            yield request

    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            return httpx.Response(503, json={"status": 503, "error": "busy"})
        echoed = request.headers["Authorization"].partition(" ")[2]
        return httpx.Response(200, json={"status": 200, "result": [{"echo": echoed}]})

    http = cached_http(
        handler, settings=HttpSettings(retry_attempts=2, retry_backoff=0.0), auth=Rotating()
    )

    async def no_sleep(seconds: float) -> None:
        return None

    http.sleep = no_sleep
    read = http.json(await http.get("/v1/organizations"))
    assert http.cache is not None
    entry = await http.cache.backend.get(http.cache.scope, ORGS)
    await http.aclose()

    assert attempts == 2
    assert entry is not None
    assert b"rotated-token-1" not in entry.body and b"[redacted]" in entry.body
    assert "rotated-token-1" not in str(read)


async def test_a_text_body_is_searched_before_it_is_stored() -> None:
    secret = "text-secret-0123456789abcdef-xyz"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=f'metric{{key="{secret}"}} 1\n'.encode(),
            headers={"content-type": "text/plain"},
        )

    http = cached_http(handler)
    http.scrubber.add(secret)
    await http.get("/v1/organizations")
    assert http.cache is not None
    entry = await http.cache.backend.get(http.cache.scope, ORGS)
    await http.aclose()

    assert entry is not None
    assert secret.encode() not in entry.body


# -- 4. remembered FeatureBase backup IDs -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "s3://fb/backup.tar",
        "",
        "\u00e9" * fb_mapping.REMEMBERED_NAME,
        "\U0001f600" * fb_mapping.REMEMBERED_NAME,
        "x" * (fb_mapping.REMEMBERED_NAME + 1),
        "https://h/\u0000\n\t?&#",
    ],
)
def test_a_backup_id_is_the_uuid5_of_its_url_remembered_or_not(name: str) -> None:
    expected = str(uuid.uuid5(uuid.NAMESPACE_URL, name)) if name else None
    for _ in range(2):  # derived, then remembered
        got = fb_mapping.backup_id("db", {"url": name})
        if expected is not None:
            assert got == expected


def test_a_lone_surrogate_fails_as_uuid5_fails_and_is_not_remembered() -> None:
    name = "s3://fb/\ud800"
    with pytest.raises(UnicodeEncodeError):
        uuid.uuid5(uuid.NAMESPACE_URL, name)
    before = fb_mapping._remembered_uuid5.cache_info().currsize
    for _ in range(2):
        with pytest.raises(UnicodeEncodeError):
            fb_mapping.backup_id("db", {"url": name})
    assert fb_mapping._remembered_uuid5.cache_info().currsize == before


def test_a_non_string_url_is_not_a_key_of_the_memory() -> None:
    # a number or an object as the URL: the fields that tell backups apart stand in
    for url in (12345, {"a": 1}, ["x"], True):
        got = fb_mapping.backup_id("db", {"url": url, "timestamp": 1, "size": 2})
        uuid.UUID(got)


@pytest.fixture
def empty_memory() -> Iterator[None]:
    fb_mapping._remembered_uuid5.cache_clear()
    yield
    fb_mapping._remembered_uuid5.cache_clear()


@pytest.mark.parametrize("wide", ["x", "\u00e9", "\u20ac", "\U0001f600"])
def test_remembered_backup_ids_stay_within_their_stated_memory(
    empty_memory: None, wide: str
) -> None:
    """The memory's bound (about 3 MB) holds for names of the widest characters: a
    vendor's 4,096 URLs of 512 emoji are 2 KB each, not 512 bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(fb_mapping.BACKUP_IDS + 100):
            name = f"s3://{i:08d}/" + wide * (fb_mapping.REMEMBERED_NAME - 14)
            assert len(name) <= fb_mapping.REMEMBERED_NAME
            fb_mapping.backup_id("db", {"url": name})
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fb_mapping._remembered_uuid5.cache_info().currsize <= fb_mapping.BACKUP_IDS
    assert held < 3.5e6
