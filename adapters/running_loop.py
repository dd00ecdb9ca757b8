"""``running_loop()``: ``asyncio.get_running_loop()`` without a system call each time.

On Python 3.11, ``get_running_loop`` asks the kernel for the process ID on every call
(``getpid``: a loop inherited through ``fork`` must not be taken for the child's own).
The hot path asked about 1,160 times a cold dashboard (each upstream call four times, each
load once): 240 ns a call on these machines, against about 140 ns here. The loop is
remembered per thread. ``is_running()`` does not say the loop runs *in this thread*: a loop
stopped here and run on in another thread since is running, but not here. asyncio's own
loops say which thread runs them (``_thread_id``), and that is what is checked for them.
uvloop's loops do not say it (and asking ``get_running_loop`` each time costs more than
this saves): for them ``is_running()`` is checked, so a uvloop loop moved from this thread
to another one while this thread still uses ``running_loop()`` would be answered here.
Nothing here moves a loop between threads (uvicorn runs one loop in its main thread; tests
and benchmarks run each loop in the thread that made it). A forked child forgets the loop.
"""

from __future__ import annotations

import asyncio
import os
import threading

_get_ident = threading.get_ident


class _Remembered(threading.local):
    loop: asyncio.AbstractEventLoop | None = None
    #: this thread's ident, for a loop that says which thread runs it (``_thread_id``);
    #: ``None`` for one that does not (uvloop's: ``is_running()`` is all there is)
    thread: int | None = None


_here = _Remembered()


def running_loop() -> asyncio.AbstractEventLoop:
    """The running loop of this thread; RuntimeError where none runs, as asyncio's."""
    here = _here
    loop = here.loop
    if loop is not None:
        thread = here.thread
        if thread is None:
            if loop.is_running():
                return loop
        elif loop._thread_id == thread:  # type: ignore[attr-defined]
            return loop
    loop = here.loop = asyncio.get_running_loop()
    here.thread = _get_ident() if isinstance(loop, asyncio.BaseEventLoop) else None
    return loop


def _forget() -> None:
    global _here
    _here = _Remembered()


os.register_at_fork(after_in_child=_forget)
