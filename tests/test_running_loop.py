"""``running_loop()`` answers as ``asyncio.get_running_loop()`` in every case it remembers."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest
import uvloop

from adapters.running_loop import running_loop


async def both() -> tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]:
    return running_loop(), asyncio.get_running_loop()


def test_each_loop_run_in_turn_in_one_thread_is_the_running_one() -> None:
    seen = []
    for run in (asyncio.run, uvloop.run, asyncio.run):
        ours, theirs = run(both())
        assert ours is theirs
        seen.append(ours)
    assert len({id(loop) for loop in seen}) == 3


def test_no_loop_running_is_refused_as_asyncio_refuses_it() -> None:
    asyncio.run(both())  # one remembered, and now stopped
    with pytest.raises(RuntimeError, match="no running event loop"):
        running_loop()


def test_each_thread_has_its_own() -> None:
    found: dict[str, tuple[object, object]] = {}
    started = threading.Barrier(2)

    def run(name: str) -> None:
        async def main() -> None:
            started.wait(timeout=10)  # both loops run at once
            found[name] = await both()

        asyncio.run(main())

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert found["a"][0] is found["a"][1]
    assert found["b"][0] is found["b"][1]
    assert found["a"][0] is not found["b"][0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_child_forked_while_the_loop_runs_forgets_it() -> None:
    async def fork_here() -> int:
        running_loop()  # remembered in the parent, running as it forks
        pid = os.fork()
        if pid == 0:  # the child: a loop of its own
            try:
                ours, theirs = asyncio.run(both())
                os._exit(0 if ours is theirs else 3)
            except BaseException:
                os._exit(4)
        for _ in range(2000):  # a child stuck on a lock another thread held fails the test
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            await asyncio.sleep(0.01)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return -1

    assert asyncio.run(fork_here()) == 0
